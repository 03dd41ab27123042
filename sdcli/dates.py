"""The one reader of dates and times typed by people, for every path (prompts, flags, files,
imports), and how instants are shown in words. No CLI imports.

Read, in this order:
- words of now and of days, in Spanish, Portuguese and English: ``now``/``ahora``/``agora``;
  ``hoy``/``hoje``/``today``, ``ayer``/``ontem``/``yesterday``, ``anteayer``/``anteontem``,
  ``mañana``/``amanhã``/``tomorrow``, each with a time (``hoy 10:15``, ``ontem 14h30``), or alone
  where the field is a day (``--since ayer``);
- a span ago: ``10m``, ``2h``, ``3d``, ``1w``, ``30 seg``, ``90 min``, ``2 semanas``, ``hace 2 horas``,
  ``há 3 dias``, ``2h ago``,
  and of several parts (``1h 30m``, ``1h30m``, ``hace 1 hora y 30 minutos``, ``hace 1h30``), always ago,
  in every path (``1h30`` alone is the clock time 01:30, as ``14h30`` is);
- ISO 8601 (``2026-12-02 09:40``, ``2026-12-02T09:40-03:00``), always, whatever the day order;
- numbers day first by default (``02/12/2026 09:40`` is 2 December; ``dayfirst=False`` reads
  12 February); a date that only one reading allows (``13/02/2026``) is read that way;
- anything else python-dateutil reads, with month names in the three languages
  (``2 dic 2026 09:40``, ``2 de dezembro de 2026 às 09:40``, ``Dec 2 2026 9:40pm``).

A time without a zone is in the zone given (the site's); a time alone is today's. A Reading says
whether the other day order would have read another date (``ambiguous``): the review and the
confirmations then show it back in words; and whether the text gave the day and the time of day
(``day``, ``clock``): what it leaves out is not guessed here (sdcli.instants refuses it where the
field is an instant).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from sdcli.date_parts import LEADING_DM, Unreadable, ZoneName, check, zones

#: the units of a span and their seconds, in es/pt/en (folded: días → dias); "seg" is seconds here,
#: never segunda-feira, and "s" seconds, never a clock's (dateutil reads "30 s" as 00:00:30 today)
_UNITS = {
    **dict.fromkeys(("s", "seg", "segs", "segundo", "segundos", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minuto", "minutos", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hs", "hr", "hrs", "hora", "horas", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "dia", "dias", "day", "days"), 86400),
    **dict.fromkeys(("w", "sem", "semana", "semanas", "week", "weeks"), 604800),
}
_PART = r"(\d+(?:[.,]\d+)?)\s*(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")\.?(?![a-z])"
#: a span ago: one or more parts (2h, 1h 30m, 1 hora y 30 minutos, 2d 3h), each unit once
SPAN = re.compile(rf"^(?:(?:hace|h[aá])\s*)?((?:{_PART}\s*(?:,|y|e|and)?\s*)+?)\s*(?:ago|atras)?$")
#: "hace 1h30": the minutes after the hours without their unit, said only with "hace" / "há"
_AGO_HOURS_MINUTES = re.compile(r"^(?:hace|h[aá])\s*(\d{1,3})\s*h\s*(\d{2})\s*(?:min)?$")
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
#: "GMT-3", "UTC -03:00", "UTC−3": what a person means is the offset as written (-03:00);
#: dateutil reads "GMT-3" by the POSIX rule, as +03:00, and "UTC -3" as UTC
_NAMED_OFFSET = re.compile(r"\b(?:GMT|UTC|UT)\s*([+\-\u2212])\s*(\d{1,2})(?::?(\d{2}))?(?!\d)", re.I)
MAX_SPAN = 100 * 366 * 86400


class OutOfRange(ValueError):
    "A span too long to count from (99999999d)"


class ClockOrHours(Unreadable):
    """'10.30 hs', '8,15 h': hours with two decimals under 60 are how a clock time is written
    (10.30 hs is half past ten in Argentina), not 10.3 hours ago; which one is not for sdcli to guess"""


class HoursOrClock(Unreadable):
    """'14h', '10 hs', '8 horas' alone: the time of day as Brazil and Argentina write it (às 14h, a las
    10 hs), or that many hours ago; which one is not for sdcli to guess ('hace 14h', '14:00' are
    each one). 24h and more can only be a span."""

    def __init__(self, text: str, hours: int) -> None:
        super().__init__(text)
        self.hours = hours


#: whole hours alone, without hace / há / ago: a time of day or a span (HoursOrClock)
_BARE_HOURS = re.compile(r"^(?:a las|as|at)?\s*(\d{1,2})\s*(?:h|hs|hr|hrs|hora|horas)\.?$")


@dataclass(frozen=True)
class Reading:
    at: datetime  # aware
    ambiguous: bool = False  # the other day order reads another date (02/12 vs 12/02)
    swapped: bool = False  # read in the other day order, the only one that is a date (12/13)
    repeated: bool = False  # a wall time the zone's clocks show twice (the first one is taken)
    relative: bool = False  # a word or a span (hoy 10:15, 2h): read against now
    day: bool = True  # the text names the day (02/12, lunes, hoy), or only a time (10:00: today)
    clock: bool = True  # the text gives the time of day (not 02/12, hoy, lunes: those are midnight)
    dated: bool = True  # the text names a date of the calendar (not 10:00 or lunes 10:00: read against today)


def fold(text: str) -> str:
    """Lower case without accents (mañana → manana, atrás → atras)."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def span(text: str) -> timedelta | None:
    """'10m', '2h', '3d', '1w', 'hace 2 horas', '2h ago' → the span; None when it is not one.
    Raises ClockOrHours for '10.30 hs' (a clock time or hours), OutOfRange for a span too long."""
    words = fold(text)
    hm = _AGO_HOURS_MINUTES.match(words)
    if hm:
        return timedelta(hours=int(hm[1]), minutes=int(hm[2]))
    m = SPAN.match(words)
    if not m:
        return None
    found = re.findall(_PART, m[1])
    if any(_UNITS[unit] == 3600 and re.fullmatch(r"\d{1,2}[.,][0-5]\d", n) for n, unit in found):
        raise ClockOrHours(text)
    parts = [(float(n.replace(",", ".")), _UNITS[unit]) for n, unit in found]
    if len({u for _, u in parts}) < len(parts):  # 2h 3h: no span a person says
        return None
    seconds = sum(n * u for n, u in parts)
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
    bare = _BARE_HOURS.match(words)
    if bare and int(bare[1]) <= 23:
        raise HoursOrClock(text, int(bare[1]))
    ago = span(words)
    if ago is not None:
        return Reading(now - ago, relative=True)
    m = _DAY_WORDS.match(words)
    if m and m["day"] in DAYS:
        local = now.astimezone(tz)
        day = local.date() + timedelta(days=DAYS[m["day"]])
        if m["h"] is None:  # a day without its time: midnight, said so (clock=False)
            return Reading(_aware(datetime.combine(day, time()), tz), relative=True, clock=False)
        try:
            at = time(int(m["h"]), int(m["m"] or 0))
        except ValueError:
            raise Unreadable(text) from None
        return Reading(_aware(datetime.combine(day, at), tz), relative=True)
    parsed = _absolute(text.strip(), dayfirst, now.astimezone(tz).date())
    if parsed is None:
        raise Unreadable(text)
    dt, ambiguous, swapped, dated, clocked, calendar = parsed
    return Reading(dt if dt.tzinfo is not None else _aware(dt, tz), ambiguous=ambiguous, swapped=swapped, day=dated,
                   clock=clocked, dated=calendar)  # fmt: skip


