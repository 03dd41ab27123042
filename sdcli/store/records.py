"""What the backends share about tickets as documents: new documents, history stamping,
diffs, versions, the store's errors, and the one upsert planner both backends write from.
No CLI imports."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sdcli.errors import BadTicketId, SdcliError
from sdcli.i18n import Message
from sdcli.model import PREFIXES, format_id

Event = dict[str, Any]
Change = Callable[[dict[str, Any]], Event]
CONFLICTS = ("skip", "update", "fail")
#: fields an upsert never sets on an existing ticket: the store keeps them
KEPT = frozenset({"id", "kind", "history", "updated_at"})
_UNDIFFED = frozenset({"history", "updated_at"})


class ChangedMeanwhile(SdcliError):
    "The ticket changed after it was read (by another agent); nothing was saved"

    def __init__(self, doc: dict[str, Any], expect: int) -> None:
        later = doc.get("history", [])[expect:] or [{}]
        last = later[-1]
        self.ticket_id, self.by, self.at = doc.get("id"), last.get("by", "?"), last.get("at", "?")
        what = f" ({last['action']})" if last.get("action") else ""
        super().__init__(
            f"{self.ticket_id} was changed by {self.by} at {self.at}{what} while you were working on it; "
            f"nothing was saved: run the command again to see the ticket as it is now"
        )


class StoreMoved(SdcliError):
    "The store was copied to another one and refuses writes, so the queue is not split"

    def __init__(self, where: str, moved: dict[str, Any]) -> None:
        self.target = moved.get("to", "?")
        super().__init__("store.moved", where=where, target=self.target, at=moved.get("at", "?"),
                         by=moved.get("by", "?"))  # fmt: skip


def first_of(values: list[str], most: int = 5) -> Any:
    """The first values of a list, then how many more ("INC1, INC2 and 3 more")."""
    shown = ", ".join(values[:most])
    return Message("store.and_more", shown=shown, n=len(values) - most) if len(values) > most else shown


class StoreConflict(SdcliError):
    "Copying into a store would overwrite tickets it has that differ"


class StoreUnavailable(SdcliError):
    "The store's server cannot be reached, refused the login, or dropped the connection"


class KeyConflict(SdcliError):
    "Tickets with these keys already exist and the write was asked to fail on them"

    def __init__(self, key: str, values: list[str]) -> None:
        self.key, self.values = key, values
        super().__init__("store.keys_exist", n=len(values), key=key, shown=first_of(values))


@dataclass
class UpsertResult:
    """What one upsert did. `conflicts` are the keys refused under on_conflict='fail'."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    #: under 'update': tickets left as they are because their stored `event_order` is a later
    #: event than the document's (an older event log imported after a newer one)
    older: list[str] = field(default_factory=list)
    #: per document given, in order: the ticket it created, updated, left or was skipped for
    #: (None: refused under 'fail')
    by_doc: list[str | None] = field(default_factory=list)


def check_upsert(prefix: str, on_conflict: str, key: str | None, across: bool) -> None:
    """Refuse the arguments of an upsert_many no backend can honour (the caller's mistake)."""
    if prefix not in PREFIXES:
        raise BadTicketId(f"unknown ticket kind {prefix!r}")
    if on_conflict not in CONFLICTS:
        raise ValueError(f"on_conflict must be one of {CONFLICTS}")
    if across and (key is None or on_conflict != "skip"):
        raise ValueError("across needs a key and on_conflict='skip'")


def found_keys(
    prefix: str, across: bool, lookup: Callable[[str], dict[str, int]]
) -> tuple[dict[str, int], dict[str, str]]:
    """(existing, elsewhere) of an upsert, inside its write: key → the lowest number of a ticket of
    prefix with it, and (`across`) key → the id of one of another prefix (`lookup(p)`: the first)."""
    others = [p for p in PREFIXES if p != prefix] if across else []
    return lookup(prefix), {k: format_id(p, n) for p in others for k, n in lookup(p).items()}


def key_of(doc: dict[str, Any], key: str | None) -> str | None:
    """The text of a document's key field; None when it has none (it is always created)."""
    if key is None:
        return None
    value = doc.get(key)
    return None if value is None or value == "" else str(value)


def diff(before: dict[str, Any], after: dict[str, Any], keys: Iterable[str] | None = None) -> dict[str, Any]:
    """Top-level fields that changed, as {field: [old, new]} (history excluded); a list that only
    grew at its end as {field: {"added": [the items appended]}}, so a list appended to on every
    call (escalation_attempts) is not stored whole again in each entry. Only `keys` when the
    caller knows which fields it set."""
    names = before.keys() | after.keys() if keys is None else keys
    changed = sorted(k for k in names if k not in _UNDIFFED and before.get(k) != after.get(k))
    return {k: _change(before.get(k), after.get(k)) for k in changed}


def _change(old: Any, new: Any) -> Any:
    if isinstance(new, list) and isinstance(old, list | type(None)):
        start = len(old or [])
        if start and new[:start] == old:
            return {"added": new[start:]}
    return [old, new]


