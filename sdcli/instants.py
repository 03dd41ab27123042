"""Date-times as people type them, validated for every path (prompts, flags, files, imports):
read by sdcli.dates in the site's zone, within the years sdcli counts in, in the past or the
future as the field needs, and the day order a reading decided told in notes. No CLI imports.

validate.py re-exports these (validate.when, validate.instant, ...): callers take one module.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sdcli import clock, date_parts, dates
from sdcli.errors import InvalidValue
from sdcli.i18n import Message
from sdcli.shapes import in_range

PAST, FUTURE = "past", "future"  # the tense of a time: what happened (refused in the future), what is planned
GRACE = timedelta(minutes=1)  # a clock a minute fast is no time in the future
WINDOW_WARNING = timedelta(days=3)  # a work window longer than this is shown back as a warning


def reading(
    field: str, value: Any, tz: tzinfo | None = None, *, dayfirst: bool | None = None, tense: str | None = None,
    now: datetime | None = None, day: bool = False,
) -> dates.Reading:  # fmt: skip
    """What a person meant by a date and time (sdcli.dates reads it): in the zone tz when the text
    names none, day first unless the settings say otherwise, within the years sdcli counts in;
    with tense PAST not after now, with FUTURE not before it. It names its day (not 'diciembre',
    '12/2026': dateutil gives them today's) and, unless the field means a day (`day`: --since),
    its time of day (not '02/12', 'ayer': midnight or now's clock would be a guess)."""
    if not isinstance(value, str):
        raise InvalidValue(field, value, "invalid.datetime")
    if dayfirst is None:
        from sdcli.config import current

        dayfirst = bool(current().dayfirst)
    now = now or clock.now()
    zone = tz or now.tzinfo
    assert zone is not None
    try:
        found = dates.read(value, tz=zone, now=now, dayfirst=dayfirst)
    except dates.OutOfRange:  # 99999999d ago
        raise InvalidValue(field, value, "invalid.too_long_span") from None
    except date_parts.Several:  # 10:30, 11:45 or 10:30-11:45: dateutil keeps one, or an offset, or a year
        raise InvalidValue(field, value, "invalid.datetime_several") from None
    except date_parts.ZoneName as e:  # 10:00 BRT: dateutil read it in the site's zone
        raise InvalidValue(field, value, "invalid.datetime_zone_name", zone=e.name) from None
    except date_parts.WrongWeekday as e:  # dom 30/11 when 30 Nov is a Monday: dateutil drops the weekday
        raise InvalidValue(field, value, "invalid.datetime_weekday", said=date_parts.Weekday(e.said),
                           day=date_parts.Weekday(e.actual)) from None  # fmt: skip
    except dates.HoursOrClock as e:  # 14h: two in the afternoon, or 14 hours ago
        raise InvalidValue(
            field, value, "invalid.hours_or_clock", n=e.hours, clock=f"{e.hours:02d}:00"
        ) from None
    except dates.ClockOrHours:  # 10.30 hs: half past ten, or 10.3 hours ago
        raise InvalidValue(field, value, "invalid.clock_or_hours") from None
    except date_parts.NoSuchOffset:
        raise InvalidValue(field, value, "invalid.datetime_offset") from None
    except dates.Unreadable:
        raise InvalidValue(field, value, "invalid.datetime_unread") from None
    except OverflowError:  # a year dateutil cannot hold
        raise InvalidValue(field, value, "invalid.out_of_range") from None
    if not found.day:
        raise InvalidValue(field, value, "invalid.datetime_no_day")
    if not found.clock and not day:
        raise InvalidValue(field, value, "invalid.datetime_no_time")
    if not in_range(found.at):
        raise InvalidValue(field, value, "invalid.range")
    if found.at.tzinfo is zone and not found.relative:
        found = _on_the_wall(field, value, found, zone)
    found = _nearest_year(field, value, found, zone, tense, now)
    if tense == PAST and found.at > now + GRACE:
        raise InvalidValue(field, value, "invalid.future", now=dates.When(now, _name(zone)))
    if tense == FUTURE and found.at < now - GRACE:
        raise InvalidValue(field, value, "invalid.past", now=dates.When(now, _name(zone)))
    return found


#: a day and a month written without a year (04/01 09:00, 31-12): the year is the nearest one
_YEARLESS = re.compile(r"^\s*\d{1,2}\s*[/.-]\s*\d{1,2}(?!\d)(?!\s*[/.-]\s*\d)")


def _nearest_year(
    field: str, value: str, found: dates.Reading, zone: tzinfo, tense: str | None, now: datetime
) -> dates.Reading:
    """A date written without its year, in the direction the field needs: a planned time on
    28 Dec that says 04/01 is next January, a failed call on 1 Jan that says 31/12 last December
    (the calendar year reads them a year off)."""
    step = {FUTURE: 1, PAST: -1}.get(tense or "")
    if step is None or found.relative or not _YEARLESS.match(value):
        return found
    if (step == 1 and found.at >= now - GRACE) or (step == -1 and found.at <= now + GRACE):
        return found
    try:
        moved = replace(found, at=found.at.replace(year=found.at.year + step))
    except ValueError:  # 29/02 in a year without one: the reading as it was (refused by its tense)
        return found
    return _on_the_wall(field, value, moved, zone) if moved.at.tzinfo is zone else moved


def _on_the_wall(field: str, value: str, found: dates.Reading, zone: tzinfo) -> dates.Reading:
    """A wall time of the zone a daylight-saving change skips does not exist (refused); one it
    repeats is its first occurrence, flagged so that the agent is told which it took."""
    naive = found.at.replace(tzinfo=None)
    if found.at.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise InvalidValue(field, value, "invalid.dst_gap", zone=dates.city(_name(zone)) or str(zone))
    if found.at.replace(fold=1).utcoffset() != found.at.utcoffset():
        return replace(found, repeated=True)
    return found


def _name(tz: tzinfo | None) -> str | None:
    key = getattr(tz, "key", None)
    return key if isinstance(key, str) else None


def instant(
    field: str, value: Any, tz: tzinfo | None = None, *, dayfirst: bool | None = None, tense: str | None = None,
    notes: list[Any] | None = None, now: datetime | None = None,
) -> datetime:  # fmt: skip
    """A date-time from text (see reading); one whose day order was a guess is told in `notes`."""
    found = reading(field, value, tz, dayfirst=dayfirst, tense=tense, now=now)
    # an import's notes (importing.cells.DayOrders): a file's 'ayer 10:30' or '10:00' says no date
    from_file = getattr(notes, "absolute", False)
    if from_file and (found.relative or not found.dated):
        raise InvalidValue(field, value, "invalid.relative_in_file")
    if found.repeated and notes is not None:  # 23:30 twice, the night the clocks go back
        notes.append(Message("note.dst_repeated", field=field, text=value,
                             when=dates.When(found.at, _name(tz) if tz else None)))  # fmt: skip
    if found.ambiguous and notes is not None:
        notes.append(read_as(field, value, found.at, tz))
    elif found.swapped and notes is not None:  # 12/13: only month first is a date
        notes.append(Message("note.read_other_order", field=field, text=value,
                             when=dates.When(found.at, _name(tz) if tz else None)))  # fmt: skip
    return found.at


def received(
    field: str,
    value: Any,
    tz: tzinfo | None,
    *,
    dayfirst: bool | None = None,
    notes: list[Any] | None = None,
    now: datetime | None = None,
) -> datetime:
    """When a report or a form arrived (--received-at, a file's received_at): the site's time when
    it names no zone, and never in the future."""
    return instant(field, value, tz, dayfirst=dayfirst, tense=PAST, notes=notes, now=now)


def read_as(field: str, value: str, at: datetime, tz: tzinfo | None) -> Message:
    """ "failed_calls: 02/12/2026 09:40 read as 2 dic 2026 09:40" — a date whose day order decided it."""
    return Message("note.read_as", field=field, text=value, when=dates.When(at, _name(tz) if tz else None))


def when(
    field: str, value: Any, tz: tzinfo | None = None, *, dayfirst: bool | None = None, tense: str | None = None,
    notes: list[Any] | None = None, now: datetime | None = None,
) -> str:  # fmt: skip
    """A date-time stored as ISO 8601 with offset; without a zone it takes the site's."""
    return clock.iso(instant(field, value, tz, dayfirst=dayfirst, tense=tense, notes=notes, now=now))


def window(start: str, end: str, field: str = "window_end", notes: list[Any] | None = None) -> None:
    """A work window (ISO instants): its end after its start, and one longer than WINDOW_WARNING
    told in notes (02/12 typed for 12/02 makes a window of months)."""
    a, b = clock.from_iso(start), clock.from_iso(end)
    if b <= a:
        raise InvalidValue(field, end, "invalid.window_order")
    if b - a > WINDOW_WARNING and notes is not None:
        notes.append(Message("note.long_window", length=clock.humanize(b - a), start=dates.When(a, _name(a.tzinfo)),
                             end=dates.When(b, _name(b.tzinfo))))  # fmt: skip
