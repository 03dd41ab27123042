"""The PostgreSQL backend's connection and transactions: a connection made at first use (the
schema checked once), reads (optionally in one snapshot), and writes as one transaction each,
with what happens when the connection drops during COMMIT. No CLI imports.

A write that loses its connection says that nothing was saved, unless it lost it during COMMIT:
then it reconnects and looks for what it wrote (a create by its request id, any other write by
its marker row) before saying either way.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import psycopg

from sdcli import clock
from sdcli.i18n import Literal, Message
from sdcli.store import postgres_conn as conn
from sdcli.store import postgres_schema as schema
from sdcli.store.base import StoreMoved, StoreUnavailable
from sdcli.store.files import loads
from sdcli.store.postgres_schema import one

T = TypeVar("T")
Cursor = psycopg.Cursor[Any]


class Transactions:
    """The connection and transaction machinery PostgresStore is built on."""

    target: conn.Target
    warnings: list[Any]
    _conn: psycopg.Connection[Any] | None = None
    _checked: bool = False

    def describe(self) -> str:
        return self.target.shown

    # ---- the connection
    def connection(self, *, check: bool = True) -> psycopg.Connection[Any]:
        """The open connection (made at first use); with `check`, the schema is this sdcli's."""
        if self._conn is None or self._conn.closed:
            self._conn = conn.connect(self.target)
        if check and not self._checked:
            with self._reading() as cur:
                schema.check(schema.installed(cur, self.target.schema), self.describe())
            self._checked = True
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @contextmanager
    def _reading(self, *, snapshot: bool = False) -> Iterator[Cursor]:
        c = self.connection(check=False)
        with conn.translated(self.describe(), writing=False):
            if snapshot:  # one committed state for several statements
                with c.transaction(), c.cursor() as cur:
                    cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    yield cur
            else:
                with c.cursor() as cur:
                    yield cur

    def _write(self, work: Callable[[Cursor, datetime], T], landed: Callable[[Cursor], T | None], *,
               moved_ok: bool = False) -> T:  # fmt: skip
        """One transaction: `work(cursor, server time)` after the moved mark is checked (and held,
        so a store being moved waits for the writes under way). A connection lost during COMMIT
        leaves the outcome unknown: `landed` looks, on a new connection, for what was written."""
        c = self.connection()
        shown = self.describe()
        with conn.translated(shown, writing=True):
            try:
                with c.cursor() as cur:
                    cur.execute("BEGIN")
                    cur.execute("SELECT value, clock_timestamp() FROM meta WHERE key = 'moved' FOR SHARE")
                    moved, at = cur.fetchone() or (None, None)
                    if moved and not moved_ok:
                        raise StoreMoved(shown, loads(moved))
                    result = work(cur, self._stamp_time(at))
            except BaseException:
                if not c.closed and not c.broken:
                    c.execute("ROLLBACK")
                raise
        try:
            c.execute("COMMIT")
        except psycopg.OperationalError as e:  # the outcome is unknown: look
            return self._after_lost_commit(landed, conn.reason(e))
        except psycopg.Error:  # refused at the commit (a deferred check): rolled back
            with conn.translated(shown, writing=True):
                raise
        return result

    def _after_lost_commit(self, landed: Callable[[Cursor], T | None], why: str) -> T:
        self.close()
        try:
            with self._reading() as cur:
                found = landed(cur)
        except StoreUnavailable:
            raise StoreUnavailable("postgres.lost_unknown", store=self.describe(), why=Literal(why)) from None
        if found is None:
            raise StoreUnavailable("postgres.lost_not_saved", store=self.describe(), why=Literal(why))
        self.warnings.append(Message("store.dropped_saved", why=Literal(why)))
        return found

    def _stamp_time(self, server: datetime | None) -> datetime:
        if os.environ.get(clock.NOW_ENV) or server is None:
            return clock.now()
        return server.astimezone()

    def now(self) -> datetime:
        if os.environ.get(clock.NOW_ENV):
            return clock.now()
        self.connection()
        with self._reading() as cur:
            cur.execute("SELECT clock_timestamp()")
            return one(cur)[0].astimezone()

    def marked(
        self, work: Callable[[Cursor, datetime], T], result: Callable[[], T], *, moved_ok: bool = False
    ) -> T:
        """A write with a marker row: after a lost COMMIT, the marker tells whether it landed."""
        marker = uuid.uuid4().hex

        def marked_work(cur: Cursor, now: datetime) -> T:
            out = work(cur, now)
            cur.execute("INSERT INTO writes (request_id) VALUES (%s)", (marker,))
            return out

        def landed(cur: Cursor) -> T | None:
            cur.execute("SELECT 1 FROM writes WHERE request_id = %s", (marker,))
            return result() if cur.fetchone() else None

        return self._write(marked_work, landed, moved_ok=moved_ok)

    def _retry_read(self, read: Callable[[Cursor], T | None]) -> T | None:
        with self._reading() as cur:
            return read(cur)