def version(doc: dict[str, Any]) -> int:
    """A ticket's version: the number of its history entries (every write appends exactly one)."""
    return len(doc.get("history", []))


def guarded(change: Change, expect: int | None) -> Change:
    """`change`, refused with ChangedMeanwhile when the ticket is no longer at version `expect`
    (checked inside the backend's write, on the ticket as it is under the lock)."""
    if expect is None:
        return change

    def checked(doc: dict[str, Any]) -> Event:
        if version(doc) != expect:
            raise ChangedMeanwhile(doc, expect)
        return change(doc)

    return checked


def canonical(doc: Any) -> bytes:
    """One spelling of a JSON value (sorted keys, no spaces): what checksums are taken over."""
    import json

    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def checksum(tickets: Iterable[dict[str, Any]], customers: Iterable[dict[str, Any]] = ()) -> str:
    """sha256 over the canonical JSON of every ticket then every customer, one per line."""
    h = hashlib.sha256()
    for part in (tickets, customers):
        for doc in part:
            h.update(canonical(doc) + b"\n")
        h.update(b"--\n")
    return h.hexdigest()


@dataclass
class Dump:
    """Everything a store holds, as it is: whole tickets (history included) in id order, the
    customer directory, the next number of each prefix (`Store.export_all`/`import_all`) and the
    outbox's items by number (the customer updates queued, sent or given up: store/outbox.py)."""

    tickets: list[dict[str, Any]]
    customers: list[dict[str, Any]]
    counters: dict[str, int]
    outbox: list[dict[str, Any]] = field(default_factory=list)


def merge_counters(*counters: dict[str, int]) -> dict[str, int]:
    """The next number of each prefix that none of the stores has used."""
    return {p: max([1, *(c.get(p, 1) for c in counters)]) for p in PREFIXES}


def new_doc(prefix: str, number: int, fields: dict[str, Any], actor: str, opened: str, stamp: str,
            event: Event | None, *, owned: bool = False, entry: dict[str, Any] | None = None,
            alone: list[dict[str, Any]] | None = None, tid: str | None = None) -> dict[str, Any]:  # fmt: skip
    """A ticket as first stored: id, kind, opening and the 'opened' history event.

    `owned`: fields is the caller's to give up, and becomes the ticket (no copy: a bulk write
    holds each document once); `entry`: the 'opened' event already made, and `alone` the history
    of a document that brings none, [entry] (one of each for a whole bulk write: a history and its
    entries are never changed in place, a change makes a new list); `tid`: the id already formatted."""
    doc = fields if owned else dict(fields)
    earlier = doc.pop("history", None) or []
    doc["id"] = tid or format_id(prefix, number)
    doc["kind"] = PREFIXES[prefix]
    if "opened_at" not in doc:
        doc["opened_at"] = opened
    doc.setdefault("opened_by", actor)
    doc["updated_at"] = stamp
    if entry is None:
        entry = {"at": stamp, "by": actor, "action": "opened", **(event or {})}
    doc["history"] = [*earlier, entry] if earlier or alone is None else alone
    return doc


def stamp(before: dict[str, Any], after: dict[str, Any], event: Event, actor: str, at: str,
          keys: Iterable[str] | None = None) -> None:  # fmt: skip
    """Append the history entry of a change (who, when, what, the fields that changed) to after."""
    entry: dict[str, Any] = {"at": at, "by": actor}
    entry.update(event)
    changes = diff(before, after, keys)
    if changes:
        entry["changes"] = changes
    after["updated_at"] = at
    after["history"] = [*before.get("history", []), entry]