def _aware(naive: datetime, tz: tzinfo) -> datetime:
    return naive.replace(tzinfo=tz)


@lru_cache(maxsize=131072)
def _absolute(text: str, dayfirst: bool, today: date) -> tuple[datetime, bool, bool, bool, bool, bool] | None:
    """(the date, ambiguous, swapped, the day given, the time of day given, a date of the calendar
    given: not a time or a weekday alone) by the ISO and d/m/y
    fast paths (imports repeat timestamps), else dateutil in three languages."""
    if text[:4].isdigit() and len(text) >= 10 and text[4] == "-":
        try:
            return datetime.fromisoformat(text), False, False, True, len(text.strip()) > 10, True
        except ValueError:
            pass
    m = _DMY.match(text)
    if m:
        dmy = _dmy(m, dayfirst)
        return None if dmy is None else (*dmy, True, m[4] is not None, True)
    from dateutil import parser

    text = _NAMED_OFFSET.sub(lambda m: f" {'+' if m[1] == '+' else '-'}{int(m[2]):02d}:{m[3] or '00'}", text)
    yearfirst = text[:4].isdigit()

    try:
        dt = parser.parse(
            text, parserinfo=_info(), dayfirst=dayfirst and not yearfirst, yearfirst=yearfirst,
            default=datetime.combine(today, time()), tzinfos=zones(text),
        )  # fmt: skip
    except ZoneName:
        raise
    except (ValueError, OverflowError, parser.ParserError):
        return None
    check(text, dt, today, _info())
    day, clock, calendar = _given(text, dayfirst and not yearfirst, yearfirst)
    lead = LEADING_DM.match(text)
    if not lead or yearfirst:
        return dt, False, False, day, clock, calendar
    a, b = int(lead[1]), int(lead[2])
    return (
        dt,
        _both(a, b, dt.year),
        (dt.day, dt.month) != ((a, b) if dayfirst else (b, a)),
        day,
        clock,
        calendar,
    )


