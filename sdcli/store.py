"""The ticket store: the interface commands use, and its embedded TinyDB backend.

Layout under ``<home>/store/`` (see the README's architecture section):

- ``meta.json``      schema version and the next number of each id prefix
- ``INC/00000.json`` a TinyDB file per shard of 200 ids (table ``tickets``, doc_id = number)
- ``index.json``     a TinyDB file with a summary of every ticket that is not finished
- ``journal.json``   present only while a write that changes the index is in flight
- ``.lock``          the inter-process lock every read-modify-write holds

Every file is written atomically (temp file, fsync, rename, fsync of the directory), so a
crash at any instant leaves the old or the new version, never a broken one. Reads take
no lock: they always see whole files.
"""

from __future__ import annotations

import abc
import copy
import errno
import json
import os
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from sdcli import clock
from sdcli.errors import BadTicketId, StoreBusy, StoreDamaged, StoreUnwritable, UnknownTicket

SCHEMA_VERSION = 1
PREFIXES = {"INC": "incident", "SSR": "ssr", "CHG": "change"}
SHARD_SIZE = 200
#: statuses after which a ticket leaves the open index
FINISHED = frozenset({"closed", "cancelled", "done", "rejected"})
#: fields copied into the open index, so listings and the shift view read one small file
SUMMARY_FIELDS = (
    "id", "kind", "status", "customer", "site", "severity", "opened_at", "channel",
    "service_type", "problem", "customer_reference", "ack_due", "acked_at", "recovery_due",
    "sla_paused_at", "escalation", "category", "type", "external_id",
)  # fmt: skip

_ID_RE = re.compile(r"^\s*(INC|SSR|CHG)-?0*(\d{1,12})\s*$", re.IGNORECASE)

Event = dict[str, Any]
Change = Callable[[dict[str, Any]], Event]


def parse_id(text: str) -> tuple[str, int]:
    """'inc12' → ('INC', 12). Raises BadTicketId."""
    m = _ID_RE.match(text or "")
    if not m or int(m.group(2)) == 0:
        raise BadTicketId(f"{text!r} is not a ticket id (INC, SSR or CHG and a number, e.g. INC12)")
    return m.group(1).upper(), int(m.group(2))


def format_id(prefix: str, number: int) -> str:
    return f"{prefix}{number}"


def summary(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: doc[k] for k in SUMMARY_FIELDS if k in doc}


def index_entry(doc: dict[str, Any]) -> dict[str, Any] | None:
    """A ticket's entry in the open index; None once it is finished (it leaves the index)."""
    return None if doc.get("status") in FINISHED else summary(doc)


def diff(
    before: dict[str, Any], after: dict[str, Any], keys: Iterable[str] | None = None
) -> dict[str, list[Any]]:
    """Top-level fields that changed, as {field: [old, new]} (history excluded); only `keys`
    when the caller knows which fields it set."""
    names = before.keys() | after.keys() if keys is None else keys
    changed = sorted(k for k in names if k not in _UNDIFFED and before.get(k) != after.get(k))
    return {k: [before.get(k), after.get(k)] for k in changed}


_UNDIFFED = frozenset({"history", "updated_at"})


