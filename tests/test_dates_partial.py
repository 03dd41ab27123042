"""A date-time that leaves out its day or its time of day, and spans in Spanish and Portuguese
units: dateutil fills what a text leaves out from today at midnight without a word ('diciembre'
is today's day in December, '02/12' midnight), and read '30 seg' (seconds) as Monday the 30th."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from test_dates import AFTER, BEFORE, CHANGE, VOICE

import sdcli.ui as ui


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


@pytest.mark.parametrize(
    "typed", ["12/2026 10:00", "diciembre", "dic 2026 10:00", "dezembro de 2026", "12/2026"]
)
def test_a_date_without_its_day_is_refused_not_given_todays(sdcli, store, typed):
    """On 5 Dec 'diciembre' and '12/2026 10:00' were stored as 5 Dec (today's day, at midnight)."""
    r = sdcli(*VOICE, "--failed-call", typed, env=AFTER)
    assert r.exit_code == 1 and "names no day" in r.stderr, r.output
    r = sdcli("--lang", "es", *VOICE, "--failed-call", "ayer 10:00", "--received-at", typed, env=AFTER)
    assert r.exit_code == 1 and "no nombra el día" in r.stderr, r.output
    assert list(store.all_tickets()) == []
    r = sdcli("list", "--since", typed, env=AFTER)  # a day is a bound's meaning, a month is not
    assert r.exit_code == 1 and "names no day" in r.stderr, r.output


@pytest.mark.parametrize("typed", ["02/12/2026", "02/12", "2 dic 2026", "2026-12-02", "ayer", "ontem", "hoy"])
def test_a_date_without_its_time_is_refused_where_the_field_is_an_instant(sdcli, store, typed):
    """'02/12' was stored as 00:00 and 'ayer' as yesterday at now's clock, as if they had been said."""
    r = sdcli("--lang", "pt", *VOICE, "--failed-call", typed, env=AFTER)
    assert r.exit_code == 1 and "não dá o horário do dia" in r.stderr, r.output
    r = sdcli(*VOICE, "--failed-call", "02/12/2026 10:00", "--received-at", typed, env=AFTER)
    assert r.exit_code == 1 and "gives no time of day" in r.stderr, r.output
    assert list(store.all_tickets()) == []


def test_a_window_or_a_start_without_its_time_is_refused(sdcli, store):
    r = sdcli(*CHANGE, "--window-start", "02/12/2026", "--window-end", "03/12/2026 10:00", env=BEFORE)
    assert r.exit_code == 1 and "window_start: '02/12/2026' is not valid: gives no time of day" in r.stderr
    r = sdcli("ssr", "check", "--start", "12/12/2026", "--country", "PE", env=BEFORE)
    assert r.exit_code == 1 and "gives no time of day" in r.stderr, r.output
    r = sdcli("--lang", "es", "ssr", "check", "--start", "diciembre 10:00", "--country", "PE", env=BEFORE)
    assert r.exit_code == 1 and "no nombra el día" in r.stderr, r.output
    assert list(store.all_tickets()) == []


def test_a_file_or_an_import_with_a_date_alone_is_refused(sdcli, store, tmp_path):
    doc = {"customer": "ACME", "site": "Lima HQ", "country": "PE", "problem": "voice", "service_type": "mpls",
           "callback_contacts": "Ana <ana@acme.pe> 01 4117000", "source_number": "01 4117000",
           "destination_number": "01 4117001", "failed_calls": ["02/12/2026 10:00"], "received_at": "2026-12-02"}  # fmt: skip
    r = sdcli("open", "--from-file", "-", "--json", input=json.dumps(doc), env=AFTER)
    assert r.exit_code == 1 and "'2026-12-02' is not valid: gives no time of day" in r.stderr
    rows = tmp_path / "rows.csv"
    rows.write_text("customer,site,country,problem,service_type,callback_contacts,opened_at\n"
                    "ACME,Lima,PE,link_down,mpls,Ana <ana@acme.pe> 01 4117000,02/12/2026\n", encoding="utf-8")  # fmt: skip
    r = sdcli("import", str(rows), "--json", env=AFTER)
    assert "gives no time of day" in r.output and list(store.all_tickets()) == []


def test_since_a_day_is_the_whole_day_and_the_time_a_day_word_is_given_with_is_kept(sdcli):
    """`list --since ayer` at noon started yesterday at noon: a ticket opened yesterday morning
    was left out of the listing without a word."""
    opened = sdcli.json(
        *VOICE, "--failed-call", "ayer 08:00", "--json", env={"SDCLI_NOW": "2026-12-04T09:00:00-05:00"}
    )
    listed = [
        d["id"]
        for d in sdcli.json("list", "--since", "ayer", "--json", env={**AFTER, "SDCLI_TZ": "America/Lima"})
    ]
    assert opened["id"] in listed
    listed = [
        d["id"]
        for d in sdcli.json("list", "--since", "hoy", "--json", env={**AFTER, "SDCLI_TZ": "America/Lima"})
    ]
    assert listed == []
    assert opened["failed_calls"] == ["2026-12-03T08:00:00-05:00"]


@pytest.mark.parametrize(
    ("typed", "ago"),
    [("30 seg", timedelta(seconds=30)), ("30 segundos", timedelta(seconds=30)), ("30 s", timedelta(seconds=30)),
     ("hace 45 seg", timedelta(seconds=45)), ("10 seg atrás", timedelta(seconds=10)),
     ("2 semanas", timedelta(weeks=2)), ("3 días", timedelta(days=3)), ("hace 2 hs.", timedelta(hours=2)),
     ("5 min.", timedelta(minutes=5)), ("há 1 semana", timedelta(weeks=1)), ("2 horas 30 min", timedelta(hours=2, minutes=30))],
)  # fmt: skip
def test_a_span_in_spanish_or_portuguese_units_is_a_span_not_a_date(sdcli, typed, ago):
    """On Monday 30 Nov '30 seg' (seconds) was read as 'Monday the 30th' at 00:00, and '30 s' as
    00:00:30 today: an e-mail report received half a minute ago stored as received at midnight."""
    monday = {"SDCLI_NOW": "2026-11-30T12:00:00-05:00"}
    doc = sdcli.json(*VOICE, "--failed-call", "30/11/2026 10:00", "--channel", "email", "--received-at", typed,
                     "--json", env=monday)  # fmt: skip
    assert datetime.fromisoformat(doc["received_at"]) == datetime.fromisoformat(monday["SDCLI_NOW"]) - ago


@pytest.mark.parametrize("typed", ["10.30 hs", "8,15 h", "hace 1.30 hs", "2,25 horas"])
def test_hours_with_two_decimals_are_refused_not_read_as_a_span(sdcli, store, typed):
    """'10.30 hs' (half past ten, as Argentina writes it) was stored as 10.3 hours ago: a failed
    call at 10:30 recorded at 01:42 on a report typed at noon."""
    r = sdcli("--lang", "es", *VOICE, "--failed-call", typed, env=AFTER)
    assert r.exit_code == 1 and "se lee como una hora del día" in r.stderr, r.output
    assert list(store.all_tickets()) == []
    r = sdcli("shift", "--within", typed)
    assert r.exit_code == 1 and "reads as a time of day" in r.stderr and "a bug" not in r.stderr, r.output
    doc = sdcli.json(*VOICE, "--failed-call", "10:30", "--received-at", "1,5 horas", "--json", env=AFTER)
    assert (
        doc["failed_calls"] == ["2026-12-05T10:30:00-05:00"]
        and doc["received_at"] == "2026-12-05T10:30:00-05:00"
    )
