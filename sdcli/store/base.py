"""The store interface every backend implements, and what backends share: new documents,
history stamping, diffs, the upsert result. No CLI imports.

Nothing outside a backend reaches for its files or connections: commands, the domain and
their tests use only these methods.
"""

from __future__ import annotations

import abc
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from sdcli.errors import SdcliError
from sdcli.model import PREFIXES, Vocabulary, format_id
from sdcli.store.outbox import Queue
from sdcli.store.query import OpenQuery, Page, fold, page

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
        super().__init__(
            f"{where} was moved to {self.target} ({moved.get('at', '?')}, by {moved.get('by', '?')}) and takes "
            f"no more changes: point sdcli at the new store (--store or SDCLI_STORE={self.target})"
        )


class StoreConflict(SdcliError):
    "Copying into a store would overwrite tickets it has that differ"


class StoreUnavailable(SdcliError):
    "The store's server cannot be reached, refused the login, or dropped the connection"


class KeyConflict(SdcliError):
    "Tickets with these keys already exist and the write was asked to fail on them"

    def __init__(self, key: str, values: list[str]) -> None:
        self.key, self.values = key, values
        shown = ", ".join(values[:5]) + (f" and {len(values) - 5} more" if len(values) > 5 else "")
        super().__init__(f"{len(values)} {key} value(s) already exist: {shown}; nothing was written")


@dataclass
class UpsertResult:
    """What one upsert did. `conflicts` are the keys refused under on_conflict='fail'."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    #: per document given, in order: the ticket it created, updated, left or was skipped for
    #: (None: refused under 'fail')
    by_doc: list[str | None] = field(default_factory=list)


def key_of(doc: dict[str, Any], key: str | None) -> str | None:
    """The text of a document's key field; None when it has none (it is always created)."""
    if key is None:
        return None
    value = doc.get(key)
    return None if value is None or value == "" else str(value)


