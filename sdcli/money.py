"""Currencies: the ISO 4217 codes a price or a cost is kept in (sdcli/data/currencies.toml), and
what agents write for them ("S/", "soles", "R$", "reais"). No CLI imports.

A code the list does not hold is refused (SOL, XYZ were once stored as currencies of their own
and totalled apart on an invoice); a word that stands for one currency is read as it and said
back; a word that stands for several ("pesos", "$") is refused naming them, the site's
country's first: a cost is never taken in a currency the agent did not name."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sdcli import amounts
from sdcli.amounts import Written
from sdcli.errors import ConfigError, InvalidValue
from sdcli.home import load_data
from sdcli.i18n import Message


def table(home: Path | None = None) -> dict[str, Any]:
    """currencies.toml: codes (code → name), words (folded word → code or codes), countries."""
    return load_data("currencies", home)  # type: ignore[no-any-return]


def fold(text: str) -> str:
    """A word as the list compares it: no case, accents, spaces or trailing dots ("S/." keeps its
    dot: it is listed as written)."""
    bare = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in bare if not unicodedata.combining(c) and not c.isspace())


def currency(
    field: str, value: Any, home: Path | None = None, *, country: str | Callable[[], str | None] | None = None,
    notes: list[Any] | None = None,
) -> str:  # fmt: skip
    """The ISO 4217 code `value` names: a listed code in any case, or a word for exactly one
    (told in `notes`). InvalidValue for anything else, naming the codes an ambiguous word may
    mean (the currency of the site's `country` first, when it is one of them)."""
    data = table(home)
    codes: dict[str, str] = data["codes"]
    text = value.strip() if isinstance(value, str) else ""
    if text.upper() in codes and text.isascii():
        return text.upper()
    words: dict[str, Any] = data.get("words", {})
    key = fold(text)
    found = words.get(key, words.get(key.rstrip("."))) if key else None
    if isinstance(found, str):
        if notes is not None:
            notes.append(Message("note.currency_read_as", field=field, text=text, code=found))
        return found
    if isinstance(found, list):
        site = country() if callable(country) else country
        local = data.get("countries", {}).get(str(site or "").upper())
        choices = sorted(found, key=lambda c: c != local)
        if local in found:
            raise InvalidValue(field, value, "invalid.currency_which_site", codes=", ".join(choices),
                               country=str(site).upper(), code=local)  # fmt: skip
        raise InvalidValue(field, value, "invalid.currency_which", codes=", ".join(choices))
    raise InvalidValue(field, value, "invalid.currency")


def configured(value: Any, where: str, home: Path | None = None) -> str:
    """A currency written in a data file (a price of ssr.toml, of contracts.toml): its ISO 4217
    code in capitals, or ConfigError naming the file and the key."""
    codes: dict[str, str] = table(home)["codes"]
    code = str(value).strip().upper()
    if code not in codes or not code.isascii():
        raise ConfigError("error.currency_in_file", where=where, value=repr(value))
    return code


def minor_unit(code: str, home: Path | None = None) -> int:
    """The decimals an amount in `code` may have: ISO 4217's minor unit (CLP 0, USD 2, KWD 3), as
    currencies.toml's [minor_units] lists it; 2 for a code it does not list."""
    return int(table(home).get("minor_units", {}).get(code, 2))


def amount(field: str, value: Any, code: str, home: Path | None = None) -> float:
    """An amount of `code` as people type it (amounts.amount): more decimals than the currency
    has are refused, naming the currency and its unit."""
    return amounts.amount(field, value, code, minor_unit(code, home))


def configured_amount(value: Any, code: str, where: str, home: Path | None = None) -> float:
    """An amount written in a data file (a price of ssr.toml, of contracts.toml) in `code`, or
    ConfigError naming the file and the key when it has more decimals than the currency has."""
    digits = minor_unit(code, home)
    if not amounts.fits(float(value), digits):
        raise ConfigError(
            "error.amount_in_file", where=where, value=repr(value), currency=code, digits=digits
        )
    return float(value)


def decimals(value: float, code: str, home: Path | None = None) -> int:
    """The decimals a stored amount of `code` is shown with: its currency's, or more where an older
    version stored more (100.5 CLP is shown as it is, never rounded away: doctor reports it)."""
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    return max(minor_unit(code, home), -exponent if isinstance(exponent, int) else 0)


def shown(value: float, code: str, home: Path | None = None) -> Written:
    """A stored amount of `code` to show back: its currency's decimals, the session's writing."""
    return amounts.shown(value, decimals(value, code, home))
