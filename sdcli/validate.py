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
from typing import TYPE_CHECKING, Any

from sdcli.errors import InvalidValue, InvalidValues
from sdcli.shapes import valid_unicode
from sdcli.yesno import UNKNOWN, unknown_phrase, yesno  # noqa: F401  (validate.yesno, as ever)

# re-exported from sdcli.instants when first asked for (validate.when, validate.instant, ...)
if TYPE_CHECKING:
    from sdcli.instants import (  # noqa: F401
        FUTURE,
        GRACE,
        PAST,
        WINDOW_WARNING,
        instant,
        read_as,
        reading,
        received,
        when,
        window,
    )

#: the names of sdcli.instants this module gives: the date reader (sdcli.dates) is loaded the first
#: time one is used, not by every import of validate (open's first prompt needs no date)
_INSTANTS = frozenset({"FUTURE", "GRACE", "PAST", "WINDOW_WARNING", "instant", "read_as", "reading", "received",
                       "when", "window"})  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _INSTANTS:
        from sdcli import instants

        return getattr(instants, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


TEXT_LIMIT = 10_000
_CONTACT = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>\s*(?P<phone>.*?)\s*$")


def text(field: str, value: Any, *, required: bool = False, limit: int = TEXT_LIMIT) -> str | None:
    if value is None:
        value = ""
    if not isinstance(value, str):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidValue(field, value, "invalid.text")
        value = str(value)
    value = value.strip()
    if not value:
        if required:
            raise InvalidValue(field, value, "invalid.empty")
        return None
    if "\x00" in value:
        raise InvalidValue(field, value, "invalid.nul")
    if len(value) > limit:
        raise InvalidValue(field, value, "invalid.too_long", limit=limit)
    if not valid_unicode(value):  # invalid UTF-8 typed at a prompt or given in a file
        raise InvalidValue(field, value, "invalid.unicode")
    return value


def sound(text: str) -> bool:
    """Text a fast path may take as it is: no NUL, valid Unicode (else validate.text says why)."""
    return "\x00" not in text and valid_unicode(text)


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
    raise InvalidValue(field, value, "invalid.choice", choices=", ".join(c["value"] for c in choices))


_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
)


#: email-validator's SPECIAL_USE_DOMAIN_NAMES, copied so that a plain address is checked without
#: importing it (about 40 ms at every start); a test holds the copy equal to the library's
SPECIAL_USE_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")
#: its CASE_INSENSITIVE_MAILBOX_NAMES (RFC 2142), which it writes in lower case (NOC@ -> noc@)
CASE_INSENSITIVE_MAILBOXES = frozenset({"info", "marketing", "sales", "support", "abuse", "noc", "security",
                                        "postmaster", "hostmaster", "usenet", "news", "webmaster", "www", "uucp",
                                        "ftp"})  # fmt: skip


def plain_email(value: str) -> str | None:
    """The normalised form of a plain ASCII address, as email-validator gives it, without its cost
    (about 60 µs an address); None when the address needs the full check."""
    m = _PLAIN_EMAIL.fullmatch(value)
    if not m or len(value) > 254 or value.index("@") > 64 or len(m.group(1)) > 253 or "--" in m.group(1):
        return None  # punycode and other reserved labels, overlong parts: email-validator decides
    domain = m.group(1).lower()
    if any(domain == d or domain.endswith("." + d) for d in SPECIAL_USE_DOMAINS):
        return None
    local = value[: m.start(1) - 1]
    return (local.lower() if local.lower() in CASE_INSENSITIVE_MAILBOXES else local) + "@" + domain


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
    raise InvalidValue(field, value, "invalid.email")


#: the words (and their abbreviations) es/pt/en write before an extension: anexo, anx., ramal,
#: r., interno, int., ext., extensión, extensão
EXTENSION_WORD = (
    r"\b(?:anexo|anx|ramal|r|interno|int|ext|extensi[oó]n|extens[aã]o|extension)\b\.?:?\s*#?\s*(\d{1,6})"
)
_EXTENSION = re.compile(EXTENSION_WORD + r"\s*$", re.I)


def _phone(value: str, region: str | None, field: str = "phone") -> str | None:
    """E.164 of a valid number, else None. A number with an extension (anexo 123, ext. 45) is
    refused: E.164 has no room for one, and storing the switchboard alone would lose who to ask for."""
    e164, extension = parsed_phone(value, region)
    if extension:
        raise InvalidValue(field, value, "invalid.phone_extension", ext=extension)
    return e164


