"""One value for text the user reads in English or Korean: notices as well as errors.

A function that has something to say returns ``Localized(en, ko)``; the words are chosen in one place,
``Localized.text(language)``, instead of an ``if language == "ko"`` next to every sentence.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Localized:
    """The same sentence in English and Korean; English stands in where no Korean was written."""

    en: str
    ko: str | None = None

    def text(self, language: str) -> str:
        """The words for ``language`` ("ko" or "en"; anything else reads as English)."""
        if language == "ko" and self.ko:
            return self.ko
        return self.en

    def format(self, **values: object) -> Localized:
        """Both sentences with ``str.format`` applied, for templates kept as data."""
        return Localized(self.en.format(**values), self.ko.format(**values) if self.ko else None)

    def __add__(self, other: Localized | str) -> Localized:
        """Sentences joined in both languages (a plain ``str`` is added to both as it is)."""
        if isinstance(other, str):
            other = Localized(other, other)
        return Localized(self.en + other.en, (self.ko or self.en) + (other.ko or other.en))
