"""A third-party store backend for the tests: tickets in one SQLite file (``sqlite:///path.db``).

It is found only through the ``sdcli.stores`` entry point a test installs (conftest's
`plugin_backend`), and passes the same contract as the built-in backend: proof that the
interface is complete (nothing outside a backend reaches for its files).
"""

from __future__ import annotations

import copy
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sdcli import clock
from sdcli.errors import BadTicketId, StoreBusy, UnknownTicket
from sdcli.model import PREFIXES, format_id, parse_id, summary, vocabulary
from sdcli.store import outbox
from sdcli.store.base import (
    Change,
    Dump,
    Event,
    KeyConflict,
    Store,
    StoreMoved,
    UpsertResult,
    check_upsert,
    guarded,
    key_of,
    merge_counters,
    merged,
    new_doc,
    older_event,
    stamp,
    tickets_to_copy,
)
from sdcli.store.outbox import Queue

SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (prefix TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (prefix TEXT, number INTEGER, doc TEXT NOT NULL, finished INTEGER NOT NULL,
                                    PRIMARY KEY (prefix, number));
CREATE TABLE IF NOT EXISTS customers (key TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (request_id TEXT PRIMARY KEY, id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS moved (one INTEGER PRIMARY KEY CHECK (one = 1), doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tickets_message_id ON tickets (prefix, json_extract(doc, '$.message_id'));
CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, ticket TEXT NOT NULL, state TEXT NOT NULL,
                                   doc TEXT NOT NULL);
"""
#: keys looked up by an index (the others are found by reading every ticket of the prefix)
LOOKED_UP = ("message_id",)


class SqliteStore(Store):
    scheme = "sqlite"

    def __init__(self, path: Path, home: Path) -> None:
        super().__init__(f"sqlite://{path}", home, vocabulary(home))
        self.path = path

    @classmethod
    def from_url(cls, url: str, home: Path) -> SqliteStore:
        return cls(Path(url.partition("://")[2]), home)

    def exists(self) -> bool:
        if not self.path.exists():
            return False
        with self._read() as db:
            return db.execute("SELECT count(*) FROM counters").fetchone()[0] > 0

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        for attempt in range(50):  # switching the journal mode is not covered by SQLite's busy timeout
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(SCHEMA)
                break
            except sqlite3.OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.05)
        return db

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        db = self._connect()
        try:
            db.execute("BEGIN")  # one snapshot for the whole read
            yield db
            db.execute("COMMIT")
        finally:
            db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._connect()
        try:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as e:
                raise StoreBusy(f"the store {self.path} is busy: {e}") from None
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    @contextmanager
    def _change(self) -> Iterator[sqlite3.Connection]:
        """A write of tickets or customers: refused once the store moved."""
        with self._write() as db:
            row = db.execute("SELECT doc FROM moved").fetchone()
            if row:
                raise StoreMoved(self.url, json.loads(row[0]))
            yield db

    def _allocate(self, db: sqlite3.Connection, prefix: str, count: int) -> int:
        for p in PREFIXES:
            db.execute("INSERT OR IGNORE INTO counters VALUES (?, 1)", (p,))
        (first,) = db.execute("SELECT next FROM counters WHERE prefix = ?", (prefix,)).fetchone()
        db.execute("UPDATE counters SET next = ? WHERE prefix = ?", (first + count, prefix))
        return first

    def _put(self, db: sqlite3.Connection, doc: dict[str, Any]) -> None:
        p, n = parse_id(doc["id"])
        db.execute("INSERT OR REPLACE INTO tickets VALUES (?, ?, ?, ?)",
                   (p, n, json.dumps(doc, ensure_ascii=False), int(self.vocabulary.is_finished(doc))))  # fmt: skip

    def create(self, prefix: str, fields: dict[str, Any], *, actor: str, at: datetime | None = None,
               event: Event | None = None, request_id: str | None = None) -> dict[str, Any]:  # fmt: skip
        if prefix not in PREFIXES:
            raise BadTicketId(f"unknown ticket kind {prefix!r}")
        with self._change() as db:
            if request_id is not None:
                row = db.execute("SELECT id FROM requests WHERE request_id = ?", (request_id,)).fetchone()
                if row:
                    p, n = parse_id(row[0])
                    (raw,) = db.execute(
                        "SELECT doc FROM tickets WHERE prefix = ? AND number = ?", (p, n)
                    ).fetchone()
                    return json.loads(raw)
            number = self._allocate(db, prefix, 1)
            doc = new_doc(
                prefix, number, fields, actor, clock.iso(at or clock.now()), clock.iso(clock.now()), event
            )
            self._put(db, doc)
            if request_id is not None:
                db.execute("INSERT INTO requests VALUES (?, ?)", (request_id, doc["id"]))
        return doc

    def get(self, ticket_id: str) -> dict[str, Any]:
        p, n = parse_id(ticket_id)
        if not self.path.exists():
            raise UnknownTicket(f"no ticket {format_id(p, n)} in {self.url}")
        with self._read() as db:
            row = db.execute("SELECT doc FROM tickets WHERE prefix = ? AND number = ?", (p, n)).fetchone()
        if row is None:
            raise UnknownTicket(f"no ticket {format_id(p, n)} in {self.url}")
        return json.loads(row[0])

    def update(self, ticket_id: str, change: Change, *, actor: str, expect: int | None = None,
               queue: Queue | None = None) -> dict[str, Any]:  # fmt: skip
        self.get(ticket_id)
        change = guarded(change, expect)
        with self._change() as db:
            return self._change_in(db, ticket_id, change, actor, queue)

    def _change_in(self, db: sqlite3.Connection, ticket_id: str, change: Change, actor: str,
                   queue: Queue | None) -> dict[str, Any]:  # fmt: skip
        p, n = parse_id(ticket_id)
        (raw,) = db.execute("SELECT doc FROM tickets WHERE prefix = ? AND number = ?", (p, n)).fetchone()
        before = json.loads(raw)
        after = copy.deepcopy(before)
        at = clock.iso(clock.now())
        event = change(after)
        stamp(before, after, event, actor, at)
        if queue is not None:
            for message in queue(before, after, event):
                (number,) = db.execute("SELECT coalesce(max(id), 0) + 1 FROM outbox").fetchone()
                self._put_item(db, outbox.new_item(number, after["id"], message, actor=actor, at=at))
        self._put(db, after)
        return after

    # ---- the outbox
    def _put_item(self, db: sqlite3.Connection, item: dict[str, Any]) -> None:
        db.execute("INSERT OR REPLACE INTO outbox VALUES (?, ?, ?, ?)",
                   (item["id"], item["ticket"], item["state"], json.dumps(item, ensure_ascii=False)))  # fmt: skip

    def outbox(
        self, *, states: Iterable[str] | None = None, ticket_id: str | None = None
    ) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self._read() as db:
            docs = [json.loads(r[0]) for r in db.execute("SELECT doc FROM outbox")]
        return outbox.selected(docs, states, ticket_id)

    def outbox_claim(self, *, actor: str, now: datetime, ids: Iterable[int] | None = None,
                     stale_before: datetime | None = None, due: bool = False) -> list[dict[str, Any]]:  # fmt: skip
        wanted = None if ids is None else frozenset(ids)
        taken = []
        with self._change() as db:
            for (raw,) in db.execute("SELECT doc FROM outbox ORDER BY id").fetchall():
                item = json.loads(raw)
                if outbox.claimable(item, now, wanted, stale_before, due):
                    done = outbox.claim(item, actor=actor, at=clock.iso(clock.now()))
                    self._put_item(db, done)
                    taken.append(done)
        return taken

    def _item(self, db: sqlite3.Connection, item_id: int) -> dict[str, Any]:
        row = db.execute("SELECT doc FROM outbox WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise outbox.unknown(item_id, self.url)
        return json.loads(row[0])

    def outbox_finish(self, item_id: int, claim: str, *, actor: str, state: str, fields: dict[str, Any],
                      event: Event | None = None) -> dict[str, Any]:  # fmt: skip
        with self._change() as db:
            done = outbox.finish(
                self._item(db, item_id), claim, state, fields, actor=actor, at=clock.iso(clock.now())
            )
            self._put_item(db, done)
            if event is not None:
                self._change_in(db, done["ticket"], lambda d: dict(event), actor, None)
        return done

    def outbox_discard(
        self, item_id: int, *, actor: str, stale_before: datetime | None = None
    ) -> dict[str, Any]:
        with self._change() as db:
            done = outbox.discard(self._item(db, item_id), actor=actor, at=clock.iso(clock.now()),
                                  stale_before=stale_before)  # fmt: skip
            self._put_item(db, done)
        return done

    def open_summaries(self, prefix: str | None = None) -> list[dict[str, Any]]:
        return [summary(d) for d in self._docs(prefix, "AND finished = 0")]

    def all_tickets(
        self, prefix: str | None = None, *, damaged: list[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        return iter(self._docs(prefix, ""))

    def _docs(self, prefix: str | None, where: str) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        order = " ".join(f"WHEN '{p}' THEN {i}" for i, p in enumerate(PREFIXES))
        with self._read() as db:
            rows = db.execute(f"SELECT doc FROM tickets WHERE (? IS NULL OR prefix = ?) {where} "
                              f"ORDER BY CASE prefix {order} END, number", (prefix, prefix)).fetchall()  # fmt: skip
        return [json.loads(r[0]) for r in rows]

    def upsert_many(self, prefix: str, docs: list[dict[str, Any]], *, key: str | None, on_conflict: str,
                    actor: str, event: Event, all_or_nothing: bool = True, dry_run: bool = False,
                    owned: bool = False, across: bool = False) -> UpsertResult:  # fmt: skip  # owned: a permission, not used here
        check_upsert(prefix, on_conflict, key, across)
        result = UpsertResult()
        if not docs:
            return result
        try:
            return self._upsert(
                prefix, docs, key, on_conflict, actor, event, all_or_nothing, dry_run, result, across
            )
        except _DryRun as done:  # decided, then rolled back
            return done.result

    def _upsert(self, prefix: str, docs: list[dict[str, Any]], key: str | None, on_conflict: str, actor: str,
                event: Event, all_or_nothing: bool, dry_run: bool, result: UpsertResult,
                across: bool) -> UpsertResult:  # fmt: skip
        at = clock.iso(clock.now())
        with self._change() as db:
            existing = self._existing(db, prefix, docs, key)
            for other in (p for p in PREFIXES if across and p != prefix):  # skipped as this kind's would be
                for k, doc in self._existing(db, other, docs, key).items():
                    existing.setdefault(k, doc)
            number = first = self._allocate(db, prefix, 0)
            for fields in docs:
                k = key_of(fields, key)
                current = existing.get(k) if k is not None else None
                result.by_doc.append(None)
                if current is None:
                    doc = new_doc(prefix, number, fields, actor, at, at, event)
                    result.by_doc[-1] = doc["id"]
                    self._put(db, doc)
                    if k is not None:
                        existing[k] = doc
                    number += 1
                    continue
                if on_conflict != "fail":
                    result.by_doc[-1] = current["id"]
                if on_conflict == "skip":
                    result.skipped.append(current["id"])
                elif on_conflict == "fail":
                    result.conflicts.append(k)  # type: ignore[arg-type]
                else:
                    if parse_id(current["id"])[1] < first and older_event(
                        fields.get("event_order"), current.get("event_order")
                    ):  # an older event than the stored ticket's: left, decided in this write
                        result.older.append(current["id"])
                        continue
                    change = merged(current, fields)
                    if change is None:
                        result.unchanged.append(current["id"])
                        continue
                    after, new = change
                    if parse_id(current["id"])[1] < first:
                        stamp(current, after, {"action": "updated", **event}, actor, at, new)
                        result.updated.append(current["id"])
                    self._put(db, after)
                    existing[k] = after  # type: ignore[index]
            if result.conflicts and all_or_nothing:
                raise KeyConflict(key or "key", result.conflicts)
            result.created = [format_id(prefix, n) for n in range(first, number)]
            db.execute("UPDATE counters SET next = ? WHERE prefix = ?", (number, prefix))
            if dry_run:
                raise _DryRun(result)
        return result

    def _existing(self, db: sqlite3.Connection, prefix: str, docs: list[dict[str, Any]],
                  key: str | None) -> dict[str, dict[str, Any]]:  # fmt: skip
        """key value → the first ticket of prefix with it: by the index for LOOKED_UP keys."""
        existing: dict[str, dict[str, Any]] = {}
        if key in LOOKED_UP:
            for k in {k for k in (key_of(d, key) for d in docs) if k is not None}:
                row = db.execute(f"SELECT doc FROM tickets WHERE prefix = ? AND json_extract(doc, '$.{key}') = ? "
                                 "ORDER BY number LIMIT 1", (prefix, k)).fetchone()  # fmt: skip
                if row:
                    existing[k] = json.loads(row[0])
            return existing
        for (raw,) in db.execute("SELECT doc FROM tickets WHERE prefix = ?", (prefix,)):
            doc = json.loads(raw)
            k = key_of(doc, key)
            if k is not None:
                existing.setdefault(k, doc)
        return existing

    def customers(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self._read() as db:
            docs = [json.loads(r[0]) for r in db.execute("SELECT doc FROM customers")]
        return sorted(docs, key=lambda c: c["name"].casefold())

    def put_customer(self, record: dict[str, Any], *, actor: str) -> dict[str, Any]:
        key = record["name"].casefold()
        with self._change() as db:
            row = db.execute("SELECT doc FROM customers WHERE key = ?", (key,)).fetchone()
            before = json.loads(row[0]) if row else {}
            at = clock.iso(clock.now())
            doc = {**before, **record, "updated_at": at, "updated_by": actor}
            if before:
                doc["name"] = before["name"]
            doc.setdefault("created_at", at)
            db.execute(
                "INSERT OR REPLACE INTO customers VALUES (?, ?)", (key, json.dumps(doc, ensure_ascii=False))
            )
        return doc

    def export_all(self) -> Dump:
        with self._read() as db:
            counters = dict(db.execute("SELECT prefix, next FROM counters").fetchall())
        return Dump(list(self.all_tickets()), self.customers(), merge_counters(counters), self.outbox())

    def import_all(self, dump: Dump, *, actor: str, merge: bool = False) -> None:
        existing = {d["id"]: d for d in self.all_tickets()}
        customers = self.customers()
        with self._write() as db:
            new = tickets_to_copy(
                dump, existing, occupied=len(existing) + len(customers), merge=merge, where=self.url
            )
            for doc in new:
                self._put(db, doc)
            self._allocate(db, "INC", 0)
            have = dict(db.execute("SELECT prefix, next FROM counters").fetchall())
            top = dict(db.execute("SELECT prefix, max(number) + 1 FROM tickets GROUP BY prefix").fetchall())
            for p, n in merge_counters(have, dump.counters, top).items():
                db.execute("UPDATE counters SET next = ? WHERE prefix = ?", (n, p))
            for c in dump.customers:
                db.execute("INSERT OR IGNORE INTO customers VALUES (?, ?)",
                           (c["name"].casefold(), json.dumps(c, ensure_ascii=False)))  # fmt: skip
            held = [json.loads(r[0]) for r in db.execute("SELECT doc FROM outbox")]
            (nxt,) = db.execute("SELECT coalesce(max(id), 0) + 1 FROM outbox").fetchone()
            added, replaced, _ = outbox.to_copy(dump.outbox, held, nxt)
            for item in (*added, *replaced):
                self._put_item(db, item)
            db.execute("DELETE FROM moved")

    def moved_to(self) -> dict[str, Any] | None:
        if not self.path.exists():
            return None
        with self._read() as db:
            row = db.execute("SELECT doc FROM moved").fetchone()
        return json.loads(row[0]) if row else None

    def mark_moved(self, target: str | None, *, actor: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM moved")
            if target is not None:
                doc = {"to": target, "at": clock.iso(self.now()), "by": actor}
                db.execute("INSERT INTO moved VALUES (1, ?)", (json.dumps(doc),))

    def check(self) -> list[str]:
        if not self.path.exists():
            return []
        with self._read() as db:
            (ok,) = db.execute("PRAGMA integrity_check").fetchone()
        return [] if ok == "ok" else [f"{self.path}: {ok}"]

    def repair(self) -> list[str]:
        return []


class _DryRun(Exception):
    def __init__(self, result: UpsertResult) -> None:
        self.result = result
