"""A message's raw answers made into what the intake's validation takes: contacts written as a
person writes them, yes/no as its first word, a problem named inside a sentence, times day
first. Nothing is guessed past that: what still fails validation is named, not fixed. No CLI imports."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sdcli.mail.labels import pick_choice, tokens
from sdcli.validate import EXTENSION_WORD

_EMAIL = re.compile(r"[^\s<>()\[\],;:\"']*@[^\s<>()\[\],;\"']*")
_PHONE = re.compile(r"(?<![\w@])\+?\(?\d[\d\s().\-/]{5,}\d(?![\w@])")
_EXTENSION_AFTER = re.compile(r"\s*[,;/\-–(]?\s*" + EXTENSION_WORD, re.I)
_FIELD_WORDS = re.compile(
    r"(?i)\b(nombre|name|nome|correo(\s+electr[oó]nico)?|e-?mail|tel[eé]fono|telefone|tel|phone|fone|"
    r"cel(ular)?|m[oó]vil|mobile)\b\s*[:.]?"
)


def _split(line: str) -> tuple[str | None, str | None, str]:
    """(e-mail, phone, what is left of a name) in one line of a contact."""
    email = None
    m = _EMAIL.search(line)
    if m and m.group().strip("@"):
        email = m.group()
        line = line[: m.start()] + " " + line[m.end() :]
    phone = None
    p = _PHONE.search(line)
    if p:
        phone = p.group().strip()
        line = line[: p.start()] + " " + line[p.end() :]
    name = _FIELD_WORDS.sub(" ", line)
    name = re.sub(r"[<>|;,/\-–—:()\[\]]+", " ", name)
    return email, phone, " ".join(name.split())


def contacts(text: str) -> list[dict[str, str]] | str:
    """Contacts from 'Ana Díaz, ana@acme.pe, +51 1 4117000' lines (or a name, an address and a
    number on lines of their own); the text itself when no line holds an address or a number."""
    out: list[dict[str, str]] = []
    current: dict[str, str] = {}

    def close() -> None:
        nonlocal current
        if current.get("email") or current.get("phone"):
            out.append({"name": current.get("name", ""), "email": current.get("email", ""),
                        "phone": current.get("phone", "")})  # fmt: skip
        current = {}

    for line in re.split(r"[\n;|]", text):
        if not line.strip():
            close()
            continue
        email, phone, name = _split(line)
        fields = {k: v for k, v in (("email", email), ("phone", phone), ("name", name)) if v}
        if any(k in current for k in fields if k != "name") or ("name" in fields and "name" in current
                                                               and (current.get("email") or current.get("phone"))):  # fmt: skip
            close()
        for k, v in fields.items():
            current[k] = f"{current[k]} {v}" if k == "name" and k in current else v
    close()
    return out or text


def yes_no(text: str) -> str:
    """What validation reads of a yes/no answer written in a sentence: its "don't know" ('No sé,
    creo que no' → 'no sé', 'No sabe' → 'no sabe'), else its first word ('Sí, ya se reinició' → 'sí')."""
    from sdcli import validate

    unknown = validate.unknown_phrase(text)
    if unknown is not None:
        return unknown
    words = re.findall(r"\w+", text)
    return words[0] if words else text


def choice(q: Any, text: str) -> str:
    """The stored value a text names (its own label, or a label inside a sentence), else the text."""
    from sdcli import validate
    from sdcli.errors import InvalidValue

    try:
        return validate.choice(q.key, text.strip(), q.choices, q.index)
    except InvalidValue:
        return pick_choice(q.choices, text) or text


def times(text: str) -> list[str]:
    return [t.strip() for t in re.split(r"[\n;]", text) if t.strip()]


def phone_in(text: str, region: str | None, *, besides: Iterable[str] = ()) -> str | None:
    """The first valid phone number in a text (a signature), as E.164, other than those `besides`
    holds (the numbers the message gives as answers: a voice problem's source number is not the
    sender's)."""
    import phonenumbers

    taken = {phone_in(b, region) for b in besides}
    text = text or ""
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        # a switchboard and an extension (ext. 45, or ramal 20 / interno 45 / anexo 123, which the
        # matcher leaves after the number): E.164 would keep only the switchboard
        if match.number.extension or _EXTENSION_AFTER.match(text, match.end):
            continue
        found = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        if found not in taken:
            return found
    return None


def raw_answers(questions: list[Any], found: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """(the answers as validation takes them, the text each was read from)."""
    by_key = {q.key: q for q in questions}
    raw: dict[str, Any] = {}
    for key, text in found.items():
        q = by_key.get(key)
        if q is None or not text.strip():
            continue
        if q.kind == "yesno":
            raw[key] = yes_no(text)
        elif q.kind == "choice":
            raw[key] = choice(q, text)
        elif q.kind == "contacts":
            raw[key] = contacts(text)
        elif q.kind == "datetimes":
            raw[key] = times(text)
        elif q.kind == "zone":
            raw[key] = text.strip()  # read against the country's zones once the country is known
        else:
            raw[key] = text.strip()
    problem = by_key.get("problem")
    said = found.get("problem", "")
    if problem is not None and said and not found.get("description"):  # a sentence: its text is kept
        labels = {
            w for c in problem.choices for k, v in c.items() if isinstance(v, str) for w, _ in tokens(v)
        }
        if {w for w, _ in tokens(said)} - labels - {"y", "e", "and", "de", "do", "del", "el", "la", "o"}:
            raw["description"] = said.strip()
    return raw, found


def _cities(known: dict[str, Any], code: str) -> list[tuple[str, list[tuple[str, ...]]]]:
    from sdcli import sites

    # a city by any of its names (Nueva York for New York: sites.names_of)
    return [(zone, [tuple(w for w, _ in tokens(n)) for c in cities.split(",") if c.strip() for n in sites.names_of(c)])
            for zone, cities in sites.zones(known, code)]  # fmt: skip


def zone(text: str, known: dict[str, Any], code: str) -> str:
    """The zone an answer names: a zone of the country, or one of the cities it lists ("Manaus",
    "hora de São Paulo"); else the text itself, for validation to refuse naming the zones."""
    from sdcli import sites

    given = {z.casefold(): z for z in sites.accepted(known, code)}.get(text.strip().casefold())
    if given:  # a zone's own name (America/Monterrey): kept as written, not a city it lists
        return given
    words = tuple(w for w, _ in tokens(text))
    found = {z for z, cities in _cities(known, code) for c in cities if c and _within(c, words)}
    return found.pop() if len(found) == 1 else text.strip()


def zone_of_site(site: Any, known: dict[str, Any], code: str, contacts: str = "") -> str | None:
    """The zone of a site whose name holds one city its country lists (a country of several
    zones); None when it names none, cities of two zones, or when the contacts' phone numbers
    are all at another offset (a city's name is also a neighbourhood's: "Loja Campo Grande RJ"
    with a (21) number is in Rio de Janeiro, not in Campo Grande, an hour behind)."""
    from sdcli import sites

    if not isinstance(site, str) or sites.only_zone(known, code) or len(sites.zones(known, code)) < 2:
        return None
    words = tuple(w for w, _ in tokens(site))
    found = {z for z, cities in _cities(known, code) for c in cities if c and _within(c, words)}
    if len(found) != 1:
        return None
    zone = found.pop()
    dialled = _phone_zones(contacts, code)
    return zone if not dialled or any(_same_clock(zone, z) for z in dialled) else None


def _phone_zones(text: str, code: str) -> set[str]:
    """The zones of the geographic phone numbers a text holds (a Brazilian area code's, a Mexican
    one's), by phonenumbers' time-zone data; none for mobiles or numbers without a place."""
    import phonenumbers
    from phonenumbers import timezone as phone_zones

    found: set[str] = set()
    for m in phonenumbers.PhoneNumberMatcher(text or "", code if len(code) == 2 else None):
        found.update(
            z for z in phone_zones.time_zones_for_number(m.number) if "/" in z and not z.startswith("Etc/")
        )
    return found


def _same_clock(a: str, b: str) -> bool:
    """Whether two zones read the same time in January and in July of this year."""
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        za, zb = ZoneInfo(a), ZoneInfo(b)
    except (ZoneInfoNotFoundError, ValueError):
        return True  # a zone the system does not know contradicts nothing
    year = datetime.now().year
    return all(datetime(year, m, 15, 12, tzinfo=za).utcoffset() == datetime(year, m, 15, 12, tzinfo=zb).utcoffset()
               for m in (1, 7))  # fmt: skip


def _within(part: tuple[str, ...], words: tuple[str, ...]) -> bool:
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))


#: country domains used world-wide as generic names: a company.co is not Colombian (company.com.co is)
_GENERIC_TLDS = {"CO", "IO", "ME", "TV", "AI", "CC", "WS", "FM", "LY", "TO", "GG", "SH", "AC", "AM"}


def country_of(sender: str, known: dict[str, Any], contacts: str = "") -> str | None:
    """A country from the sender's domain (ana@acme.com.pe → PE), when it is one the desk knows,
    the domain is not one of those used as generic names (acme.co), and no phone number written
    with its country code in the message's contacts names another country (noc@acme.com.co
    with a +52 contact: the site may be in Mexico, so it is not assumed)."""
    labels = sender.rpartition("@")[2].upper().split(".")
    tld = labels[-1]
    if len(tld) != 2 or tld not in known or (tld in _GENERIC_TLDS and len(labels) < 3):
        return None
    import phonenumbers

    named = {
        phonenumbers.region_code_for_number(m.number) for m in phonenumbers.PhoneNumberMatcher(contacts, None)
    }
    return tld if not named or tld in named else None
