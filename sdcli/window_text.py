"""A window of work (an SSR's, a change's) as a screen says it: one span on the site's clock, then
the agent's where it differs ("7 dic 2026 22:00 → 8 dic 01:00 Lima -05 · 8 dic 03:00 → 06:00 su
hora"); two instants each with "· su hora" read as four times. No CLI imports."""

from __future__ import annotations

from datetime import datetime, tzinfo


class Window:
    """From start to end, in the site's zone (its IANA name; else the instants' own offsets)."""

    __slots__ = ("start", "end", "zone", "agent")

    def __init__(self, start: datetime | str, end: datetime | str, zone: str | None = None, *,
                 agent: tzinfo | None = None) -> None:  # fmt: skip
        self.start = datetime.fromisoformat(start) if isinstance(start, str) else start
        self.end = datetime.fromisoformat(end) if isinstance(end, str) else end
        self.zone, self.agent = zone, agent

    def render(self, code: str | None = None) -> str:
        from sdcli import clock
        from sdcli.dates import agent_zone, city, offset, words
        from sdcli.i18n import t_in

        tz = clock.get_tz(self.zone) if self.zone else None
        a, b = (x.astimezone(tz) if tz is not None else x for x in (self.start, self.end))
        place = city(self.zone, code) if self.zone else ""
        same_offset = a.utcoffset() == b.utcoffset()  # else (a change of daylight saving within) both
        first = words(a, code) if same_offset else f"{words(a, code)} {offset(a)}"
        head = " ".join(x for x in (f"{first} → {_end(a, b, code)}", place, offset(b)) if x)
        mine = self.agent or agent_zone()
        ma, mb = self.start.astimezone(mine), self.end.astimezone(mine)
        if ma.utcoffset() == a.utcoffset() and mb.utcoffset() == b.utcoffset():
            return head
        started = ma.strftime("%H:%M") if ma.date() == a.date() else words(ma, code, year=False)
        ended = _end(ma, mb, code)
        if ma.utcoffset() != mb.utcoffset():  # the agent's own clock changes within: each end's offset
            started, ended = f"{started} {offset(ma)}", f"{ended} {offset(mb)}"
        return t_in(code, "date.yours", when=head, mine=f"{started} → {ended}")

    def __str__(self) -> str:
        return self.render("en")


def _end(a: datetime, b: datetime, code: str | None) -> str:
    """The end as read after its start: its time alone on the same day, else its day and time."""
    from sdcli.dates import words

    return b.strftime("%H:%M") if b.date() == a.date() else words(b, code, year=b.year != a.year)