def _given(text: str, dayfirst: bool, yearfirst: bool) -> tuple[bool, bool, bool]:
    """Whether dateutil found in text the day (a day of the month or a weekday; a time alone is
    today's) and the time of day: what it does not find it takes from its default (today at
    midnight) without a word, so 'diciembre' or '12/2026' is today's day and '2 dic' midnight."""
    from dateutil import parser

    found = parser.parser(_info())._parse(text, dayfirst=dayfirst, yearfirst=yearfirst)
    res = found[0] if isinstance(found, tuple) else found
    if res is None:  # not expected once parse() has read it: take the reading as whole
        return True, True, True
    dated = res.year is not None or res.month is not None
    calendar = dated or res.day is not None
    return res.day is not None or res.weekday is not None or not dated, res.hour is not None, calendar


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


def city(zone: str | None, code: str | None = None) -> str:
    """How a zone is named on screens, in a language (default: the session's): its main city
    (countries.toml: an entry's first city, or the city of a zone it stands for: America/Belem →
    Belém), else the last part of its IANA name (America/Argentina/Buenos_Aires → Buenos Aires),
    by its name there when it has one (Europe/London → Londres in es: [exonyms])."""
    if not zone:
        return ""
    from sdcli.sites import city_of, in_language

    return in_language(city_of(zone) or zone.rsplit("/", 1)[-1].replace("_", " "), code)


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
        place = city(self.zone, code) if self.zone else ""
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


def customer_time(value: datetime | str, zone: str | None, lang: str | None) -> str:
    """An instant as a customer reads it (their acknowledgement, their updates): in the site's zone
    only, in their language; never "· 12:22 your time" (that is the agent's clock), and without a
    site zone, at the instant's own offset."""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    from sdcli import clock

    tz = clock.get_tz(zone) if zone else None
    own = tz if tz is not None else at.tzinfo
    return When(at, zone if tz is not None else None, agent=own).render(lang)


def agent_zone() -> tzinfo:
    """The agent's own zone: the `tz` setting, else the machine's."""
    from sdcli import clock, config

    name = config.current().tz
    return (clock.get_tz(name) if name else None) or clock.now().astimezone().tzinfo  # type: ignore[return-value]
