"""An SSR's work once filed: scheduled into its window's weekend part (weekend work, which needs
the weekend notice) and when it was done (the month its invoice bills). No CLI imports."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sdcli import calendars, clock
from sdcli.dates import When
from sdcli.errors import RuleViolation
from sdcli.ssr import notice_rules


def check_schedule(doc: dict[str, Any], home: Path | None = None) -> None:
    """An SSR accepted as weekday work (by its start) scheduled into its window's weekend part is
    weekend work: RuleViolation unless the form gave it the weekend notice (5 days from receipt)."""
    if not (doc.get("scheduled_at") and doc.get("received_at") and doc.get("window_start")):
        return
    tz = clock.get_tz(doc.get("timezone"))
    days = calendars.business_days(tz, doc.get("country"))
    at, start = clock.from_iso(doc["scheduled_at"]), clock.from_iso(doc["window_start"])
    if days.weekday(at) not in calendars.WEEKEND or days.weekday(start) in calendars.WEEKEND:
        return
    notice, need = at - clock.from_iso(doc["received_at"]), notice_rules(home)[1]
    if notice < need:
        zone = doc.get("timezone")
        raise RuleViolation("ssr.weekend_scheduled", id=doc["id"], at=When(at, zone), days=f"{need / timedelta(days=1):g}",
                            hours=f"{notice / timedelta(hours=1):.1f}", received=When(doc["received_at"], zone),
                            weekend=When(days.first_on(start, calendars.WEEKEND), zone))  # fmt: skip


def check_done(doc: dict[str, Any], at: datetime | None, now: datetime) -> None:
    """An SSR's work done at `at` (--at), else now, checked as the write that marks it done finds
    it. Its month (the site's) is the invoice that bills it, so "now" is refused when it falls in
    another month than the SSR's window or schedule (done on 30 Nov at 23:30, marked done on 1 Dec,
    was billed in December): the agent says when. A time before the window's start is refused
    (not_before_window). RuleViolation."""
    from sdcli.tickets import not_before_window

    tz = clock.get_tz(doc.get("timezone"))

    def month(value: Any) -> str:
        return f"{calendars.local(clock.from_iso(value) if isinstance(value, str) else value, tz):%Y-%m}"

    if at is not None:
        not_before_window(doc, at)
        return
    not_before_window(doc, now)
    planned = [doc[k] for k in ("window_start", "window_end", "scheduled_at") if doc.get(k)]
    if planned and month(now) not in {month(v) for v in planned}:
        raise RuleViolation("ssr.done_when", id=doc["id"], start=When(doc["window_start"], doc.get("timezone")),
                            end=When(doc["window_end"], doc.get("timezone")), month=month(now),
                            suggest=f"{calendars.local(clock.from_iso(doc['window_end']), tz):%d/%m/%Y %H:%M}")  # fmt: skip


def check_start_ahead(doc: dict[str, Any], now: datetime) -> None:
    """Scheduled without --at, an SSR is scheduled at its requested start: refused once that start
    has passed (a window that ended on 30 Nov was "scheduled" on 5 Dec without a word). Inside
    the window, --at names a time still ahead; after it, another window is a new request."""
    if not (doc.get("window_start") and doc.get("window_end")) or now < clock.from_iso(doc["window_start"]):
        return
    zone = doc.get("timezone")
    key = "ssr.schedule_started" if now < clock.from_iso(doc["window_end"]) else "ssr.schedule_ended"
    raise RuleViolation(
        key, id=doc["id"], start=When(doc["window_start"], zone), end=When(doc["window_end"], zone)
    )
