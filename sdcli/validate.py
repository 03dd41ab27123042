"""Validation shared by every path: prompts, flags, files and imports.

Each validator takes the raw value (a string from a prompt, flag or CSV cell, or a JSON
value) and returns the value to store, or raises InvalidValue naming the field and value.
Validators of costly kinds (email, phone) are cached: imports see the same values often.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Any

from sdcli import clock
from sdcli.errors import InvalidValue, InvalidValues
from sdcli.shapes import RANGE, in_range, valid_unicode

TEXT_LIMIT = 10_000
_TRUE = {"y", "yes", "true", "1", "s", "si", "sí", "sim", "on"}
_FALSE = {"n", "no", "false", "0", "nao", "não", "off"}
_CONTACT = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>\s*(?P<phone>.*?)\s*$")


def text(field: str, value: Any, *, required: bool = False, limit: int = TEXT_LIMIT) -> str | None:
    if value is None:
        value = ""
    if not isinstance(value, str):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidValue(field, value, "expected text")
        value = str(value)
    value = value.strip()
    if not value:
        if required:
            raise InvalidValue(field, value, "must not be empty")
        return None
    if "\x00" in value:
        raise InvalidValue(field, value, "contains a NUL byte")
    if len(value) > limit:
        raise InvalidValue(field, value, f"is longer than {limit} characters")
    if not valid_unicode(value):  # invalid UTF-8 typed at a prompt or given in a file
        raise InvalidValue(field, value, "is not valid text (invalid UTF-8 or a lone surrogate)")
    return value


def sound(text: str) -> bool:
    """Text a fast path may take as it is: no NUL, valid Unicode (else validate.text says why)."""
    return "\x00" not in text and valid_unicode(text)


def yesno(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().casefold() in _TRUE:
        return True
    if isinstance(value, str) and value.strip().casefold() in _FALSE:
        return False
    raise InvalidValue(field, value, "expected yes or no")


def _norm(name: str) -> str:
    return name.strip().casefold().replace("-", "_").replace(" ", "_")


def choice_index(choices: list[dict[str, str]]) -> dict[str, str]:
    """Every accepted spelling (value, labels in each language) → the stored value."""
    index: dict[str, str] = {}
    for c in choices:
        for v in c.values():
            if isinstance(v, str):  # not the e-mail spellings (mail/labels.py reads those)
                index.setdefault(_norm(v), c["value"])
    return index


def choice(field: str, value: Any, choices: list[dict[str, str]], index: dict[str, str] | None = None) -> str:
    """A choice by its stored value or by its label in any language, case-insensitively."""
    if isinstance(value, str):
        found = (index if index is not None else choice_index(choices)).get(_norm(value))
        if found is not None:
            return found
    raise InvalidValue(field, value, "choose one of " + ", ".join(c["value"] for c in choices))


_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
)


def plain_email(value: str) -> str | None:
    """The normalised form of a plain ASCII address, as email-validator gives it, without its cost
    (about 60 µs an address); None when the address needs the full check."""
    m = _PLAIN_EMAIL.fullmatch(value)
    if not m or len(value) > 254 or value.index("@") > 64 or len(m.group(1)) > 253 or "--" in m.group(1):
        return None  # punycode and other reserved labels, overlong parts: email-validator decides
    from email_validator import SPECIAL_USE_DOMAIN_NAMES

    domain = m.group(1).lower()
    if any(domain == d or domain.endswith("." + d) for d in SPECIAL_USE_DOMAIN_NAMES):
        return None
    return value[: m.start(1)] + domain


@lru_cache(maxsize=65536)
def _email(value: str) -> str | None:
    fast = plain_email(value)
    if fast:
        return fast
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def email(field: str, value: Any) -> str:
    if isinstance(value, str) and len(value) <= 320 and "\x00" not in value:
        normalized = _email(value.strip())
        if normalized:
            return normalized
    raise InvalidValue(field, value, "not a valid email address")


@lru_cache(maxsize=65536)
def _phone(value: str, region: str | None) -> str | None:
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone(field: str, value: Any, region: str | None = None) -> str:
    """A phone number stored as E.164; a national number takes the site's country."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and 0 < len(value.strip()) <= 40:
        e164 = _phone(value.strip(), region)
        if e164:
            return e164
    where = f" for {region}" if region else ""
    raise InvalidValue(field, value, f"not a valid phone number{where} (use +CC... or a national number)")


_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")


def ip(field: str, value: Any) -> str:
    if isinstance(value, str):
        text = value.strip()
        if _IPV4.fullmatch(text):
            return text  # dotted quad without leading zeros: already the canonical form
        try:
            return str(ipaddress.ip_address(text))
        except ValueError:
            pass
    raise InvalidValue(field, value, "not an IPv4 or IPv6 address")


