"""The other names the tz database keeps for a zone (its `backward` links: US/Eastern is
America/New_York, Brazil/East America/Sao_Paulo, America/Buenos_Aires America/Argentina/Buenos_Aires),
read from the database zoneinfo reads (its TZPATH, else the tzdata package). No CLI imports.

A link is the same compiled zone under another name: its data are its target's, byte for byte. A
name zone.tab gives a country of its own (America/Cayman: KY, a link to America/Panama today) is
that country's, never another's."""

from __future__ import annotations

import functools
import zoneinfo
from importlib import resources
from pathlib import Path


def _read(name: str) -> bytes | None:
    """A file of the tz database by its name (a zone's compiled data, zone.tab), where zoneinfo
    finds it; None if it is nowhere."""
    if not name or name.startswith("/") or ".." in name.split("/"):
        return None
    for base in zoneinfo.TZPATH:
        path = Path(base) / name
        if path.is_file():
            return path.read_bytes()
    *folders, leaf = name.split("/")
    try:
        return resources.files(".".join(["tzdata.zoneinfo", *folders])).joinpath(leaf).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError, OSError, ValueError):
        return None


@functools.cache
def _countries() -> dict[str, str]:
    """zone.tab: a zone's country code (one a line: a zone and the country it is in)."""
    text = (_read("zone.tab") or b"").decode("utf-8", "replace")
    out: dict[str, str] = {}
    for line in text.splitlines():
        cells = line.split("\t")
        if len(cells) >= 3 and not line.startswith("#"):
            out[cells[2]] = cells[0]
    return out


def same_zone(name: str, candidates: list[str], country: str | None) -> str | None:
    """The first of `candidates` (a country's zones) that `name` is another name of: the same
    compiled data, and no other country's zone by zone.tab. None when it is none of them."""
    own = _countries().get(name)
    if own is not None and own != country:
        return None
    data = _read(name)
    if not data:
        return None
    return next((z for z in candidates if z != name and _read(z) == data), None)
