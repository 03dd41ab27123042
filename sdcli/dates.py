"""The one reader of dates and times typed by people, for every path (prompts, flags, files,
imports), and how instants are shown in words. No CLI imports.

Read, in this order:
- words of now and of days, in Spanish, Portuguese and English: ``now``/``ahora``/``agora``;
  ``hoy``/``hoje``/``today``, ``ayer``/``ontem``/``yesterday``, ``anteayer``/``anteontem``,
  ``mañana``/``amanhã``/``tomorrow``, each with an optional time (``hoy 10:15``, ``ontem 14h30``);
- a span ago: ``10m``, ``2h``, ``3d``, ``1w``, ``90 min``, ``hace 2 horas``, ``há 3 dias``, ``2h ago``,
  and of several parts (``1h 30m``, ``1h30m``, ``hace 1 hora y 30 minutos``, ``hace 1h30``), always ago,
  in every path (``1h30`` alone is the clock time 01:30, as ``14h30`` is);
- ISO 8601 (``2026-12-02 09:40``, ``2026-12-02T09:40-03:00``), always, whatever the day order;
- numbers day first by default (``02/12/2026 09:40`` is 2 December; ``dayfirst=False`` reads
  12 February); a date that only one reading allows (``13/02/2026``) is read that way;
- anything else python-dateutil reads, with month names in the three languages
  (``2 dic 2026 09:40``, ``2 de dezembro de 2026 às 09:40``, ``Dec 2 2026 9:40pm``).

A time without a zone is in the zone given (the site's). A Reading says whether the other day
order would have read another date (``ambiguous``): the review and the confirmations then show
it back in words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any

_PART = (
    r"(\d+(?:[.,]\d+)?)\s*"
    r"(m|mins?|minutos?|minutes?|h|hs|hrs?|horas?|hours?|d|dias?|days?|w|sem|semanas?|weeks?)(?![a-z])"
)
#: a span ago: one or more parts (2h, 1h 30m, 1 hora y 30 minutos, 2d 3h), each unit once
SPAN = re.compile(rf"^(?:(?:hace|h[aá])\s*)?((?:{_PART}\s*(?:,|y|e|and)?\s*)+?)\s*(?:ago|atras)?$")
#: "hace 1h30": the minutes after the hours without their unit, said only with "hace" / "há"
_AGO_HOURS_MINUTES = re.compile(r"^(?:hace|h[aá])\s*(\d{1,3})\s*h\s*(\d{2})\s*(?:min)?$")
_UNIT = {"m": 60, "h": 3600, "d": 86400, "w": 604800, "s": 604800}
DAYS = {
    "today": 0, "hoy": 0, "hoje": 0, "yesterday": -1, "ayer": -1, "ontem": -1, "anteayer": -2,
    "anteontem": -2, "tomorrow": 1, "manana": 1, "amanha": 1,
}  # fmt: skip
NOW = frozenset({"now", "ahora", "agora", "ya", "ja"})
_DAY_WORDS = re.compile(
    r"^(?P<day>[a-z]+)(?:\s+(?:a\s+las|a\s+la|as|at|a)?\s*(?P<h>\d{1,2})(?:[:h](?P<m>\d{2}))?\s*h?)?$"
)
_DMY = re.compile(
    r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:[ T,]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?\s*(?:h|hs)?)?$"
)
_LEADING_DM = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?(?!\d)")
#: "GMT-3", "UTC -03:00", "UTC−3": what a person means is the offset as written (-03:00);
#: dateutil reads "GMT-3" by the POSIX rule, as +03:00, and "UTC -3" as UTC
_NAMED_OFFSET = re.compile(r"\b(?:GMT|UTC|UT)\s*([+\-\u2212])\s*(\d{1,2})(?::?(\d{2}))?(?!\d)", re.I)
MAX_SPAN = 100 * 366 * 86400


class Unreadable(ValueError):
    "A text that is not a date and time"


class OutOfRange(ValueError):
    "A span too long to count from (99999999d)"


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


@dataclass(frozen=True)
class Reading:
    at: datetime  # aware
    ambiguous: bool = False  # the other day order reads another date (02/12 vs 12/02)
    swapped: bool = False  # read in the other day order, the only one that is a date (12/13)
    repeated: bool = False  # a wall time the zone's clocks show twice (the first one is taken)
    relative: bool = False  # a word or a span (hoy 10:15, 2h): read against now


def fold(text: str) -> str:
    """Lower case without accents (mañana → manana, atrás → atras)."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def span(text: str) -> timedelta | None:
    """'10m', '2h', '3d', '1w', 'hace 2 horas', '2h ago' → the span; None when it is not one."""
    words = fold(text)
    hm = _AGO_HOURS_MINUTES.match(words)
    if hm:
        return timedelta(hours=int(hm[1]), minutes=int(hm[2]))
    m = SPAN.match(words)
    if not m:
        return None
    parts = [(float(n.replace(",", ".")), unit[0]) for n, unit in re.findall(_PART, m[1])]
    if len({u for _, u in parts}) < len(parts):  # 2h 3h: no span a person says
        return None
    seconds = sum(n * _UNIT[u] for n, u in parts)
    if seconds > MAX_SPAN:
        raise OutOfRange(text)
    return timedelta(seconds=seconds)


