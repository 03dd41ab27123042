"""The store interface every backend implements. No CLI imports. What backends share (new
documents, history stamping, diffs, the upsert planner, the store's errors) is in records.py
and re-exported here.

Nothing outside a backend reaches for its files or connections: commands, the domain and
their tests use only these methods.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from sdcli.i18n import Shown
from sdcli.model import Vocabulary
from sdcli.store.outbox import Queue
from sdcli.store.records import (  # noqa: F401 (re-exported: the store's shared vocabulary)
    CONFLICTS,
    KEPT,
    Change,
    ChangedMeanwhile,
    Dump,
    Event,
    KeyConflict,
    StoreConflict,
    StoreMoved,
    StoreUnavailable,
    UpsertPlan,
    UpsertResult,
    canonical,
    check_upsert,
    checksum,
    diff,
    found_keys,
    guarded,
    key_of,
    merge_counters,
    merged,
    new_doc,
    older_event,
    plan_upsert,
    stamp,
    tickets_to_copy,
    version,
)

if TYPE_CHECKING:
    from sdcli.store.query import OpenQuery, Page


def takes(method: Any, name: str) -> bool:
    """Whether a backend's method declares the keyword `name`: one a later sdcli added
    (upsert_many's `owned`, `across`) is passed only where it is, so that a backend from a plugin
    written before it still works, as it did."""
    import inspect  # deferred: the writes that pass one only

    return name in inspect.signature(method).parameters


class Store(abc.ABC):
    """What commands need from a store. Every backend implements exactly this."""

    #: the URL scheme that selects this backend (tinydb, postgresql, ...)
    scheme: ClassVar[str]

    def __init__(self, url: str, home: Path, vocabulary: Vocabulary) -> None:
        self.url = url
        self.home = home
        self.vocabulary = vocabulary
        #: what a write finished in spite of a fault after its commit point, for the agent
        self.warnings: list[Any] = []  # Messages (or texts shown as they are)

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
        owned: bool = False,
        across: bool = False,
    ) -> UpsertResult:
        """ONE write of many tickets, decided inside it: a document whose `key` value no ticket
        of `prefix` has is created; one whose value exists is skipped, updated (only when a
        field changes; the history records it) or refused ('fail': with all_or_nothing nothing
        is written and KeyConflict names them, else the others are written). All or nothing
        against faults. Each ticket's history gets 'opened' or 'updated' with `event`'s keys.
        A dry run decides the same way and writes nothing. `owned`: the caller gives the
        documents up (it only reads their key afterwards), so a backend may make the tickets it
        creates of them in place instead of copying each (a bulk import holds them once).
        `across` (with on_conflict='skip'): the key is unique across every kind, so a document
        whose value a ticket of another prefix has is skipped too, by_doc naming that ticket
        (`sdcli inbox`: one ticket per message, whichever kind it was read as)."""

    def query_open(self, query: OpenQuery) -> Page:
        """The open tickets a listing shows (filtered, sorted, limited) and how many match in
        all. This default reads every open summary; a backend with indexes answers alike
        (store/query.py holds the semantics)."""
        from sdcli.store.query import page  # deferred: listings only (reading one ticket needs none)

        return page(query, self.open_summaries(query.prefix))

    def find_refs(self, value: str) -> list[tuple[str, str]]:
        """(id, field) of every ticket, finished ones included, whose external_id or
        customer_reference is `value` (case and accents aside, and the marks between its letters
        and digits: query.ref_matches), in id order. This default scans every ticket; a backend
        keeps an index of references."""
        from sdcli.store.query import ref_matches  # deferred: listings only

        return [(d["id"], f) for d in self.all_tickets() for f in ("external_id", "customer_reference")
                if d.get(f) not in (None, "") and ref_matches(str(d[f]), value)]  # fmt: skip

    # ---- the outbox (store/outbox.py holds the decisions)
    @abc.abstractmethod
    def outbox(
        self, *, states: Iterable[str] | None = None, ticket_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Outbox items (of these states, of that ticket), by number."""

    @abc.abstractmethod
    def outbox_claim(self, *, actor: str, now: datetime, ids: Iterable[int] | None = None,
                     stale_before: datetime | None = None, due: bool = False) -> list[dict[str, Any]]:  # fmt: skip
        """In one write, claim the items a send takes (outbox.claimable): each is claimed by
        exactly one caller, also under concurrent claims. Returns them claimed (state sending,
        with the `claim` token that finishing them needs). `due` (with ids): the named items
        only if queued and due, decided in the write (a backend from before it: smtp.py)."""

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
    def check(self) -> list[Shown]:
        """Problems found in the store, one line each (empty when healthy), read from one
        consistent state (writers may be at work). Each is a Message (or a plain text, shown
        as it is): the CLI shows it in the session's language, its str() is English."""

    @abc.abstractmethod
    def repair(self) -> list[Shown]:
        """Fix what can be fixed without losing data; what was done, one line each (as check's)."""
