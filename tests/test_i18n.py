"""Every visible label exists in Korean and in English."""

import re
from importlib import import_module
from pathlib import Path
from types import ModuleType

import pytest

from tabs import tab_modules
from tabs.i18n import build_i18n

ROOT = Path(__file__).resolve().parent.parent


def test_every_key_has_korean_and_english():
    translations = build_i18n(tab_modules()).translations_dict
    assert set(translations) == {"en", "ko"}
    assert set(translations["en"]) == set(translations["ko"])
    assert all(text.strip() for lang in translations.values() for text in lang.values())


def test_every_key_used_in_the_ui_is_translated():
    translations = build_i18n(tab_modules()).translations_dict["ko"]
    sources = [ROOT / "app.py", *(ROOT / "tabs").rglob("*.py")]
    used = {key for path in sources for key in re.findall(r'\btr\("([^"]+)"\)', path.read_text())}
    assert used, "the UI uses tr() for its labels"
    assert used - set(translations) == set()


def test_korean_texts_are_korean():
    korean = build_i18n(tab_modules()).translations_dict["ko"]
    hangul = re.compile("[\uac00-\ud7a3]")
    assert all(hangul.search(text) for key, text in korean.items() if not key.endswith(".title"))


def test_a_key_defined_by_two_modules_is_refused():
    """Two tabs sharing a key would both show the later module's text (issue 14: the tokenizer lab's compare
    section showed the Compare models tab's intro)."""
    first = ModuleType("tabs.first")
    first.STRINGS = {"en": {"shared.intro": "First tab"}, "ko": {"shared.intro": "첫 탭"}}
    second = ModuleType("tabs.second")
    second.STRINGS = {"en": {"shared.intro": "Second tab"}, "ko": {"shared.intro": "둘째 탭"}}
    with pytest.raises(ValueError, match=r"'shared\.intro' \(tabs\.first and tabs\.second\)"):
        build_i18n([first, second])


def test_a_tab_module_cannot_redefine_a_shared_key():
    module = ModuleType("tabs.greedy")
    module.STRINGS = {"en": {"common.run": "Go"}, "ko": {"common.run": "가자"}}
    with pytest.raises(ValueError, match=r"'common\.run' \(tabs\.i18n and tabs\.greedy\)"):
        build_i18n([module])


def test_no_two_tab_modules_define_the_same_key():
    owners: dict[str, list[str]] = {}
    for module in tab_modules():
        for key in {key for table in module.STRINGS.values() for key in table}:
            owners.setdefault(key, []).append(module.__name__)
    assert {key: names for key, names in owners.items() if len(names) > 1} == {}
    build_i18n(tab_modules())  # and the app's own merge agrees


def _modules_with_strings() -> list[ModuleType]:
    names = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "tabs").rglob("*.py"))
    modules = [import_module(name.removesuffix(".__init__")) for name in names]
    return [m for m in modules if hasattr(m, "STRINGS") and m.__name__ != "tabs.i18n"]


def test_every_modules_strings_reach_the_browser():
    """Labels live in one place, the ``STRINGS`` of the module that shows them (issue 17); a section's table
    (tabs/finetune_data.py, tabs/tokenizer_compare.py …) is spread into its tab's, or its keys show raw."""
    shown = build_i18n(tab_modules()).translations_dict
    for module in _modules_with_strings():
        for lang in ("en", "ko"):
            lost = {key for key, text in module.STRINGS[lang].items() if shown[lang].get(key) != text}
            assert lost == set(), f"{module.__name__} defines {sorted(lost)} but no tab shows them"


def test_the_strings_check_sees_the_sections():
    names = {module.__name__ for module in _modules_with_strings()}
    assert {"tabs.finetune_data", "tabs.finetune_training", "tabs.tokenizer_compare", "tabs.detect"} <= names