def read(text: str, *, tz: tzinfo, now: datetime, dayfirst: bool = True) -> Reading:
    """The instant a person meant by text. Raises Unreadable, or OutOfRange for a span too long."""
    if not isinstance(text, str) or not text.strip() or len(text) > 100:
        raise Unreadable(text)
    words = fold(text)
    if words in NOW:
        return Reading(now, relative=True)
    ago = span(words)
    if ago is not None:
        return Reading(now - ago, relative=True)
    m = _DAY_WORDS.match(words)
    if m and m["day"] in DAYS:
        local = now.astimezone(tz)
        day = local.date() + timedelta(days=DAYS[m["day"]])
        if m["h"] is None:
            at = local.timetz().replace(tzinfo=None)
        else:
            try:
                at = time(int(m["h"]), int(m["m"] or 0))
            except ValueError:
                raise Unreadable(text) from None
        return Reading(_aware(datetime.combine(day, at), tz), relative=True)
    parsed = _absolute(text.strip(), dayfirst, now.astimezone(tz).date())
    if parsed is None:
        raise Unreadable(text)
    dt, ambiguous, swapped = parsed
    return Reading(dt if dt.tzinfo is not None else _aware(dt, tz), ambiguous=ambiguous, swapped=swapped)


def _aware(naive: datetime, tz: tzinfo) -> datetime:
    return naive.replace(tzinfo=tz)


@lru_cache(maxsize=131072)
def _absolute(text: str, dayfirst: bool, today: date) -> tuple[datetime, bool, bool] | None:
    """(the date, ambiguous, swapped) by the ISO and d/m/y fast paths (imports repeat timestamps),
    else dateutil in three languages."""
    if text[:4].isdigit() and len(text) >= 10 and text[4] == "-":
        try:
            return datetime.fromisoformat(text), False, False
        except ValueError:
            pass
    m = _DMY.match(text)
    if m:
        return _dmy(m, dayfirst)
    from dateutil import parser

    text = _NAMED_OFFSET.sub(lambda m: f" {'+' if m[1] == '+' else '-'}{int(m[2]):02d}:{m[3] or '00'}", text)
    yearfirst = text[:4].isdigit()

    def zone(name: str | None, seconds: int | None) -> tzinfo | None:
        if name is not None and name.upper() not in _UTC_NAMES:
            raise ZoneName(text, name)
        return None if seconds is None else timezone(timedelta(seconds=seconds))

    try:
        dt = parser.parse(
            text, parserinfo=_info(), dayfirst=dayfirst and not yearfirst, yearfirst=yearfirst,
            default=datetime.combine(today, time()), tzinfos=zone,
        )  # fmt: skip
    except ZoneName:
        raise
    except (ValueError, OverflowError, parser.ParserError):
        return None
    _check_parts(text, dt, today)
    said = _weekday_named(text)
    if said is not None and said != dt.weekday():  # dateutil moves a date-less weekday to it, else drops it
        raise WrongWeekday(text, said, dt.weekday())
    lead = _LEADING_DM.match(text)
    if not lead or yearfirst:
        return dt, False, False
    a, b = int(lead[1]), int(lead[2])
    return dt, _both(a, b, dt.year), (dt.day, dt.month) != ((a, b) if dayfirst else (b, a))