def diff(
    before: dict[str, Any], after: dict[str, Any], keys: Iterable[str] | None = None
) -> dict[str, list[Any]]:
    """Top-level fields that changed, as {field: [old, new]} (history excluded); only `keys`
    when the caller knows which fields it set."""
    names = before.keys() | after.keys() if keys is None else keys
    changed = sorted(k for k in names if k not in _UNDIFFED and before.get(k) != after.get(k))
    return {k: [before.get(k), after.get(k)] for k in changed}


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
    customer directory and the next number of each prefix (`Store.export_all`/`import_all`)."""

    tickets: list[dict[str, Any]]
    customers: list[dict[str, Any]]
    counters: dict[str, int]


def merge_counters(*counters: dict[str, int]) -> dict[str, int]:
    """The next number of each prefix that none of the stores has used."""
    return {p: max([1, *(c.get(p, 1) for c in counters)]) for p in PREFIXES}


def new_doc(prefix: str, number: int, fields: dict[str, Any], actor: str, opened: str, stamp: str,
            event: Event | None) -> dict[str, Any]:  # fmt: skip
    """A ticket as first stored: id, kind, opening and the 'opened' history event."""
    doc = dict(fields)
    doc.pop("history", None)
    doc["id"] = format_id(prefix, number)
    doc["kind"] = PREFIXES[prefix]
    if "opened_at" not in doc:
        doc["opened_at"] = opened
    doc.setdefault("opened_by", actor)
    doc["updated_at"] = stamp
    doc["history"] = [
        *fields.get("history", []),
        {"at": stamp, "by": actor, "action": "opened", **(event or {})},
    ]
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
                fetch: Callable[[list[int]], dict[int, dict[str, Any]]]) -> UpsertPlan:  # fmt: skip
    """The create-or-update decisions of `Store.upsert_many`, for a backend that found inside
    its write which key values exist (`existing`: key → lowest ticket number with it) and
    allocated numbers from `first`; `fetch` reads the tickets an update needs. Raises
    KeyConflict (all_or_nothing is the caller's: it raises on `result.conflicts`)."""
    result = UpsertResult()
    current: dict[int, dict[str, Any]] = {}
    if on_conflict == "update":
        wanted = {existing[k] for k in (key_of(d, key) for d in docs) if k is not None and k in existing}
        current = fetch(sorted(wanted)) if wanted else {}
    created: dict[int, dict[str, Any]] = {}
    changed: dict[int, dict[str, Any]] = {}
    number = first
    for fields in docs:
        k = key_of(fields, key)
        n = existing.get(k) if k is not None else None
        if n is None:
            created[number] = current[number] = new_doc(prefix, number, fields, actor, at, at, event)
            result.by_doc.append(format_id(prefix, number))
            if k is not None:
                existing[k] = number
            number += 1
            continue
        tid = format_id(prefix, n)
        result.by_doc.append(None if on_conflict == "fail" else tid)
        if on_conflict == "skip":
            result.skipped.append(tid)
        elif on_conflict == "fail":
            result.conflicts.append(k)  # type: ignore[arg-type]
        else:
            before = current[n]
            change = merged(before, fields)
            if change is None:
                result.unchanged.append(tid)
                continue
            after, new = change
            if n < first:
                stamp(before, after, {"action": "updated", **event}, actor, at, new)
                if tid not in result.updated:
                    result.updated.append(tid)
                changed[n] = after
            else:  # created in this same write: it stays one 'opened' entry
                after["history"] = before["history"]
                created[n] = after
            current[n] = after
    result.created = [format_id(prefix, n) for n in range(first, number)]
    return UpsertPlan(result, created, changed, number)


def tickets_to_copy(dump: Dump, existing: dict[str, dict[str, Any]], *, occupied: int, merge: bool,
                    where: str) -> list[dict[str, Any]]:  # fmt: skip
    """The tickets of `dump` an `import_all` writes into a store holding `existing` (by id) and
    `occupied` tickets and customers in all: refusals as StoreConflict, before anything is written."""
    if occupied and not merge:
        raise StoreConflict(
            f"{where} already holds {occupied} ticket(s) or customer(s): copy into an empty store, or "
            f"pass --merge to add to them"
        )
    differ = [d["id"] for d in dump.tickets if d["id"] in existing and existing[d["id"]] != d]
    if differ:
        shown = ", ".join(differ[:5]) + (f" and {len(differ) - 5} more" if len(differ) > 5 else "")
        raise StoreConflict(
            f"{len(differ)} ticket(s) in {where} differ from the copy's: {shown}; nothing was copied"
        )
    return [d for d in dump.tickets if d["id"] not in existing]


class Store(abc.ABC):
    """What commands need from a store. Every backend implements exactly this."""

    #: the URL scheme that selects this backend (tinydb, postgresql, ...)
    scheme: ClassVar[str]

    def __init__(self, url: str, home: Path, vocabulary: Vocabulary) -> None:
        self.url = url
        self.home = home
        self.vocabulary = vocabulary
        #: what a write finished in spite of a fault after its commit point, for the agent
        self.warnings: list[str] = []

    @classmethod
    @abc.abstractmethod
    def from_url(cls, url: str, home: Path) -> Store:
        """The store a URL names (its scheme is this backend's)."""

    def describe(self) -> str:
        """Where the tickets are, for messages and `sdcli doctor`."""
        return self.url

    @abc.abstractmethod
    def exists(self) -> bool:
        """Whether a store was ever written there (a listing of nothing says so)."""

    def now(self) -> datetime:
        """The current instant by the store's clock, in the local zone (a server's clock for a
        shared store: agents' machines disagree). SDCLI_NOW, when set, wins everywhere."""
        from sdcli import clock

        return clock.now()

    def close(self) -> None:
        """Let go of connections (a backend that keeps none has nothing to do)."""
        return None

    def about(self) -> dict[str, Any]:
        """What `sdcli doctor` shows of the backend (server, schema, login...)."""
        return {"backend": self.scheme}

    def migrate(self) -> list[str]:
        """Bring the store's schema up to date; the names of the migrations applied. A backend
        that migrates itself at its first write (the embedded one) has nothing to do here."""
        return []

    # ---- tickets
    @abc.abstractmethod
    def create(
        self,
        prefix: str,
        fields: dict[str, Any],
        *,
        actor: str,
        at: datetime | None = None,
        event: Event | None = None,
        request_id: str | None = None,
    ) -> dict[str, Any]:
        """Allocate the next id of `prefix`, save the ticket, return it with its history.
        A `request_id` already used by a create returns the ticket that create made (a retry
        of a command whose first run could not learn whether it was saved) instead of a second."""

    @abc.abstractmethod
    def get(self, ticket_id: str) -> dict[str, Any]:
        """The whole ticket. Raises UnknownTicket."""

    @abc.abstractmethod
    def update(
        self,
        ticket_id: str,
        change: Change,
        *,
        actor: str,
        expect: int | None = None,
        queue: Queue | None = None,
    ) -> dict[str, Any]:
        """In one write: change(ticket) mutates a copy and returns the history event; a change
        that raises leaves the ticket as it was. With `expect` (the `version` of the ticket a
        person looked at before deciding), a ticket changed since is refused: ChangedMeanwhile.
        With `queue`, queue(before, after, event) gives the messages the change sends the
        customer: they enter the outbox in the same write (store/outbox.py)."""

    @abc.abstractmethod
    def open_summaries(self, prefix: str | None = None) -> list[dict[str, Any]]:
        """Summaries of the tickets that are not finished (cheap), in id order."""

    @abc.abstractmethod
    def all_tickets(
        self, prefix: str | None = None, *, damaged: list[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every ticket, in id order, as of one committed state (a full scan). With `damaged`,
        unreadable parts are named there and skipped instead of raising StoreDamaged."""

    @abc.abstractmethod
    def upsert_many(
        self,
        prefix: str,
        docs: list[dict[str, Any]],
        *,
        key: str | None,
        on_conflict: str,
        actor: str,
        event: Event,
        all_or_nothing: bool = True,
        dry_run: bool = False,
    ) -> UpsertResult:
        """ONE write of many tickets, decided inside it: a document whose `key` value no ticket
        of `prefix` has is created; one whose value exists is skipped, updated (only when a
        field changes; the history records it) or refused ('fail': with all_or_nothing nothing
        is written and KeyConflict names them, else the others are written). All or nothing
        against faults. Each ticket's history gets 'opened' or 'updated' with `event`'s keys.
        A dry run decides the same way and writes nothing."""

    def query_open(self, query: OpenQuery) -> Page:
        """The open tickets a listing shows (filtered, sorted, limited) and how many match in
        all. This default reads every open summary; a backend with indexes answers alike
        (store/query.py holds the semantics)."""
        return page(query, self.open_summaries(query.prefix))

    def find_refs(self, value: str) -> list[tuple[str, str]]:
        """(id, field) of every ticket, finished ones included, whose external_id or
        customer_reference is `value` (case- and accent-insensitive), in id order. This default
        scans every ticket; a backend keeps an index of references."""
        target = fold(value.strip())
        return [(d["id"], f) for d in self.all_tickets() for f in ("external_id", "customer_reference")
                if d.get(f) not in (None, "") and fold(str(d[f]).strip()) == target]  # fmt: skip

    # ---- the outbox (store/outbox.py holds the decisions)
    @abc.abstractmethod
    def outbox(
        self, *, states: Iterable[str] | None = None, ticket_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Outbox items (of these states, of that ticket), by number."""

    @abc.abstractmethod
    def outbox_claim(self, *, actor: str, now: datetime, ids: Iterable[int] | None = None,
                     stale_before: datetime | None = None) -> list[dict[str, Any]]:  # fmt: skip
        """In one write, claim the items a send takes (outbox.claimable): each is claimed by
        exactly one caller, also under concurrent claims. Returns them claimed (state sending,
        with the `claim` token that finishing them needs)."""

    @abc.abstractmethod
    def outbox_finish(self, item_id: int, claim: str, *, actor: str, state: str, fields: dict[str, Any],
                      event: Event | None = None) -> dict[str, Any]:  # fmt: skip
        """In one write: the outcome of a send (outbox.finish) and, with `event`, the entry it
        appends to the item's ticket's history. Raises OutboxConflict, UnknownItem."""

    @abc.abstractmethod
    def outbox_discard(
        self, item_id: int, *, actor: str, stale_before: datetime | None = None
    ) -> dict[str, Any]:
        """In one write: the item discarded, never to be sent (outbox.discard)."""

    # ---- customer directory
    @abc.abstractmethod
    def customers(self) -> list[dict[str, Any]]:
        """The customer directory (project and account managers), by name."""

    @abc.abstractmethod
    def put_customer(self, record: dict[str, Any], *, actor: str) -> dict[str, Any]:
        """Add or replace a customer (matched by name, case-insensitively; the first spelling stays)."""

    # ---- moving to another store (sdcli store copy)
    @abc.abstractmethod
    def export_all(self) -> Dump:
        """Every ticket (whole, in id order), customer and counter, as of one committed state."""

    @abc.abstractmethod
    def import_all(self, dump: Dump, *, actor: str, merge: bool = False) -> None:
        """ONE write of another store's tickets, customers and counters, kept as they are (ids,
        history, times). Refuses a store that holds tickets or customers unless `merge`: then a
        ticket of the same id must be equal (else StoreConflict names them and nothing is
        written), customers it already has stay, and counters take the higher. Clears a mark
        of having moved (this store is the live one again)."""

    @abc.abstractmethod
    def moved_to(self) -> dict[str, Any] | None:
        """{to, at, by} once the store was marked moved (it refuses writes: StoreMoved)."""

    @abc.abstractmethod
    def mark_moved(self, target: str | None, *, actor: str) -> None:
        """Mark the store moved to `target` (every write refused from then on), or clear it."""

    # ---- health
    @abc.abstractmethod
    def check(self) -> list[str]:
        """Problems found in the store, one line each (empty when healthy), read from one
        consistent state (writers may be at work)."""

    @abc.abstractmethod
    def repair(self) -> list[str]:
        """Fix what can be fixed without losing data; what was done, one line each."""
