"""The embedded backend: tickets in sharded TinyDB JSON files (``tinydb://DIR``). No CLI imports.

Every read-modify-write holds an exclusive file lock for the whole operation, id allocation
and create-or-update decisions included; readers take no lock and see one committed state
(see layout.py and journal.py). Working on one ticket parses and rewrites one shard.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb.table import Document

from sdcli import clock
from sdcli.errors import BadTicketId, ConfigError, StoreBusy, StoreDamaged, UnknownTicket
from sdcli.model import PREFIXES, format_id, parse_id, summary, vocabulary
from sdcli.store import journal, tiny_bulk, tiny_customers, tiny_move, tiny_outbox
from sdcli.store.base import (
    Change,
    Dump,
    Event,
    Store,
    UpsertResult,
    guarded,
    key_of,
    new_doc,
    stamp,
)
from sdcli.store.files import dumps, private_dirs, read_json, unwritable
from sdcli.store.layout import Layout, Snapshot
from sdcli.store.tiny_move import refuse_if_moved
from sdcli.store.txn import (
    Txn,
    docs_of,
    lock_timeout_from_env,
    parse_shards,
    replace_with,
    tickets_of,
)

if TYPE_CHECKING:
    from sdcli.i18n import Shown
    from sdcli.store.openindex import OpenIndex
    from sdcli.store.outbox import Queue
    from sdcli.store.query import OpenQuery, Page


class TinyStore(Store):
    """Tickets in sharded TinyDB JSON files under one directory."""

    scheme = "tinydb"

    def __init__(self, root: Path, home: Path, *, lock_timeout: float | None = None) -> None:
        super().__init__(f"tinydb://{root}", Path(home), vocabulary(home))
        self.root = Path(root)
        self.layout = Layout(self.root)
        self.lock_timeout = lock_timeout_from_env() if lock_timeout is None else lock_timeout

    @classmethod
    def from_url(cls, url: str, home: Path) -> TinyStore:
        path = url.partition("://")[2]
        if not path:
            raise ConfigError("store.url_no_directory", url=repr(url))
        return cls(Path(path).expanduser().absolute(), home)

    @cached_property
    def index(self) -> OpenIndex:
        from sdcli.store.openindex import OpenIndex  # deferred: SQLite, only when the index is read

        return OpenIndex(self.layout.index)

    def exists(self) -> bool:
        return self.layout.meta.exists()

    # ---- locking
    @contextmanager
    def _locked(self, *, prepare: bool = True) -> Iterator[Txn]:
        from filelock import FileLock, Timeout

        private_dirs(self.root)
        if self.layout.lock.is_symlink():
            raise StoreDamaged("store.symlink", path=str(self.layout.lock))
        lock = FileLock(str(self.layout.lock), timeout=self.lock_timeout, mode=0o600)
        try:
            lock.acquire()
        except Timeout:
            raise StoreBusy("error.store_busy", where=str(self.root), seconds=f"{self.lock_timeout:g}") from None  # fmt: skip
        except OSError as e:
            raise unwritable(self.layout.lock, e) from None
        try:
            yield Txn(self.layout, self._prepare() if prepare else {})
        finally:
            lock.release()

    def _prepare(self) -> dict[str, Any]:
        """Under the lock: create or migrate the store, finish an interrupted write; the meta."""
        from sdcli.store import tiny_prepare  # deferred: the write side (it imports the open index)

        return tiny_prepare.prepare(self)

    def rebuild_index(self) -> None:
        self.index.rebuild(self._scan(None, Snapshot(self.layout), None), self.vocabulary.index_entry)

    def _commit(self, txn: Txn) -> None:
        """Every file the unit of work changed, all or nothing, then its index rows. The index
        is opened (and so checked) before anything is staged: a refusal writes nothing."""
        # each file's JSON made as it is written (a bulk write's shards are not all held as bytes)
        writes: list[tuple[Path, Any]] = [(p, _encoded(s._data)) for p, s in txn.storages() if s.dirty]
        shards = sum(1 for p, _ in writes if p.parent != self.root)
        if txn.meta_dirty:
            writes.insert(0, (self.layout.meta, dumps(txn.meta)))
        if shards > 1:  # readers of many shards see the write whole or not at all
            writes.insert(0, (self.layout.generation, os.urandom(8).hex().encode()))
        changed = txn.index_changes.keys() | txn.ref_changes.keys()  # and the tickets created (none of them)
        ids = sorted([*changed, *(d["id"] for d in txn.new_docs if d["id"] not in changed)])
        if ids:
            self.index.check_readable()
        for folder in {p.parent for p, _ in writes}:  # a new prefix's shard folder
            private_dirs(folder)
        journal.commit(self.layout, writes, self.warnings, index=ids,
                       after=lambda: self.index.apply(txn.index_changes, txn.ref_changes, frozenset(txn.created),
                                                      docs=txn.new_docs, entry_of=self.vocabulary.index_entry))  # fmt: skip

    def _changed(self, txn: Txn, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
        """Record the index row and references of a ticket a write changes (before None: it is new)."""
        if before is None:
            txn.created.append(after["id"])
        if before is None or summary(before) != summary(after):
            txn.index_changes[after["id"]] = self.vocabulary.index_entry(after)
        from sdcli.store.openindex import refs_of  # deferred: SQLite, the write side

        if before is None or refs_of(before) != refs_of(after):
            txn.ref_changes[after["id"]] = refs_of(after)

    # ---- reads
    def get(self, ticket_id: str) -> dict[str, Any]:
        prefix, number = parse_id(ticket_id)
        path = self.layout.shard(prefix, number)
        data = Snapshot(self.layout).read_json(path) if self.layout.journal.exists() else read_json(path)
        doc = tickets_of(data, path).get(str(number))
        if not isinstance(doc, dict):
            raise UnknownTicket("error.no_ticket", id=format_id(prefix, number), where=str(self.root))
        return doc

    def _pending(self) -> Snapshot | None:
        """The state of a write past its commit point whose index rows are not applied yet."""
        if not self.layout.journal.exists():
            return None
        snap = Snapshot(self.layout)
        return snap if snap.journal is not None else None

    def open_summaries(self, prefix: str | None = None) -> list[dict[str, Any]]:
        snap = self._pending()
        rows = self.index.summaries(prefix)
        if snap is None:
            return rows
        from sdcli.store.query import id_order  # deferred: listings (here while a write is being finished)

        patch = {t: None if d is None else self.vocabulary.index_entry(d)
                 for t, d in docs_of(self.layout, journal.index_ids(snap.journal or {}), snap).items()}  # fmt: skip
        by_id = {r["id"]: r for r in rows if r["id"] not in patch}
        by_id.update(
            {t: e for t, e in patch.items() if e is not None and (prefix is None or t[:3] == prefix)}
        )
        return sorted(by_id.values(), key=id_order)

    def query_open(self, query: OpenQuery) -> Page:
        if self._pending() is None:
            return self.index.query(query, lambda ids: docs_of(self.layout, ids, Snapshot(self.layout)))
        from sdcli.store.query import page  # deferred: rare, a write between its renames and its index rows

        return page(query, self.open_summaries(query.prefix))

    def find_refs(self, value: str) -> list[tuple[str, str]]:
        found = self.index.refs(value)
        snap = self._pending()
        if snap is None:
            return found
        from sdcli.store.openindex import CALLER_REFS, refs_of  # deferred: only while a write is finished
        from sdcli.store.query import id_order, ref_matches

        docs = docs_of(self.layout, journal.index_ids(snap.journal or {}), snap)
        out = [(t, f) for t, f in found if t not in docs]
        out += [
            (t, f)
            for t, d in docs.items()
            if d is not None
            for f, v in refs_of(d)
            if f in CALLER_REFS and ref_matches(v, value)
        ]
        return sorted(set(out), key=lambda x: id_order({"id": x[0]}))

    def all_tickets(
        self, prefix: str | None = None, *, damaged: list[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every ticket of one committed state: the shards' bytes are read (a write of several
        shards meanwhile means reading again), then parsed one shard at a time."""
        for _attempt in range(3):
            before = self.layout.generation_state()
            raw = self._raw(prefix, Snapshot(self.layout))
            if self.layout.generation_state() == before:
                return parse_shards(raw, damaged)
        with self._locked():  # writes of many shards kept coming: read under the lock
            raw = self._raw(prefix, Snapshot(self.layout))
        return parse_shards(raw, damaged)

    def _raw(self, prefix: str | None, snap: Snapshot) -> list[tuple[Path, bytes | None]]:
        prefixes = [prefix] if prefix else list(PREFIXES)
        return [(path, snap.read_bytes(path)) for p in prefixes for path in snap.shard_files(p)]

    def _scan(
        self, prefix: str | None, snap: Snapshot, damaged: list[str] | None
    ) -> Iterator[dict[str, Any]]:
        """Every ticket, one shard in memory at a time (under the lock: no write lands meanwhile)."""
        for p in [prefix] if prefix else list(PREFIXES):
            for path in snap.shard_files(p):
                yield from parse_shards([(path, snap.read_bytes(path))], damaged)

    def keys(self, prefix: str, key: str, values: list[str]) -> dict[str, int]:
        """value → ticket number of the tickets of prefix whose `key` is one of values (under the
        lock): from the index for references, else a scan of the shards."""
        from sdcli.store.openindex import REFS  # deferred: SQLite (an import's keys, under the lock)

        if key in REFS:
            return self.index.keys(prefix, key, values)
        wanted, out = set(values), dict[str, int]()
        for doc in self._scan(prefix, Snapshot(self.layout), None):
            k = key_of(doc, key)
            if k in wanted:
                out.setdefault(k, parse_id(doc["id"])[1])
        return out

    # ---- writes
    def create(self, prefix: str, fields: dict[str, Any], *, actor: str, at: datetime | None = None,
               event: Event | None = None, request_id: str | None = None) -> dict[str, Any]:  # fmt: skip
        if prefix not in PREFIXES:
            raise BadTicketId(f"unknown ticket kind {prefix!r}")
        at = at or clock.now()
        with self._locked() as txn:
            refuse_if_moved(self, txn)
            requests = txn.meta.setdefault("requests", {})  # request id → ticket, the latest 1,000
            if request_id is not None and request_id in requests:
                return self.get(requests[request_id])
            number = txn.allocate(prefix, self.warnings)
            doc = new_doc(prefix, number, fields, actor, clock.iso(at), clock.iso(clock.now()), event)
            table = txn.shard(prefix, number)
            if table.contains(doc_id=number):
                raise StoreDamaged(
                    "store.already_holds", path=str(self.layout.shard(prefix, number)), id=doc["id"]
                )
            table.insert(Document(doc, doc_id=number))
            txn.advance(prefix, number + 1)
            if request_id is not None:
                requests[request_id] = doc["id"]
                for old in list(requests)[:-1000]:
                    del requests[old]
            self._changed(txn, None, doc)
            self._commit(txn)
        return doc

    def update(self, ticket_id: str, change: Change, *, actor: str, expect: int | None = None,
               queue: Queue | None = None) -> dict[str, Any]:  # fmt: skip
        prefix, number = parse_id(ticket_id)
        change = guarded(change, expect)
        if not self.layout.shard(prefix, number).exists():  # never create a store to refuse an id
            raise UnknownTicket("error.no_ticket", id=format_id(prefix, number), where=str(self.root))
        with self._locked() as txn:
            refuse_if_moved(self, txn)
            after = self._update_in(txn, prefix, number, change, actor, queue)
            self._commit(txn)
        return after

    def _update_in(self, txn: Txn, prefix: str, number: int, change: Change, actor: str,
                   queue: Queue | None) -> dict[str, Any]:  # fmt: skip
        """One ticket changed inside a locked write (and the messages its change queues)."""
        table = txn.shard(prefix, number)
        current = table.get(doc_id=number)
        if current is None:
            raise UnknownTicket("error.no_ticket", id=format_id(prefix, number), where=str(self.root))
        before = dict(current)
        after = copy.deepcopy(before)
        event = change(after)
        at = clock.iso(clock.now())
        stamp(before, after, event, actor, at)
        if queue is not None:
            messages = queue(before, after, event)
            if messages:
                tiny_outbox.add(self, txn, after["id"], messages, actor=actor, at=at)
        table.update(replace_with(after), doc_ids=[number])
        self._changed(txn, before, after)
        return after

    # ---- bulk writes (sdcli import, the inbox): in tiny_bulk.py
    def upsert_many(self, prefix: str, docs: list[dict[str, Any]], *, key: str | None, on_conflict: str,
                    actor: str, event: Event, all_or_nothing: bool = True, dry_run: bool = False,
                    owned: bool = False, across: bool = False) -> UpsertResult:  # fmt: skip
        return tiny_bulk.upsert_many(self, prefix, docs, key=key, on_conflict=on_conflict, actor=actor, event=event,
                                     all_or_nothing=all_or_nothing, dry_run=dry_run, owned=owned, across=across)  # fmt: skip

    # ---- the outbox: in tiny_outbox.py
    def outbox(
        self, *, states: Iterable[str] | None = None, ticket_id: str | None = None
    ) -> list[dict[str, Any]]:
        return tiny_outbox.items(self, states, ticket_id)

    def outbox_claim(self, *, actor: str, now: datetime, ids: Iterable[int] | None = None,
                     stale_before: datetime | None = None, due: bool = False) -> list[dict[str, Any]]:  # fmt: skip
        return tiny_outbox.claim(self, actor=actor, now=now, ids=ids, stale_before=stale_before, due=due)

    def outbox_finish(self, item_id: int, claim: str, *, actor: str, state: str, fields: dict[str, Any],
                      event: Event | None = None) -> dict[str, Any]:  # fmt: skip
        return tiny_outbox.finish(self, item_id, claim, actor=actor, state=state, fields=fields, event=event)

    def outbox_discard(
        self, item_id: int, *, actor: str, stale_before: datetime | None = None
    ) -> dict[str, Any]:
        return tiny_outbox.discard(self, item_id, actor=actor, stale_before=stale_before)

    # ---- customer directory: in tiny_customers.py
    def customers(self) -> list[dict[str, Any]]:
        return tiny_customers.customers(self)

    def put_customer(self, record: dict[str, Any], *, actor: str) -> dict[str, Any]:
        return tiny_customers.put_customer(self, record, actor=actor)

    # ---- moving (sdcli store copy): in tiny_move.py
    def export_all(self) -> Dump:
        return tiny_move.export_all(self)

    def import_all(self, dump: Dump, *, actor: str, merge: bool = False) -> None:
        tiny_move.import_all(self, dump, actor=actor, merge=merge)

    def moved_to(self) -> dict[str, Any] | None:
        return tiny_move.moved_to(self)

    def mark_moved(self, target: str | None, *, actor: str) -> None:
        tiny_move.mark_moved(self, target, actor=actor)

    # ---- health (sdcli doctor)
    def check(self) -> list[Shown]:
        from sdcli.store.health import check

        return check(self)

    def repair(self) -> list[Shown]:
        from sdcli.store.health import repair

        return repair(self)


def _encoded(data: Any) -> Iterator[bytes]:
    """The JSON of a store file, made when the file is written."""
    yield dumps(data)
