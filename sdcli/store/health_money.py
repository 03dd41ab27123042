"""`sdcli doctor`'s check of the money older versions stored (both backends): a currency that is
no ISO 4217 code ("SOL", "R$", "US$" in a change's cost or an SSR's price), an amount with more
decimals than its currency has (100.5 CLP). Reported with the ticket, the field and the value;
never repaired (`--fix` leaves them: only the desk knows what was meant or charged). No CLI imports."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sdcli import amounts, money
from sdcli.i18n import Notice, Shown

#: the stored fields that hold an amount and its currency
FIELDS = ("price", "cost")


class MoneyCheck:
    """The desk's list of currencies, read once for a whole store."""

    def __init__(self, home: Path | None) -> None:
        self.home, data = home, money.table(home)
        self.codes: dict[str, str] = data["codes"]
        self.words: dict[str, Any] = data.get("words", {})

    def problems(self, tid: str, doc: dict[str, Any]) -> list[Shown]:
        out: list[Shown] = []
        for name in FIELDS:
            value = doc.get(name)
            if isinstance(value, dict) and ("currency" in value or "amount" in value):
                out += self._of(tid, name, value)
        return out

    def _of(self, tid: str, name: str, value: dict[str, Any]) -> list[Shown]:
        code = value.get("currency")
        if not (isinstance(code, str) and code in self.codes):
            read = self._reads_as(code)
            field = f"{name}.currency"
            if read:
                return [Notice("doctor.currency_reads_as", id=tid, field=field, value=repr(code), code=read)]
            return [Notice("doctor.currency_not_iso", id=tid, field=field, value=repr(code))]
        amount, digits = value.get("amount"), money.minor_unit(code, self.home)
        if (
            isinstance(amount, int | float)
            and not isinstance(amount, bool)
            and not amounts.fits(amount, digits)
        ):
            return [Notice("doctor.amount_decimals", id=tid, field=f"{name}.amount", value=amount,
                            currency=code, digits=digits)]  # fmt: skip
        return []

    def _reads_as(self, code: Any) -> str | None:
        """The one code sdcli reads the stored text as today ("SOL" → PEN, "R$" → BRL), if any."""
        if not isinstance(code, str):
            return None
        if code.strip().upper() in self.codes and code.strip().isascii():
            return code.strip().upper()  # "usd": a code in other case
        key = money.fold(code)
        found = self.words.get(key, self.words.get(key.rstrip("."))) if key else None
        return found if isinstance(found, str) else None


def money_problems(home: Path | None, tickets: Iterable[tuple[str, dict[str, Any]]]) -> list[Shown]:
    """The problems of the money of `tickets` (id, document), in their order."""
    check = MoneyCheck(home)
    return [p for tid, doc in tickets for p in check.problems(tid, doc)]