#: the offsets the world's zones use (minutes east of UTC): whole hours from -12 to +14 and these
_ODD_OFFSETS = frozenset({-570, -210, -150, 210, 270, 330, 345, 390, 525, 570, 630, 765, 825})
_TRAILING_OFFSET = re.compile(r"(?<=[\d\s])([+\-\u2212])(\d{1,2})(?::?(\d{2}))?\s*$")
#: a time and then one later on the clock, glued by a dash: a range (10:30-11:45), not an offset
_GLUED_RANGE = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?[\-\u2212\u2013](\d{2}):?(\d{2})\s*$")


def _check_parts(text: str, dt: datetime, today: date) -> None:
    """Every number of the text is a part of the date-time dateutil read (day, month, year, hour,
    minute, second, offset), once; a year other than this one is written (2025, 02/12/25, dic 25);
    its offset is one a zone has. Raises Several / NoSuchOffset."""
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


def _weekday_named(text: str) -> int | None:
    """The weekday a text names (domingo, sáb, Seg, Tue), else None."""
    info = _info()
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
    lead = _LEADING_DM.match(text)
    return bool(lead and lead[3] == yy) or bool(re.search(rf"[^\W\d_]{{3,}}\.?\s+(?:de\s+)?{yy}\b", text))


def _assign(numbers: list[int], parts: list[set[int]]) -> bool:
    """Whether each number can be a different one of the parts."""
    if not numbers:
        return True
    first, rest = numbers[0], numbers[1:]
    return any(first in p and _assign(rest, parts[:i] + parts[i + 1 :]) for i, p in enumerate(parts))


def _dmy(m: re.Match[str], dayfirst: bool) -> tuple[datetime, bool, bool] | None:
    """d/m/y (or m/d/y): in the order asked, else in the other one when only that is a date."""
    a, b, year = int(m[1]), int(m[2]), int(m[3])
    year += 2000 if len(m[3]) == 2 else 0
    first = (a, b) if dayfirst else (b, a)
    clock = (int(m[4] or 0), int(m[5] or 0), int(m[6] or 0))
    for day, month in (first, first[::-1]):
        try:
            dt = datetime(year, month, day, *clock)
        except ValueError:
            continue
        return dt, (day, month) == first and _both(a, b, year), (day, month) != first
    return None


def _both(a: int, b: int, year: int) -> bool:
    """Whether a/b names two different dates in the two day orders."""
    if a == b or a > 12 or b > 12:
        return False
    try:
        date(year, a, b), date(year, b, a)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def _info() -> Any:
    from dateutil import parser

    class Info(parser.parserinfo):
        MONTHS = [
            ("jan", "january", "ene", "enero", "janeiro"), ("feb", "february", "febrero", "fev", "fevereiro"),
            ("mar", "march", "marzo", "março", "marco"), ("apr", "april", "abr", "abril"),
            ("may", "mayo", "mai", "maio"), ("jun", "june", "junio", "junho"), ("jul", "july", "julio", "julho"),
            ("aug", "august", "ago", "agosto"), ("sep", "sept", "september", "septiembre", "set", "setembro"),
            ("oct", "october", "octubre", "out", "outubro"), ("nov", "november", "noviembre", "novembro"),
            ("dec", "december", "dic", "diciembre", "dez", "dezembro"),
        ]  # fmt: skip
        WEEKDAYS = [
            ("mon", "monday", "lun", "lunes", "seg", "segunda"), ("tue", "tuesday", "martes", "ter", "terça", "terca"),
            ("wed", "wednesday", "mie", "mié", "miercoles", "miércoles", "qua", "quarta"),
            ("thu", "thursday", "jue", "jueves", "qui", "quinta"), ("fri", "friday", "vie", "viernes", "sex", "sexta"),
            ("sat", "saturday", "sab", "sáb", "sabado", "sábado"), ("sun", "sunday", "dom", "domingo"),
        ]  # fmt: skip
        JUMP = [*parser.parserinfo.JUMP, "de", "del", "às", "as", "las", "la", "feira"]

    return Info()


