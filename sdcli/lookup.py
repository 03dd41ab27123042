"""Finding a ticket by what the caller has: its id, its external number, the customer's own
reference, or words of it. No CLI imports.

Resolution of an ID argument (README: Finding a ticket), in this order:

1. The desk's canonical id (``INC45``, any case, also written ``INC-45`` or ``INC 45``) names
   that ticket when it exists — a reference spelled like a canonical id never hides the desk's
   own ticket; written otherwise than the desk writes it (``inc45``, ``INC-45``), when another
   ticket's external number or customer reference matches it too, the caller is told which was
   taken and how to name the other (Resolved.also). ``INC45`` itself opens no index.
2. Anything else — ``INC0000045``, ``INC-45``, ``CS-8812`` — is first looked up in the store's
   index of references (``external_id`` and ``customer_reference``, case- and
   accent-insensitive, and without the marks between letters and digits when it has a digit:
   ``SN 000777`` is ``SN-000777``, query.ref_key; finished tickets included): one ticket is the
   answer; several (references alike without their marks too) are an ambiguity naming them; none
   falls back to reading it as an id (``INC0000045`` → ``INC45``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sdcli.errors import BadTicketId, SdcliError, UnknownTicket
from sdcli.model import format_id, parse_id
from sdcli.store import Store

#: the fields `search` reads, in the order a match is reported
SEARCHED = ("customer", "site", "description", "customer_reference", "external_id")
#: fields holding a contact or a list of contacts ({name, email, phone})
CONTACTS = ("callback_contacts", "local_contacts", "requester", "project_manager", "contacts")


class AmbiguousReference(SdcliError):
    "A reference names several tickets"


@dataclass(frozen=True)
class Resolved:
    """The ticket an ID argument names, and how it was found (None: it was its id)."""

    id: str
    via: str | None = None  # external_id, customer_reference, or "id" (a non-canonical spelling)
    also: tuple[tuple[str, str], ...] = ()  # (id, field) of other tickets whose reference matched too


#: a canonical id as a caller writes it: INC45, inc45, INC-45, INC 45 (no leading zero: INC0000045
#: is another system's number, found as a reference first)
_CANONICAL = re.compile(r"^(INC|SSR|CHG)(?:\s*-\s*|\s+)?([1-9]\d{0,11})$", re.IGNORECASE)


def canonical(text: str) -> str | None:
    """The canonical id `text` is (INC45 for 'inc45', 'INC-45', 'INC 45'), None when it is not
    spelled as one."""
    m = _CANONICAL.match((text or "").strip()) if isinstance(text, str) else None
    return format_id(m.group(1).upper(), int(m.group(2))) if m else None


def resolve(store: Store, text: str) -> Resolved:
    """The ticket `text` names (see the module's docstring for the precedence). Reads the
    store's index of references, never every ticket."""
    value = (text or "").strip()
    own = canonical(value)
    if own is not None:  # the ticket itself first
        spelled = None if value.upper() == own else "id"
        if value == own and (not store.exists() or _exists(store, own)):
            return Resolved(own)  # as the desk writes it: its shard read, no index opened (SQLite)
        if not store.exists():
            return Resolved(own, spelled)
        found = _refs(store, value)
        if _exists(store, own):
            also = tuple((tid, field) for tid, field in found.items() if tid != own)
            return Resolved(own, spelled, also)
        return _one(value, found) if found else Resolved(own, spelled)
    found = _refs(store, value)
    if found:
        return _one(value, found)
    try:
        prefix, number = parse_id(value)
    except BadTicketId:
        if not value:
            raise
        raise UnknownTicket("error.no_reference", text=value) from None
    return Resolved(format_id(prefix, number), "id")


def _refs(store: Store, value: str) -> dict[str, str]:
    if not value or not store.exists():
        return {}
    out: dict[str, str] = {}
    for tid, field in store.find_refs(value):
        out.setdefault(tid, field)
    return out


def _exists(store: Store, tid: str) -> bool:
    try:
        store.get(tid)
    except UnknownTicket:
        return False
    return True


def _one(value: str, found: dict[str, str]) -> Resolved:
    if len(found) == 1:
        ((tid, field),) = found.items()
        return Resolved(tid, field)
    shown = ", ".join(list(found)[:10]) + (", …" if len(found) > 10 else "")
    raise AmbiguousReference("error.ambiguous_reference", text=value, n=len(found), ids=shown)


# ---- search
def _texts(doc: dict[str, Any]) -> Iterator[str]:
    for f in SEARCHED:
        v = doc.get(f)
        if v is not None and not isinstance(v, dict | list):
            yield str(v)
    for f in CONTACTS:
        v = doc.get(f)
        for c in v if isinstance(v, list) else [v]:
            if isinstance(c, dict):
                yield from (str(c[k]) for k in ("name", "email", "phone") if c.get(k))
            elif isinstance(c, str):
                yield c


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _compact(text: str) -> str:
    """Letters and digits only: the marks between the parts of a reference dropped."""
    return "".join(c for c in text if c.isalnum())


def matches(doc: dict[str, Any], text: str) -> bool:
    """Does `text` appear (case- and accent-insensitively) in one of the searched fields, or,
    when it is several words, each of its words (but the particles: de, la, do...) in one of
    them? A number typed with or without its spaces and dashes finds a phone either way."""
    return match_rank(doc, text) is not None


#: how a ticket matched a search: its text whole in a field, or each of its words
WHOLE, EACH_WORD = 0, 1


def match_rank(doc: dict[str, Any], text: str) -> int | None:
    """WHOLE when the text is in one of the searched fields as typed (a number by its digits, a
    reference without its marks), EACH_WORD when only each of its words is (each at the start of
    a word of a field: "Ana" is not in "Mariana"), None when it does not match: a search lists
    the tickets holding the text whole first ("Ana Díaz" the contact before "Díaz Hermanos" at
    "Santa Ana")."""
    from sdcli.store.query import fold  # deferred: search only (an ID argument resolves without it)

    want = fold(text.strip())
    if not want:
        return WHOLE
    digits = _digits(want) if not want.strip("+0123456789 -().") else ""
    dialled = _dialled(want, doc.get("country")) if len(digits) >= 6 else ""
    # a reference as a caller reads it ("CS 8812" for CS-8812/2026): its letters and digits
    compact = _compact(want) if not digits and any(c.isdigit() for c in want) else ""
    texts = [fold(value) for value in _texts(doc)]
    for value in texts:
        if want in value or (len(digits) >= 4 and digits in _digits(value)):
            return WHOLE
        if len(compact) >= 4 and compact in _compact(value):
            return WHOLE
        if dialled and dialled in _digits(value):
            return WHOLE
    words = _words(want) if not digits else []
    return EACH_WORD if words and all(any(_has(value, w) for value in texts) for w in words) else None


def _has(value: str, word: str) -> bool:
    """A word of a search at the start of a word of a field's folded text; a number (2345-6780)
    by its digits."""
    at = value.find(word)
    while at != -1:
        if at == 0 or not value[at - 1].isalnum():
            return True
        at = value.find(word, at + 1)
    number = _digits(word) if not word.strip("+0123456789-().") else ""
    return len(number) >= 4 and number in _digits(value)


#: the little words between the words of a name ("Banco de la Nación", "Loja do Açaí"): a caller
#: says them or not ("Banco Nación"), so a search of several words does not ask for them
_PARTICLES = frozenset("de del la las el los lo da das do dos di du y e".split())


def _words(folded: str) -> list[str]:
    """The words a search of several words finds each of, in any field and any order: a caller's
    "Banco Nación" is "Banco de la Nación", "Peñalolén Banco de la Nación" names its site and its
    customer. None for a single word (the whole text was looked for already)."""
    words = folded.replace(",", " ").split()
    if len(words) < 2:
        return []
    return [w for w in words if w not in _PARTICLES]


def _dialled(number: str, country: Any) -> str:
    """The digits of a number as the ticket's country dials it in full: '(01) 411-7000' in PE is
    5114117000, as stored (E.164), so the national form with its trunk prefix finds it too."""
    from sdcli.validate import parsed_phone  # deferred: phonenumbers, for searches of a number only

    if not isinstance(country, str):
        return ""
    e164, _ext = parsed_phone(number, country.upper())
    return _digits(e164 or "")
