"""Dates (issue 15): one reader for every path, day first; ISO always; words in es/pt/en and spans
ago; times in the future or windows in the past refused; a date the day order decided shown back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from intake_keys import SAVE, base_keys, line, rest_keys, run_open

import sdcli.ui as ui
from sdcli import date_parts, dates

TYPED = "02/12/2026 09:40"
DEC_2 = "2026-12-02T09:40:00-05:00"  # at a site in Peru
AFTER = {"SDCLI_NOW": "2026-12-05T12:00:00-05:00"}  # 2 December is past: a report, a failed call
BEFORE = {"SDCLI_NOW": "2026-11-25T12:00:00-05:00"}  # 2 December is ahead: a work window
VOICE = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem", "voice",
         "--service-type", "mpls", "--callback", "Ana <ana@acme.pe> 01 4117000", "--source-number", "01 4117000",
         "--destination-number", "01 4117001"]  # fmt: skip
CHANGE = ["change", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--type", "rack_relocation",
          "--description", "d", "--project-manager", "Pia <pia@acme.pe> 01 4117002", "--callback", "Rosa <rosa@acme.pe> 01 4117003"]  # fmt: skip
SSR = ["ssr", "--no-input", "--requester", "Ana <ana@acme.com.br> +55 11 98765-4321", "--customer", "ACME", "--site", "SP",
       "--country", "BR", "--tz", "America/Sao_Paulo", "--category", "configuration_backup", "--field", "device=r1",
       "--description", "d"]  # fmt: skip


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


def test_day_first_in_every_path(sdcli, tmp_path, monkeypatch, store):
    flags = sdcli.json(*VOICE, "--failed-call", TYPED, "--received-at", TYPED, "--json", env=AFTER)
    assert flags["failed_calls"] == [DEC_2] and flags["received_at"] == DEC_2 == flags["opened_at"]

    doc = {"customer": "ACME", "site": "Lima HQ", "country": "PE", "problem": "voice", "service_type": "mpls",
           "callback_contacts": "Ana <ana@acme.pe> 01 4117000", "source_number": "01 4117000",
           "destination_number": "01 4117001", "failed_calls": [TYPED], "received_at": TYPED}  # fmt: skip
    from_file = sdcli.json("open", "--from-file", "-", "--json", input=json.dumps(doc), env=AFTER)
    assert from_file["failed_calls"] == [DEC_2] and from_file["received_at"] == DEC_2

    rows = tmp_path / "rows.csv"
    rows.write_text("customer,site,country,problem,service_type,callback_contacts,source_number,destination_number,"
                    f"failed_calls,received_at,opened_at\nACME,Lima,PE,voice,mpls,Ana <ana@acme.pe> 01 4117000,"
                    f"01 4117000,01 4117001,{TYPED},{TYPED},{TYPED}\n", encoding="utf-8")  # fmt: skip
    assert sdcli.json("import", str(rows), "--json", env=AFTER)["created"] == 1
    imported = [d for d in store.all_tickets("INC") if d.get("history", [{}])[0].get("imported_from")][0]
    assert imported["failed_calls"] == [DEC_2] and imported["received_at"] == DEC_2 == imported["opened_at"]

    change = sdcli(*CHANGE, "--window-start", TYPED, "--window-end", "02/12/2026 11:40", env=BEFORE)
    assert change.exit_code == 0, change.output
    chg = store.get("CHG1")
    assert (chg["window_start"], chg["window_end"]) == (DEC_2, "2026-12-02T11:40:00-05:00")
    assert "window_start: 02/12/2026 09:40 read as 2 Dec 2026 09:40 Lima -05" in change.stderr
    sdcli.json("change", "send", "CHG1", "--json", env=BEFORE)
    sdcli.json("change", "accept", "CHG1", "--by", "Rosa", "--json", env=BEFORE)
    scheduled = sdcli.json("change", "schedule", "CHG1", "--at", TYPED, "--json", env=BEFORE)
    assert scheduled["scheduled_at"] == DEC_2

    ssr = sdcli.json(*SSR, "--start", TYPED, "--end", "02/12/2026 10:40", "--received-at", "20/11/2026 09:00",
                     "--json", env=BEFORE)  # fmt: skip
    assert (ssr["window_start"], ssr["received_at"]) == (
        "2026-12-02T09:40:00-03:00",
        "2026-11-20T09:00:00-03:00",
    )
    assert sdcli.json("ssr", "schedule", ssr["id"], "--at", TYPED, "--json", env=BEFORE)["scheduled_at"] == (
        "2026-12-02T09:40:00-03:00"
    )
    check = sdcli.json("ssr", "check", "--start", TYPED, "--country", "BR", "--tz", "America/Sao_Paulo",
                       "--received-at", "20/11/2026 09:00", "--json", env=BEFORE)  # fmt: skip
    assert check["accepted"] is True

    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)
    keys = [*base_keys("voice", "mpls"), *rest_keys("mpls"), line("01 4117000"), line("01 4117001"), line(TYPED),
            line(""), SAVE]  # fmt: skip
    walked = run_open(keys, env=AFTER)
    assert walked.exit_code == 0, walked.output
    prompted = max(store.all_tickets("INC"), key=lambda d: int(d["id"][3:]))
    assert prompted["failed_calls"] == [DEC_2]
    assert "2 Dec 2026 09:40 Lima -05" in walked.stdout  # the review shows it in words, in the site's zone


def test_month_first_when_the_desk_or_the_agent_says_so(sdcli, home):
    flagged = sdcli.json(*VOICE, "--failed-call", TYPED, "--monthfirst", "--json", env=AFTER)
    assert flagged["failed_calls"] == ["2026-02-12T09:40:00-05:00"]
    assert sdcli("config", "set", "dayfirst", "false").exit_code == 0
    configured = sdcli.json(
        *VOICE, "--failed-call", TYPED, "--failed-call", "2026-12-02 09:40", "--json", env=AFTER
    )
    assert configured["failed_calls"] == ["2026-02-12T09:40:00-05:00", DEC_2]  # ISO whatever the order
    forced = sdcli.json(*VOICE, "--failed-call", TYPED, "--dayfirst", "--json", env=AFTER)
    assert forced["failed_calls"] == [DEC_2]
    assert sdcli.json(*VOICE, "--failed-call", "13/02/2026 09:40", "--json", env=AFTER)["failed_calls"] == [
        "2026-02-13T09:40:00-05:00"  # only one reading: read so
    ]


@pytest.mark.parametrize("order", [[], ["--dayfirst"]])
def test_an_import_whose_dates_read_in_one_day_order_and_in_both_is_refused(sdcli, home, tmp_path, order):
    """12/13/2026 only reads month first and 12/01/2026 reads both ways: the column's day order
    is not known, and reading each value its own way would put 1 Dec in January."""
    table = tmp_path / "sn.csv"
    rows = ["customer,site,country,timezone,problem,service_type,callback_contacts,opened_at",
            *(f"Varejo Sul,Porto Alegre,BR,America/Sao_Paulo,link_down,mpls,Ana <ana@v.com.br> +55 51 3212 4000,{d} 09:00"
              for d in ("12/13/2026", "12/01/2026"))]  # fmt: skip
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    later = {"SDCLI_NOW": "2026-12-20T10:00:00-03:00"}
    r = sdcli("import", str(table), *order, env=later)
    assert r.exit_code == 1 and "day order is not known" in r.stderr and "--monthfirst" in r.stderr, r.output
    assert not (home / "store").exists() or sdcli.json("list", "--json", "--all") == []
    done = sdcli("import", str(table), "--monthfirst", "--json", env=later)
    assert done.exit_code == 0, done.output
    opened = sorted(d["opened_at"][:10] for d in sdcli.json("list", "--json", "--all"))
    assert opened == ["2026-12-01", "2026-12-13"]
    one_way = tmp_path / "ok.csv"  # every date unambiguous: each has one reading, nothing to refuse
    one_way.write_text("\n".join([rows[0], rows[1], rows[1].replace("12/13/2026", "12/14/2026")]) + "\n")
    assert sdcli("import", str(one_way), env=later).exit_code == 0


LIMA = ZoneInfo("America/Lima")
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=LIMA)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("hoy 10:15", datetime(2026, 12, 5, 10, 15)), ("hoje 10h15", datetime(2026, 12, 5, 10, 15)),
        ("today 10:15", datetime(2026, 12, 5, 10, 15)), ("ayer 12:00", datetime(2026, 12, 4, 12, 0)),
        ("ontem 14:30", datetime(2026, 12, 4, 14, 30)), ("yesterday 8:05", datetime(2026, 12, 4, 8, 5)),
        ("anteayer 9:00", datetime(2026, 12, 3, 9, 0)), ("now", datetime(2026, 12, 5, 12, 0)),
        ("ahora", datetime(2026, 12, 5, 12, 0)), ("10m", datetime(2026, 12, 5, 11, 50)),
        ("hace 2h", datetime(2026, 12, 5, 10, 0)), ("hace 2 horas", datetime(2026, 12, 5, 10, 0)),
        ("há 3 dias", datetime(2026, 12, 2, 12, 0)), ("2h ago", datetime(2026, 12, 5, 10, 0)),
        ("2 dic 2026 09:40", datetime(2026, 12, 2, 9, 40)), ("2 de dezembro de 2026 às 09:40", datetime(2026, 12, 2, 9, 40)),
        ("Dec 2 2026 9:40pm", datetime(2026, 12, 2, 21, 40)), ("02.12.26 09h40", datetime(2026, 12, 2, 9, 40)),
        ("2026-12-02T09:40:00-03:00", datetime(2026, 12, 2, 7, 40)),
        # an offset named as people write it is that offset (dateutil alone reads GMT-3 as +03:00)
        ("2 dic 2026 09:40 GMT-3", datetime(2026, 12, 2, 7, 40)), ("02/12/2026 09:40 UTC-3", datetime(2026, 12, 2, 7, 40)),
        ("2 dic 2026 09:40 UTC -03:00", datetime(2026, 12, 2, 7, 40)), ("2 dic 2026 09:40 gmt−3", datetime(2026, 12, 2, 7, 40)),
        ("2 dic 2026 14:40 UTC+2", datetime(2026, 12, 2, 7, 40)), ("2 dic 2026 12:40 GMT", datetime(2026, 12, 2, 7, 40)),
        ("2026-12-02 09:40 GMT-0300", datetime(2026, 12, 2, 7, 40)),
    ],
)  # fmt: skip
def test_words_and_spans_in_three_languages(typed, meant):
    assert dates.read(typed, tz=LIMA, now=NOW).at.astimezone(LIMA).replace(tzinfo=None) == meant


def test_a_span_means_ago_in_a_failed_call_too(sdcli):
    doc = sdcli.json(*VOICE, "--failed-call", "hace 2h", "--received-at", "10m", "--json", env=AFTER)
    assert (
        doc["failed_calls"] == ["2026-12-05T10:00:00-05:00"]
        and doc["received_at"] == "2026-12-05T11:50:00-05:00"
    )


def test_a_received_or_failed_call_time_in_the_future_is_refused(sdcli, home, store):
    for flag, value in (("--failed-call", "mañana 10:00"), ("--received-at", "06/12/2026 09:00")):
        r = sdcli(*VOICE, "--failed-call", "ayer 10:00", flag, value, env=AFTER)
        assert r.exit_code == 1 and "is in the future (it is now 5 Dec 2026 12:00 Lima -05" in r.stderr, (
            r.stderr
        )
    r = sdcli("--lang", "es", *VOICE, "--failed-call", "mañana 10:00", env=AFTER)
    assert "está en el futuro (ahora es 5 dic 2026 12:00 Lima -05" in r.stderr
    assert not (home / "store").exists() or list(store.all_tickets()) == []


def test_a_window_in_the_past_is_refused_and_a_long_one_is_told(sdcli):
    r = sdcli(*CHANGE, "--window-start", "01/12/2026 22:00", "--window-end", "02/12/2026 04:00", env=AFTER)
    assert r.exit_code == 1 and "window_start: '01/12/2026 22:00' is not valid: is in the past" in r.stderr
    r = sdcli(*SSR, "--start", "ayer 09:00", "--end", "ayer 10:00", env=AFTER)
    assert r.exit_code == 1 and "is in the past" in r.stderr
    r = sdcli(*CHANGE, "--window-start", "10/12/2026 22:00", "--window-end", "12/10/2027 04:00", env=AFTER)
    assert r.exit_code == 0 and "the window lasts 305d 6h" in r.stderr and "check the dates" in r.stderr


def test_an_unreadable_date_says_what_is_read(sdcli):
    r = sdcli(*VOICE, "--failed-call", "el martes que viene", env=AFTER)
    assert (
        r.exit_code == 1
        and "e.g. 02/12/2026 09:40, 2026-12-02 09:40, today 10:15, yesterday 14:30, 2h" in r.stderr
    )
    r = sdcli("list", "--since", "99999999d")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "longer than 100 years" in r.stderr
    assert "a bug" not in r.stderr


def test_times_on_screens_name_their_zone_and_the_agents(sdcli, monkeypatch):
    monkeypatch.setenv("SDCLI_TZ", "America/Sao_Paulo")
    doc = sdcli.json(*VOICE, "--failed-call", TYPED, "--json", env=AFTER)
    shown = sdcli("show", doc["id"], env=AFTER).stdout
    assert "2 Dec 2026 09:40 Lima -05 · 11:40 your time" in shown  # the site's clock, then the agent's
    assert sdcli("--lang", "pt", "show", doc["id"], env=AFTER).stdout.count(
        "2 dez 2026 09:40 Lima -05 · 11:40 seu horário"
    )
    listed = sdcli("list", "--format", "table", env={**AFTER, "COLUMNS": "200"}).stdout
    assert "5 Dec 12:00 Lima" in listed  # tables: compact, still naming the zone
    assert datetime.fromisoformat(doc["opened_at"]) - datetime.fromisoformat(AFTER["SDCLI_NOW"]) == timedelta(
        0
    )


def test_since_and_until_are_the_agents_time_and_a_day_is_the_whole_day(sdcli, home):
    """An agent in Mexico City on a server in UTC: --since 08:30 is 08:30 of the agent's clock,
    and --until 01/03/2027 takes in the whole of 1 March, in list and export alike."""
    sdcli.json("open", "--no-input", "--customer", "ACME", "--site", "Sede", "--country", "MX", "--tz",
               "America/Mexico_City", "--problem", "link_down", "--service-type", "mpls", "--no-contingency",
               "--power", "--no-power-outage", "--equipment-connected", "--rebooted", "--callback",
               "Ana Díaz <ana@acme.mx> +52 55 5100 3003", "--json",
               env={"SDCLI_NOW": "2027-03-01T07:00:00-06:00"})  # fmt: skip
    agent = {"TZ": "UTC", "SDCLI_TZ": "America/Mexico_City"}

    def listed(*flags: str) -> list[str]:
        return [d["id"] for d in sdcli.json("list", "--all", *flags, "--json", env=agent)]

    assert listed("--since", "01/03/2027 08:30") == []  # 07:00 in Mexico City is before it
    assert listed("--since", "01/03/2027 06:30") == ["INC1"]
    assert listed("--since", "01/03/2027", "--until", "01/03/2027") == ["INC1"]
    assert listed("--until", "28/02/2027") == [] and listed("--until", "01/03/2027 06:59") == []
    exported = sdcli("export", "--format", "jsonl", "--since", "01/03/2027 08:30", env=agent)
    assert exported.exit_code == 0 and exported.stdout.strip() == ""


def test_a_wall_time_daylight_saving_skips_is_refused_and_one_it_repeats_is_told():
    """Santiago: 5 Sep 2027 00:00 jumps to 01:00 (00:30 never happens); 4 Apr 2027 00:00 goes
    back to 23:00 of the 3rd (23:30 happens twice: the first, -03:00, is taken, and said)."""
    from sdcli import validate
    from sdcli.errors import InvalidValue

    santiago, now = ZoneInfo("America/Santiago"), datetime(2027, 9, 6, 10, 0, tzinfo=UTC)
    with pytest.raises(InvalidValue, match="does not exist in Santiago"):
        validate.instant("received_at", "05/09/2027 00:30", santiago, now=now)
    notes: list = []
    at = validate.instant("received_at", "03/04/2027 23:30", santiago, now=now, notes=notes)
    assert at.utcoffset() == timedelta(hours=-3) and any("happens twice" in str(n) for n in notes)
    notes.clear()
    assert validate.instant(
        "received_at", "03/04/2027 22:30", santiago, now=now, notes=notes
    ).utcoffset() == timedelta(hours=-3)
    assert not any("happens twice" in str(n) for n in notes)
    assert validate.instant(
        "received_at", "03/04/2027 23:30 -04:00", santiago, now=now
    ).utcoffset() == timedelta(hours=-4)


@pytest.mark.parametrize(
    ("typed", "now", "tense", "read"),
    [("04/01 09:00", "2026-12-28T10:00:00-05:00", "future", "2027-01-04T09:00:00-05:00"),
     ("31/12 23:30", "2027-01-01T08:00:00-05:00", "past", "2026-12-31T23:30:00-05:00"),
     ("04/01 09:00", "2026-12-28T10:00:00-05:00", None, "2026-01-04T09:00:00-05:00"),  # no direction: as read
     ("30/12 09:00", "2026-12-28T10:00:00-05:00", "future", "2026-12-30T09:00:00-05:00"),  # this year's is ahead
     ("27/12 09:00", "2026-12-28T10:00:00-05:00", "past", "2026-12-27T09:00:00-05:00")],
)  # fmt: skip
def test_a_date_without_its_year_is_the_nearest_one_in_the_fields_direction(typed, now, tense, read):
    """On 28 Dec a window '04/01' is next January, on 1 Jan a failed call '31/12' last December:
    the calendar year read them a year off (an SSR check answered 'weekend rule, -8593 h')."""
    from sdcli import instants

    found = instants.reading("start", typed, ZoneInfo("America/Lima"), dayfirst=True, tense=tense,
                             now=datetime.fromisoformat(now))  # fmt: skip
    assert found.at.isoformat() == read
    with pytest.raises(instants.InvalidValue):  # a year written is the year meant
        instants.reading("start", "04/01/2026 09:00", ZoneInfo("America/Lima"), dayfirst=True, tense="future",
                         now=datetime.fromisoformat("2026-12-28T10:00:00-05:00"))  # fmt: skip


def test_ssr_check_reads_a_yearless_start_in_late_december_as_next_january(sdcli):
    r = sdcli("ssr", "check", "--start", "04/01 09:00", "--country", "PE", "--json",
              env={"SDCLI_NOW": "2026-12-28T10:00:00-05:00"})  # fmt: skip
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    assert got["accepted"] is True and got["notice_hours"] == 95.0, got  # 28 Dec 10:00 -> Mon 4 Jan 09:00


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("01/12 de 10 a 11", "holds more than one time"),  # dateutil: 1 Dec 2011 10:00
     ("01/12/2026 10:30-11:45", "holds more than one time"),  # dateutil: 10:30 at an offset of -11:45
     ("01/12 10:30, 11:45", "holds more than one time"),  # dateutil: 11:45 (the first call lost)
     ("01/12 de 10 a 11h", "holds more than one time"),  # dateutil: 11:00
     ("01/12/2026 10:30 / 11:45", "holds more than one time"),
     ("01/12/2026 10:30 -11:45", "has an offset no time zone uses")],
)  # fmt: skip
def test_two_times_in_one_answer_are_refused_not_stored_as_one(sdcli, store, typed, reason):
    """A range or two times typed in one answer were stored as one instant without a word: a
    failed call "01/12 de 10 a 11" in the year 2011, "10:30-11:45" at 10:30 -11:45 (17:15 in Lima),
    "10:30, 11:45" as 11:45 alone."""
    r = sdcli(*VOICE, "--failed-call", typed, env=AFTER)
    assert r.exit_code == 1 and reason in r.stderr, r.output
    assert list(store.all_tickets()) == []


def test_one_time_with_its_offset_or_a_two_digit_year_is_still_read():
    for typed, meant in (("01/12/2026 10:00 -03:00", "2026-12-01T10:00:00-03:00"),
                         ("01/12/2026 10:00-03:00", "2026-12-01T10:00:00-03:00"),
                         ("2 dic 25 10:00", "2025-12-02T10:00:00-05:00"),
                         ("02/12/25 9h", "2025-12-02T09:00:00-05:00"),
                         ("2/12/2026 2:30 p.m.", "2026-12-02T14:30:00-05:00"),
                         ("2 dic 2026 09:40 +05:45", "2026-12-02T09:40:00+05:45")):  # fmt: skip
        assert dates.read(typed, tz=LIMA, now=NOW).at.isoformat() == meant, typed
    with pytest.raises(date_parts.Several):
        dates.read("01/12 10 a 11", tz=LIMA, now=NOW)


@pytest.mark.parametrize("typed", ["02/12/2026 09:40 BRT", "2 dic 2026 09:40 ART", "02/12/2026 09:40 CST"])
def test_a_zone_named_by_an_abbreviation_is_refused_not_read_as_the_sites(sdcli, store, typed):
    """dateutil knows no BRT, ART or CST: "09:40 BRT" at a site in Lima was stored as 09:40 Lima
    (two hours off), with an English warning from the library on stderr."""
    r = sdcli("--lang", "es", *VOICE, "--failed-call", typed, env=AFTER)
    assert r.exit_code == 1 and "nombra su huso por una abreviatura" in r.stderr, r.output
    assert "UnknownTimezoneWarning" not in r.stderr and list(store.all_tickets()) == []
    r = sdcli("ssr", "check", "--start", typed.replace("02/12", "12/12"), "--country", "PE", env=BEFORE)
    assert r.exit_code == 1 and "names its zone by an abbreviation" in r.stderr, r.output
    assert dates.read("02/12/2026 09:40 UTC", tz=LIMA, now=NOW).at.isoformat() == "2026-12-02T09:40:00+00:00"


@pytest.mark.parametrize(
    ("typed", "ago"),
    [("1h 30m", timedelta(hours=1, minutes=30)), ("1h30m", timedelta(hours=1, minutes=30)),
     ("2h15min", timedelta(hours=2, minutes=15)), ("hace 1 hora y 30 minutos", timedelta(hours=1, minutes=30)),
     ("hace 1h30", timedelta(hours=1, minutes=30)), ("há 2 dias 3 horas", timedelta(days=2, hours=3)),
     ("1d 2h ago", timedelta(days=1, hours=2))],
)  # fmt: skip
def test_a_span_of_several_parts_means_ago_too(sdcli, typed, ago):
    """'1h 30m' (as '2h' means two hours ago) was read as the clock time 01:30 today: an e-mail
    report received an hour and a half ago at noon was stored as received at 01:30, its
    acknowledgement ten hours late."""
    doc = sdcli.json(
        *VOICE,
        "--failed-call",
        "ayer 10:00",
        "--channel",
        "email",
        "--received-at",
        typed,
        "--json",
        env=AFTER,
    )
    now = datetime.fromisoformat(AFTER["SDCLI_NOW"])
    assert datetime.fromisoformat(doc["received_at"]) == now - ago, doc["received_at"]
    assert (
        dates.read("1h30", tz=LIMA, now=NOW).at.isoformat() == "2026-12-05T01:30:00-05:00"
    )  # a clock time, as 14h30


def test_a_weekday_that_is_not_the_dates_is_refused_not_dropped(sdcli, store):
    """'domingo 30/11 10:00' (30 Nov 2026 is a Monday) was stored as Monday 30 Nov: dateutil drops
    a weekday when the date has a day; one of the two is a slip, and sdcli cannot tell which."""
    r = sdcli("--lang", "es", *VOICE, "--failed-call", "domingo 30/11 10:00", env=AFTER)
    assert r.exit_code == 1 and "dice Dom, pero esa fecha es Lun" in r.stderr, r.output
    r = sdcli("--lang", "pt", *VOICE, "--failed-call", "Qua, 1 dez 2026 10h00", env=AFTER)
    assert r.exit_code == 1 and "diz Qua, mas essa data é Ter" in r.stderr, r.output
    assert list(store.all_tickets()) == []
    doc = sdcli.json(*VOICE, "--failed-call", "lunes 30/11 10:00", "--json", env=AFTER)
    assert doc["failed_calls"] == ["2026-11-30T10:00:00-05:00"]


@pytest.mark.parametrize("typed", ["14h", "10 hs", "10hs.", "8 horas", "às 14h", "a las 10 hs", "2h", "0h"])
def test_whole_hours_alone_are_refused_as_a_time_of_day_or_hours_ago(sdcli, typed):
    """'14h' is two in the afternoon as Brazil writes it (às 14h) and '10 hs' ten o'clock in
    Argentina; alone they were read as 14 and 10 hours ago. They are refused now, naming both
    readings; 'hace 14h', '14h ago', '14:00' and '36h' (only a span) are each one."""
    with pytest.raises(dates.HoursOrClock):
        dates.read(typed, tz=LIMA, now=NOW)
    r = sdcli(*VOICE, "--failed-call", typed, "--json", env=AFTER)
    assert r.exit_code == 1 and "hours ago" in r.stderr and "hace " in r.stderr, r.output
    assert sdcli.json("list", "--json") == []  # nothing saved
    for one in ("hace 14h", "14h ago", "há 14h", "36h", "14:00", "14h30"):
        dates.read(one, tz=LIMA, now=NOW)  # each is one reading
