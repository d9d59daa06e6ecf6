"""Every visible label exists in Korean and in English."""

import re
from pathlib import Path

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
    sources = [ROOT / "app.py", *(ROOT / "tabs").glob("*.py")]
    used = {key for path in sources for key in re.findall(r'\btr\("([^"]+)"\)', path.read_text())}
    assert used, "the UI uses tr() for its labels"
    assert used - set(translations) == set()


def test_korean_texts_are_korean():
    korean = build_i18n(tab_modules()).translations_dict["ko"]
    hangul = re.compile("[\uac00-\ud7a3]")
    assert all(hangul.search(text) for key, text in korean.items() if not key.endswith(".title"))
