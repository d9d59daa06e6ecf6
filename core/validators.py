"""Range checks for numbers a user typed, moved a slider to, or sent through the API; one message each.

Modelled on huggingface_hub's ``utils/_validators.py``: small functions that return the checked value or
raise, and quote the bad value. What is not a usable number is decided here once, for every caller:

- ``None``, ``True``/``False``, NaN and ±infinity are never numbers (JSON lets a script send each of them);
- a string is read as the number it spells (``"3"``, a table cell), anything else in it is refused;
- a whole number may arrive as a float (a slider sends ``5.0``); ``2.5`` is not whole.

Each failure is a ``BadInput`` in English and Korean that names the setting, the range and the value received.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from core.errors import BadInput

#: How much of a bad value a message quotes.
MAX_QUOTED = 40


def _as_number(value: Any) -> int | float | None:
    """``value`` as a finite int or float, or None when it is not one (see the module's rules)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                return None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def _quoted(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 1] + "…"


def _hinted(message: str, hint: str | None) -> str:
    return f"{message} {hint}" if hint else message


def whole_number(
    value: Any,
    name: str,
    low: int,
    high: int | None = None,
    *,
    name_ko: str | None = None,
    hint: str | None = None,
    hint_ko: str | None = None,
) -> int:
    """``value`` as an int from ``low`` to ``high`` inclusive (no upper bound when ``high`` is None).

    ``name`` is how the message names the setting at the start of a sentence ("`top_k`", "The number of runs");
    ``name_ko`` the same in Korean (``name`` when not given); ``hint``/``hint_ko`` a sentence added after it.

    Raises:
        BadInput: "<name> must be a whole number from <low> to <high>; got <value>." (and in Korean).
    """
    number = _as_number(value)
    if isinstance(number, int) or (isinstance(number, float) and number.is_integer()):
        whole = int(number)
        if low <= whole and (high is None or whole <= high):
            return whole
    got, label_ko = _quoted(value), name_ko or name
    if high is None:
        english = f"{name} must be a whole number of {low:,} or more; got {got}."
        korean = f"{label_ko} 값은 {low:,} 이상의 정수여야 해요. 입력값: {got}."
    else:
        english = f"{name} must be a whole number from {low:,} to {high:,}; got {got}."
        korean = f"{label_ko} 값은 {low:,}~{high:,} 사이의 정수여야 해요. 입력값: {got}."
    raise BadInput(_hinted(english, hint), ko=_hinted(korean, hint_ko or hint))


def number_in(
    value: Any,
    name: str,
    low: float,
    high: float,
    *,
    name_ko: str | None = None,
    hint: str | None = None,
    hint_ko: str | None = None,
) -> float:
    """``value`` as a float from ``low`` to ``high`` inclusive; the same rules and wording as ``whole_number``.

    Raises:
        BadInput: "<name> must be a number between <low> and <high>; got <value>." (and in Korean).
    """
    number = _as_number(value)
    if number is not None and low <= number <= high:
        return float(number)
    got, label_ko = _quoted(value), name_ko or name
    english = f"{name} must be a number between {low:g} and {high:g}; got {got}."
    korean = f"{label_ko} 값은 {low:g}~{high:g} 사이의 숫자여야 해요. 입력값: {got}."
    raise BadInput(_hinted(english, hint), ko=_hinted(korean, hint_ko or hint))


def finite_number(value: Any, name: str, *, name_ko: str | None = None) -> float:
    """``value`` as a finite float, for a number whose range is checked later (a table cell read before its row).

    Raises:
        BadInput: "<name> must be a number; got <value>." (and in Korean).
    """
    number = _as_number(value)
    if number is not None:
        return float(number)
    got = _quoted(value)
    raise BadInput(f"{name} must be a number; got {got}.", ko=f"{name_ko or name} 값은 숫자여야 해요. 입력값: {got}.")
