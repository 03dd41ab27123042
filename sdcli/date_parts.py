"""What a reading of a date-time by python-dateutil must agree with before sdcli takes it, and
why a text is no date-time (the Unreadable reasons). dateutil reads what it can and drops the
rest without a word: the last of two times, a number taken for the year or an offset, a zone it
does not know, a weekday that is not the date's. No CLI imports.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

#: a day and a month at the start of a text (with its year, if written)
LEADING_DM = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?(?!\d)")


class Unreadable(ValueError):
    "A text that is not a date and time"


class Several(Unreadable):
    """A text holding more than one date-time, or a number no part of the one read: dateutil keeps
    the last time of '10:30, 11:45', takes the 11 of '01/12 de 10 a 11' for the year 2011 and
    the end of '10:30-11:45' for an offset of -11:45"""


class NoSuchOffset(Unreadable):
    "An offset no zone has (-11:45): a number taken for one"


class ZoneName(Unreadable):
    """A zone named by an abbreviation (BRT, ART, CST): dateutil knows none of them and read the
    time in the site's zone; several name two offsets (CST: -06 in Mexico, -05 in Cuba)"""

    def __init__(self, text: str, name: str) -> None:
        super().__init__(text)
        self.name = name


_UTC_NAMES = frozenset({"UTC", "GMT", "UT", "Z"})


def zones(text: str) -> Any:
    """The tzinfos dateutil is given: an offset as written, UTC by its names, an abbreviation
    refused (ZoneName)."""

    def zone(name: str | None, seconds: int | None) -> tzinfo | None:
        if name is not None and name.upper() not in _UTC_NAMES:
            raise ZoneName(text, name)
        return None if seconds is None else timezone(timedelta(seconds=seconds))

    return zone


class WrongWeekday(Unreadable):
    """A weekday that is not the date's ('dom 30/11' when 30 Nov is a Monday): dateutil drops it;
    one of the two is a slip, and which one is not for sdcli to guess"""

    def __init__(self, text: str, said: int, actual: int) -> None:
        super().__init__(text)
        self.said, self.actual = said, actual


class Weekday:
    """A weekday (0 = Monday) as the session's language abbreviates it (Lun, Seg, Mon)."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def render(self, code: str | None = None) -> str:
        from sdcli.i18n import template

        names = (template("date.weekdays", code) or "Mon Tue Wed Thu Fri Sat Sun").split()
        return names[self.n] if len(names) == 7 else str(self.n + 1)

    def __str__(self) -> str:
        return self.render("en")


#: the offsets the world's zones use (minutes east of UTC): whole hours from -12 to +14 and these
_ODD_OFFSETS = frozenset({-570, -210, -150, 210, 270, 330, 345, 390, 525, 570, 630, 765, 825})
_TRAILING_OFFSET = re.compile(r"(?<=[\d\s])([+\-\u2212])(\d{1,2})(?::?(\d{2}))?\s*$")
#: a time and then one later on the clock, glued by a dash: a range (10:30-11:45), not an offset
_GLUED_RANGE = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?[\-\u2212\u2013](\d{2}):?(\d{2})\s*$")


def check(text: str, dt: datetime, today: date, info: Any) -> None:
    """What dateutil read of text (`info` its parserinfo) is all the text says, or one of the
    Unreadable reasons is raised: the weekday named is the date's (WrongWeekday); every number of
    the text is a part of the date-time (day, month, year, hour, minute, second, offset), once
    (Several); a year other than this one is written (2025, 02/12/25, dic 25); its offset is one a
    zone has (NoSuchOffset)."""
    said = _weekday_named(text, info)
    if said is not None and said != dt.weekday():  # dateutil moves a date-less weekday to it, else drops it
        raise WrongWeekday(text, said, dt.weekday())
    if dt.year != today.year and not _year_written(text, dt.year):
        raise Several(text)
    off = dt.utcoffset()
    if off is not None:
        minutes = int(off.total_seconds() // 60)
        glued = _GLUED_RANGE.search(text)
        if glued and (int(glued[3]), int(glued[4])) > (int(glued[1]), int(glued[2])):
            raise Several(text)
        if not (minutes % 60 == 0 and -720 <= minutes <= 840) and minutes not in _ODD_OFFSETS:
            raise NoSuchOffset(text)
        m = _TRAILING_OFFSET.search(text)
        if m and (-1 if m[1] != "+" else 1) * (int(m[2]) * 60 + int(m[3] or 0)) == minutes:
            text = text[: m.start()]
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if dt.microsecond or any(n >= 10_000 for n in numbers):  # 09:40:00.5, 20261202: no parts to count
        return
    hours = {dt.hour, dt.hour - 12 if dt.hour > 12 else dt.hour, 12 if dt.hour in (0, 12) else dt.hour}
    parts = [{dt.day}, {dt.month}, {dt.year, dt.year % 100}, hours, {dt.minute}, {dt.second}]
    if not _assign(numbers, parts):
        raise Several(text)


def _weekday_named(text: str, info: Any) -> int | None:
    """The weekday a text names (domingo, sáb, Seg, Tue), else None."""
    for word in re.findall(r"[^\W\d_]+", text.lower()):
        n = info.weekday(word)
        if n is not None:
            return int(n)
    return None


def _year_written(text: str, year: int) -> bool:
    """Whether the text writes the year: whole, as the third number of a date, or after a month."""
    if str(year) in text:
        return True
    yy = f"{year % 100:02d}"
    lead = LEADING_DM.match(text)
    return bool(lead and lead[3] == yy) or bool(re.search(rf"[^\W\d_]{{3,}}\.?\s+(?:de\s+)?{yy}\b", text))


def _assign(numbers: list[int], parts: list[set[int]]) -> bool:
    """Whether each number can be a different one of the parts."""
    if not numbers:
        return True
    first, rest = numbers[0], numbers[1:]
    return any(first in p and _assign(rest, parts[:i] + parts[i + 1 :]) for i, p in enumerate(parts))
