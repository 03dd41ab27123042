"""Calendars: public holidays, business spans, and time counted on them. No CLI imports.

The one home of business time: the SLA clock (sdcli.sla) and SSR lead times (sdcli.ssr)
both count with a Calendar. Arithmetic is done on instants in UTC, so that an hour is an
hour on the days a site's clock changes; local (wall-clock) times only say where the spans
of a day begin and end, which day an instant falls on, and how an instant is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from sdcli.errors import ConfigError

DAY = 24 * 60  # minutes
WHOLE_DAY = (0, DAY)
WEEKDAYS = frozenset(range(5))
WEEKEND = frozenset({5, 6})
_SEARCH_DAYS = 3660  # ten years: a calendar with no counted time in them is refused


@lru_cache(maxsize=256)
def holidays(country: str | None, year: int) -> frozenset[date]:
    """The public holidays of a country in a year (the `holidays` library); none if unknown."""
    if not country:
        return frozenset()
    from sdcli import holiday_cache

    days = holiday_cache.kept(country, year)
    if days is not None:
        return days
    import holidays as library

    try:
        days = frozenset(library.country_holidays(country, years=year).keys())
    except (NotImplementedError, KeyError):
        days = frozenset()
    holiday_cache.keep(country, year, days)
    return days


def is_holiday(day: date, country: str | None) -> bool:
    return day in holidays(country, day.year)


def instant(dt: datetime) -> datetime:
    """An aware datetime as a UTC instant: differences and sums of instants are real time."""
    if dt.tzinfo is None:
        raise ValueError("a naive datetime is not an instant")
    return dt.astimezone(UTC)


def local(dt: datetime, tz: tzinfo | None) -> datetime:
    """An instant as shown in a zone (with that zone's offset at that instant)."""
    return dt.astimezone(tz) if tz is not None else dt


def _wall(ts: int, tz: tzinfo) -> datetime:
    return datetime.fromtimestamp(ts, tz).replace(tzinfo=None)


def at_wall(day: date, minute: int, tz: tzinfo) -> datetime:
    """The first instant at which the clock of tz reads `minute` minutes past midnight of day.

    A wall time that a daylight-saving change skips is reached at the change itself; a wall
    time that it repeats, at its first occurrence. minute = 1440 is the next midnight."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    first = naive.replace(tzinfo=tz).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first
    lo, hi = int(naive.replace(tzinfo=tz, fold=1).timestamp()), int(first.timestamp())
    while hi - lo > 1:  # skipped: the change lies between the two readings of naive
        mid = (lo + hi) // 2
        if _wall(mid, tz) >= naive:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


@dataclass(frozen=True)
class Calendar:
    """Counts time inside spans of each weekday (local wall times), skipping public holidays.

    A span past midnight (22:00-06:00: end above 1440) belongs to the day it starts: a working
    Thursday's night shift is counted whole when Friday is a holiday, a holiday's night not at all.
    `always` counts every second, holidays included (a 24x7 clock)."""

    tz: tzinfo
    spans: tuple[tuple[tuple[int, int], ...], ...] = ((),) * 7  # per weekday: (start, end) minutes
    country: str | None = None
    always: bool = False

    # ---- days
    def day_of(self, t: datetime) -> date:
        """The local date of an instant."""
        return t.astimezone(self.tz).date()

    def weekday(self, t: datetime) -> int:
        return self.day_of(t).weekday()

    def start_of(self, day: date) -> datetime:
        """The first instant of a local date."""
        return at_wall(day, 0, self.tz)

    def first_on(self, t: datetime, weekdays: Iterable[int]) -> datetime:
        """The earliest instant at or after t whose local weekday is one of weekdays."""
        wanted = frozenset(weekdays)
        t = instant(t)
        day = self.day_of(t)
        for i in range(8):
            if (day + timedelta(days=i)).weekday() in wanted:
                return t if i == 0 else self.start_of(day + timedelta(days=i))
        raise ValueError("no weekday given")

    def first_day(self, t: datetime) -> date:
        """The first local date whose spans may reach t: the day before t's when a span runs past
        midnight (that night's shift belongs to the day it began)."""
        day = self.day_of(t)
        return day - timedelta(days=1) if any(b > DAY for d in self.spans for _, b in d) else day

    def days_reaching(self, t: datetime) -> list[date]:
        """The local dates whose spans may hold t, in order (first_day's to t's own)."""
        day, last = self.first_day(t), self.day_of(t)
        return [day + timedelta(days=i) for i in range((last - day).days + 1)]

    def counts(self, t: datetime) -> bool:
        """Whether an instant is inside a counted span."""
        t = instant(t)
        if self.always:
            return True
        return any(a <= t < b for day in self.days_reaching(t) for a, b in self.windows(day))

    def windows(self, day: date) -> list[tuple[datetime, datetime]]:
        """The counted spans of a local date (one past midnight ends the next day), as UTC instants."""
        if self.always:
            return [(self.start_of(day), self.start_of(day + timedelta(days=1)))]
        if is_holiday(day, self.country):
            return []
        return self._spans_of(day)

    def _spans_of(self, day: date) -> list[tuple[datetime, datetime]]:
        return [(at_wall(day, a, self.tz), at_wall(day, b, self.tz)) for a, b in self.spans[day.weekday()]]

    def holiday_at(self, t: datetime) -> bool:
        """Whether a public holiday takes t out of the hours: t in a span of a holiday (a night
        shift by the day it starts: 02:00 after a holiday's evening), else t's own date a holiday."""
        t = instant(t)
        for day in self.days_reaching(t):
            if any(a <= t < b for a, b in self._spans_of(day)):
                return is_holiday(day, self.country)
        return is_holiday(self.day_of(t), self.country)

    # ---- counting
    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Counted time between two instants (zero when end is not after start)."""
        start, end = instant(start), instant(end)
        if end <= start:
            return timedelta(0)
        if self.always:
            return end - start
        total = timedelta(0)
        day, last = self.first_day(start), self.day_of(end)
        while day <= last:
            for a, b in self.windows(day):
                lo, hi = max(a, start), min(b, end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The instant (UTC) at which `amount` of counted time has passed since start."""
        start = instant(start)
        if self.always:
            return start + amount
        if not any(self.spans):
            raise ConfigError("error.calendar_no_hours")
        left = amount
        day = self.first_day(start)
        for _ in range(_SEARCH_DAYS):
            for a, b in self.windows(day):
                lo = max(a, start)
                if b <= lo:
                    continue
                if b - lo >= left:
                    return lo + left
                left -= b - lo
            day += timedelta(days=1)
        raise ConfigError("error.calendar_no_time")


def always(tz: tzinfo | None) -> Calendar:
    """Every second counts (a 24x7 clock)."""
    return Calendar(tz or UTC, always=True)


def from_spans(tz: tzinfo | None, spans: Iterable[tuple[int, int, int]], country: str | None) -> Calendar:
    """(weekday, start minute, end minute) spans, skipping the public holidays of country. A span
    to midnight followed by the next day's from midnight (how opening hours store 22:00-06:00:
    sdcli.hours) is one night, of the day it starts."""
    days: list[set[tuple[int, int]]] = [set() for _ in range(7)]
    for day, start, end in spans:
        days[day].add((start, end))
    nights = [
        (day, start, end)
        for day in range(7)
        for start, to in days[day]
        if to == DAY and 0 < start
        for begin, end in days[(day + 1) % 7]
        if begin == 0 and end < DAY
    ]
    for day, start, end in nights:
        days[day].discard((start, DAY))
        days[day].add((start, DAY + end))
        days[(day + 1) % 7].discard((0, end))
    return Calendar(tz or UTC, tuple(tuple(sorted(d)) for d in days), country)


def business_days(tz: tzinfo | None, country: str | None) -> Calendar:
    """Whole days, Monday to Friday, that are not public holidays of country."""
    return from_spans(tz, ((d, *WHOLE_DAY) for d in WEEKDAYS), country)
