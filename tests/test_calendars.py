"""The one calendar: holidays, business spans, elapsed and add on instants (SLA and SSR alike)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sdcli import calendars, sla, ssr

CL = ZoneInfo("America/Santiago")
SP = ZoneInfo("America/Sao_Paulo")


def test_a_skipped_midnight_begins_the_day_at_the_change():
    # Chile, Sun 2026-09-06: 00:00-01:00 does not exist; the day begins at 01:00 -03
    assert calendars.at_wall(date(2026, 9, 6), 0, CL) == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)
    assert calendars.at_wall(date(2026, 9, 6), 30, CL) == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)
    assert calendars.at_wall(date(2026, 9, 6), 90, CL) == datetime(2026, 9, 6, 4, 30, tzinfo=UTC)
    # Sat 2026-04-04: 23:00-24:00 happens twice; a wall time means its first occurrence
    assert calendars.at_wall(date(2026, 4, 4), 23 * 60 + 30, CL) == datetime(2026, 4, 5, 2, 30, tzinfo=UTC)
    assert calendars.at_wall(date(2026, 4, 4), 24 * 60, CL) == datetime(2026, 4, 5, 4, 0, tzinfo=UTC)


def test_days_of_a_24x7_calendar_are_23_and_25_real_hours_long():
    always_open = calendars.from_spans(CL, [(d, 0, 1440) for d in range(7)], None)
    sun, sat = date(2026, 9, 6), date(2027, 4, 3)
    assert always_open.elapsed(
        always_open.start_of(sun), always_open.start_of(sun + timedelta(days=1))
    ) == timedelta(hours=23)
    assert always_open.elapsed(
        always_open.start_of(sat), always_open.start_of(sat + timedelta(days=1))
    ) == timedelta(hours=25)


def test_add_and_elapsed_are_instants_in_utc_and_inverse():
    days = calendars.business_days(SP, "BR")
    fri = datetime(2026, 11, 19, 17, 0, tzinfo=SP)  # Fri 20 Nov is a holiday in Brazil
    end = days.add(fri, timedelta(hours=10))
    assert end.tzinfo is UTC and end == datetime(2026, 11, 23, 3, 0, tzinfo=SP)
    assert days.elapsed(fri, end) == timedelta(hours=10)
    assert days.elapsed(end, fri) == timedelta(0)
    assert calendars.local(end, SP).isoformat() == "2026-11-23T03:00:00-03:00"


def test_first_on_finds_the_next_day_of_a_kind():
    days = calendars.business_days(SP, "BR")
    sat = datetime(2026, 12, 5, 0, 0, tzinfo=SP)
    assert days.first_on(sat, calendars.WEEKDAYS) == datetime(2026, 12, 7, 0, 0, tzinfo=SP)
    assert days.first_on(sat, calendars.WEEKEND) == sat
    with pytest.raises(ValueError):
        calendars.instant(datetime(2026, 12, 5))


def test_one_holiday_calendar_moves_both_the_sla_clock_and_ssr_lead_times(monkeypatch):
    """Defect 10: the SLA clock and SSR lead times count on the same calendar module."""
    wed = date(2026, 12, 9)  # an ordinary Wednesday in Brazil
    received = datetime(2026, 12, 7, 9, 0, tzinfo=SP)
    doc = {"opened_at": received.isoformat(), "severity": 1, "timezone": "America/Sao_Paulo", "country": "BR",
           "sla_target_hours": 20, "sla_clock": "business"}  # fmt: skip
    assert sla.due_at(doc) == datetime(2026, 12, 9, 9, 0, tzinfo=SP)  # Mon 9 h, Tue 10 h, Wed 1 h
    assert ssr.check_lead_time(received, datetime(2026, 12, 9, 9, 0, tzinfo=SP), "BR", SP).accepted
    real = calendars.holidays
    monkeypatch.setattr(calendars, "holidays", lambda c, y: real(c, y) | {wed} if c == "BR" else real(c, y))
    assert sla.due_at(doc) == datetime(2026, 12, 10, 9, 0, tzinfo=SP)  # Wed no longer counts
    v = ssr.check_lead_time(received, datetime(2026, 12, 10, 8, 0, tzinfo=SP), "BR", SP)
    assert not v.accepted and v.notice == timedelta(hours=15 + 24 + 8)
    assert v.earliest == datetime(2026, 12, 10, 9, 0, tzinfo=SP)  # was Wed 09:00
    assert not hasattr(ssr, "business_time") and not hasattr(ssr, "add_business_time")


#: a night shift, Thursday 2 April 2026 22:00 to Friday 06:00 at São Paulo; Friday 3 April is Good
#: Friday (a public holiday in Brazil), Tuesday 21 April is Tiradentes
NIGHTS = calendars.from_spans(SP, sla.validate.parse_hours("Mon-Fri 22:00-06:00") or [], "BR")


def test_a_night_shift_belongs_to_the_day_it_starts_on_a_holiday_and_its_eve():
    """The after-midnight part of a shift was judged by its own day: the shift a working Thursday
    night began lost 00:00-06:00 when Friday was a holiday, and a holiday's night counted them."""
    thu_night = datetime(2026, 4, 2, 22, 0, tzinfo=SP)
    assert NIGHTS.elapsed(thu_night, thu_night + timedelta(hours=8)) == timedelta(hours=8)
    assert NIGHTS.add(thu_night, timedelta(hours=8)) == datetime(2026, 4, 3, 6, 0, tzinfo=SP)
    tiradentes_night = datetime(2026, 4, 21, 22, 0, tzinfo=SP)  # its eve's (Monday's) shift counts
    assert NIGHTS.elapsed(tiradentes_night - timedelta(days=1), tiradentes_night) == timedelta(hours=8)
    assert NIGHTS.elapsed(tiradentes_night, tiradentes_night + timedelta(hours=8)) == timedelta(0)
    # started inside a shift's after-midnight part: counted from there, on the shift's day
    thu_3am = datetime(2026, 4, 23, 3, 0, tzinfo=SP)  # Wednesday's shift
    assert NIGHTS.add(thu_3am, timedelta(hours=2)) == datetime(2026, 4, 23, 5, 0, tzinfo=SP)
    assert NIGHTS.elapsed(thu_3am, thu_3am + timedelta(hours=24)) == timedelta(hours=8)
    assert NIGHTS.counts(datetime(2026, 4, 3, 2, 0, tzinfo=SP))  # Good Friday 02:00: Thursday's shift
    assert not NIGHTS.counts(datetime(2026, 4, 22, 2, 0, tzinfo=SP))  # Wednesday 02:00: Tiradentes' night
    assert not NIGHTS.counts(datetime(2026, 4, 3, 23, 0, tzinfo=SP))  # Good Friday's own night


