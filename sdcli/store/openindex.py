"""The embedded backend's index: the summary of every ticket that is not finished, and the
references (external_id, customer_reference) of every ticket, in one SQLite file. No CLI imports.

Derived data: the tickets stay in the TinyDB shards, and the index is rebuilt from them
(`sdcli doctor --fix`, a migration). It is what keeps a write's cost independent of the
store's size — one row changes, in a B-tree — and what lets a listing read only what it
shows (`ORDER BY ... LIMIT`, counts on indexes) at a million tickets.

Writes change it after their shards are renamed, inside the store's lock; the journal names
the tickets whose rows change, so a write interrupted before the index is finished by the
next writer, and readers patch those rows from the shards meanwhile (see tiny.py).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sdcli.errors import StoreDamaged
from sdcli.model import PREFIXES, format_id
from sdcli.store.files import loads, unwritable
from sdcli.store.openindex_keys import (  # noqa: F401  (openindex.keys_of, KEYS, ..., as ever)
    CALLER_REFS,
    KEYS,
    REFS,
    keys_of,
    refs_of,
    row_of,
    split_id,
)
from sdcli.store.openindex_older import Older, Tickets
from sdcli.store.openindex_sql import rows, source, where
from sdcli.store.query import (
    OpenQuery,
    Page,
    Stamps,
    compact,
    compact_folded,
    fold,
    ref_key,
)

#: the shape of the index file; an index of an older shape (OLDER) is rebuilt at the next write
#: (tiny_prepare.py) and read meanwhile through the reference semantics where its shape lacks a key
VERSION = "4"
OLDER = frozenset({"1", "2", "3"})
_RANK = " ".join(f"WHEN '{p}' THEN {i}" for i, p in enumerate(PREFIXES))
SCHEMA = """
CREATE TABLE IF NOT EXISTS info (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS open (
    prefix TEXT NOT NULL, number INTEGER NOT NULL, rank INTEGER NOT NULL,
    status TEXT, severity INTEGER, classified INTEGER NOT NULL, customer TEXT, customer_fold TEXT, site_fold TEXT,
    opened_at REAL, updated_at REAL, recovery_due REAL, ack_due REAL,
    paused INTEGER NOT NULL, ack_pending INTEGER NOT NULL, level_attempted INTEGER NOT NULL, incomplete INTEGER NOT NULL,
    escalation_from REAL, active_level INTEGER NOT NULL, owed INTEGER NOT NULL, summary BLOB NOT NULL,
    PRIMARY KEY (prefix, number)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS open_opened ON open (opened_at, rank, number);
CREATE INDEX IF NOT EXISTS open_status ON open (status, rank, number, paused);
CREATE INDEX IF NOT EXISTS open_due ON open (recovery_due, rank, number, status, paused)
    WHERE recovery_due IS NOT NULL;
CREATE INDEX IF NOT EXISTS open_ack ON open (ack_due, rank, number, status, ack_pending) WHERE ack_pending = 1;
CREATE INDEX IF NOT EXISTS open_unclassified ON open (opened_at, rank, number, status, classified)
    WHERE classified = 0;
CREATE INDEX IF NOT EXISTS open_incomplete ON open (opened_at, rank, number, status, incomplete)
    WHERE incomplete = 1;
CREATE INDEX IF NOT EXISTS open_escalation ON open (severity, status, escalation_from, rank, number, level_attempted,
    paused, active_level);
CREATE INDEX IF NOT EXISTS open_owed ON open (opened_at, rank, number, status, classified, paused, owed) WHERE owed = 1;
CREATE TABLE IF NOT EXISTS refs (
    field TEXT NOT NULL, value TEXT NOT NULL, fold TEXT NOT NULL, compact TEXT NOT NULL, prefix TEXT NOT NULL,
    number INTEGER NOT NULL,
    PRIMARY KEY (field, value, prefix, number)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS refs_fold ON refs (fold);
CREATE INDEX IF NOT EXISTS refs_compact ON refs (compact);
CREATE INDEX IF NOT EXISTS refs_ticket ON refs (prefix, number);
"""


class OpenIndex:
    """One SQLite file; a connection per operation (the store's processes come and go)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.older = Older()  # how an index of an older shape is read (what it lacks, read once)

    def exists(self) -> bool:
        return os.path.lexists(self.path)

    @contextmanager
    def _db(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        if os.path.islink(self.path):
            raise StoreDamaged("store.symlink", path=str(self.path))
        if write and not self.exists():
            try:
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
            except FileExistsError:
                pass
            except OSError as e:
                raise unwritable(self.path, e) from None
        # a reader opens read-write where it may: a transaction killed mid-way leaves a hot journal
        # that SQLite rolls back on the next open, which a read-only connection cannot do
        writable = write or (os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK))
        uri = f"file:{self.path}?mode={'rw' if writable else 'ro'}"
        try:
            db = sqlite3.connect(uri, uri=True, timeout=60, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as e:
            raise self._damaged(e) from None
        try:
            db.execute("PRAGMA journal_mode=DELETE")
            db.execute("PRAGMA synchronous=FULL")
            if write:
                db.executescript(SCHEMA)
                db.execute("INSERT OR IGNORE INTO info VALUES ('version', ?)", (VERSION,))
            yield db
        except sqlite3.OperationalError as e:
            if "readonly" in str(e) or "disk" in str(e):
                raise unwritable(self.path, OSError(30 if "readonly" in str(e) else 28, str(e))) from None
            raise self._damaged(e) from None
        except sqlite3.DatabaseError as e:
            raise self._damaged(e) from None
        finally:
            db.close()

    def _damaged(self, e: Exception) -> StoreDamaged:
        return StoreDamaged("store.index_damaged", path=str(self.path), reason=str(e)[:60])

    def check_readable(self) -> None:
        """Refuse (StoreDamaged) an index that is not ours before a write stages anything (one of
        an older shape is ours: the write's preparation rebuilds it first)."""
        if not self.exists():
            return
        with self._db(write=False) as db:
            version = _version(db)
        if version != VERSION and version not in OLDER:
            raise StoreDamaged("store.index_foreign", path=str(self.path))

    def stale(self) -> bool:
        """Whether the index is of an older shape (OLDER), to be rebuilt under the store's lock."""
        if not self.exists():
            return False
        with self._db(write=False) as db:
            return _version(db) in OLDER

    # ---- writes (under the store's lock)
    def apply(
        self,
        entries: dict[str, dict[str, Any] | None],
        refs: dict[str, list[tuple[str, str]]],
        new: frozenset[str] = frozenset(),
        *,
        docs: Iterable[dict[str, Any]] = (),
        entry_of: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None,
    ) -> None:
        """Set or drop the rows of these tickets, and set their references, in one transaction
        (`new`: tickets this write created, which have no references to drop). `docs`: tickets a
        bulk write created, whose rows (`entry_of`) and references are made here one at a time,
        not held for the whole write."""
        with self._db(write=True) as db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("DELETE FROM open WHERE prefix = ? AND number = ?",
                           [split_id(tid) for tid, entry in entries.items() if entry is None])  # fmt: skip
            insert = f"INSERT OR REPLACE INTO open VALUES ({', '.join('?' * (len(KEYS) + 3))})"
            db.executemany(insert, (row_of(*split_id(t), e) for t, e in entries.items() if e is not None))
            if refs:
                keys = {t: split_id(t) for t in refs}
                db.executemany("DELETE FROM refs WHERE prefix = ? AND number = ?",
                               [k for t, k in keys.items() if t not in new])  # fmt: skip
                db.executemany("INSERT OR IGNORE INTO refs VALUES (?, ?, ?, ?, ?, ?)",
                               [(f, v, fold(v), compact(v), *keys[t]) for t, pairs in refs.items() for f, v in pairs])  # fmt: skip
            if entry_of is not None:
                _insert_new(db, insert, docs, entry_of)
            db.execute("COMMIT")

    def rebuild(self, docs: Iterable[dict[str, Any]], entry_of: Any) -> None:
        """A new index from every ticket, replacing the file whole (atomically)."""
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.rebuild")
        for stale in (tmp, Path(f"{tmp}-journal")):
            if os.path.lexists(stale):
                stale.unlink()
        fresh = OpenIndex(tmp)
        entries: dict[str, dict[str, Any] | None] = {}
        refs: dict[str, list[tuple[str, str]]] = {}
        for doc in docs:
            entries[doc["id"]] = entry_of(doc)
            refs[doc["id"]] = refs_of(doc)
            if len(entries) >= 20_000:  # a fresh file: no references to drop (new)
                fresh.apply({k: v for k, v in entries.items() if v is not None}, refs, frozenset(refs))
                entries, refs = {}, {}
        fresh.apply({k: v for k, v in entries.items() if v is not None}, refs, frozenset(refs))
        try:
            os.replace(tmp, self.path)
        except OSError as e:
            raise unwritable(self.path, e) from None

    # ---- reads
    def summaries(self, prefix: str | None = None) -> list[dict[str, Any]]:
        if not self.exists():
            return []
        with self._db(write=False) as db:
            rows = db.execute("SELECT summary FROM open WHERE ?1 IS NULL OR prefix = ?1 ORDER BY rank, number",
                              (prefix,)).fetchall()  # fmt: skip
        return [loads(r[0]) for r in rows]

    def query(self, q: OpenQuery, tickets: Tickets | None = None) -> Page:
        """The page by SQL: the count from an index (covering the filters: no summary read), the
        rows in the order of the index the query names (_driver), read as far as the limit.
        `tickets`: the documents of ids (the shards), for an index of an older shape (below)."""
        if not self.exists():
            return Page([], 0)
        with self._db(write=False) as db:
            if _version(db) != VERSION:  # an older shape (rebuilt at the next write): by the reference
                return self.older.page(db, q, tickets)
            condition, args = where(q)
            table = source(q)
            (total,) = db.execute(f"SELECT count(*) FROM {table} WHERE {condition}", args).fetchone()
            if q.limit is not None and q.limit <= 0:
                return Page([], total)
            return Page([loads(r) for r in rows(db, q, table, condition, args)], total)

    def refs(self, value: str) -> list[tuple[str, str]]:
        """(ticket id, field) of every ticket whose reference is value as query.ref_key compares it
        (its fold, or its compact form: a number read out without its marks), each by its column;
        an index of an older shape (no compact column) by the reference's function, until rebuilt."""
        if not self.exists():
            return []
        how, key = ref_key(value)
        with self._db(write=False) as db:
            if how == "compact" and _version(db) != VERSION:
                db.create_function("compact", 1, compact, deterministic=True)
                how = "compact(value)"
            rows = db.execute(f"SELECT prefix, number, field FROM refs WHERE {how} = ? AND field IN (?, ?) "
                              "ORDER BY prefix, number", (key, *CALLER_REFS)).fetchall()  # fmt: skip
        return [(format_id(p, n), f) for p, n, f in rows]

    def keys(self, prefix: str, field: str, values: Iterable[str]) -> dict[str, int]:
        """value → ticket number for those of `values` some ticket of prefix has in `field`."""
        if not self.exists():
            return {}
        out: dict[str, int] = {}
        with self._db(write=False) as db:
            some = db.execute("SELECT 1 FROM refs WHERE field = ? AND prefix = ? LIMIT 1", (field, prefix))
            if some.fetchone() is None:
                return out  # no ticket has one (a first import): the values are not looked up one by one
            db.execute("CREATE TEMP TABLE wanted (value TEXT PRIMARY KEY) WITHOUT ROWID")
            db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((v,) for v in values))
            for value, number in db.execute(
                "SELECT r.value, min(r.number) FROM refs r JOIN wanted w ON r.value = w.value "
                "WHERE r.field = ? AND r.prefix = ? GROUP BY r.value", (field, prefix)):  # fmt: skip
                out[value] = number
        return out

    def all_refs(self) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        with self._db(write=False) as db:
            for field_, value, prefix, number in db.execute("SELECT field, value, prefix, number FROM refs"):
                out.setdefault(format_id(prefix, number), []).append((field_, value))
        return out

    def count(self) -> int:
        if not self.exists():
            return 0
        with self._db(write=False) as db:
            return int(db.execute("SELECT count(*) FROM open").fetchone()[0])


def _insert_new(
    db: sqlite3.Connection,
    insert: str,
    docs: Iterable[dict[str, Any]],
    entry_of: Callable[[dict[str, Any]], dict[str, Any] | None],
) -> None:
    """The rows and references of tickets just created (none has a row to drop), each made as
    SQLite takes it: never a list of them (an orjson summary holds a few KiB until it is freed)."""
    docs = docs if isinstance(docs, list) else list(docs)
    fold_once = fold.__wrapped__  # references are mostly distinct: fold's cache would only fill with them
    stamp = Stamps()

    def rows() -> Iterator[tuple[Any, ...]]:
        for doc in docs:
            entry = entry_of(doc)
            if entry is not None:
                tid = doc["id"]  # made by this write: canonical (INC12)
                yield row_of(tid[:3], int(tid[3:]), entry, stamp)

    def pairs() -> Iterator[tuple[Any, ...]]:
        for doc in docs:
            refs = refs_of(doc)
            if refs:
                tid = doc["id"]
                p, n = tid[:3], int(tid[3:])
                for f, v in refs:
                    folded = fold_once(v)
                    yield f, v, folded, compact_folded(folded), p, n

    later = _unindexed(db, ("open", "refs")) if len(docs) >= _BULK else []
    db.executemany(insert, rows())
    db.executemany("INSERT OR IGNORE INTO refs VALUES (?, ?, ?, ?, ?, ?)", pairs())
    for sql in later:  # in the same transaction: a write killed meanwhile leaves the index as it was
        db.execute(sql)


#: a write creating this many tickets in an empty index makes its secondary indexes after the rows
_BULK = 1000
#: each table's secondary indexes, as SCHEMA creates them
_INDEXES = {
    table: [sql.strip() for sql in SCHEMA.split(";") if sql.strip().startswith("CREATE INDEX") and f" ON {table} (" in sql]
    for table in ("open", "refs")
}  # fmt: skip


def _unindexed(db: sqlite3.Connection, tables: Iterable[str]) -> list[str]:
    """Drop the secondary indexes of those tables that are empty (a first bulk write: building an
    index after the rows costs about half of keeping it while they go in); what makes them again."""
    later: list[str] = []
    for table in tables:
        if db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None:
            for sql in _INDEXES[table]:
                db.execute(f"DROP INDEX IF EXISTS {sql.split()[5]}")
                later.append(sql)
    return later


def _version(db: sqlite3.Connection) -> str | None:
    row = db.execute("SELECT v FROM info WHERE k = 'version'").fetchone()
    return None if row is None else str(row[0])
