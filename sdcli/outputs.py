"""Writing what a command produces to the place the user named. No CLI imports.

`-` is standard output. An existing FIFO or character device (a pipe, /dev/null, a terminal)
is written as a stream: it is never replaced by a regular file. A symbolic link is followed to
its target, which is written (the link stays a link). Anything else is a regular file written
atomically (a temporary file beside it, renamed over it): a failure leaves the old file, and a
file sdcli creates is private (0600), since exports hold customers' contact data.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from sdcli.errors import OutputUnwritable, StoreUnwritable
from sdcli.i18n import Message


def write_text(target: str, chunks: Iterable[str]) -> None:
    """Write the text chunks to target ('-', a stream, a link's target, or a regular file)."""
    if target == "-":
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    from sdcli.store.files import atomic_write

    real = Path(os.path.realpath(target))  # a link: its target (a dangling one: the file it names)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise _failed(target, e) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if not (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
            kind = "store.is_directory" if stat.S_ISDIR(st.st_mode) else "store.not_output"
            raise OutputUnwritable("store.cannot_write", path=target, reason=Message(kind))
        _stream(real, target, chunks)
        return
    try:
        atomic_write(real, (c.encode("utf-8") for c in chunks))
    except StoreUnwritable as e:
        raise OutputUnwritable(
            "store.what_outcome", what=e.what, outcome=Message("store.nothing_written")
        ) from None


def _stream(path: Path, target: str, chunks: Iterable[str]) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
    except OSError as e:
        raise _failed(target, e) from None
    try:
        for chunk in chunks:
            view = memoryview(chunk.encode("utf-8"))
            while view:
                view = view[os.write(fd, view) :]
    except OSError as e:
        raise _failed(target, e) from None
    finally:
        os.close(fd)


def _failed(target: str, e: OSError) -> OutputUnwritable:
    from sdcli.store.files import unwritable

    return OutputUnwritable(unwritable(target, e).what)
