"""`sdcli doctor` for the embedded store: what is wrong, and what can be repaired without
losing data. No CLI imports.

The check reads without the lock first; when it finds something it reads again under the
lock, so a write in flight is never reported as damage. Nothing here follows a symbolic
link or acts on a path outside the store.

Every problem and repair is a Message (catalogue keys doctor.* and store.*), shown by the CLI in
the session's language; its str() is the English line (what `sdcli doctor --json` lists).
"""

from __future__ import annotations

import copy
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sdcli import clock
from sdcli.errors import StoreDamaged
from sdcli.i18n import Literal, Message, Shown
from sdcli.model import PREFIXES, format_id, parse_id, summary
from sdcli.store.files import atomic_write, dumps, read_json
from sdcli.store.health_money import MoneyCheck
from sdcli.store.layout import _TEMP, SHARD_SIZE
from sdcli.store.openindex import refs_of

if TYPE_CHECKING:
    from sdcli.store.tiny import TinyStore


@dataclass
class _Found:
    problems: list[Shown] = field(default_factory=list)
    damaged: dict[Path, Shown] = field(default_factory=dict)  # unreadable file → why
    highest: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PREFIXES, 0))
    numbers: dict[str, set[int]] = field(default_factory=lambda: {p: set() for p in PREFIXES})
    open_docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    refs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # ticket → its references
    symlinks: list[Path] = field(default_factory=list)
    temps: list[Path] = field(default_factory=list)

    def lost_refs(self, indexed: dict[str, Any]) -> set[str]:
        """Indexed tickets no shard holds (reported as missing ids already)."""
        return {t for t in indexed if parse_id(t)[1] not in self.numbers[parse_id(t)[0]]}

    def damage(self, path: Path, e: StoreDamaged) -> None:
        self.damaged[path] = e.message
        self.problems.append(e.message)


def check(store: TinyStore) -> list[Shown]:
    if not store.root.is_dir():
        return []
    found = _examine(store)
    if found.problems:  # perhaps a write in flight: read again, holding the lock
        with store._locked(prepare=False):
            found = _examine(store)
    return found.problems


def _examine(store: TinyStore) -> _Found:
    lay, found = store.layout, _Found()
    _files(store.root, found)
    meta = _meta(store, found)
    money = MoneyCheck(store.home)  # a currency no ISO code, a decimal too many: reported, never repaired
    for prefix in PREFIXES:
        _shards(store, prefix, found, money)
    _counters(lay, meta, found)
    journal = _journal(lay, found)
    for tmp in found.temps:
        if journal is None or tmp not in {t for t, _ in _renames_or_empty(lay, journal)}:
            found.problems.append(Message("doctor.leftover_temp", path=str(tmp)))
    _index(store, found, journal is None)
    _customers(lay.customers, found)
    _outbox(store, found)
    return found


def _outbox(store: TinyStore, found: _Found) -> None:
    from sdcli.store.tiny_outbox import problems

    damaged, low = problems(store, _read(store.layout.outbox, found))
    if damaged is not None:
        found.damaged[store.layout.outbox] = damaged
        found.problems.append(damaged)
    if low is not None:
        found.problems.append(low)


def _meta(store: TinyStore, found: _Found) -> dict[str, Any] | None:
    """meta.json when it is readable and whole (None, and the problem noted, otherwise)."""
    lay = store.layout
    meta = _read(lay.meta, found)
    if meta is not None:
        try:
            from sdcli.store.txn import check_meta

            check_meta(lay, copy.deepcopy(meta))
        except StoreDamaged as e:
            found.damage(lay.meta, e)
            return None
    elif lay.meta not in found.damaged and any(lay.shard_files(p) for p in PREFIXES):
        found.problems.append(Message("doctor.meta_missing", path=str(lay.meta)))
    return meta


def _counters(lay: Any, meta: dict[str, Any] | None, found: _Found) -> None:
    """Counters at or below a ticket's number (ids would be reused), and ids skipped."""
    for prefix in PREFIXES:
        nxt = meta["next"].get(prefix, 1) if meta is not None else None
        if nxt is not None and nxt <= found.highest[prefix]:
            highest = format_id(prefix, found.highest[prefix])
            found.problems.append(
                Message("doctor.counter_low", path=str(lay.meta), prefix=prefix, next=nxt, id=highest)
            )
    for prefix in PREFIXES:
        top = max(found.highest[prefix], (meta["next"].get(prefix, 1) - 1) if meta else 0)
        for lo, hi in _gaps(found.numbers[prefix], top):
            shards = sorted({lay.shard(prefix, n).name for n in (lo, hi)})
            found.problems.append(
                Message("doctor.ids_missing", ids=_span(format_id(prefix, lo), format_id(prefix, hi)),
                        shards=_span(shards[0], shards[-1]))
            )  # fmt: skip


