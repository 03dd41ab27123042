"""Time: the current instant, durations, zones, ISO 8601 output (people's dates are read by sdcli.dates)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from sdcli.errors import InvalidValue

NOW_ENV = "SDCLI_NOW"  # fixes "now" (ISO 8601 with offset) for demos and tests
#: a stored instant's text: ISO 8601 date and time with its offset (as iso() writes it)
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)")


def is_instant(value: Any) -> bool:
    """Whether a stored value is an instant's text (what views show in words, exports re-clock)."""
    return isinstance(value, str) and _INSTANT.fullmatch(value) is not None


def now() -> datetime:
    fixed = os.environ.get(NOW_ENV)
    if fixed:
        return _fixed(fixed)
    return datetime.now(UTC).astimezone()


@lru_cache(maxsize=8)
def _fixed(text: str) -> datetime:
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidValue(NOW_ENV, text, "invalid.iso") from None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def iso(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def parse_duration(text: str, *, field: str = "duration") -> timedelta:
    """'30m', '2h', '3d', '1w' → timedelta."""
    from sdcli import dates

    try:
        found = dates.span(text or "")
    except dates.OutOfRange:  # '99999999999d' is no span a desk counts (and overflows a date)
        raise InvalidValue(field, text, "invalid.too_long_span") from None
    except dates.ClockOrHours:  # '1.30h': an hour and a half, or 1.3 hours
        raise InvalidValue(field, text, "invalid.clock_or_hours") from None
    if found is None:
        raise InvalidValue(field, text, "invalid.duration")
    return found


def get_tz(name: str | None) -> tzinfo | None:
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValue("tz", name, "invalid.zone") from None


def humanize(delta: timedelta) -> str:
    """A short '2h 05m' / '3d 4h' form of a duration (sign dropped)."""
    secs = int(abs(delta.total_seconds()))
    d, rem = divmod(secs, 86400)
    h, rem = divmod(rem, 3600)
    m = rem // 60
    if d:
        return f"{d}d {h}h"
    if h:
        return f"{h}h {m:02d}m"
    return f"{m}m"
