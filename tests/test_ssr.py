"""Simple Service Requests: the lead-time rule, required fields, states, and the monthly invoice."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import err
from dst_cases import local_midnight, receipts, zone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import sdcli.ui as ui
from sdcli import ssr

SP, MX = ZoneInfo("America/Sao_Paulo"), ZoneInfo("America/Mexico_City")


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


def verdict(received, start, country="BR", tz=SP):
    return ssr.check_lead_time(received, start, country, tz)


def test_friday_afternoon_for_monday_morning_is_refused():
    fri = datetime(2026, 11, 27, 15, 0, tzinfo=SP)
    v = verdict(fri, datetime(2026, 11, 30, 9, 0, tzinfo=SP))
    assert not v.accepted and v.notice == timedelta(hours=18) and "48 hours" in str(v.rule)
    assert v.earliest == datetime(2026, 12, 1, 15, 0, tzinfo=SP)
    assert verdict(fri, v.earliest).accepted
    assert not verdict(fri, v.earliest - timedelta(minutes=1)).accepted


def test_a_brazilian_holiday_does_not_count_as_notice():
    wed = datetime(2026, 11, 18, 12, 0, tzinfo=SP)  # Thu 19 counts, Fri 20 (Consciência Negra) does not
    v = verdict(wed, datetime(2026, 11, 23, 11, 0, tzinfo=SP))
    assert not v.accepted and v.notice == timedelta(hours=12 + 24 + 11)
    assert v.earliest == datetime(2026, 11, 23, 12, 0, tzinfo=SP) and verdict(wed, v.earliest).accepted


def test_a_mexican_holiday_does_not_count_as_notice():
    fri = datetime(2026, 11, 13, 9, 0, tzinfo=MX)  # Mon 16 Nov: Revolution Day
    v = verdict(fri, datetime(2026, 11, 17, 9, 0, tzinfo=MX), "MX", MX)
    assert not v.accepted and v.notice == timedelta(hours=15 + 9)
    assert (
        v.earliest == datetime(2026, 11, 18, 9, 0, tzinfo=MX) and verdict(fri, v.earliest, "MX", MX).accepted
    )


def test_weekend_work_needs_five_days():
    sat = datetime(2026, 12, 5, 10, 0, tzinfo=SP)
    assert not verdict(sat - timedelta(days=4, hours=23), sat).accepted
    v = verdict(sat - timedelta(days=5), sat)
    assert v.accepted and "5 days" in str(v.rule)


@pytest.mark.parametrize("hours_before", [1, 20, 47, 60, 100, 119])
def test_the_earliest_proposed_time_is_itself_accepted(hours_before):
    received = datetime(2026, 12, 4, 16, 30, tzinfo=SP)
    start = received + timedelta(hours=hours_before)
    v = verdict(received, start)
    if not v.accepted:
        assert verdict(received, v.earliest).accepted


FORM = ["--requester", "Ana <ana@acme.com.br> +55 11 98765-4321", "--customer", "ACME", "--site", "SP-01", "--country", "BR",
        "--tz", "America/Sao_Paulo", "--category", "static_route", "--field", "prefix=10.9.0.0/16",
        "--field", "next_hop=10.0.0.1", "--description", "new branch"]  # fmt: skip


def in_country(country: str) -> list[str]:
    """FORM for a site in another country (its main zone)."""
    from dst_cases import ZONES

    return [*FORM[:6], "--country", country, "--tz", ZONES[country], *FORM[10:]]


def arrived(received: str, country: str = "BR") -> dict[str, str]:
    """Now is when the form arrived (received is the site's wall clock): windows ahead of it are not
    in the past, and the receipt is not in the future."""
    at = datetime.strptime(received, "%Y-%m-%d %H:%M").replace(tzinfo=zone(country))
    return {"SDCLI_NOW": at.isoformat()}


def file(
    sdcli, start="2026-12-14 09:00", end="2026-12-14 10:00", received="2026-12-01 09:00", form=FORM, **kw
):
    country = form[form.index("--country") + 1]
    env = {**arrived(received, country), **kw.pop("env", {})}
    return sdcli(
        "ssr", *form, "--start", start, "--end", end, "--received-at", received, "--json", env=env, **kw
    )


def test_filing_confirms_the_id_and_price(sdcli):
    r = sdcli(
        "ssr",
        *FORM,
        "--start",
        "2026-12-14 09:00",
        "--end",
        "2026-12-14 10:00",
        "--received-at",
        "2026-12-01 09:00",
        "--lang",
        "es",
        env=arrived("2026-12-01 09:00"),
    )
    assert r.exit_code == 0, r.output
    first, text = r.stdout.splitlines()[:2]
    assert first == "SSR1" and "SSR1" in text and "80,00 USD" in text and text.startswith("Confirmamos")
    doc = sdcli.json("ssr", "show", "SSR1", "--json")
    assert doc["status"] == "received" and doc["details"] == {"prefix": "10.9.0.0/16", "next_hop": "10.0.0.1"}
    assert "SSR1" in sdcli("ssr", "list").stdout and doc["category"] in sdcli("ssr", "list").stdout
    shown = sdcli("ssr", "show", "SSR1").stdout
    assert "next_hop" in shown and "Timeline" in shown and "SLA" not in shown
    assert (
        doc["requester"]["phone"] == "+5511987654321" and doc["window_start"] == "2026-12-14T09:00:00-03:00"
    )


def test_refusal_names_the_rule_and_the_earliest_time(sdcli, home):
    r = file(sdcli, start="2026-11-30 09:00", end="2026-11-30 10:00", received="2026-11-27 15:00")
    assert r.exit_code == 1
    assert (
        "48 hours of notice counted over business days" in r.stderr
        and "2026-12-01T15:00:00-03:00" in r.stderr
    )
    assert not (home / "store").exists()


def test_missing_category_fields_named_at_once_and_unknown_category(sdcli):
    form = [x for x in FORM if not x.startswith(("prefix", "next_hop"))]
    form.remove("--field")
    form.remove("--field")
    r = file(sdcli, form=form)
    assert r.exit_code == 1 and "--field prefix=..., --field next_hop=..." in r.stderr
    r = file(sdcli, form=[*FORM[:8], "--category", "teleport"])
    assert r.exit_code == 1 and "known: bandwidth_change, port_vlan_change, static_route" in r.stderr


def test_check_command(sdcli):
    r = sdcli(
        "ssr",
        "check",
        "--start",
        "2026-11-30 09:00",
        "--country",
        "BR",
        "--tz",
        "America/Sao_Paulo",
        "--received-at",
        "2026-11-27 15:00",
        "--json",
        env=arrived("2026-11-27 15:00"),
    )
    assert r.exit_code == 1 and '"accepted": false' in r.stdout
    ok = sdcli.json(
        "ssr",
        "check",
        "--start",
        "2026-12-01 15:00",
        "--country",
        "BR",
        "--tz",
        "America/Sao_Paulo",
        "--received-at",
        "2026-11-27 15:00",
        "--json",
        env=arrived("2026-11-27 15:00"),
    )
    assert ok["accepted"] is True


def test_states_and_invoice(sdcli, home):
    (home).mkdir(parents=True, exist_ok=True)
    (home / "contracts.toml").write_text(
        '[[ssr_price]]\ncustomer = "acme"\ncategory = "dns_change"\namount = 45.5\ncurrency = "brl"\n'
    )
    dns = ["--requester", "Ana <ana@acme.com.br> +55 11 98765-4321", "--customer", "ACME", "--site", "=cmd|' /C calc'!A0",
           "--country", "BR", "--tz", "America/Sao_Paulo", "--category", "dns_change", "--field", "record=www", "--field", "value=1.2.3.4", "--description", "dns"]  # fmt: skip
    ids = [file(sdcli, received="2026-11-01 09:00", start="2026-11-10 09:00", end="2026-11-10 10:00")]
    ids.append(
        file(sdcli, form=dns, received="2026-11-01 09:00", start="2026-11-11 09:00", end="2026-11-11 10:00")
    )
    ids.append(file(sdcli, received="2026-11-01 09:00", start="2026-11-12 09:00", end="2026-11-12 10:00"))
    ids.append(
        file(sdcli, form=dns, received="2026-11-01 09:00", start="2026-11-13 09:00", end="2026-11-13 10:00")
    )
    ids = [__import__("json").loads(r.stdout)["id"] for r in ids]
    for i, sid in enumerate(ids):
        sdcli.json("ssr", "schedule", sid, "--json", env={"SDCLI_NOW": "2026-11-02T09:00:00-03:00"})
        if i < 3:
            sdcli.json("ssr", "done", sid, "--json", env={"SDCLI_NOW": f"2026-11-{20 + i}T12:00:00-03:00"})
    sdcli.json("ssr", "cancel", ids[3], "--json")
    r = sdcli("ssr", "done", ids[3])
    assert r.exit_code == 1 and "cancelled" in r.stderr
    inv = sdcli.json("ssr", "invoice", "--month", "2026-11", "--json")
    (acme,) = inv["customers"]
    assert [ln["id"] for ln in acme["lines"]] == ids[:3]
    assert acme["totals"] == {"BRL": 45.5, "USD": 160.0}
    for cur, total in acme["totals"].items():
        assert total == pytest.approx(sum(ln["amount"] for ln in acme["lines"] if ln["currency"] == cur))
    assert sdcli.json("ssr", "invoice", "--month", "2026-12", "--json")["customers"] == []
    r = sdcli("ssr", "invoice", "--month", "2026-11", "--csv")
    rows = list(csv.reader(r.stdout.splitlines()))
    assert (
        rows[0] == ["customer", "id", "category", "site", "done_at", "amount", "currency"] and len(rows) == 4
    )
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert any(cell.startswith("'=cmd") for row in rows for cell in row)
    r = sdcli("ssr", "invoice", "--month", "2026-11")
    assert (
        r.exit_code == 0 and "205.50" not in r.stdout and "160.00 USD" in r.stdout and "45.50 BRL" in r.stdout
    )
    r = sdcli("ssr", "invoice", "--month", "November")
    assert r.exit_code == 1 and "YYYY-MM" in r.stderr


# --------------------------------------------------------------------------- issue 14: the earliest start, DST, decisions

CL = ZoneInfo("America/Santiago")
MINUTE = timedelta(minutes=1)


def check(sdcli, received: str, start: str, country: str):
    from dst_cases import ZONES

    return sdcli("ssr", "check", "--start", start, "--country", country, "--tz", ZONES[country],
                 "--received-at", received, "--json", env=arrived(received, country))  # fmt: skip


def test_a_proposal_at_the_end_of_a_friday_moves_to_the_monday(sdcli):
    # BR, received on Tiradentes (Wed 2027-04-21): 48 business hours end at Sat 00:00
    r = check(sdcli, "2027-04-21 10:00", "2027-04-22 09:00", "BR")
    assert r.exit_code == 1 and json.loads(r.stdout)["earliest"] == "2027-04-26T00:00:00-03:00"
    assert check(sdcli, "2027-04-21 10:00", "2027-04-26 00:00", "BR").exit_code == 0
    assert check(sdcli, "2027-04-21 10:00", "2027-04-25 23:59", "BR").exit_code == 1
    # received at Thursday 00:00 (no holiday): 48 h end at Sat 00:00 as well
    thu = datetime(2026, 12, 3, 0, 0, tzinfo=SP)
    v = verdict(thu, datetime(2026, 12, 3, 9, 0, tzinfo=SP))
    assert v.earliest == datetime(2026, 12, 7, 0, 0, tzinfo=SP) and verdict(thu, v.earliest).accepted
    assert not verdict(thu, v.earliest - MINUTE).accepted


@settings(max_examples=120, deadline=None)
@given(receipts())
@example(("BR", datetime(2027, 4, 21, 13, 0, tzinfo=UTC)))  # Tiradentes 10:00 -03
@example(("CL", datetime(2026, 9, 1, 13, 0, tzinfo=UTC)))
def test_the_proposed_start_is_the_earliest_the_check_accepts(case):
    """Property (defect 1): for any receipt time, the proposal is accepted by the same check,
    one minute before it is refused, and so is every earlier day (within one local day the
    rule is the same and needs no less notice later, so its last minute speaks for the day)."""
    country, received = case
    tz = zone(country)
    p = ssr.check_lead_time(received, received, country, tz).earliest
    assert ssr.check_lead_time(received, p, country, tz).accepted
    assert not ssr.check_lead_time(received, p - MINUTE, country, tz).accepted
    day = received.astimezone(tz).date()
    while local_midnight(day + timedelta(days=1), tz) < p:
        last = local_midnight(day + timedelta(days=1), tz) - MINUTE
        assert last < received or not ssr.check_lead_time(received, last, country, tz).accepted, last
        day += timedelta(days=1)


def test_check_and_filing_count_real_time_across_chiles_september_change(sdcli):
    # received Tue 2026-09-01 09:00 -04, start Sun 2026-09-06 09:00 -03: 119 real hours
    r = check(sdcli, "2026-09-01 09:00", "2026-09-06 09:00", "CL")
    assert r.exit_code == 1 and json.loads(r.stdout)["notice_hours"] == 119
    r = file(
        sdcli, start="2026-09-06 09:00", end="2026-09-06 10:00", received="2026-09-01 09:00", form=CL_FORM
    )
    assert r.exit_code == 1 and "notice given 119.0 h" in r.stderr


def test_check_and_filing_count_real_time_across_chiles_april_change(sdcli):
    # received Tue 2026-03-31 09:30 -03, start Sun 2026-04-05 09:00 -04: 120.5 real hours
    ok = sdcli.json(
        "ssr",
        "check",
        "--start",
        "2026-04-05 09:00",
        "--country",
        "CL",
        "--tz",
        "America/Santiago",
        "--received-at",
        "2026-03-31 09:30",
        "--json",
        env=arrived("2026-03-31 09:30", "CL"),
    )
    assert ok["accepted"] and ok["notice_hours"] == 120.5
    doc = json.loads(
        file(
            sdcli, start="2026-04-05 09:00", end="2026-04-05 10:00", received="2026-03-31 09:30", form=CL_FORM
        ).stdout
    )
    assert doc["notice_hours"] == 120.5


CL_FORM = in_country("CL")
AHEAD = st.one_of(st.integers(0, 10 * 1440), st.integers(5 * 1440 - 90, 5 * 1440 + 90))


def as_typed(t: datetime, country: str) -> str:
    """A time as an agent types it: the site's wall clock, no offset."""
    return t.astimezone(zone(country)).strftime("%Y-%m-%d %H:%M")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(receipts(), AHEAD)
@example(("CL", datetime(2026, 9, 1, 13, 0, tzinfo=UTC)), 5 * 1440)
@example(("CL", datetime(2026, 3, 31, 12, 30, tzinfo=UTC)), 5 * 1440 - 30)
def test_check_and_filing_give_one_answer(sdcli, case, ahead):
    """Property (defect 2): `ssr check` and filing the same form agree, across DST changes too."""
    country, received = case
    start = received + timedelta(minutes=ahead)
    form = in_country(country)
    rec, begin, end = (
        as_typed(received, country),
        as_typed(start, country),
        as_typed(start + timedelta(hours=2), country),
    )
    r = check(sdcli, rec, begin, country)
    said = json.loads(r.stdout)
    filed = file(sdcli, start=begin, end=end, received=rec, form=form)
    assert (r.exit_code == 0) == (filed.exit_code == 0) == said["accepted"], (said, filed.output)
    if said["accepted"]:
        assert json.loads(filed.stdout)["notice_hours"] == said["notice_hours"]
    else:
        assert f"Earliest start that would be accepted: {said['earliest']}" in filed.stderr


@settings(max_examples=150, deadline=None)
@given(receipts(), AHEAD)
def test_a_verdict_depends_on_the_instants_only(case, ahead):
    """Property (defect 2): the same instants give the same verdict whether they carry the site's
    zone (what `check` parses) or a fixed offset (what filing reads back from the form)."""
    country, received = case
    tz = zone(country)
    start = received + timedelta(minutes=ahead)
    zoned = ssr.check_lead_time(received.astimezone(tz), start.astimezone(tz), country, tz)
    fixed = ssr.check_lead_time(
        datetime.fromisoformat(received.astimezone(tz).isoformat()),
        datetime.fromisoformat(start.astimezone(tz).isoformat()),
        country,
        tz,
    )
    assert zoned == fixed
    if str(zoned.rule).startswith("work on a Saturday"):
        assert zoned.notice == start - received  # real time


# ---- the decisions of issue 14, item 9 (README: Simple Service Requests)


def test_decision_work_on_a_weekday_holiday_is_judged_by_the_weekday_rule():
    # Tiradentes, Wed 2027-04-21 10:00; received Mon 00:00: 48 business hours (Mon, Tue), not 5 days
    v = verdict(datetime(2027, 4, 19, 0, 0, tzinfo=SP), datetime(2027, 4, 21, 10, 0, tzinfo=SP))
    assert v.accepted and "weekday" in str(v.rule) and v.notice == timedelta(hours=48)


def test_decision_a_window_into_the_weekend_is_judged_by_its_start(sdcli):
    # Fri 2026-12-11 20:00 to Sat 02:00, received Wed 20:00: 48 business hours before the start
    r = file(sdcli, start="2026-12-11 20:00", end="2026-12-12 02:00", received="2026-12-09 20:00")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["notice_hours"] == 48
    r = file(sdcli, start="2026-12-12 00:00", end="2026-12-12 02:00", received="2026-12-09 20:00")
    assert r.exit_code == 1 and "5 days" in r.stderr


def test_decision_48_hours_count_whole_business_days_not_desk_hours():
    # Mon 09:00 for Wed 09:00: 48 hours of two business days (desk hours would give 20)
    v = verdict(datetime(2026, 12, 7, 9, 0, tzinfo=SP), datetime(2026, 12, 9, 9, 0, tzinfo=SP))
    assert v.accepted and v.notice == timedelta(hours=48)
    assert (
        "notice_hours_over_business_days" in ssr.catalogue()
        and "notice_business_hours" not in ssr.catalogue()
    )


def test_the_old_key_name_is_refused_by_name(sdcli, home):
    home.mkdir(parents=True, exist_ok=True)
    text = (__import__("importlib").resources.files("sdcli.data") / "ssr.toml").read_text()
    (home / "ssr.toml").write_text(text.replace("notice_hours_over_business_days", "notice_business_hours"))
    r = check(sdcli, "2026-12-07 09:00", "2026-12-09 09:00", "BR")
    assert (
        r.exit_code == 1 and "notice_business_hours was renamed notice_hours_over_business_days" in r.stderr
    )


def test_invoice_lines_in_the_order_of_their_instants(sdcli):
    ids = []
    for done in ("2026-11-20T11:00:00-03:00", "2026-11-20T10:30:00-05:00"):  # 14:00 and 15:30 UTC
        ids.append(
            json.loads(
                file(
                    sdcli, received="2026-11-01 09:00", start="2026-11-10 09:00", end="2026-11-10 10:00"
                ).stdout
            )["id"]
        )
        sdcli.json("ssr", "schedule", ids[-1], "--json", env=arrived("2026-11-01 09:05"))
        sdcli.json("ssr", "done", ids[-1], "--json", env={"SDCLI_NOW": done})
    (acme,) = sdcli.json("ssr", "invoice", "--month", "2026-11", "--json")["customers"]
    assert [ln["id"] for ln in acme["lines"]] == ids


def test_a_customer_written_with_other_accents_is_one_customer_in_prices_and_the_invoice(home):
    from sdcli import invoices, ssr

    home.mkdir(parents=True, exist_ok=True)
    (home / "contracts.toml").write_text(
        '[[ssr_price]]\ncustomer = "Telefónica del Perú"\ncategory = "dns_change"\namount = 0\ncurrency = "usd"\n'
    )
    cat = ssr.category(home, "dns_change")
    spellings = ["Telefónica del Perú", "Telefonica del Peru", "TELEFÓNICA DEL PERÚ", "Telefónica del Perú"]
    assert {ssr.price_for(home, name, cat)["amount"] for name in spellings} == {0.0}
    docs = [{"kind": "ssr", "status": "done", "done_at": f"2026-12-0{i + 1}T12:00:00-05:00", "timezone": "America/Lima",
             "customer": name, "id": f"SSR{i + 1}", "category": "dns_change", "site": "Lima",
             "price": ssr.price_for(home, name, cat)} for i, name in enumerate(spellings)]  # fmt: skip
    (one,) = invoices.invoice(docs, "2026-12")["customers"]
    assert one["customer"] == "Telefónica del Perú" and [ln["id"] for ln in one["lines"]] == [
        "SSR1",
        "SSR2",
        "SSR3",
        "SSR4",
    ]
    assert one["totals"] == {"USD": 0.0}
    (asked,) = invoices.invoice(docs, "2026-12", customer="telefonica del peru")["customers"]
    assert len(asked["lines"]) == 4


def test_an_ssr_is_scheduled_inside_the_window_its_lead_time_was_checked_for(sdcli):
    sid = json.loads(file(sdcli, start="2026-12-14 09:00", end="2026-12-14 10:00").stdout)["id"]
    env = arrived("2026-12-02 09:00", "BR")
    r = sdcli("ssr", "schedule", sid, "--at", "2026-12-03 09:00", env=env)  # 48 business hours not given
    assert r.exit_code == 1 and "outside that window" in r.stderr, r.output
    assert sdcli.json("show", sid, "--json")["status"] != "scheduled"  # the refusal saved nothing
    doc = sdcli.json("ssr", "schedule", sid, "--at", "2026-12-14 09:30", "--json", env=env)
    assert doc["status"] == "scheduled" and doc["scheduled_at"].startswith("2026-12-14T09:30")


def test_an_invoice_line_is_dated_in_the_sites_zone_the_month_it_is_billed_in(sdcli):
    """An SSR done on 31 Dec at 23:30 in Lima is December's; its line said done_at
    2027-01-01T04:30:00+00:00 (the clock's UTC), a January date on December's invoice."""
    sid = json.loads(
        file(sdcli, form=in_country("PE"), received="2026-12-01 09:00", start="2026-12-14 09:00",
             end="2026-12-14 10:00").stdout
    )["id"]  # fmt: skip
    sdcli.json("ssr", "schedule", sid, "--json", env={"SDCLI_NOW": "2026-12-01T09:05:00-05:00"})
    sdcli.json("ssr", "done", sid, "--json", env={"SDCLI_NOW": "2027-01-01T04:30:00+00:00"})
    (acme,) = sdcli.json("ssr", "invoice", "--month", "2026-12", "--json")["customers"]
    assert [ln["done_at"] for ln in acme["lines"]] == ["2026-12-31T23:30:00-05:00"]
    rows = list(csv.DictReader(sdcli("ssr", "invoice", "--month", "2026-12", "--csv").stdout.splitlines()))
    assert [r["done_at"] for r in rows] == ["2026-12-31T23:30:00-05:00"]
    assert sdcli.json("ssr", "invoice", "--month", "2027-01", "--json")["customers"] == []


# --------------------------------------------------------------------------- a weekday window running into the weekend


def test_a_friday_night_window_into_saturday_is_told_not_silently_weekday_work(sdcli):
    """The source asks 5 days for "servicios de fin de semana" and 48 business hours otherwise, and
    does not say which a window from Friday 23:00 into Saturday follows: it is judged by its start,
    as before, and the weekend part's notice is said (stderr, --json too) and stored."""
    r = file(sdcli, start="2026-12-04 23:00", end="2026-12-05 03:00", received="2026-12-02 09:00")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["notice_hours"] == 62.0 and doc["weekend_from"] == "2026-12-05T00:00:00-03:00"
    assert doc["weekend_notice_hours"] == 63.0
    assert "Warning: the window runs into the weekend on 5 Dec 2026 00:00 São Paulo -03" in r.stderr
    assert "that part had 63.0 h of notice, and weekend work needs 5 days" in r.stderr
    assert "judged by its start" in r.stderr
    check = ["ssr", "check", "--country", "BR", "--tz", "America/Sao_Paulo", "--received-at", "2026-12-02 09:00",
             "--start", "2026-12-04 23:00"]  # fmt: skip
    env = arrived("2026-12-02 09:00")
    r = sdcli(*check, "--end", "2026-12-05 03:00", "--json", env=env)
    assert r.exit_code == 0 and json.loads(r.stdout)["weekend_notice_hours"] == 63.0
    assert "runs into the weekend" in r.stderr
    r = sdcli(*check, env=env)  # without its end, the start alone: as before
    assert r.exit_code == 0 and "weekend" not in r.stderr.replace("weekday", "")


def test_scheduled_into_its_weekend_part_it_is_weekend_work_and_needs_its_notice(sdcli):
    """Accepted as weekday work by its Friday 23:00 start, then scheduled at Saturday 01:00: that is
    weekend work, with 64 h of notice where the source asks 5 days. Refused; before midnight is fine."""
    r = file(sdcli, start="2026-12-04 23:00", end="2026-12-05 03:00", received="2026-12-02 09:00")
    sid = json.loads(r.stdout)["id"]
    env = {"SDCLI_NOW": "2026-12-02T10:00:00-03:00"}
    r = sdcli("ssr", "schedule", sid, "--at", "05/12/2026 01:00", env=env)
    assert r.exit_code == 1 and err(r).startswith(f"Error: {sid} scheduled at 5 Dec 2026 01:00 São Paulo -03")
    assert "is weekend work, which needs 5 days of notice, and the form gave 64.0 h" in r.stderr
    assert sdcli.json("ssr", "show", sid, "--json", env=env)["status"] == "received"
    doc = sdcli.json("ssr", "schedule", sid, "--at", "04/12/2026 23:30", "--json", env=env)
    assert doc["status"] == "scheduled" and doc["scheduled_at"] == "2026-12-04T23:30:00-03:00"
    r = file(sdcli, start="2026-12-04 23:00", end="2026-12-05 03:00", received="2026-11-28 09:00")
    sid = json.loads(r.stdout)["id"]  # six days ahead: the weekend part has its notice
    doc = sdcli.json("ssr", "schedule", sid, "--at", "05/12/2026 01:00", "--json", env=env)
    assert doc["scheduled_at"] == "2026-12-05T01:00:00-03:00"


@pytest.mark.parametrize(
    ("received", "end", "weekend_from"),
    [("2026-11-28 09:00", "2026-12-05 03:00", "2026-12-05T00:00:00-03:00"),  # 6 days: both rules met
     ("2026-12-02 09:00", "2026-12-05 00:00", None),  # ends at Saturday's midnight: no weekend part
     ("2026-12-02 09:00", "2026-12-04 23:59", None)],
)  # fmt: skip
def test_a_window_with_enough_notice_for_its_weekend_part_or_none_is_not_warned(
    sdcli, received, end, weekend_from
):
    r = file(sdcli, start="2026-12-04 23:00", end=end, received=received)
    assert r.exit_code == 0, r.output
    assert "runs into the weekend" not in r.stderr
    assert json.loads(r.stdout).get("weekend_from") == weekend_from


# --------------------------------------------------------------------------- the month an SSR is billed in


PE_FORM = [*in_country("PE")[:6], "--country", "PE", *FORM[10:]]


def test_work_done_on_the_30th_marked_done_on_the_1st_is_not_billed_in_the_next_month(sdcli):
    """`ssr done` stored the time it was typed: work done on 30 Nov at 23:30 in Lima, marked done the
    next morning, was on December's invoice and missing from November's. Now is refused in another
    month than the window; --at says when the work was done."""
    r = file(
        sdcli, form=PE_FORM, start="2026-11-30 22:00", end="2026-11-30 23:30", received="2026-11-20 10:00"
    )
    sid = json.loads(r.stdout)["id"]
    sdcli.json("ssr", "schedule", sid, "--json", env={"SDCLI_NOW": "2026-11-20T10:05:00-05:00"})
    morning = {"SDCLI_NOW": "2026-12-01T08:00:00-05:00"}
    r = sdcli("ssr", "done", sid, env=morning)
    assert r.exit_code == 1 and err(r).count("\n") == 1
    assert "window was 30 Nov 2026 22:00 Lima -05" in r.stderr and "to 30 Nov 2026 23:30 Lima -05" in r.stderr
    assert (
        'and it is 2026-12 now: the invoice bills the month the work was done, so say when (--at "30/11/2026 23:30"'
        in r.stderr
    )
    assert sdcli.json("ssr", "show", sid, "--json", env=morning)["status"] == "scheduled"
    r = sdcli("ssr", "done", sid, "--at", "30/11/2026 21:00", env=morning)  # before its window: no
    assert r.exit_code == 1 and "was requested for a window from 30 Nov 2026 22:00 Lima -05" in r.stderr
    assert "30 Nov 2026 21:00 Lima -05" in r.stderr and "is before it" in r.stderr
    r = sdcli("ssr", "done", sid, env={"SDCLI_NOW": "2026-11-30T10:00:00-05:00"})  # nor now, before it
    assert r.exit_code == 1 and "is before it" in r.stderr
    r = sdcli("ssr", "done", sid, "--at", "02/12/2026 09:00", env=morning)
    assert r.exit_code == 1 and "future" in r.stderr
    doc = sdcli.json("ssr", "done", sid, "--at", "30/11/2026 23:30", "--json", env=morning)
    assert doc["done_at"] == "2026-11-30T23:30:00-05:00" and doc["status"] == "done"
    (nov,) = sdcli.json("ssr", "invoice", "--month", "2026-11", "--json", env=morning)["customers"]
    assert [ln["id"] for ln in nov["lines"]] == [sid]
    assert sdcli.json("ssr", "invoice", "--month", "2026-12", "--json", env=morning)["customers"] == []


def test_marked_done_now_in_the_windows_month_or_said_so(sdcli):
    r = file(
        sdcli, form=PE_FORM, start="2026-11-30 22:00", end="2026-11-30 23:30", received="2026-11-20 10:00"
    )
    sid = json.loads(r.stdout)["id"]
    sdcli.json("ssr", "schedule", sid, "--json", env={"SDCLI_NOW": "2026-11-20T10:05:00-05:00"})
    doc = sdcli.json(
        "ssr", "done", sid, "--at", "now", "--json", env={"SDCLI_NOW": "2026-12-01T08:00:00-05:00"}
    )
    assert doc["done_at"] == "2026-12-01T08:00:00-05:00"  # rescheduled work, said by the agent
    r = file(
        sdcli, form=PE_FORM, start="2026-11-30 22:00", end="2026-11-30 23:30", received="2026-11-20 10:00"
    )
    sid = json.loads(r.stdout)["id"]
    sdcli.json("ssr", "schedule", sid, "--json", env={"SDCLI_NOW": "2026-11-20T10:05:00-05:00"})
    doc = sdcli.json("ssr", "done", sid, "--json", env={"SDCLI_NOW": "2026-11-30T23:40:00-05:00"})
    assert doc["done_at"] == "2026-11-30T23:40:00-05:00"  # the same month: now, as before


def test_scheduling_at_a_requested_start_that_has_passed_is_refused(sdcli):
    """`ssr schedule` without --at schedules the requested start: on 5 Dec an SSR whose window ended on
    30 Nov became "scheduled" without a word. Refused now; inside the window --at names a time ahead."""
    r = file(
        sdcli, form=PE_FORM, start="2026-11-30 22:00", end="2026-11-30 23:30", received="2026-11-20 10:00"
    )
    sid = json.loads(r.stdout)["id"]
    r = sdcli("ssr", "schedule", sid, env={"SDCLI_NOW": "2026-12-05T10:00:00-05:00"})
    assert (
        r.exit_code == 1
        and "to 30 Nov 2026 23:30 Lima -05" in r.stderr
        and "which is over: it cannot be" in r.stderr
    )
    during = {"SDCLI_NOW": "2026-11-30T22:30:00-05:00"}
    r = sdcli("ssr", "schedule", sid, env=during)
    assert r.exit_code == 1 and "which has begun: schedule it at a time still ahead" in r.stderr
    assert sdcli.json("ssr", "show", sid, "--json", env=during)["status"] == "received"
    doc = sdcli.json("ssr", "schedule", sid, "--at", "30/11/2026 23:00", "--json", env=during)
    assert doc["status"] == "scheduled" and doc["scheduled_at"] == "2026-11-30T23:00:00-05:00"


def test_a_refused_notice_is_never_quoted_as_the_rules_own_figure(sdcli):
    """119.98 h before a Saturday start was quoted "anticipación dada 120,0 h" beside the rule of
    5 days (120 h) it falls short of: a notice is rounded down."""
    now = {"SDCLI_NOW": "2026-12-07T09:00:00-05:00"}
    r = sdcli("--lang", "es", "ssr", "check", "--start", "12/12/2026 08:59", "--country", "PE", env=now)
    assert r.exit_code == 1 and "anticipación dada 119,9 h" in err(r) and "120,0" not in err(r), err(r)
    r = sdcli("ssr", "check", "--start", "12/12/2026 09:00", "--country", "PE", env=now)
    assert r.exit_code == 0 and "120.0 h" in r.output, r.output


def test_a_categorys_field_is_asked_as_a_question_not_as_its_key():
    """A category's own fields were asked by their bare name: "circuit_id" in English, "id del
    circuito" in Spanish; they are asked as a question's label reads, capitalised, no underscore."""
    from sdcli.questionnaire import load_form

    asked = {q.key: q for q in load_form("ssr")}
    circuit, bandwidth = asked["details.circuit_id"], asked["details.new_bandwidth"]
    assert (circuit.text("en"), circuit.text("es"), circuit.text("pt")) == (
        "Circuit id", "Id del circuito", "Id do circuito")  # fmt: skip
    assert bandwidth.text("en") == "New bandwidth" and bandwidth.text("es") == "Nuevo ancho de banda"
    assert asked["customer"].text("es") == "Cliente"  # a label that is a question: as written


def test_schedule_says_when_the_work_is_scheduled(sdcli):
    """`ssr schedule SSR1` said "SSR1 is now scheduled." and not when: at the requested start, or
    at --at, said on the site's clock."""
    sid = __import__("json").loads(file(sdcli).stdout)["id"]
    now = {"SDCLI_NOW": "2026-12-02T09:00:00-03:00"}
    r = sdcli("ssr", "schedule", sid, env=now)
    assert r.exit_code == 0, r.output
    assert "Scheduled for 14 Dec 2026 09:00 São Paulo -03" in " ".join(r.output.split()), r.output
    again = file(sdcli, start="2026-12-15 09:00", end="2026-12-15 12:00")
    other = __import__("json").loads(again.stdout)["id"]
    r = sdcli("--lang", "es", "ssr", "schedule", other, "--at", "15/12/2026 10:30", env=now)
    assert "Programada para el 15 dic 2026 10:30 São Paulo -03" in " ".join(r.output.split()), r.output
    assert "scheduled_at" in sdcli.json("ssr", "show", other, "--json")  # JSON as before
