"""All or nothing across files: the embedded store's commit. No CLI imports.

A write of several files first writes every file beside its place (temporary, fsynced). A
failure there (a full disk, Ctrl-C) removes them: nothing changed. Then the journal names
the renames and the tickets whose index rows change; once it is on disk (the commit point)
the renames are done, the index rows follow, and the journal is removed. A journal left by
a crash is finished by the next writer, and readers see the staged files and patch those
index rows meanwhile (layout.Snapshot). Past the commit point the write is saved: a fault
or a Ctrl-C there is reported as a warning, never as "not saved".
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sdcli.errors import StoreDamaged, StoreUnwritable
from sdcli.i18n import Message
from sdcli.store.files import atomic_write, discard, dumps, fsync_dir, stage, unwritable
from sdcli.store.layout import Layout


@contextmanager
def interrupts_deferred() -> Iterator[Callable[[], bool]]:
    """Ctrl-C held back while a write passes its commit point (main thread only); the
    yielded function tells whether one arrived."""
    caught: list[int] = []
    old: Any = None
    main = threading.current_thread() is threading.main_thread()
    if main:
        old = signal.getsignal(signal.SIGINT)
        if old is None:  # installed outside Python: leave it alone
            main = False
        else:
            signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield lambda: bool(caught)
    finally:
        if main:
            signal.signal(signal.SIGINT, old)


def commit(
    layout: Layout,
    writes: list[tuple[Path, bytes]],
    warnings: list[Any],
    *,
    index: list[str] | None = None,
    after: Callable[[], None] | None = None,
) -> None:
    """Make the files of one write durable, all of them or none, then run `after` (the index).

    One file and no index change is one atomic rename. Otherwise the files are staged, then
    journaled with the tickets whose index rows change (`index`; the commit point), renamed
    in the order given, `after` runs, and the journal goes."""
    if not writes and not index:
        return
    if len(writes) == 1 and not index:
        atomic_write(*writes[0])
        return
    staged = stage(writes)
    pending: dict[str, Any] = {
        "renames": [
            [str(tmp.relative_to(layout.root)), str(final.relative_to(layout.root))] for tmp, final in staged
        ]
    }
    if index:
        pending["index"] = index
    with interrupts_deferred() as interrupted:
        try:
            atomic_write(layout.journal, dumps(pending))
        except BaseException:
            discard([tmp for tmp, _ in staged])
            raise
        try:
            finish(layout, pending, after=after)
        except StoreUnwritable as e:
            warnings.append(Message("store.finished_later", what=e.what))
        except StoreDamaged as e:
            warnings.append(Message("store.finished_later", what=e.message))
        if interrupted():
            warnings.append(Message("store.interrupted_saved"))


def finish(layout: Layout, journal: dict[str, Any], *, after: Callable[[], None] | None = None) -> None:
    """Carry out a journal: its renames (those not done yet), then `after` (the index rows it
    names), then drop it."""
    folders: set[Path] = set()
    for tmp, final in layout.renames(journal):
        if os.path.lexists(tmp):
            try:
                os.replace(tmp, final)
            except OSError as e:
                raise unwritable(final, e) from None
            folders.add(final.parent)
    for folder in folders:
        fsync_dir(folder)
    if after is not None:
        after()
    try:
        layout.journal.unlink()
    except FileNotFoundError:
        pass
    except OSError as e:
        raise unwritable(layout.journal, e) from None
    fsync_dir(layout.root)


def index_ids(journal: dict[str, Any]) -> list[str]:
    """The tickets whose index rows a journal changes (`ids` in journals of sdcli 0.1)."""
    ids = journal.get("index", journal.get("ids", []))
    if not isinstance(ids, list) or not all(isinstance(t, str) for t in ids):
        raise StoreDamaged("journal.json is damaged (its index ids are not a list of ids); run: sdcli doctor")
    return ids