def _journal(lay: Any, found: _Found) -> dict[str, Any] | None:
    """The journal of an interrupted write, if one is left (noted as a problem)."""
    journal = _read(lay.journal, found)
    if journal is not None:
        try:
            lay.renames(journal)
            found.problems.append(Message("doctor.journal_left", path=str(lay.journal)))
        except StoreDamaged as e:
            found.damage(lay.journal, e)
    return journal


def _files(root: Path, found: _Found) -> None:
    """Modes, symbolic links and temp files of everything under the store (links not followed)."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in [*dirs, *files]:
            path = here / name
            try:
                st = os.lstat(path)
            except FileNotFoundError:  # a temp file renamed meanwhile
                continue
            if stat.S_ISLNK(st.st_mode):
                found.symlinks.append(path)
                found.problems.append(Message("doctor.symlink", path=str(path)))
                continue
            want = 0o700 if stat.S_ISDIR(st.st_mode) else 0o600
            if stat.S_IMODE(st.st_mode) != want:
                found.problems.append(
                    Message("doctor.mode", path=str(path), mode=oct(stat.S_IMODE(st.st_mode)), want=oct(want))
                )
            if _TEMP.match(name):
                found.temps.append(path)
    st = os.lstat(root)
    if stat.S_IMODE(st.st_mode) != 0o700:
        found.problems.append(
            Message("doctor.mode", path=str(root), mode=oct(stat.S_IMODE(st.st_mode)), want=oct(0o700))
        )


def _read(path: Path, found: _Found) -> dict[str, Any] | None:
    try:
        return read_json(path)
    except StoreDamaged as e:
        found.damage(path, e)
        return None


def _shards(store: TinyStore, prefix: str, found: _Found, money: MoneyCheck) -> None:
    lay = store.layout
    for path in lay.shard_files(prefix):
        data = _read(path, found)
        if data is None:
            continue
        tickets = data.get("tickets", {})
        if not isinstance(tickets, dict):
            found.damage(path, StoreDamaged("doctor.tickets_not_object", path=str(path)))
            continue
        for key, doc in tickets.items():
            if not key.isdigit() or not isinstance(doc, dict):
                found.damage(path, StoreDamaged("doctor.not_numbered", path=str(path), entry=repr(key[:20])))
                continue
            number = int(key)
            tid = format_id(prefix, number)
            if doc.get("id") != tid:
                carried = repr(str(doc.get("id"))[:30])
                found.problems.append(
                    Message("doctor.wrong_id", path=str(path), entry=key, found=carried, id=tid)
                )
            if lay.shard(prefix, number) != path:
                found.problems.append(Message("doctor.wrong_shard", path=str(path), id=tid))
            found.numbers[prefix].add(number)
            pairs = refs_of(doc)
            if pairs:
                found.refs[tid] = pairs
            found.highest[prefix] = max(found.highest[prefix], number)
            if not store.vocabulary.is_finished(doc):
                found.open_docs[tid] = doc
            found.problems += money.problems(tid, doc)


def _gaps(numbers: set[int], top: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = None
    for n in range(1, top + 1):
        if n not in numbers:
            start = n if start is None else start
        elif start is not None:
            out.append((start, n - 1))
            start = None
    if start is not None:
        out.append((start, top))
    return out


def _renames_or_empty(lay: Any, journal: dict[str, Any]) -> list[tuple[Path, Path]]:
    try:
        return lay.renames(journal)
    except StoreDamaged:
        return []


def _index(store: TinyStore, found: _Found, settled: bool) -> None:
    lay = store.layout
    if not store.index.exists():
        if any(lay.shard_files(p) for p in PREFIXES) or lay.legacy_index.exists():
            found.problems.append(Message("doctor.index_missing", path=str(lay.index)))
        return
    try:
        store.index.check_readable()
        indexed = {r["id"]: r for r in store.index.summaries()}
        refs = store.index.all_refs()
    except StoreDamaged as e:
        found.damage(lay.index, e)
        return
    if not settled:
        return
    for tid in sorted(found.open_docs.keys() - indexed.keys(), key=_order):
        found.problems.append(Message("doctor.index_lacks", id=tid, path=str(lay.index)))
    for tid in sorted(indexed.keys() - found.open_docs.keys(), key=_order):
        p, n = parse_id(tid)
        if n not in found.numbers[p]:
            found.problems.append(Message("doctor.index_lost", id=tid, shard=lay.shard(p, n).name))
        else:
            found.problems.append(Message("doctor.index_not_open", id=tid))
    for tid in sorted(found.open_docs.keys() & indexed.keys(), key=_order):
        if indexed[tid] != summary(found.open_docs[tid]):
            found.problems.append(Message("doctor.index_summary", id=tid))
    for tid in sorted((refs.keys() | found.refs.keys()) - found.lost_refs(refs), key=_order):
        if sorted(refs.get(tid, [])) != sorted(found.refs.get(tid, [])):
            found.problems.append(Message("doctor.index_refs", id=tid))


def _span(first: str, last: str) -> Shown:
    """One id or file name, or the range from the first to the last."""
    return Message("doctor.range", first=first, last=last) if last != first else Literal(first)


def _order(tid: str) -> tuple[str, int]:
    p, n = parse_id(tid)
    return p, n


def _customers(path: Path, found: _Found) -> None:
    data = _read(path, found)
    if data is None:
        return
    table = data.get("customers", {})
    if not isinstance(table, dict) or not all(
        isinstance(c, dict) and isinstance(c.get("name"), str) for c in table.values()
    ):
        found.damage(path, StoreDamaged("doctor.customers_damaged", path=str(path)))
        return
    from sdcli.store.directory import same_names

    found.problems += same_names(table.values(), str(path))  # as every lookup compares names


# --------------------------------------------------------------------------- repair


def repair(store: TinyStore) -> list[Shown]:
    """Under the lock: rebuild a damaged or missing index and meta.json (the damaged file kept
    beside it), finish an interrupted write, remove leftover temp files, raise counters below a
    ticket, set modes. A damaged shard, journal or customer directory is refused: it holds data
    that cannot be rebuilt."""
    lay = store.layout
    done: list[Shown] = []
    if not store.root.is_dir():
        return done
    with store._locked(prepare=False):
        found = _examine(store)
        _set_aside(lay, found, done)
        from sdcli.store.tiny_prepare import MIGRATIONS
        from sdcli.store.txn import new_meta

        if read_json(lay.meta) is None:
            atomic_write(lay.meta, dumps(new_meta(lay, MIGRATIONS)))
            if lay.meta not in found.damaged:
                done.append(Message("doctor.meta_rebuilt", path=str(lay.meta)))
        store._prepare()  # migrations, an interrupted write finished
        referenced = {t for t, _ in _renames_or_empty(lay, read_json(lay.journal) or {})}
        for tmp in found.temps:
            if tmp not in referenced and os.path.lexists(tmp):
                tmp.unlink()
                done.append(Message("doctor.removed", path=str(tmp)))
        _raise_counters(lay, found, done)
        from sdcli.store.tiny_outbox import raise_counter

        if line := raise_counter(store):
            done.append(line)
        _rebuild_index(store, found)
        done.append(Message("doctor.index_rebuilt"))
        done.extend(line for path in [store.root, *_all_paths(store.root)] if (line := _private(path)))
    return done


def _set_aside(lay: Any, found: _Found, done: list[Shown]) -> None:
    """A damaged index or meta.json moved aside (to be rebuilt); any other damaged file refused."""
    rebuildable = {lay.index, lay.meta}
    for path, why in found.damaged.items():
        if path not in rebuildable:
            raise StoreDamaged("doctor.repair_refused", why=why)
    for path in sorted(rebuildable & found.damaged.keys()):
        aside = path.with_name(f"{path.name}.damaged-{clock.now().strftime('%Y%m%dT%H%M%S')}")
        os.replace(path, aside)
        done.append(Message("doctor.set_aside", path=str(path), aside=aside.name))


def _raise_counters(lay: Any, found: _Found, done: list[Shown]) -> None:
    meta = read_json(lay.meta) or {}
    for prefix in PREFIXES:
        if meta["next"].get(prefix, 1) <= found.highest[prefix]:
            meta["next"][prefix] = found.highest[prefix] + 1
            done.append(Message("doctor.counter_raised", prefix=prefix, n=found.highest[prefix] + 1))
    atomic_write(lay.meta, dumps(meta))


def _rebuild_index(store: TinyStore, found: _Found) -> None:
    """The index rebuilt from the tickets, keeping the rows of tickets whose shard is lost (the
    only trace left of them)."""
    lay = store.layout
    kept: dict[str, Any] = {}
    if lay.index not in found.damaged and store.index.exists():
        for row in store.index.summaries():
            p, n = parse_id(row["id"])
            if n not in found.numbers[p] and n // SHARD_SIZE not in _shard_numbers(lay, p):
                kept[row["id"]] = row
    store.rebuild_index()
    if kept:
        store.index.apply(kept, {})


def _shard_numbers(lay: Any, prefix: str) -> set[int]:
    return {int(p.stem) for p in lay.shard_files(prefix)}


def _private(path: Path) -> Message | None:
    """A store file 0600 or folder 0700, changed through a descriptor opened without following
    links (a link or a special file planted in the store is never touched)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(st.st_mode):
        want, flags = 0o700, os.O_DIRECTORY
    elif stat.S_ISREG(st.st_mode):
        want, flags = 0o600, 0
    else:
        return None
    if stat.S_IMODE(st.st_mode) == want:
        return None
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | flags)
    try:
        os.fchmod(fd, want)
    finally:
        os.close(fd)
    return Message("doctor.mode_set", path=str(path), mode=oct(want))


def _all_paths(root: Path) -> list[Path]:
    out: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        out.extend(Path(folder) / n for n in [*dirs, *files])
    return out