@lru_cache(maxsize=65536)
def parsed_phone(value: str, region: str | None) -> tuple[str | None, str | None]:
    """(E.164 or None, the extension written): one parse of a text in a region, whichever field
    it answers (an import's source and destination numbers are often the same)."""
    import phonenumbers

    written = _EXTENSION.search(value)  # in the words of es/pt/en, which phonenumbers partly knows
    if written:
        return None, written[1]
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None, None
    if not phonenumbers.is_valid_number(number):
        return None, None
    if number.extension:
        return None, number.extension
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


#: numbers as written (no region) -> E.164 that a kept check of a data file vouches for (data_cache.py)
_VOUCHED_PHONES: dict[str, str] = {}
_E164 = re.compile(r"\+[1-9]\d{5,14}")


def vouch_phones(normals: dict[str, str]) -> None:
    """Numbers a run found valid (as written -> E.164; a form that is not E.164 is not taken)."""
    _VOUCHED_PHONES.update((k, v) for k, v in normals.items() if isinstance(k, str) and isinstance(v, str)
                           and _E164.fullmatch(v))  # fmt: skip


def phone(field: str, value: Any, region: str | None = None) -> str:
    """A phone number stored as E.164; a national number takes the site's country."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and 0 < len(value.strip()) <= 40:
        e164 = (_VOUCHED_PHONES.get(value.strip()) if region is None else None) or _phone(
            value.strip(), region, field
        )
        if e164:
            return e164
    if region:
        raise InvalidValue(field, value, "invalid.phone_for", region=region)
    written = str(value).strip() if isinstance(value, str | int) else ""
    if written[:1].isdigit() or written[:1] == "(":  # a national number, and no country to read it by
        raise InvalidValue(field, value, "invalid.phone_no_country")
    raise InvalidValue(field, value, "invalid.phone")


def shown_phone(e164: str) -> str:
    """A stored E.164 number as screens show it, grouped for dialling (+51 987 654 321)."""
    return _grouped(e164) if isinstance(e164, str) and e164.startswith("+") else str(e164)


@lru_cache(maxsize=4096)
def _grouped(e164: str) -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


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
    raise InvalidValue(field, value, "invalid.ip")


def whens(
    field: str, value: Any, tz: tzinfo | None = None, *, dayfirst: bool | None = None, tense: str | None = None,
    notes: list[Any] | None = None, now: datetime | None = None,
) -> list[str]:  # fmt: skip
    from sdcli.instants import when

    items = _as_list(value, split=";")
    if not items:
        raise InvalidValue(field, value, "invalid.datetimes")
    return [when(field, v, tz, dayfirst=dayfirst, tense=tense, notes=notes, now=now) for v in items]


def contact(field: str, value: Any, region: str | None = None) -> dict[str, str]:
    """{name, email, phone} from a dict or from 'Name <email> phone'; all three required."""
    if isinstance(value, str):
        m = _CONTACT.match(value)
        if not m:
            raise InvalidValue(field, value, "invalid.contact_format")
        value = m.groupdict()
    if not isinstance(value, dict):
        raise InvalidValue(field, value, "invalid.contact")
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
        raise InvalidValue(field, value, "invalid.contacts")
    return [contact(field, v, region) for v in items]


def parse_hours(value: str | None) -> list[tuple[int, int, int]] | None:
    """Opening hours in es/pt/en ('24x7', 'Lun-Vie 08:00-18:00', 'Seg-Sex 8h-18h; Sáb 9h-13h',
    'Mon-Fri 08:00-12:00 14:00-18:00') → [(weekday, start_min, end_min)]; None for text that
    is not hours (see sdcli.hours)."""
    from sdcli import hours

    return hours.parse(value)


def hours(field: str, value: Any) -> str | None:
    """Opening hours, stored in their canonical form ('Mon-Fri 08:00-18:00'); text that cannot be
    read as hours is refused with an example (the business clock would silently use the default)."""
    from sdcli import hours as opening

    found = text(field, value, limit=500)
    if found is None:
        return None
    spans = opening.parse(found)
    if spans is None:
        raise InvalidValue(field, value, "invalid.hours")
    return opening.canonical(spans)


def country(field: str, value: Any, known: dict[str, Any]) -> str:
    """A site's country: its code (PE, pe), or its name as countries.toml gives it, case, accents
    and spaces aside (Perú, PERU, Mexico, brasil: a form or a file names it so)."""
    if isinstance(value, str):
        from sdcli.sites import country_code

        code = country_code(value, known)
        if code in known:
            return code
    raise InvalidValue(field, value, "invalid.country", known=", ".join(sorted(known)))


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
