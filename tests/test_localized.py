"""Localized: one value for what the user reads in English or Korean, notices and errors alike."""

import re
from pathlib import Path

import pytest

from core.errors import BadInput, PlaygroundError
from core.localized import Localized

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("language", "expected"), [("en", "Queue: empty."), ("ko", "대기열: 비어 있어요.")])
def test_text_picks_the_language(language, expected):
    assert Localized("Queue: empty.", "대기열: 비어 있어요.").text(language) == expected


@pytest.mark.parametrize("language", ["auto", "", "fr"])
def test_anything_but_korean_reads_english(language):
    assert Localized("Hello", "안녕하세요").text(language) == "Hello"


def test_english_stands_in_where_no_korean_was_written():
    assert Localized("Hello").text("ko") == "Hello"
    assert Localized("Hello", "").text("ko") == "Hello"


def test_templates_and_sentences_join_in_both_languages():
    template = Localized("{n} rows", "{n}행")
    assert template.format(n=3) == Localized("3 rows", "3행")
    joined = Localized("Read.", "읽었어요.") + Localized(" No answer.", " 답이 없어요.") + " ✓"
    assert (joined.text("en"), joined.text("ko")) == ("Read. No answer. ✓", "읽었어요. 답이 없어요. ✓")


def test_an_error_carries_the_same_value():
    error = BadInput(Localized("Too long.", "너무 길어요."))
    assert (error.message, error.text("ko"), str(error)) == ("Too long.", "너무 길어요.", "Too long.")
    assert BadInput("Too long.", ko="너무 길어요.").localized == Localized("Too long.", "너무 길어요.")
    assert PlaygroundError("x").title("ko") == PlaygroundError.title_ko


def test_tabs_say_things_in_two_languages_through_localized():
    """No sentence is chosen with ``if language == "ko"`` in tabs/ (only the lookup of a string table's language)."""
    branches = []
    for path in sorted((ROOT / "tabs").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"""[!=]= ?["']ko["']""", line) and "STRINGS[" not in line:
                branches.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert branches == []
