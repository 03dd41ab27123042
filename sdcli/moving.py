"""Moving a desk's queue from one store to another (`sdcli store copy`). No CLI imports.

The source is marked moved FIRST (from then on it refuses writes, and the writes under way
finish before the mark), then everything is read from it in one committed state, written into
the target in one write, read back and compared. A failure before the copy is written unmarks
the source: it stays the live store. Once the target's write committed, agents may already be
working there (a --merge target is a live store), so the source stays marked whatever follows:
unmarking it then would split the queue in two. The read-back takes a ticket changed since the
copy (its history goes on from the copy's, as every write appends to it) for the copy; one
that still does not match is told, with what to do, and the source stays marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sdcli import clock
from sdcli.errors import RuleViolation, StoreDamaged, UsageProblem
from sdcli.i18n import Joined, Message
from sdcli.model import name_key
from sdcli.store import Store, outbox
from sdcli.store.base import checksum


@dataclass
class Copied:
    source: str
    target: str
    tickets: int
    customers: int
    counters: dict[str, int]
    checksum: str
    merged: bool
    updates: int = 0  # the outbox's items (customer updates)
    waiting: int = 0  # of them, those not sent nor discarded yet

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def copy_store(source: Store, target: Store, *, actor: str, merge: bool = False) -> Copied:
    if source.describe() == target.describe():
        raise UsageProblem("store.same_store", where=source.describe())
    source.mark_moved(target.describe(), actor=actor)
    try:
        dump = source.export_all()
        sending = outbox.being_sent(dump.outbox, clock.now())
        if sending:  # its sender records the send in the source, which refuses it once moved: the copy
            raise RuleViolation(  # would hold it "sending" for ever, and a send of it named, sent twice
                "store.copy_while_sending", n=len(sending),
                by=", ".join(sorted({str(i.get("claimed_by") or "?") for i in sending})),
            )  # fmt: skip
        target.import_all(dump, actor=actor, merge=merge)
    except BaseException:
        source.mark_moved(None, actor=actor)
        raise
    verify(dump, target)  # the copy is in: the source stays marked, whatever this finds
    waiting = sum(1 for i in dump.outbox if i.get("state") not in outbox.FINAL)
    return Copied(source.describe(), target.describe(), len(dump.tickets), len(dump.customers), dump.counters,
                  checksum(dump.tickets, dump.customers), merge, len(dump.outbox), waiting)  # fmt: skip


def _later(copied: dict[str, Any], now: dict[str, Any]) -> bool:
    """Whether `now` is the copied ticket changed since by a write (its history goes on from it)."""
    before, after = copied.get("history") or [], now.get("history") or []
    return len(after) > len(before) and after[: len(before)] == before


def verify(dump: Any, target: Store) -> None:
    """The target, read back, holds every ticket of the dump equal (or changed since by a write
    of an agent already working there), its customers, its outbox's items, its counters (or more). Raises
    StoreDamaged naming what does not match; the source stays marked moved."""
    got = target.export_all()
    by_id = {d["id"]: d for d in got.tickets}
    missing = [d["id"] for d in dump.tickets if d["id"] not in by_id]
    names = {name_key(c["name"]): c for c in got.customers}  # as the copy saved them (directory.merge_in)
    mine = [names.get(name_key(c["name"])) for c in dump.customers]
    problems: list[Message] = []
    if missing:
        problems.append(Message("store.copy_missing", n=len(missing), ids=", ".join(missing[:5])))
    elif checksum([by_id[d["id"]] for d in dump.tickets]) != checksum(dump.tickets):
        differ = [d["id"] for d in dump.tickets if by_id[d["id"]] != d and not _later(d, by_id[d["id"]])]
        if differ:
            problems.append(Message("store.copy_differ", n=len(differ), ids=", ".join(differ[:5])))
    if None in mine:
        problems.append(Message("store.copy_no_customers"))
    lost = outbox.missing(dump.outbox, got.outbox)
    if lost:
        problems.append(Message("store.copy_outbox_missing", n=len(lost),
                                ids=", ".join(str(i.get("id")) for i in lost[:5])))  # fmt: skip
    low = [p for p, n in dump.counters.items() if got.counters.get(p, 1) < n]
    if low:
        problems.append(Message("store.copy_counters_low", prefixes=", ".join(low)))
    if problems:
        raise StoreDamaged(
            "store.copy_mismatch_marked", where=target.describe(), problems=Joined(problems, "; ")
        )
