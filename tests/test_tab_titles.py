"""Each tab's title starts with its own icon, the same in English, Korean and the README's table of tabs."""

from importlib import import_module
from pathlib import Path

import pytest

from tabs import TAB_NAMES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
TITLE_KEYS = {name: "inspect.tab" if name == "inspector" else f"{name}.tab" for name in TAB_NAMES}


def title(name: str, language: str) -> str:
    return import_module(f"tabs.{name}").STRINGS[language][TITLE_KEYS[name]]


def icon(name: str, language: str = "en") -> str:
    return title(name, language).split(" ", 1)[0]


def test_no_two_tabs_share_an_icon():
    icons = [icon(name) for name in TAB_NAMES]
    assert sorted(icons) == sorted(set(icons)), {i: [n for n in TAB_NAMES if icon(n) == i] for i in icons}


@pytest.mark.parametrize("name", TAB_NAMES)
def test_a_tab_has_one_icon_in_both_languages_and_in_the_readme(name):
    assert icon(name, "ko") == icon(name)
    assert f"\n| {icon(name)} " in README