def merged(before: dict[str, Any], fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """An upsert's update of `before` by `fields`: (after, the fields set), or None when it
    would change nothing (history and the fields the store keeps are never compared)."""
    new = {k: v for k, v in fields.items() if k not in KEPT}
    if all(before.get(k) == v for k, v in new.items()):
        return None
    return {**before, **new}, new


@dataclass
class UpsertPlan:
    """What an upsert decided, for a backend to write: tickets created (number → document) and
    existing tickets changed (number → document after), with the result to report."""

    result: UpsertResult
    created: dict[int, dict[str, Any]]
    changed: dict[int, dict[str, Any]]
    next_number: int


def plan_upsert(prefix: str, docs: list[dict[str, Any]], *, key: str | None, on_conflict: str, actor: str,
                event: Event, at: str, first: int, existing: dict[str, int],
                fetch: Callable[[list[int]], dict[int, dict[str, Any]]],
                keys: list[str | None] | None = None, owned: bool = False,
                elsewhere: dict[str, str] | None = None) -> UpsertPlan:  # fmt: skip
    """The create-or-update decisions of `Store.upsert_many`, for a backend that found inside
    its write which key values exist (`existing`: key → lowest ticket number with it) and
    allocated numbers from `first`; `fetch` reads the tickets an update needs (`keys`: each
    document's key_of, when the caller has them; `owned`: the documents a ticket is created from
    become it, see new_doc; `elsewhere`: key → the id of a ticket of another prefix with it, whose
    documents are skipped, by_doc naming that ticket: see Store.upsert_many's `across`). Raises
    KeyConflict (all_or_nothing is the caller's: it raises on `result.conflicts`)."""
    result = UpsertResult()
    current: dict[int, dict[str, Any]] = {}
    keys = [key_of(d, key) for d in docs] if keys is None else keys
    if on_conflict == "update":
        wanted = {existing[k] for k in keys if k is not None and k in existing}
        current = fetch(sorted(wanted)) if wanted else {}
    created: dict[int, dict[str, Any]] = {}
    changed: dict[int, dict[str, Any]] = {}
    number = first
    opened, alone = _opened_entry(at, actor, event) if owned else (None, None)
    elsewhere = elsewhere or {}
    for fields, k in zip(docs, keys, strict=True):
        n = existing.get(k)  # type: ignore[arg-type]  # None (no key) is no key of existing's
        if n is None and k not in elsewhere:
            tid = format_id(prefix, number)
            created[number] = new_doc(prefix, number, fields, actor, at, at, event, owned=owned, entry=opened,
                                      alone=alone, tid=tid)  # fmt: skip
            if on_conflict == "update":  # a later row of its key updates it
                current[number] = created[number]
            result.by_doc.append(tid)
            if k is not None:
                existing[k] = number
            number += 1
            continue
        tid = elsewhere[k] if n is None else format_id(prefix, n)  # type: ignore[index]  # (across: skip)
        result.by_doc.append(None if on_conflict == "fail" else tid)
        if on_conflict == "skip":
            result.skipped.append(tid)
        elif on_conflict == "fail":
            result.conflicts.append(k)  # type: ignore[arg-type]
        else:  # n is a number here: a key held elsewhere is only ever skipped (across)
            _update(fields, n, tid, new_from=first, current=current, created=created, changed=changed,  # type: ignore[arg-type]
                    result=result, event=event, actor=actor, at=at)  # fmt: skip
    result.created = [created[n]["id"] for n in range(first, number)]
    return UpsertPlan(result, created, changed, number)


def _opened_entry(at: str, actor: str, event: Event) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The 'opened' event of a bulk write's owned documents, and the history of one bringing none."""
    opened = {"at": at, "by": actor, "action": "opened", **event}
    return opened, [opened]


def _update(fields: dict[str, Any], n: int, tid: str, *, new_from: int, current: dict[int, dict[str, Any]],
            created: dict[int, dict[str, Any]], changed: dict[int, dict[str, Any]], result: UpsertResult,
            event: Event, actor: str, at: str) -> None:  # fmt: skip
    """A row whose key ticket n has, under 'update': n changed (its history says so) or unchanged;
    a ticket this same write created (n >= new_from) keeps its one 'opened' entry. A document of an
    older event than the stored ticket's (`event_order`, older_event) leaves it: decided here, under
    the write's lock, against the ticket as it is now."""
    before = current[n]
    if n < new_from and older_event(fields.get(ORDER_FIELD), before.get(ORDER_FIELD)):
        result.older.append(tid)
        return
    change = merged(before, fields)
    if change is None:
        result.unchanged.append(tid)
        return
    after, new = change
    if n < new_from:
        stamp(before, after, {"action": "updated", **event}, actor, at, new)
        if tid not in result.updated:
            result.updated.append(tid)
        changed[n] = after
    else:
        after["history"] = before["history"]
        created[n] = after
    current[n] = after


#: a ticket's order among the events of its source (an import's `order` columns): {column: value}
ORDER_FIELD = "event_order"


def older_event(new: Any, kept: Any) -> bool:
    """Whether `new` (an event_order) names an earlier event than `kept`: the columns both have,
    in `new`'s order, compared in turn (whole numbers as numbers, ISO 8601 times with an offset as
    instants) — a list export names the update time `sys_updated_on` where an event log says
    `sys_updated_at`, and both have `sys_mod_count`. False when either has none, they share no
    column or cannot be compared: the document updates the ticket, as without orders."""
    if not isinstance(new, dict) or not isinstance(kept, dict):
        return False
    common = [c for c in new if c in kept]
    if not common:
        return False
    a, b = [], []
    for column in common:
        x, y = _order_value(new[column]), _order_value(kept[column])
        if x is None or y is None or type(x) is not type(y):
            return False
        a.append(x)
        b.append(y)
    return a < b


def _order_value(v: Any) -> Any:
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, str):
        try:
            at = datetime.fromisoformat(v)
        except ValueError:
            return None
        return at if at.tzinfo is not None else None
    return None


def tickets_to_copy(dump: Dump, existing: dict[str, dict[str, Any]], *, occupied: int, merge: bool,
                    where: str) -> list[dict[str, Any]]:  # fmt: skip
    """The tickets of `dump` an `import_all` writes into a store holding `existing` (by id) and
    `occupied` tickets and customers in all: refusals as StoreConflict, before anything is written."""
    if occupied and not merge:
        raise StoreConflict("store.copy_not_empty", where=where, n=occupied)
    differ = [d["id"] for d in dump.tickets if d["id"] in existing and existing[d["id"]] != d]
    if differ:
        raise StoreConflict("store.copy_differs", n=len(differ), where=where, shown=first_of(differ))
    return [d for d in dump.tickets if d["id"] not in existing]
