"""The checked data of the desk's data files, kept between runs (config.py's loader uses it).

Checking a data file against its shape costs more than reading it (the message catalogues'
every key, the escalation table's phone numbers through phonenumbers): so the result is kept in
the run's home, `<home>/cache/<name>-<hash of the path>.json` (0600, written atomically), with the
key it was made for: the file's path, mtime_ns, ctime_ns, size and inode, sdcli's version and the
shapes' own code. A run whose key differs, or that finds the cache unreadable, corrupt, not
private or not its own, ignores it and writes it again; nothing in it is taken on its word but
for the key. A file changed in the last two seconds is checked every run and not cached (a
change within the filesystem's timestamp granularity could keep its key: git's "racy" files).
Without a home (or one that does not exist) nothing is kept.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path
from typing import Any

import orjson

#: a file whose last change is newer than this is checked every run (nanoseconds)
SETTLE_NS = 2_000_000_000
#: the cache's folder in the home
FOLDER = "cache"


def stamp(st: os.stat_result) -> tuple[int, ...]:
    """What identifies one version of a file: any write changes one of these."""
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def settled(st: os.stat_result) -> bool:
    """The file has not changed for SETTLE_NS (so a change would show in its stamp)."""
    return time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > SETTLE_NS


def _code() -> list[Any]:
    """sdcli's version and the stamps of the code that checks (a changed shape means checking again)."""
    from sdcli import __version__, schemas, shapes

    out: list[Any] = [__version__]
    for module in (schemas, shapes):
        try:
            st = os.stat(module.__file__ or "")
        except OSError:
            continue
        out += [st.st_mtime_ns, st.st_size]
    return out


class DataCache:
    """The cache of one home (a no-op without one)."""

    def __init__(self, home: Path | None) -> None:
        self.folder = Path(home) / FOLDER if home is not None else None

    @classmethod
    def of(cls, home: Path | None) -> DataCache:
        return cls(home)

    def _where(self, name: str, path: Path) -> Path | None:
        if self.folder is None:
            return None
        digest = hashlib.sha256(os.fsencode(os.path.abspath(path))).hexdigest()[:16]
        return self.folder / f"{name}-{digest}.json"

    @staticmethod
    def _key(name: str, path: Path, st: tuple[int, ...]) -> dict[str, Any]:
        return {"name": name, "path": os.path.abspath(path), "stat": list(st), "code": _code()}

    def get(self, name: str, path: Path, st: tuple[int, ...]) -> Any:
        """The checked data kept for this version of the file, or None."""
        where = self._where(name, path)
        if where is None:
            return None
        try:
            fd = os.open(where, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 or info.st_uid != os.getuid():
                return None  # not ours, or others may read or change it: check the file again
            with os.fdopen(fd, "rb", closefd=False) as f:
                entry = orjson.loads(f.read())
        except (OSError, ValueError):
            return None
        finally:
            os.close(fd)
        if (
            not isinstance(entry, dict)
            or entry.get("key") != self._key(name, path, st)
            or "data" not in entry
        ):
            return None
        normals = entry.get("normals")
        if isinstance(normals, dict) and isinstance(normals.get("phone"), dict):
            from sdcli import validate

            validate.vouch_phones(normals["phone"])
        return entry["data"]

    def put(
        self, name: str, path: Path, st: tuple[int, ...], data: Any, normals: dict[str, dict[str, str]]
    ) -> None:
        """Keep the checked data (when it reads back exactly as it is: plain JSON values)."""
        where = self._where(name, path)
        if where is None or not where.parent.parent.is_dir():
            return  # never create a home
        try:
            blob = orjson.dumps({"key": self._key(name, path, st), "data": data, "normals": normals})
            if orjson.loads(blob)["data"] != data:
                return  # tuples, dates...: not kept rather than given back changed
        except (TypeError, ValueError):
            return
        from sdcli.errors import SdcliError
        from sdcli.store.files import atomic_write, private_dirs

        try:
            private_dirs(where.parent)
            atomic_write(where, blob)
        except (OSError, SdcliError):
            pass  # a home that cannot be written: the next run checks the file again
