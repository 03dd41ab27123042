"""Numbers as people type them (a cost, a number of hours), whatever their language writes: with
both separators the last one is the decimal one (1.500,50 and 1,500.50 are 1500.5); one separator
is the decimal one (1,5 and 1.5 are 1.5) unless it is followed by exactly three digits, which reads
either way (1.500 is 1500 in Spanish, 1.5 in English) and is refused naming both readings; a
separator repeated groups thousands (1.500.000). No CLI imports."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from sdcli.errors import InvalidValue
from sdcli.i18n import template

_SHAPE = re.compile(r"[+-]?[0-9.,]*[0-9][0-9.,]*")
#: the largest cost sdcli stores (beyond any invoice)
MOST = Decimal(10) ** 12


class Written:
    """A number as a language writes it: 1.5 in English, 1,5 in Spanish and Portuguese (the
    catalogue's number.decimal_mark), rendered when shown."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def render(self, code: str | None = None) -> str:
        return self.text.replace(".", template("number.decimal_mark", code) or ".")

    def __str__(self) -> str:
        return self.text


def read(field: str, value: Any, reason: str = "invalid.number") -> Decimal:
    """The number `value` is (text as people type it, or a JSON number), else InvalidValue:
    `reason` for what is no number, invalid.number_ambiguous for 1.500 or 1,500."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return Decimal(str(value))
    text = value.strip() if isinstance(value, str) else ""
    if not _SHAPE.fullmatch(text):
        raise InvalidValue(field, value, reason)
    sign, body = (text[0], text[1:]) if text[0] in "+-" else ("", text)
    parts = _parts(body)
    if parts is None:
        raise InvalidValue(field, value, reason)  # 1.5.0,1 or 1,50.000,5; 15, with nothing after
    whole, frac = parts
    if body.count(".") + body.count(",") == 1 and len(frac) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0":
        raise _ambiguous(field, value, sign.lstrip("+") + whole, frac)
    return Decimal(f"{sign}{whole or '0'}.{frac or '0'}")


def _parts(body: str) -> tuple[str, str] | None:
    """(the digits before the decimal mark, those after) of a number's text without its sign,
    its thousands marks taken out; None where it is no number."""
    marks = [c for c in body if c in ".,"]
    if not marks:
        return body, ""
    if len(set(marks)) == 1 and len(marks) > 1:  # 1.500.000: thousands only
        grouped = _grouped(body, marks[0])
        return None if grouped is None else (grouped, "")
    whole, _, frac = body.rpartition(marks[-1])  # one mark, or the last of two kinds: the decimal one
    if len(marks) > 1:  # 1.500,50 and 1,500.50
        grouped = _grouped(whole, "," if marks[-1] == "." else ".") if marks[-1] not in whole else None
        if grouped is None:
            return None
        whole = grouped
    return (whole, frac) if frac else None


def _grouped(whole: str, mark: str) -> str | None:
    """The digits of `whole` with its thousands marks taken out (1.500.000 -> 1500000); None
    where a group is not three digits after a first of one to three."""
    first, *rest = whole.split(mark)
    if not 1 <= len(first) <= 3 or any(len(g) != 3 for g in rest):
        return None
    return first + "".join(rest)


def _ambiguous(field: str, value: Any, whole: str, frac: str) -> InvalidValue:
    """1.500: 1500 or 1.5, and how to write each so that it reads one way (`whole` with its sign)."""
    short = frac.rstrip("0") or "0"
    written = short.ljust(2, "0") if len(short) < 3 else short + "0"
    return InvalidValue(field, value, "invalid.number_ambiguous", thousands=whole + frac,
                        decimal=Written(f"{whole}.{short}"), decimal_form=Written(f"{whole}.{written}"))  # fmt: skip


def amount(field: str, value: Any, currency: str, digits: int) -> float:
    """A cost as stored: read as people type it, from 0 to MOST, with no more decimals than its
    currency has (`digits`, ISO 4217's minor unit: 100.50 CLP is refused, naming CLP and its 0;
    100.00 CLP is 100). Never rounded: 10.505 USD is no amount of dollars."""
    got = read(field, value)
    if not 0 <= got <= MOST:
        raise InvalidValue(field, value, "invalid.out_of_range")
    if not fits(got, digits):
        raise InvalidValue(field, value, decimals_reason(digits), currency=currency, digits=digits)
    return float(got.quantize(Decimal(1).scaleb(-digits)))


def fits(value: Decimal | float, digits: int) -> bool:
    """Whether `value` has no more decimals than `digits` (a float as it prints: 45.5 has one)."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return exact == exact.quantize(Decimal(1).scaleb(-digits))


def decimals_reason(digits: int) -> str:
    """The catalogue key that refuses an amount with more decimals than its currency has."""
    return "invalid.amount_whole" if digits == 0 else "invalid.amount_decimals"


def shown(value: float, digits: int = 2) -> Written:
    """A stored amount to show back with its currency's decimals, in the session's writing
    (1500,00 USD in Spanish, 1500 CLP)."""
    return Written(f"{value:.{digits}f}")
