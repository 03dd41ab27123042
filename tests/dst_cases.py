"""Hypothesis strategies for time rules: receipt instants in six countries, and around both
of Chile's daylight-saving changes (early April: Saturday 23:00 repeats; early September:
Sunday 00:00-01:00 does not exist)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

ZONES = {"AR": "America/Argentina/Buenos_Aires", "BR": "America/Sao_Paulo", "CL": "America/Santiago",
         "CO": "America/Bogota", "MX": "America/Mexico_City", "PE": "America/Lima"}  # fmt: skip
#: the instants Chile changed its clocks in 2026 and 2027
CHILE_CHANGES = (
    datetime(2026, 4, 5, 3, 0, tzinfo=UTC),
    datetime(2026, 9, 6, 4, 0, tzinfo=UTC),
    datetime(2027, 4, 4, 3, 0, tzinfo=UTC),
    datetime(2027, 9, 5, 4, 0, tzinfo=UTC),
)
FIRST = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def receipts(draw, *, step: int = 1, before_days: int = 8, after_days: int = 2) -> tuple[str, datetime]:
    """(country, instant in UTC): half near a Chilean clock change, half anywhere in 2026-2027.
    Instants fall on a grid of `step` minutes."""
    if draw(st.booleans()):
        base = draw(st.sampled_from(CHILE_CHANGES))
        minutes = draw(st.integers(-before_days * 1440 // step, after_days * 1440 // step)) * step
        return "CL", base + timedelta(minutes=minutes)
    country = draw(st.sampled_from(sorted(ZONES)))
    return country, FIRST + timedelta(minutes=draw(st.integers(0, 2 * 365 * 1440 // step)) * step)


def zone(country: str) -> ZoneInfo:
    return ZoneInfo(ZONES[country])


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The instant a local date begins (zoneinfo maps a skipped midnight to the change)."""
    return datetime.combine(day, time(0)).replace(tzinfo=tz).astimezone(UTC)