# --------------------------------------------------------------------------- showing instants


def city(zone: str | None) -> str:
    """How a zone is named on screens: its main city (countries.toml), else the last part of its
    IANA name (America/Argentina/Buenos_Aires → Buenos Aires)."""
    if not zone:
        return ""
    from sdcli.home import load_data

    for country in load_data("countries")["countries"].values():
        for z in country.get("zones", []):
            if z["tz"] == zone:
                return z["cities"].split(",")[0].strip()
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def words(dt: datetime, code: str | None = None, *, year: bool = True, seconds: bool = False) -> str:
    """An instant's wall-clock reading in words: 2 dic 2026 09:40 (es), 2 Dec 2026 09:40 (en)."""
    from sdcli.i18n import template

    months = (template("date.months", code) or "").split()
    month = months[dt.month - 1] if len(months) == 12 else f"{dt.month:02d}"
    clock = dt.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{dt.day} {month} {dt.year} {clock}" if year else f"{dt.day} {month} {clock}"


def offset(dt: datetime) -> str:
    """-03, +05:30, UTC."""
    off = dt.utcoffset()
    if off is None:
        return ""
    minutes = int(off.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    return f"{sign}{minutes // 60:02d}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


class When:
    """An instant as a screen shows it, in a language: the site's wall clock in words, naming its
    zone, and the agent's own clock where it differs (2 dic 2026 09:40 Santiago -03 · 07:40 su hora).

    `zone` is the site's IANA name (else the instant's own offset); `compact` drops the year of the
    current one, the offset and the agent's clock (tables at 80 columns)."""

    __slots__ = ("at", "zone", "compact", "agent")

    def __init__(self, at: datetime | str, zone: str | None = None, *, compact: bool = False,
                 agent: tzinfo | None = None) -> None:  # fmt: skip
        self.at = datetime.fromisoformat(at) if isinstance(at, str) else at
        self.zone, self.compact, self.agent = zone, compact, agent

    def render(self, code: str | None = None) -> str:
        from sdcli import clock
        from sdcli.i18n import t_in

        tz = clock.get_tz(self.zone) if self.zone else None
        local = self.at.astimezone(tz) if tz is not None else self.at
        place = city(self.zone) if self.zone else ""
        if self.compact:
            this_year = local.year == clock.now().astimezone(local.tzinfo).year
            return " ".join(x for x in (words(local, code, year=not this_year), place or offset(local)) if x)
        head = " ".join(x for x in (words(local, code), place, offset(local)) if x)
        mine = self.agent or agent_zone()
        theirs = self.at.astimezone(mine)
        if theirs.utcoffset() == local.utcoffset():
            return head
        shown = theirs.strftime("%H:%M") if theirs.date() == local.date() else words(theirs, code, year=False)
        return t_in(code, "date.yours", when=head, mine=shown)

    def __str__(self) -> str:
        return self.render("en")


def agent_zone() -> tzinfo:
    """The agent's own zone: the `tz` setting, else the machine's."""
    from sdcli import clock, config

    name = config.current().tz
    return (clock.get_tz(name) if name else None) or clock.now().astimezone().tzinfo  # type: ignore[return-value]