class Store(abc.ABC):
    """What commands need from a store. A second backend implements exactly this."""

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
        """Under the lock: change(ticket) mutates a copy and returns the history event."""

    @abc.abstractmethod
    def open_summaries(self, prefix: str | None = None) -> list[dict[str, Any]]:
        """Summaries of the tickets that are not finished (cheap)."""

    @abc.abstractmethod
    def all_tickets(self, prefix: str | None = None) -> Iterator[dict[str, Any]]:
        """Every ticket, in id order (a full scan)."""

    @abc.abstractmethod
    def write_many(
        self,
        prefix: str,
        creates: list[dict[str, Any]],
        updates: dict[str, dict[str, Any]],
        *,
        actor: str,
        event: Event,
    ) -> list[str]:
        """One write: create tickets and set fields of existing ones (id -> fields); all or nothing.

        Each ticket's history gets an 'opened' or 'updated' entry with `event`'s keys. Returns new ids."""

    @abc.abstractmethod
    def customers(self) -> list[dict[str, Any]]:
        """The customer directory (project and account managers), by name."""

    @abc.abstractmethod
    def put_customer(self, record: dict[str, Any], *, actor: str) -> dict[str, Any]:
        """Add or replace a customer (matched by name, case-insensitively)."""

    @abc.abstractmethod
    def check(self) -> list[str]:
        """Problems found in the store, one line each (empty when healthy)."""

    @abc.abstractmethod
    def repair(self) -> list[str]:
        """Fix what can be fixed without losing data (index, counters, permissions)."""


# --------------------------------------------------------------------------- files


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unwritable(path: Path, e: OSError) -> StoreUnwritable:
    reason = {
        errno.ENOSPC: "the disk is full",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EDQUOT: "disk quota exceeded",
    }.get(e.errno or 0, e.strerror or str(e))
    return StoreUnwritable(f"cannot write {path}: {reason}")


def write_temp(path: Path, data: bytes) -> Path:
    """data in a new 0600 file beside path (fsynced), to be renamed onto it. Raises StoreUnwritable."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        _discard([tmp])
        raise _unwritable(path, e) from None
    return tmp


def _discard(paths: list[Path]) -> None:
    for tmp in paths:
        try:
            tmp.unlink()
        except OSError:
            pass


def atomic_write(path: Path, data: bytes) -> None:
    """Write data to path so that a crash leaves the old or the new file, never a mix (mode 0600)."""
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except OSError as e:
        _discard([tmp])
        raise _unwritable(path, e) from None
    _fsync_dir(path.parent)


def dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON. orjson (about 8x the stdlib) for every document it can encode;
    the stdlib for what it refuses (integers beyond 64 bits)."""
    try:
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), check_circular=False).encode(
            "utf-8"
        )


def loads(raw: bytes | str) -> Any:
    """Parse stored JSON; the stdlib reads what orjson refuses (NaN written by an old version)."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)


def read_json(path: Path) -> Any:
    """Parsed JSON of path, None if it does not exist. Raises StoreDamaged, never repairs."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise StoreDamaged(f"cannot read {path}: {e.strerror}") from None
    try:
        data = loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise StoreDamaged(
            f"{path} is damaged ({type(e).__name__}: {str(e)[:60]}); it was left as it is, run: sdcli doctor"
        ) from None
    if not isinstance(data, dict):
        raise StoreDamaged(f"{path} is damaged (not a JSON object); run: sdcli doctor")
    return data


