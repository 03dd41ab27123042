"""The shared-queue backend: tickets in a PostgreSQL database (``postgresql://…``). No CLI imports.

Every write is one transaction: a ticket's row is locked for its update, ids are allocated from
a counter row inside the transaction (never reused), history rows are only ever appended, and
times are stamped by the server's clock.

Imported only when a postgresql:// URL is used; the URL is described in postgres_conn.py, the
connection and transactions (and a COMMIT whose connection dropped) in postgres_txn.py, the
schema in postgres_schema.py, bulk writes (COPY) in postgres_bulk.py.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from psycopg import errors as pgerr

from sdcli import clock
from sdcli.errors import BadTicketId, UnknownTicket
from sdcli.i18n import Shown
from sdcli.model import PREFIXES, format_id, name_key, parse_id, vocabulary
from sdcli.store import postgres_bulk as bulk
from sdcli.store import postgres_conn as conn
from sdcli.store import postgres_outbox as pg_outbox
from sdcli.store import postgres_query as pg_query
from sdcli.store import postgres_schema as schema
from sdcli.store.base import (
    Change,
    Dump,
    Event,
    Store,
    StoreUnavailable,
    UpsertResult,
    guarded,
    new_doc,
    stamp,
    version,
)
from sdcli.store.files import dumps, loads
from sdcli.store.outbox import Queue
from sdcli.store.postgres_rows import COLUMNS, NAMES, SELECT_DOC, document, row
from sdcli.store.postgres_schema import one
from sdcli.store.postgres_txn import Cursor, Transactions
from sdcli.store.query import OpenQuery, Page, ref_key


class PostgresStore(Transactions, Store):
    """Tickets, their history, customers and counters in one PostgreSQL schema."""

    scheme = "postgresql"

    def __init__(self, url: str, home: Path) -> None:
        self.target = conn.parse(url)
        super().__init__(url, Path(home), vocabulary(home))
        self.warnings.extend(self.target.warnings)
        self._conn = None
        self._checked = False

    @classmethod
    def from_url(cls, url: str, home: Path) -> PostgresStore:
        return cls(url, home)

    def exists(self) -> bool:
        with self._reading() as cur:
            if schema.installed(cur, self.target.schema) is None:
                return False
            cur.execute("SELECT EXISTS (SELECT 1 FROM tickets) OR EXISTS (SELECT 1 FROM customers)")
            return bool(one(cur)[0])

    def migrate(self, upto: int | None = None) -> list[str]:
        with conn.translated(self.describe(), writing=True):
            applied = schema.migrate(self.connection(check=False), self.target.schema, self.describe(), upto)
        self._checked = False
        return applied

    # ---- reads
    def get(self, ticket_id: str) -> dict[str, Any]:
        prefix, number = parse_id(ticket_id)
        tid = format_id(prefix, number)
        self.connection()
        with self._reading() as cur:
            cur.execute(f"SELECT {SELECT_DOC} FROM tickets t WHERE t.id = %s", (tid,))
            found = cur.fetchone()
        if found is None:
            raise UnknownTicket("error.no_ticket", id=tid, where=self.describe())
        return document(*found)

    def open_summaries(self, prefix: str | None = None) -> list[dict[str, Any]]:
        self.connection()
        with self._reading() as cur:
            cur.execute(
                "SELECT summary FROM tickets WHERE NOT finished AND (%s::text IS NULL OR prefix = %s) "
                "ORDER BY array_position(%s::text[], prefix), number",
                (prefix, prefix, list(PREFIXES)),
            )
            return [loads(s) for (s,) in cur]

    def query_open(self, query: OpenQuery) -> Page:
        """By SQL over the query columns (schema 5): only the rows shown are read."""
        self.connection()
        with self._reading(snapshot=True) as cur:
            return pg_query.answer(cur, query)

    def all_tickets(
        self, prefix: str | None = None, *, damaged: list[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        self.connection()
        rows: list[tuple[str, str | None]] = []
        with self._reading(snapshot=True) as cur:
            for p in [prefix] if prefix else PREFIXES:
                cur.execute(f"SELECT {SELECT_DOC} FROM tickets t WHERE t.prefix = %s ORDER BY t.number", (p,))
                rows.extend(cur.fetchall())
        return (document(text, entries) for text, entries in rows)

    def find_refs(self, value: str) -> list[tuple[str, str]]:
        """By the indexed fold columns (schema 3), or compact ones (schema 9: a number read out
        without its marks, query.ref_key), never a scan."""
        how, target = ref_key(value)
        self.connection()
        with self._reading() as cur:
            cur.execute(
                f"SELECT id, field FROM (SELECT prefix, number, id, 'external_id' AS field FROM tickets "
                f"WHERE external_id_{how} = %s UNION ALL SELECT prefix, number, id, 'customer_reference' "
                f"FROM tickets WHERE customer_reference_{how} = %s) found ORDER BY prefix, number, field",
                (target, target),
            )
            return [(tid, field) for tid, field in cur.fetchall()]

    # ---- writes
    def create(self, prefix: str, fields: dict[str, Any], *, actor: str, at: datetime | None = None,
               event: Event | None = None, request_id: str | None = None) -> dict[str, Any]:  # fmt: skip
        if prefix not in PREFIXES:
            raise BadTicketId(f"unknown ticket kind {prefix!r}")
        rid = request_id or uuid.uuid4().hex

        def made(cur: Cursor) -> dict[str, Any] | None:
            cur.execute(f"SELECT {SELECT_DOC} FROM tickets t WHERE t.request_id = %s", (rid,))
            found = cur.fetchone()
            return None if found is None else document(*found)

        def work(cur: Cursor, now: datetime) -> dict[str, Any]:
            if request_id is not None and (done := made(cur)) is not None:
                return done
            number = bulk.allocate(cur, prefix, 1)
            doc = new_doc(prefix, number, fields, actor, clock.iso(at or now), clock.iso(now), event)
            cur.execute(f"INSERT INTO tickets ({NAMES}) VALUES ({', '.join(['%s'] * len(COLUMNS))})",
                        row(doc, self.vocabulary, rid))  # fmt: skip
            bulk.append_history(cur, doc["id"], doc["history"], 0)
            return doc

        try:
            return self._write(work, made)
        except StoreUnavailable as e:
            if isinstance(e.__context__, pgerr.UniqueViolation):  # the same request at the same time
                found = self._retry_read(made)
                if found is not None:
                    return found
            raise

    def update(self, ticket_id: str, change: Change, *, actor: str, expect: int | None = None,
               queue: Queue | None = None) -> dict[str, Any]:  # fmt: skip
        prefix, number = parse_id(ticket_id)
        tid = format_id(prefix, number)
        change = guarded(change, expect)
        written: dict[str, Any] = {}

        def work(cur: Cursor, now: datetime) -> dict[str, Any]:
            return self.change_in(cur, tid, change, actor=actor, now=now, queue=queue, written=written)

        def landed(cur: Cursor) -> dict[str, Any] | None:
            cur.execute(
                "SELECT entry FROM history WHERE ticket_id = %s AND seq = %s", (tid, written.get("seq"))
            )
            found = cur.fetchone()
            return self.get(tid) if found and found[0] == written.get("entry") else None

        return self._write(work, landed)

    def change_in(self, cur: Cursor, tid: str, change: Change, *, actor: str, now: datetime,
                  queue: Queue | None = None, written: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
        """One ticket changed inside a write's transaction (and the messages its change queues)."""
        # the row lock first; then the document and history as committed by whoever held it
        cur.execute("SELECT 1 FROM tickets WHERE id = %s FOR UPDATE", (tid,))
        cur.execute(f"SELECT {SELECT_DOC} FROM tickets t WHERE t.id = %s", (tid,))
        found = cur.fetchone()
        if found is None:
            raise UnknownTicket("error.no_ticket", id=tid, where=self.describe())
        before = document(*found)
        after = copy.deepcopy(before)
        event = change(after)
        stamp(before, after, event, actor, clock.iso(now))
        if queue is not None:
            pg_outbox.add(cur, tid, queue(before, after, event), actor=actor, at=clock.iso(now))
        n = version(before)
        if after["history"][:n] != before["history"]:
            raise RuntimeError(f"a change of {tid} rewrote its history (it is append-only)")
        bulk.rewrite(cur, after, self.vocabulary)
        if written is not None:
            written["entry"] = dumps(after["history"][n]).decode("utf-8")
            written["seq"] = n
        bulk.append_history(cur, tid, after["history"][n:], n)
        return after

    def upsert_many(self, prefix: str, docs: list[dict[str, Any]], *, key: str | None, on_conflict: str,
                    actor: str, event: Event, all_or_nothing: bool = True, dry_run: bool = False,
                    owned: bool = False, across: bool = False) -> UpsertResult:  # fmt: skip
        # `owned` is not used: a transaction retried after a lost connection plans from the documents again
        return bulk.upsert_many(self, prefix, docs, key=key, on_conflict=on_conflict, actor=actor, event=event,
                                all_or_nothing=all_or_nothing, dry_run=dry_run, across=across)  # fmt: skip

    # ---- the outbox: in postgres_outbox.py
    def outbox(
        self, *, states: Iterable[str] | None = None, ticket_id: str | None = None
    ) -> list[dict[str, Any]]:
        return pg_outbox.items(self, states, ticket_id)

    def outbox_claim(self, *, actor: str, now: datetime, ids: Iterable[int] | None = None,
                     stale_before: datetime | None = None, due: bool = False) -> list[dict[str, Any]]:  # fmt: skip
        return pg_outbox.claim(self, actor=actor, now=now, ids=ids, stale_before=stale_before, due=due)

    def outbox_finish(self, item_id: int, claim: str, *, actor: str, state: str, fields: dict[str, Any],
                      event: Event | None = None) -> dict[str, Any]:  # fmt: skip
        return pg_outbox.finish(self, item_id, claim, actor=actor, state=state, fields=fields, event=event)

    def outbox_discard(
        self, item_id: int, *, actor: str, stale_before: datetime | None = None
    ) -> dict[str, Any]:
        return pg_outbox.discard(self, item_id, actor=actor, stale_before=stale_before)

    # ---- customer directory
    def customers(self) -> list[dict[str, Any]]:
        self.connection()
        with self._reading() as cur:
            cur.execute("SELECT doc FROM customers")
            docs = [loads(d) for (d,) in cur]
        return sorted(docs, key=lambda c: c["name"].casefold())

    def put_customer(self, record: dict[str, Any], *, actor: str) -> dict[str, Any]:
        wanted = name_key(record["name"])  # as every lookup of the directory compares names
        out: dict[str, Any] = {}

        def work(cur: Cursor, now: datetime) -> dict[str, Any]:
            # a record filed before names were compared so (keyed by casefold: "telecom são paulo")
            cur.execute("SELECT key, doc FROM customers")
            key = next((k for k, d in cur.fetchall() if name_key(loads(d).get("name")) == wanted), wanted)
            cur.execute("INSERT INTO customers VALUES (%s, '{}') ON CONFLICT (key) DO NOTHING", (key,))
            cur.execute("SELECT doc FROM customers WHERE key = %s FOR UPDATE", (key,))
            before = loads(one(cur)[0])
            at = clock.iso(now)
            doc = {**before, **record, "updated_at": at, "updated_by": actor}
            if before:
                doc["name"] = before["name"]  # the first spelling stays
            doc.setdefault("created_at", at)
            cur.execute("UPDATE customers SET doc = %s WHERE key = %s", (dumps(doc).decode("utf-8"), key))
            out.update(doc)
            return doc

        return self.marked(work, lambda: out)

    # ---- moving (sdcli store copy)
    def export_all(self) -> Dump:
        return bulk.export_all(self)

    def import_all(self, dump: Dump, *, actor: str, merge: bool = False) -> None:
        bulk.import_all(self, dump, actor=actor, merge=merge)

    def moved_to(self) -> dict[str, Any] | None:
        self.connection()
        with self._reading() as cur:
            cur.execute("SELECT value FROM meta WHERE key = 'moved'")
            found = cur.fetchone()
        return loads(found[0]) if found and found[0] else None

    def mark_moved(self, target: str | None, *, actor: str) -> None:
        c = self.connection()
        with conn.translated(self.describe(), writing=True), c.transaction(), c.cursor() as cur:
            value = None if target is None else {"to": target, "at": clock.iso(self.now()), "by": actor}
            cur.execute(
                "UPDATE meta SET value = %s WHERE key = 'moved'",
                (None if value is None else dumps(value).decode(),),
            )

    # ---- agents' logins (sdcli db grant, sdcli db log)
    def grant(self, role: str) -> list[str]:
        from sdcli.store.postgres_health import grant

        with conn.translated(self.describe(), writing=True):
            return grant(self, role)

    def logins(self, ticket_id: str) -> list[dict[str, Any]]:
        """Each history entry's time, agent, action and the database login that wrote it."""
        tid = self.get(ticket_id)["id"]
        with self._reading() as cur:
            cur.execute("SELECT entry, login FROM history WHERE ticket_id = %s ORDER BY seq", (tid,))
            entries = [(loads(e), login) for e, login in cur.fetchall()]
        return [
            {"at": e.get("at"), "by": e.get("by"), "login": login, "action": e.get("action")}
            for e, login in entries
        ]

    # ---- health (sdcli doctor)
    def about(self) -> dict[str, Any]:
        from sdcli.store.postgres_health import about

        return about(self)

    def check(self) -> list[Shown]:
        from sdcli.store.postgres_health import check

        return check(self)

    def repair(self) -> list[Shown]:
        from sdcli.store.postgres_health import repair

        return repair(self)
