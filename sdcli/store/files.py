"""Private atomic files and the JSON codec of the embedded store. No CLI imports.

Every file is written to a temporary file beside its place (mode 0600), fsynced, then
renamed over the old one, and the directory fsynced: a crash at any instant leaves the
old or the new file. Reads never follow a symbolic link (nothing sdcli does follows a
link out of the store).
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from sdcli.errors import StoreDamaged, StoreUnwritable
from sdcli.i18n import Literal, Message

#: the catalogue's words for the reasons a write fails most (others: the system's own words)
_REASONS = {
    errno.ENOSPC: "store.disk_full",
    errno.EROFS: "store.read_only",
    errno.EACCES: "store.permission_denied",
    errno.EPERM: "store.permission_denied",
    errno.EDQUOT: "store.quota_exceeded",
}


def unwritable(path: Path | str | Message, e: OSError) -> StoreUnwritable:
    """The refusal of a write that failed (path: a file, or a Message naming what was written)."""
    key = _REASONS.get(e.errno or 0)
    reason = Message(key) if key else Literal(e.strerror or str(e))
    shown = path if isinstance(path, Message) else str(path)
    return StoreUnwritable(Message("store.cannot_write", path=shown, reason=reason))


def fsync_dir(path: Path) -> None:
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


def private_dirs(path: Path) -> None:
    """path and every missing parent created 0700 whatever the umask (Path.mkdir(parents=True)
    gives the parents the default mode: a first run under umask 000 made the home 0777)."""
    missing: list[Path] = []
    p = Path(path)
    while not p.exists() and not p.is_symlink() and p != p.parent:
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:
            continue
        except OSError as e:
            raise unwritable(d, e) from None
    if not Path(path).is_dir():
        raise StoreUnwritable(
            Message("store.cannot_write", path=str(path), reason=Message("store.not_directory"))
        )


def temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def write_temp(path: Path, data: bytes | Iterable[bytes]) -> Path:
    """data (bytes, or chunks) in a new 0600 file beside path, fsynced, to be renamed onto it.
    Raises StoreUnwritable; nothing is left behind after a failure or an interrupt."""
    tmp = temp_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            for chunk in [data] if isinstance(data, bytes | bytearray | memoryview) else data:
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        discard([tmp])
        raise unwritable(path, e) from None
    except BaseException:
        discard([tmp])
        raise
    return tmp


def discard(paths: Iterable[Path]) -> None:
    for tmp in paths:
        try:
            tmp.unlink()
        except OSError:
            pass


def atomic_write(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write data to path so that a crash leaves the old or the new file, never a mix (mode 0600)."""
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except OSError as e:
        discard([tmp])
        raise unwritable(path, e) from None
    except BaseException:
        discard([tmp])
        raise
    fsync_dir(path.parent)


#: a commit writing this many files writes them from threads (their fsyncs overlap)
PARALLEL_STAGE = 8


def stage(writes: list[tuple[Path, bytes]]) -> list[tuple[Path, Path]]:
    """Every file of a commit written beside its place: [(temp, final)]. All or none: after a
    failure (or Ctrl-C) no temp is left and StoreUnwritable says what could not be written."""
    if len(writes) < PARALLEL_STAGE:
        staged: list[tuple[Path, Path]] = []
        try:
            for path, data in writes:
                staged.append((write_temp(path, data), path))
        except BaseException:
            discard([tmp for tmp, _ in staged])
            raise
        return staged
    from concurrent.futures import ThreadPoolExecutor, wait

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(write_temp, path, data) for path, data in writes]
        try:
            wait(futures)
        except BaseException:
            for f in futures:
                f.cancel()
            wait(futures)
            discard([f.result() for f in futures if f.done() and not f.cancelled() and f.exception() is None])
            raise
    failed = [f.exception() for f in futures if f.exception() is not None]
    if failed:
        discard([f.result() for f in futures if f.exception() is None])
        raise failed[0]  # type: ignore[misc]
    return [(f.result(), path) for f, (path, _data) in zip(futures, writes, strict=True)]


# --------------------------------------------------------------------------- JSON


def dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON. orjson (about 8x the stdlib) for every document it can encode;
    the stdlib for what it refuses (integers beyond 64 bits). A document whose keys are all text
    (every ticket) is encoded without OPT_NON_STR_KEYS, which costs about a tenth more."""
    for option in (None, orjson.OPT_NON_STR_KEYS):
        try:
            return orjson.dumps(data, option=option)
        except TypeError:
            pass
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), check_circular=False).encode(
            "utf-8"
        )
    except (UnicodeEncodeError, ValueError, RecursionError) as e:  # a lone surrogate, a cycle: never stored
        raise StoreUnwritable(f"cannot encode the ticket ({type(e).__name__}: {str(e)[:60]})") from None


def loads(raw: bytes | str) -> Any:
    """Parse stored JSON; the stdlib reads what orjson refuses (NaN written by an old version).
    Raises ValueError for anything that is not JSON, nested too deeply included."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def read_bytes(path: Path) -> bytes | None:
    """The bytes of a store file, None if it does not exist; never through a symbolic link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise StoreDamaged("store.symlink", path=str(path)) from None
        raise StoreDamaged("store.unreadable", path=str(path), reason=str(e.strerror)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StoreDamaged("store.not_regular", path=str(path))
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read()
    except OSError as e:
        raise StoreDamaged("store.unreadable", path=str(path), reason=str(e.strerror)) from None
    finally:
        os.close(fd)


def read_json(path: Path) -> dict[str, Any] | None:
    """Parsed JSON object of path, None if it does not exist. Raises StoreDamaged, never repairs."""
    raw = read_bytes(path)
    return None if raw is None else parse_object(raw, path)


def parse_object(raw: bytes, path: Path) -> dict[str, Any]:
    """The JSON object a store file holds. Raises StoreDamaged naming the file."""
    try:
        data = loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        reason = f"{type(e).__name__}: {str(e)[:60]}"  # the parser's own words, shown as they are
        raise StoreDamaged("store.not_json", path=str(path), reason=reason) from None
    if not isinstance(data, dict):
        raise StoreDamaged("store.not_object", path=str(path))
    return data