class _FileStorage(Storage):
    """TinyDB storage over one JSON file: parsed once, written only when the transaction commits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: dict[str, Any] | None = None
        self._loaded = False
        self.dirty = False

    def read(self) -> dict[str, Any] | None:
        if not self._loaded:
            self._data = read_json(self.path)
            self._loaded = True
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data
        self._loaded = True
        self.dirty = True

    def flush(self) -> None:
        if self.dirty:
            atomic_write(self.path, dumps(self._data))
            self.dirty = False


#: a commit writing this many files writes them from threads (their fsyncs overlap)
PARALLEL_STAGE = 8


def _stage(writes: list[tuple[Path, bytes]]) -> list[tuple[Path, Path]]:
    """Every file of a commit written beside its place: [(temp, final)]. All or none: after a
    failure no temp is left and StoreUnwritable says what could not be written."""
    if len(writes) < PARALLEL_STAGE:
        staged: list[tuple[Path, Path]] = []
        try:
            for path, data in writes:
                staged.append((write_temp(path, data), path))
        except StoreUnwritable:
            _discard([tmp for tmp, _ in staged])
            raise
        return staged
    from concurrent.futures import ThreadPoolExecutor, wait

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(write_temp, path, data) for path, data in writes]
        wait(futures)
    failed = [f.exception() for f in futures if f.exception() is not None]
    if failed:
        _discard([f.result() for f in futures if f.exception() is None])
        raise failed[0]
    return [(f.result(), path) for f, (path, _data) in zip(futures, writes, strict=True)]


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


def _open_db(path: Path) -> TinyDB:
    return TinyDB(path, storage=_FileStorage)


# --------------------------------------------------------------------------- migrations

#: (version it brings the store to, name, function of the store directory), applied in order
MIGRATIONS: list[tuple[int, str, Callable[[Path], None]]] = [
    (1, "initial-layout", lambda root: None),
]


# --------------------------------------------------------------------------- TinyDB backend


class _Txn:
    """The unit of work of one locked operation."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dbs: dict[Path, TinyDB] = {}
        self.index_changes: dict[str, dict[str, Any] | None] = {}
        self.rebuild_index = False
        self.tables: dict[tuple[str, int], dict[str, Any]] = {}  # raw shard tables (tickets())

    def db(self, path: Path) -> TinyDB:
        if path not in self.dbs:
            self.dbs[path] = _open_db(path)
        return self.dbs[path]

    def shard(self, prefix: str, number: int):  # -> tinydb.table.Table
        return self.db(_shard_path(self.root, prefix, number)).table("tickets")

    def tickets(self, prefix: str, number: int) -> dict[str, Any]:
        """The raw `tickets` table of number's shard, changed in place and written at the commit
        (bulk writes: TinyDB's inserts and updates rewrite the whole shard each time)."""
        where = (prefix, number // SHARD_SIZE)
        if where not in self.tables:
            storage = self.db(_shard_path(self.root, prefix, number)).storage
            data = storage.read() or {}
            storage.write(data)
            self.tables[where] = data.setdefault("tickets", {})
        return self.tables[where]

    def index_entry(self, doc: dict[str, Any]) -> None:
        self.index_changes[doc["id"]] = index_entry(doc)


def _shard_path(root: Path, prefix: str, number: int) -> Path:
    return root / prefix / f"{number // SHARD_SIZE:05d}.json"


class TinyStore(Store):
    """Tickets in sharded TinyDB JSON files under `<home>/store`."""

    def __init__(self, home: Path, *, lock_timeout: float | None = None) -> None:
        self.home = Path(home)
        self.root = self.home / "store"
        if lock_timeout is None:
            lock_timeout = float(os.environ.get("SDCLI_LOCK_TIMEOUT", "10"))
        self.lock_timeout = lock_timeout

    # ---- paths
    @property
    def meta_path(self) -> Path:
        return self.root / "meta.json"

    @property
    def index_path(self) -> Path:
        return self.root / "index.json"

    @property
    def journal_path(self) -> Path:
        return self.root / "journal.json"

    # ---- locking
    def _ensure_dirs(self) -> None:
        try:
            for d in (self.home, self.root):
                d.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as e:
            raise _unwritable(self.root, e) from None

    @contextmanager
    def _locked(self) -> Iterator[_Txn]:
        from filelock import FileLock, Timeout

        self._ensure_dirs()
        lock = FileLock(str(self.root / ".lock"), timeout=self.lock_timeout, mode=0o600)
        try:
            lock.acquire()
        except Timeout:
            raise StoreBusy(
                f"the store {self.root} is busy: another sdcli held its lock for "
                f"{self.lock_timeout:g}s; try again"
            ) from None
        except OSError as e:
            raise _unwritable(self.root / ".lock", e) from None
        try:
            self._prepare()
            yield _Txn(self.root)
        finally:
            lock.release()

    def _prepare(self) -> None:
        """Under the lock: create or migrate the store, finish an interrupted index write."""
        meta = read_json(self.meta_path)
        if meta is None:
            meta = {"schema": SCHEMA_VERSION, "next": {p: 1 for p in PREFIXES}, "migrations": []}
            atomic_write(self.meta_path, dumps(meta))
        schema = meta.get("schema", 0)
        if schema > SCHEMA_VERSION:
            raise StoreDamaged(
                f"{self.meta_path} is schema {schema}; this sdcli knows {SCHEMA_VERSION}: upgrade sdcli"
            )
        if schema < SCHEMA_VERSION:
            for version, name, fn in MIGRATIONS:
                if version > schema:
                    fn(self.root)
                    meta["schema"] = version
                    meta.setdefault("migrations", []).append(name)
                    atomic_write(self.meta_path, dumps(meta))
        journal = read_json(self.journal_path)
        if journal is not None:  # a write was interrupted after its commit point: finish it
            self._finish(journal)

    def _rebuilt_index(self) -> dict[str, dict[str, Any]]:
        data: dict[str, dict[str, Any]] = {p: {} for p in PREFIXES}
        for doc in self.all_tickets():
            entry = index_entry(doc)
            if entry is not None:
                p, n = parse_id(doc["id"])
                data[p][str(n)] = entry
        return data

    def _journal_changes(self, journal: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
        changes = {}
        for tid in journal.get("ids", []):
            doc = self._read_doc(*parse_id(tid))
            changes[tid] = None if doc is None else index_entry(doc)
        return changes

    def _commit(self, txn: _Txn, meta: dict[str, Any] | None = None) -> None:
        """Make a unit of work durable: all of its files, or none of them.

        One file with no index change is one atomic rename. Otherwise every file is first
        written beside its place (temp, fsync): a failure there removes them and changes
        nothing. Then the journal names the renames and the tickets whose index entries
        change; once it is on disk (the commit point) the renames are done, the index
        follows and the journal goes. A crash after the commit point is finished by the
        next writer (`_prepare`), and readers patch the index from the journal meanwhile.
        """
        writes = [(db.storage.path, dumps(db.storage._data)) for db in txn.dbs.values() if db.storage.dirty]
        if meta is not None:
            writes.insert(0, (self.meta_path, dumps(meta)))
        needs_index = bool(txn.index_changes) or txn.rebuild_index
        for folder in {path.parent for path, _ in writes}:  # a new prefix's shard folder
            if not folder.is_dir():
                try:
                    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                except OSError as e:
                    raise _unwritable(folder, e) from None
        if not needs_index:
            if len(writes) == 1:
                atomic_write(*writes[0])
                return
            if not writes:
                return
        staged = _stage(writes)
        journal: dict[str, Any] = {
            "renames": [[str(tmp.relative_to(self.root)), str(final.relative_to(self.root))] for tmp, final in staged]
        }  # fmt: skip
        journal.update({"rebuild": True} if txn.rebuild_index else {"ids": sorted(txn.index_changes)})
        try:
            atomic_write(self.journal_path, dumps(journal))
        except StoreUnwritable:
            _discard([tmp for tmp, _ in staged])
            raise
        for db in txn.dbs.values():
            db.storage.dirty = False
        try:
            self._finish(journal, None if txn.rebuild_index else txn.index_changes)
        except StoreUnwritable as e:
            raise StoreUnwritable(
                e.what, "the change is saved and the next write finishes it (or run: sdcli doctor --fix)"
            ) from None

    def _finish(
        self, journal: dict[str, Any], changes: dict[str, dict[str, Any] | None] | None = None
    ) -> None:
        """Carry out a journal: its renames (those not done yet), then the index; drop it."""
        folders: set[Path] = set()
        for tmp_name, final_name in journal.get("renames", []):
            tmp, final = self.root / tmp_name, self.root / final_name
            if tmp.exists():
                try:
                    os.replace(tmp, final)
                except OSError as e:
                    raise _unwritable(final, e) from None
                folders.add(final.parent)
        for folder in folders:
            _fsync_dir(folder)
        index = _open_db(self.index_path)
        if journal.get("rebuild"):
            index.storage.write(self._rebuilt_index())
        else:
            if changes is None:
                changes = self._journal_changes(journal)
            index.storage.write(_patch(index.storage.read() or {}, changes))
        index.storage.flush()
        self.journal_path.unlink()
        _fsync_dir(self.root)

    # ---- reads
    def _read_doc(self, prefix: str, number: int) -> dict[str, Any] | None:
        data = read_json(_shard_path(self.root, prefix, number))
        if data is None:
            return None
        doc = data.get("tickets", {}).get(str(number))
        return doc

    def get(self, ticket_id: str) -> dict[str, Any]:
        prefix, number = parse_id(ticket_id)
        doc = self._read_doc(prefix, number)
        if doc is None:
            raise UnknownTicket(f"no ticket {format_id(prefix, number)} in {self.root}")
        return doc

    def open_summaries(self, prefix: str | None = None) -> list[dict[str, Any]]:
        data = read_json(self.index_path) or {}
        journal = read_json(self.journal_path)
        if journal is not None:  # a write is in flight or was interrupted: patch in memory
            data = (
                self._rebuilt_index()
                if journal.get("rebuild")
                else _patch(data, self._journal_changes(journal))
            )
        out: list[dict[str, Any]] = []
        for p in [prefix] if prefix else PREFIXES:
            table = data.get(p, {})
            out.extend(table[k] for k in sorted(table, key=int))
        return out

    def _shard_files(self, prefix: str) -> list[Path]:
        d = self.root / prefix
        if not d.is_dir():
            return []
        return sorted(p for p in d.glob("*.json") if not p.name.startswith("."))

    def all_tickets(self, prefix: str | None = None) -> Iterator[dict[str, Any]]:
        for p in [prefix] if prefix else PREFIXES:
            for path in self._shard_files(p):
                table = (read_json(path) or {}).get("tickets", {})
                for k in sorted(table, key=int):
                    yield table[k]

    # ---- writes
    def create(
        self,
        prefix: str,
        fields: dict[str, Any],
        *,
        actor: str,
        at: datetime | None = None,
        event: Event | None = None,
    ) -> dict[str, Any]:
        if prefix not in PREFIXES:
            raise BadTicketId(f"unknown ticket kind {prefix!r}")
        at = at or clock.now()
        with self._locked() as txn:
            meta = read_json(self.meta_path) or {}
            number = int(meta["next"][prefix])
            meta["next"][prefix] = number + 1
            doc = new_doc(prefix, number, fields, actor, clock.iso(at), clock.iso(clock.now()), event)
            txn.shard(prefix, number).insert(Document(doc, doc_id=number))
            txn.index_entry(doc)
            self._commit(txn, meta)
        return doc

    def update(self, ticket_id: str, change: Change, *, actor: str) -> dict[str, Any]:
        prefix, number = parse_id(ticket_id)
        if not _shard_path(self.root, prefix, number).exists():  # never create a store to refuse an id
            raise UnknownTicket(f"no ticket {format_id(prefix, number)} in {self.root}")
        with self._locked() as txn:
            table = txn.shard(prefix, number)
            current = table.get(doc_id=number)
            if current is None:
                raise UnknownTicket(f"no ticket {format_id(prefix, number)} in {self.root}")
            before = dict(current)
            after = copy.deepcopy(before)
            event = change(after)
            self._stamp(before, after, event, actor)
            table.update(_replace_with(after), doc_ids=[number])
            if summary(before) != summary(after) or before.get("status") != after.get("status"):
                txn.index_entry(after)
            self._commit(txn)
        return after

    @staticmethod
    def _stamp(before: dict[str, Any], after: dict[str, Any], event: Event, actor: str,
               stamp: str | None = None, keys: Iterable[str] | None = None) -> None:  # fmt: skip
        stamp = stamp or clock.iso(clock.now())
        entry: dict[str, Any] = {"at": stamp, "by": actor}
        entry.update(event)
        changes = diff(before, after, keys)
        if changes:
            entry["changes"] = changes
        after["updated_at"] = stamp
        after["history"] = [*before.get("history", []), entry]

    def write_many(
        self,
        prefix: str,
        creates: list[dict[str, Any]],
        updates: dict[str, dict[str, Any]],
        *,
        actor: str,
        event: Event,
    ) -> list[str]:
        now = clock.now()
        stamp = opened = clock.iso(now)
        with self._locked() as txn:
            meta = read_json(self.meta_path) or {}
            first = int(meta["next"][prefix])
            number = first
            for fields in creates:
                doc = new_doc(prefix, number, fields, actor, opened, stamp, event)
                txn.tickets(prefix, number)[str(number)] = doc
                txn.index_entry(doc)
                number += 1
            new_ids = [format_id(prefix, n) for n in range(first, number)]
            meta["next"][prefix] = number
            for tid, fields in updates.items():
                p, n = parse_id(tid)
                table = txn.tickets(p, n)
                before = table.get(str(n))
                if before is None:
                    raise UnknownTicket(f"no ticket {tid} in {self.root}")
                new = {k: v for k, v in fields.items() if k not in _KEPT}
                table[str(n)] = after = {**before, **new}
                self._stamp(before, after, {"action": "updated", **event}, actor, stamp, new)
                txn.index_entry(after)
            self._commit(txn, meta)
        return new_ids

    # ---- customer directory
    @property
    def customers_path(self) -> Path:
        return self.root / "customers.json"

    def customers(self) -> list[dict[str, Any]]:
        table = (read_json(self.customers_path) or {}).get("customers", {})
        return sorted(table.values(), key=lambda c: c["name"].casefold())

    def put_customer(self, record: dict[str, Any], *, actor: str) -> dict[str, Any]:
        with self._locked() as txn:
            db = txn.db(self.customers_path)
            data = db.storage.read() or {}
            table = data.setdefault("customers", {})
            key = record["name"].casefold()
            existing = next((k for k, v in table.items() if v["name"].casefold() == key), None)
            doc_id = existing or str(max((int(k) for k in table), default=0) + 1)
            stamp = clock.iso(clock.now())
            before = table.get(doc_id, {})
            doc = {**before, **record, "updated_at": stamp, "updated_by": actor}
            if before:
                doc["name"] = before["name"]  # the first spelling stays
            doc.setdefault("created_at", stamp)
            table[doc_id] = doc
            db.storage.write(data)
            self._commit(txn)
        return doc

    # ---- health
    def check(self) -> list[str]:
        problems: list[str] = []
        if not self.root.exists():
            return problems
        seen: dict[str, Path] = {}
        max_seen = {p: 0 for p in PREFIXES}
        open_docs: dict[str, dict[str, Any]] = {}
        for path in sorted(self.root.rglob("*")):
            if path.name.endswith(".tmp"):
                problems.append(f"{path}: leftover temporary file from an interrupted write")
            if path.is_file() and path.stat().st_mode & 0o077:
                problems.append(f"{path}: permissions {oct(path.stat().st_mode & 0o777)}, expected 0o600")
        try:
            meta = read_json(self.meta_path)
        except StoreDamaged as e:
            problems.append(str(e))
            meta = None
        if not self.meta_path.exists() and any(self.root.iterdir()):
            problems.append(f"{self.meta_path}: missing")
        for prefix in PREFIXES:
            for path in self._shard_files(prefix):
                try:
                    data = read_json(path) or {}
                except StoreDamaged as e:
                    problems.append(str(e))
                    continue
                for key, doc in data.get("tickets", {}).items():
                    number = int(key)
                    tid = format_id(prefix, number)
                    if doc.get("id") != tid:
                        problems.append(f"{path}: entry {key} carries id {doc.get('id')!r}, expected {tid}")
                    if _shard_path(self.root, prefix, number) != path:
                        problems.append(f"{path}: {tid} is in the wrong shard")
                    if tid in seen:
                        problems.append(f"{tid} appears twice: {seen[tid]} and {path}")
                    seen[tid] = path
                    max_seen[prefix] = max(max_seen[prefix], number)
                    if doc.get("status") not in FINISHED:
                        open_docs[tid] = doc
        if meta:
            for prefix in PREFIXES:
                if int(meta.get("next", {}).get(prefix, 1)) <= max_seen[prefix]:
                    problems.append(
                        f"{self.meta_path}: next {prefix} number {meta['next'].get(prefix)} is not "
                        f"above the highest id {prefix}{max_seen[prefix]} (ids would be reused)"
                    )
        try:
            index = read_json(self.index_path) or {}
        except StoreDamaged as e:
            problems.append(str(e))
            index = None
        if self.journal_path.exists():
            problems.append(
                f"{self.journal_path}: an interrupted write is left to finish (the next write, or sdcli doctor --fix, finishes it)"
            )
        elif index is not None:
            indexed = {format_id(p, int(k)): v for p in PREFIXES for k, v in index.get(p, {}).items()}
            for tid in sorted(open_docs.keys() - indexed.keys()):
                problems.append(f"index: open ticket {tid} is missing from {self.index_path}")
            for tid in sorted(indexed.keys() - open_docs.keys()):
                problems.append(f"index: {tid} is listed but is not an open ticket")
            for tid in sorted(open_docs.keys() & indexed.keys()):
                if indexed[tid] != summary(open_docs[tid]):
                    problems.append(f"index: the summary of {tid} differs from the ticket")
        return problems

    def repair(self) -> list[str]:
        done: list[str] = []
        damaged = [p for p in self.check() if "damaged" in p or "cannot read" in p]
        if damaged:
            raise StoreDamaged(damaged[0] + " (repair refuses to touch a damaged file)")
        with self._locked() as txn:
            for path in list(self.root.rglob("*.tmp")):
                path.unlink()
                done.append(f"removed {path}")
            meta = read_json(self.meta_path) or {}
            for prefix in PREFIXES:
                highest = max((parse_id(d["id"])[1] for d in self.all_tickets(prefix)), default=0)
                if int(meta["next"][prefix]) <= highest:
                    meta["next"][prefix] = highest + 1
                    done.append(f"next {prefix} number set to {highest + 1}")
            for path in self.root.rglob("*"):
                mode = path.stat().st_mode & 0o777
                want = 0o700 if path.is_dir() else 0o600
                if mode != want:
                    path.chmod(want)
                    done.append(f"{path}: permissions set to {oct(want)}")
            txn.rebuild_index = True
            self._commit(txn, meta)
            done.append("index rebuilt from the tickets")
        return done


#: fields a batch update never sets: the store keeps them
_KEPT = frozenset({"id", "kind", "history", "updated_at"})


def _patch(data: dict[str, Any], changes: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """Set or drop index entries in raw TinyDB index data, in place (O(changes), not O(index))."""
    for tid, entry in changes.items():
        p, key = tid[:3], tid[3:]  # stored ids are canonical (INC12); anything else is parsed
        if p not in PREFIXES or not (key.isascii() and key.isdigit()) or key[0] == "0":
            p, number = parse_id(tid)
            key = str(number)
        table = data.setdefault(p, {})
        if entry is None:
            table.pop(key, None)
        else:
            table[key] = entry
    return data


def _replace_with(new: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        doc.clear()
        doc.update(new)

    return apply


def open_store(home: Path) -> Store:
    """The store configured for home (the embedded TinyDB backend)."""
    return TinyStore(home)
