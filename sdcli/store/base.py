"""The store interface every backend implements, and what backends share: new documents,
history stamping, diffs, the upsert result. No CLI imports.

Nothing outside a backend reaches for its files or connections: commands, the domain and
their tests use only these methods.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from sdcli.errors import SdcliError
from sdcli.model import PREFIXES, Vocabulary, format_id
from sdcli.store.query import OpenQuery, Page, fold, page

Event = dict[str, Any]
Change = Callable[[dict[str, Any]], Event]
CONFLICTS = ("skip", "update", "fail")
#: fields an upsert never sets on an existing ticket: the store keeps them
KEPT = frozenset({"id", "kind", "history", "updated_at"})
_UNDIFFED = frozenset({"history", "updated_at"})


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
    ) -> dict[str, Any]:
        """Allocate the next id of `prefix`, save the ticket, return it with its history."""

    @abc.abstractmethod
    def get(self, ticket_id: str) -> dict[str, Any]:
        """The whole ticket. Raises UnknownTicket."""

    @abc.abstractmethod
    def update(self, ticket_id: str, change: Change, *, actor: str) -> dict[str, Any]:
        """In one write: change(ticket) mutates a copy and returns the history event; a change
        that raises leaves the ticket as it was."""

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

    # ---- customer directory
    @abc.abstractmethod
    def customers(self) -> list[dict[str, Any]]:
        """The customer directory (project and account managers), by name."""

    @abc.abstractmethod
    def put_customer(self, record: dict[str, Any], *, actor: str) -> dict[str, Any]:
        """Add or replace a customer (matched by name, case-insensitively; the first spelling stays)."""

    # ---- health
    @abc.abstractmethod
    def check(self) -> list[str]:
        """Problems found in the store, one line each (empty when healthy), read from one
        consistent state (writers may be at work)."""

    @abc.abstractmethod
    def repair(self) -> list[str]:
        """Fix what can be fixed without losing data; what was done, one line each."""
