"""The public holidays of a country and year, kept between runs in the run's home (data_cache).

The `holidays` library builds a country's calendar in about a tenth of a second (its registry,
the country's module, every rule of the year): `escalate ID --json` asks it for each contact in
their hours, and classify for a site on business hours. The dates are kept in the home's cache,
keyed by the library's own file (an upgrade computes them again) and sdcli's code, like the
desk's checked data files. Without an activated home nothing is kept. No CLI imports.
"""

from __future__ import annotations

import importlib.util
import os
from datetime import date
from pathlib import Path


def _library() -> tuple[Path, tuple[int, ...]] | None:
    """The library's file and its stamp (found without importing it), or None."""
    from sdcli import data_cache

    try:
        spec = importlib.util.find_spec("holidays")
        origin = spec.origin if spec is not None else None
        return (Path(origin), data_cache.stamp(os.stat(origin))) if origin else None
    except (ImportError, OSError, ValueError):
        return None


def kept(country: str, year: int) -> frozenset[date] | None:
    """The holidays kept for this library, or None (not kept, or not readable as dates)."""
    from sdcli import config, data_cache

    home, lib = config._home(), _library()
    if home is None or lib is None:
        return None
    data = data_cache.DataCache.of(home).get(f"holidays-{country}-{year}", *lib)
    if not isinstance(data, list):
        return None
    try:
        return frozenset(date.fromisoformat(d) for d in data)
    except (TypeError, ValueError):
        return None


def keep(country: str, year: int, days: frozenset[date]) -> None:
    from sdcli import config, data_cache

    home, lib = config._home(), _library()
    if home is not None and lib is not None:
        data_cache.DataCache.of(home).put(
            f"holidays-{country}-{year}", *lib, sorted(d.isoformat() for d in days), {}
        )