def test_a_night_shift_contact_is_in_hours_after_midnight_of_a_holiday(tmp_path):
    """The escalation table's hours are kept the same way: on call Thursday night, still on call
    at 02:00 on Good Friday; not on call the night of Tiradentes."""
    from sdcli.escalation_table import Contact

    night = Contact(name="Noite", phone="+5511999990000", email=None, hours="Mon-Fri 22:00-06:00",
                    tz="America/Sao_Paulo", level=1, team="service_desk", country="BR", role="Service Desk")  # fmt: skip
    assert night.available(datetime(2026, 4, 3, 2, 0, tzinfo=SP))
    assert not night.available(datetime(2026, 4, 22, 2, 0, tzinfo=SP))
    # the note "a public holiday there" says the same: not at 02:00 of Good Friday (Thursday's night is
    # kept), but at 02:00 after Tiradentes' evening (that night is the holiday's, though the 22nd is not one)
    assert not night.holiday(datetime(2026, 4, 3, 2, 0, tzinfo=SP))
    assert night.holiday(datetime(2026, 4, 22, 2, 0, tzinfo=SP))
    assert night.holiday(datetime(2026, 4, 21, 12, 0, tzinfo=SP))  # off hours on the holiday itself
    assert not night.holiday(datetime(2026, 4, 23, 12, 0, tzinfo=SP))
    assert night.available(datetime(2026, 4, 23, 2, 0, tzinfo=SP)) and not night.available(
        datetime(2026, 4, 23, 12, 0, tzinfo=SP)
    )
