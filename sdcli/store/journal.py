"""All or nothing across files: the embedded store's commit. No CLI imports.

A write of several files first writes every file beside its place (temporary, fsynced). A
failure there (a full disk, Ctrl-C) removes them: nothing changed. Then the journal names
the renames; once it is on disk (the commit point) the renames are done and the journal
removed. A journal left by a crash is finished by the next writer, and readers see the
staged files meanwhile (layout.Snapshot). Past the commit point the write is saved: a
fault or a Ctrl-C there is reported as a warning, never as "not saved".
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sdcli.errors import StoreUnwritable
from sdcli.store.files import atomic_write, discard, dumps, fsync_dir, stage, unwritable
from sdcli.store.layout import Layout

FINISHED_LATER = "the change is saved; the next write finishes it (or run: sdcli doctor --fix)"


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


def commit(layout: Layout, writes: list[tuple[Path, bytes]], warnings: list[str]) -> None:
    """Make the files of one write durable: all of them, or none.

    One file is one atomic rename. Several are staged, then journaled (the commit point),
    then renamed in the order given."""
    if not writes:
        return
    if len(writes) == 1:
        atomic_write(*writes[0])
        return
    staged = stage(writes)
    journal = {"renames": [[str(tmp.relative_to(layout.root)), str(final.relative_to(layout.root))]
                           for tmp, final in staged]}  # fmt: skip
    with interrupts_deferred() as interrupted:
        try:
            atomic_write(layout.journal, dumps(journal))
        except BaseException:
            discard([tmp for tmp, _ in staged])
            raise
        try:
            finish(layout, journal)
        except StoreUnwritable as e:
            warnings.append(f"{e.what}; {FINISHED_LATER}")
        if interrupted():
            warnings.append("interrupted while saving, after the change was saved: it is saved")


def finish(
    layout: Layout, journal: dict[str, Any], legacy: Callable[[dict[str, Any]], None] | None = None
) -> None:
    """Carry out a journal: its renames (those not done yet), then drop it. `legacy` finishes
    what a journal of an older sdcli asked besides (an index patch or rebuild)."""
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
    if legacy is not None and ("ids" in journal or "rebuild" in journal):
        legacy(journal)
    try:
        layout.journal.unlink()
    except FileNotFoundError:
        pass
    except OSError as e:
        raise unwritable(layout.journal, e) from None
    fsync_dir(layout.root)
