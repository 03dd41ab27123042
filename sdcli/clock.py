"""Time: the current instant, parsing of absolute and relative times, ISO 8601 output."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache

from sdcli.errors import InvalidValue

NOW_ENV = "SDCLI_NOW"  # fixes "now" (ISO 8601 with offset) for demos and tests

_REL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|w)\s*$", re.I)
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_SECONDS = 100 * 366 * 86400


def now() -> datetime:
    fixed = os.environ.get(NOW_ENV)
    if fixed:
        return parse_when(fixed, field=NOW_ENV, default_tz=UTC)
    return datetime.now(UTC).astimezone()


def iso(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def parse_duration(text: str, *, field: str = "duration") -> timedelta:
    """'30m', '2h', '3d', '1w' → timedelta."""
    m = _REL.match(text or "")
    if not m:
        raise InvalidValue(field, text, "expected a duration like 30m, 2h, 3d or 1w")
    seconds = float(m.group(1)) * _UNITS[m.group(2).lower()]
    if seconds > MAX_SECONDS:  # '99999999999d' is no span a desk counts (and overflows a date)
        raise InvalidValue(field, text, "is longer than 100 years")
    return timedelta(seconds=seconds)


def get_tz(name: str | None) -> tzinfo | None:
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValue(
            "tz", name, "unknown time zone (use an IANA name like America/Sao_Paulo)"
        ) from None


def parse_when(
    text: str,
    *,
    field: str = "time",
    default_tz: tzinfo | None = None,
    dayfirst: bool = False,
    relative_past: bool = False,
) -> datetime:
    """Parse a date-time with dateutil; a time without a zone takes default_tz.

    With relative_past, '2h' means two hours ago (for --since).
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidValue(field, text, "expected a date and time")
    if relative_past and _REL.match(text):
        return now() - parse_duration(text, field=field)
    dt = _parse_naive_or_aware(text.strip(), dayfirst)
    if dt is None:
        raise InvalidValue(field, text, "not a date and time dateutil can read")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=default_tz or now().tzinfo)
    return dt


_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


@lru_cache(maxsize=131072)
def _parse_naive_or_aware(text: str, dayfirst: bool) -> datetime | None:
    """ISO 8601 and dd-mm-yyyy fast paths (imports repeat timestamps), else dateutil."""
    if len(text) > 100:
        return None
    if text[:4].isdigit() and len(text) >= 10 and text[4] == "-":
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    m = _DMY.match(text)
    if m:
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        day, month = (a, b) if dayfirst else (b, a)
        try:
            return datetime(year, month, day, int(m[4] or 0), int(m[5] or 0), int(m[6] or 0))
        except ValueError:
            pass  # e.g. 29-02 read month-first: let dateutil decide
    from dateutil import parser

    try:
        return parser.parse(text, dayfirst=dayfirst)
    except (ValueError, OverflowError, parser.ParserError):
        return None


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
