"""Decimal numbers for people and for JSON: plain text, JSON numbers, percentages.

Every amount, goal and percentage in kxplan is a Decimal. This module is the one place that
writes them out (``format_number``, ``decimal_json``) and rounds them half up (四舍五入): to
one decimal (``round1``, ``percent``), or to a target's own precision (``format_places``:
expected pace and projections of a whole-count target are whole numbers). It imports
nothing from kxplan.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

_ONE_DECIMAL = Decimal("0.1")
_HUNDRED = Decimal(100)


MAX_LITERAL_LENGTH = 200
MAX_LITERAL_EXPONENT = 1000
_EXPONENT_RE = re.compile(r"[eE]([+-]?)0*([0-9]*)$")


def exact_decimal(text: str) -> Decimal | int:
    """A decimal literal (already matched as one) as an exact Decimal, checked first.

    Python's ``Decimal("1e9999999999999999999")`` raises, and ``Decimal("1e-2000000") * 1000``
    silently underflows to 0: an absurd exponent or length is refused *before* any
    arithmetic. Returns the Decimal, or ``+1`` (too large) / ``-1`` (too small) for a literal
    whose exponent is beyond ±1000 or that is longer than 200 characters.
    """
    found = _EXPONENT_RE.search(text)
    if found and len(found.group(2)) > 4 or found and int(found.group(2)) > MAX_LITERAL_EXPONENT:
        return -1 if found.group(1) == "-" else 1
    if len(text) > MAX_LITERAL_LENGTH:
        return 1
    return Decimal(text)


def format_number(value: Decimal | int | None) -> str:
    """A number as a person writes it: no exponent or trailing zeros (``10``, ``2.5``); None → ``""``."""
    if value is None:
        return ""
    text = format(value if isinstance(value, Decimal) else Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def decimal_json(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: an int when whole, else the float of its exact text."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def round1(value: Decimal) -> Decimal:
    """Round half up (四舍五入) to one decimal place, however large ``value`` is."""
    with localcontext() as context:
        # quantize needs every digit of the result: raise the precision when the default
        # 28 significant digits would not hold them (it would raise InvalidOperation)
        context.prec = max(context.prec, value.adjusted() + 3)
        return value.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def round_places(value: Decimal, places: int) -> Decimal:
    """Round half up (四舍五入) to ``places`` decimal places, however large ``value`` is."""
    with localcontext() as context:
        context.prec = max(context.prec, value.adjusted() + places + 2)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_places(value: Decimal | None, places: int) -> str:
    """A computed amount (序时进度, a projection) at a target's precision, rounded half up.

    ``places`` is the target's ``decimals``: 0 for whole counts (3384.6 名 expected → ``3385``),
    N for a ``decimals: N`` target. None → ``""``.
    """
    if value is None:
        return ""
    return format_number(round_places(value, places))


def within_places(number: Decimal, places: int) -> bool:
    """Whether ``number`` has at most ``places`` decimal places (``2.50`` has one: 2.5)."""
    with localcontext() as context:
        context.prec = max(context.prec, number.adjusted() + places + 2)
        return number == number.quantize(Decimal(1).scaleb(-places))


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """``part / whole`` as a percentage rounded half up to one decimal (``Decimal("60.0")``)."""
    return round1(part * _HUNDRED / whole)