def instant(
    field: str, value: Any, tz: tzinfo | None = None, *, dayfirst: bool = False, relative_past: bool = False
) -> datetime:
    """A date-time from text (ISO, day-first, or relative with relative_past), within the years
    sdcli counts in: deadlines are computed from it, and year 9999 plus 4 hours is no date."""
    if not isinstance(value, str):
        raise InvalidValue(field, value, "expected a date and time")
    try:
        dt = clock.parse_when(
            value, field=field, default_tz=tz, dayfirst=dayfirst, relative_past=relative_past
        )
    except OverflowError:  # 99999999999d ago
        raise InvalidValue(field, value, "is out of range") from None
    if not in_range(dt):
        raise InvalidValue(field, value, RANGE)
    return dt


def when(field: str, value: Any, tz: tzinfo | None = None, *, dayfirst: bool = False) -> str:
    """A date-time stored as ISO 8601 with offset; without a zone it takes the site's."""
    return clock.iso(instant(field, value, tz, dayfirst=dayfirst))


def whens(field: str, value: Any, tz: tzinfo | None = None, *, dayfirst: bool = False) -> list[str]:
    items = _as_list(value, split=";")
    if not items:
        raise InvalidValue(field, value, "expected one or more dates and times")
    return [when(field, v, tz, dayfirst=dayfirst) for v in items]


def contact(field: str, value: Any, region: str | None = None) -> dict[str, str]:
    """{name, email, phone} from a dict or from 'Name <email> phone'; all three required."""
    if isinstance(value, str):
        m = _CONTACT.match(value)
        if not m:
            raise InvalidValue(field, value, "expected 'Name <email> phone'")
        value = m.groupdict()
    if not isinstance(value, dict):
        raise InvalidValue(field, value, "expected a contact {name, email, phone}")
    name = text(f"{field}.name", value.get("name"), required=True, limit=200)
    assert name is not None
    return {
        "name": name,
        "email": email(f"{field}.email", value.get("email")),
        "phone": phone(f"{field}.phone", value.get("phone"), region),
    }


def contacts(field: str, value: Any, region: str | None = None) -> list[dict[str, str]]:
    """One or more contacts: a list, 'Name <email> phone | ...', or that list as JSON text
    (what a CSV export writes when a name holds |, < or >)."""
    if isinstance(value, str) and value.lstrip().startswith("[{"):
        import json

        try:
            value = json.loads(value)
        except ValueError:
            pass
    items = _as_list(value, split="|")
    if not items:
        raise InvalidValue(field, value, "expected one or more contacts 'Name <email> phone'")
    return [contact(field, v, region) for v in items]


_HOURS = re.compile(
    r"^(?P<d1>mon|tue|wed|thu|fri|sat|sun)(?:-(?P<d2>mon|tue|wed|thu|fri|sat|sun))?\s+"
    r"(?P<h1>\d{1,2}):(?P<m1>\d\d)\s*-\s*(?P<h2>\d{1,2}):(?P<m2>\d\d)$",
    re.IGNORECASE,
)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_hours(value: str) -> list[tuple[int, int, int]] | None:
    """'24x7' or 'Mon-Fri 08:00-18:00[, Sat 09:00-13:00]' → [(weekday, start_min, end_min)].

    None when the text is free-form (it is then kept as text).
    """
    v = value.strip().lower().replace(" ", "") if value else ""
    if v in ("24x7", "24/7", "24h"):
        return [(d, 0, 24 * 60) for d in range(7)]
    spans: list[tuple[int, int, int]] = []
    for part in value.split(","):
        m = _HOURS.match(part.strip())
        if not m:
            return None
        d1 = DAYS.index(m["d1"].lower())
        d2 = DAYS.index(m["d2"].lower()) if m["d2"] else d1
        start = int(m["h1"]) * 60 + int(m["m1"])
        end = int(m["h2"]) * 60 + int(m["m2"])
        if not (0 <= start < end <= 24 * 60) or d2 < d1:
            return None
        spans += [(d, start, end) for d in range(d1, d2 + 1)]
    return spans


def hours(field: str, value: Any) -> str | None:
    """Opening hours: structured ('24x7', 'Mon-Fri 08:00-18:00') or free text."""
    return text(field, value, limit=500)


def country(field: str, value: Any, known: dict[str, Any]) -> str:
    if isinstance(value, str) and value.strip().upper() in known:
        return value.strip().upper()
    raise InvalidValue(field, value, "unknown country code (known: " + ", ".join(sorted(known)) + ")")


def _as_list(value: Any, *, split: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [v for v in value if not (isinstance(v, str) and not v.strip())]
    if isinstance(value, str):
        return [p.strip() for p in value.split(split) if p.strip()]
    return [value]


def raise_all(problems: list[InvalidValue]) -> None:
    """Name every bad field at once: one problem as itself, several as InvalidValues."""
    if problems:
        raise problems[0] if len(problems) == 1 else InvalidValues(problems)


class Problems:
    """Validates field after field, keeping each refusal so that all are reported together."""

    def __init__(self) -> None:
        self.items: list[InvalidValue] = []

    def take(self, out: dict[str, Any], key: str, check: Any) -> Any:
        """out[key] = check(), or record why not; returns the value (None when refused)."""
        try:
            out[key] = check()
        except InvalidValue as e:
            self.items.append(e)
        return out.get(key)

    def raise_all(self) -> None:
        raise_all(self.items)
