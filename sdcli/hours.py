"""Opening hours read in Spanish, Portuguese and English, stored in one canonical form and shown in
the agent's language. No CLI imports.

Read: ``24x7`` (``24/7``, ``24h``, ``24 horas``); days and ranges of days by their names or
abbreviations (``Lun-Vie``, ``Seg-Sex``, ``Mon-Fri``, ``lunes a viernes``, ``segunda a sexta``,
``todos los días``, ``todos os dias``, ``daily``), each followed by one or more time ranges
(``08:00-18:00``, ``8h-18h``, ``8 a 18``, ``08:00 às 12:00 14:00-18:00``); parts separated by
``,`` or ``;`` (a part without days takes the days before it). A range past midnight
(``22:00-06:00``) ends on the next day; a morning hour to a smaller one written without a
leading zero is the afternoon, as people say it (``de 8 a 6`` is 08:00-18:00). Stored as ``Mon-Fri 08:00-18:00, Sat 09:00-13:00``.
"""

from __future__ import annotations

import re

from sdcli.dates import fold

#: weekday (0 = Monday) of every name and abbreviation, accents and case folded
_DAY = {
    **dict.fromkeys(("mon", "monday", "lun", "lunes", "lu", "seg", "segunda", "2a"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday", "mar", "martes", "ma", "ter", "terca", "3a"), 1),
    **dict.fromkeys(("wed", "wednesday", "mie", "mier", "miercoles", "mi", "qua", "quarta", "4a"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday", "jue", "jueves", "ju", "qui", "quinta", "5a"), 3),
    **dict.fromkeys(("fri", "friday", "vie", "viernes", "vi", "sex", "sexta", "6a"), 4),
    **dict.fromkeys(("sat", "saturday", "sab", "sabado", "sa"), 5),
    **dict.fromkeys(("sun", "sunday", "dom", "domingo", "do"), 6),
}
_EVERY_DAY = (
    "todos los dias",
    "todos os dias",
    "every day",
    "everyday",
    "daily",
    "diario",
    "diariamente",
    "todos",
)
_ALWAYS = frozenset(
    {"24x7", "24x7x365", "24/7", "24h", "24hs", "24hrs", "24horas", "24hours", "always", "siempre", "sempre"}
)
_TO = r"(?:-|–|a|al|as|to|hasta|ate|through|thru)"
_TIME = r"(\d{1,2})(?:[:h.](\d{2}))?\s*(?:h|hs|hrs)?(?![a-z])"
_RANGE = re.compile(rf"{_TIME}\s*{_TO}\s*{_TIME}")
_DAYS = re.compile(rf"^(?P<d1>[a-z0-9]+)\.?(?:\s*{_TO}\s*(?P<d2>[a-z0-9]+)\.?)?\s*(?P<rest>.*)$")
_FILLER = re.compile(r"\b(?:de|das|from|desde|y|e|and|hs|horas|hours)\b")
NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def parse(value: str | None) -> list[tuple[int, int, int]] | None:
    """[(weekday, start minute, end minute)] of a text of opening hours, or None when it is not one."""
    if not value or not isinstance(value, str) or len(value) > 500:
        return None
    text = fold(value).replace("-feira", "").replace(" y ", " , ").replace(" e ", " , ")
    if text.replace(" ", "") in _ALWAYS:
        return [(d, 0, 24 * 60) for d in range(7)]
    spans: list[tuple[int, int, int]] = []
    days: list[int] | None = None
    after = 0  # where the days' last range ended: "de 8 a 12 y de 2 a 6" goes on at 14:00-18:00
    for part in re.split(r"[;,]", text):
        part = part.strip()
        if not part:
            continue
        found, rest = _days(part)
        if found is not None:
            days = found
        elif days is None:
            return None
        ranges = _ranges(rest, 0) if found is not None else _ranges(part, after)
        if not ranges:
            return None
        after = ranges[-1][1]
        for day in days:
            for start, end in ranges:
                if end > start:
                    spans.append((day, start, end))
                else:  # past midnight: until the end of the day, then from the next one's start
                    spans += (
                        [(day, start, 24 * 60), ((day + 1) % 7, 0, end)] if end else [(day, start, 24 * 60)]
                    )
    return sorted(set(spans)) or None


def _days(part: str) -> tuple[list[int] | None, str]:
    for every in _EVERY_DAY:
        if part.startswith(every):
            return list(range(7)), part[len(every) :]
    m = _DAYS.match(part)
    if not m or m["d1"] not in _DAY or (m["d2"] and m["d2"] not in _DAY):
        return None, part
    first = _DAY[m["d1"]]
    last = _DAY[m["d2"]] if m["d2"] else first
    if last < first:
        return [*range(first, 7), *range(0, last + 1)], m["rest"]  # Sat-Mon
    return list(range(first, last + 1)), m["rest"]


def _ranges(text: str, after: int = 0) -> list[tuple[int, int]] | None:
    """The time ranges of a text; `after`: where the day's previous range ended (a range that
    would start before it, written as a morning hour without a leading zero, is the afternoon)."""
    out: list[tuple[int, int]] = []
    pos = 0
    text = text.strip()
    for m in _RANGE.finditer(text):
        if _FILLER.sub("", text[pos : m.start()]).strip(" ,/"):
            return None
        h1, m1, h2, m2 = int(m[1]), int(m[2] or 0), int(m[3]), int(m[4] or 0)
        if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59 or (h1 == 24 and m1) or (h2 == 24 and m2):
            return None
        start, end = _as_said(m, h1 * 60 + m1, h2 * 60 + m2, out[-1][1] if out else after)
        if start == end or start >= 24 * 60:
            return None
        out.append((start, end))
        pos = m.end()
    if _FILLER.sub("", text[pos:]).strip(" ,/") or not out:
        return None
    return out


def _as_said(m: re.Match[str], start: int, end: int, before: int) -> tuple[int, int]:
    """A range as people say it: a morning hour without a leading zero that would start before
    the day's previous range is the afternoon ("8 a 12 y 2 a 6": 14-18), and so is an end
    smaller than a morning start ("de 8 a 6", "9:00-5:00"); "08:00-06:00" or "22 a 6" is a night."""
    h1, h2 = int(m[1]), int(m[3])
    if start < before <= start + 12 * 60 and h1 < 12 and not m[1].startswith("0"):
        start, end = start + 12 * 60, end + 12 * 60 if h2 < 12 else end
    if end < start <= 12 * 60 and h2 < 12 and not m[3].startswith("0"):
        end += 12 * 60
    return start, end


def canonical(spans: list[tuple[int, int, int]], names: tuple[str, ...] = NAMES) -> str:
    """The stored form: 24x7, or 'Mon-Fri 08:00-18:00, Sat 09:00-13:00' (days with the same
    ranges grouped in runs)."""
    by_day: dict[int, tuple[tuple[int, int], ...]] = {}
    for day, start, end in sorted(spans):
        by_day[day] = (*by_day.get(day, ()), (start, end))
    if len(by_day) == 7 and all(r == ((0, 24 * 60),) for r in by_day.values()):
        return "24x7"
    parts, day = [], 0
    while day < 7:
        if day not in by_day:
            day += 1
            continue
        last = day
        while last + 1 < 7 and by_day.get(last + 1) == by_day[day]:
            last += 1
        days = names[day] if last == day else f"{names[day]}-{names[last]}"
        parts.append(f"{days} " + " ".join(f"{_hm(a)}-{_hm(b)}" for a, b in by_day[day]))
        day = last + 1
    return ", ".join(parts)


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def shown(value: str | None, code: str | None = None) -> str:
    """Stored opening hours in a language (Lun-Vie 08:00-18:00); text that is not hours as it is."""
    from sdcli.i18n import template

    spans = parse(value)
    if not spans:
        return value or ""
    names = tuple((template("date.weekdays", code) or " ".join(NAMES)).split())
    return canonical(spans, names if len(names) == 7 else NAMES)
