"""Simple Service Requests: the lead-time rule, required fields, states, and the monthly invoice."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

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
    assert not v.accepted and v.notice == timedelta(hours=18) and "48 hours" in v.rule
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
    assert v.accepted and "5 days" in v.rule


@pytest.mark.parametrize("hours_before", [1, 20, 47, 60, 100, 119])
def test_the_earliest_proposed_time_is_itself_accepted(hours_before):
    received = datetime(2026, 12, 4, 16, 30, tzinfo=SP)
    start = received + timedelta(hours=hours_before)
    v = verdict(received, start)
    if not v.accepted:
        assert verdict(received, v.earliest).accepted


FORM = ["--requester", "Ana <ana@acme.com.br> +55 11 98765-4321", "--customer", "ACME", "--site", "SP-01", "--country", "BR",
        "--category", "static_route", "--field", "prefix=10.9.0.0/16", "--field", "next_hop=10.0.0.1",
        "--description", "new branch"]  # fmt: skip


def file(
    sdcli, start="2026-12-14 09:00", end="2026-12-14 10:00", received="2026-12-01 09:00", form=FORM, **kw
):
    return sdcli("ssr", *form, "--start", start, "--end", end, "--received-at", received, "--json", **kw)


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
    )
    assert r.exit_code == 0, r.output
    first, text = r.stdout.splitlines()[:2]
    assert first == "SSR1" and "SSR1" in text and "80.00 USD" in text and text.startswith("Confirmamos")
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
        "--received-at",
        "2026-11-27 15:00",
        "--json",
    )
    assert r.exit_code == 1 and '"accepted": false' in r.stdout
    ok = sdcli.json(
        "ssr",
        "check",
        "--start",
        "2026-12-01 15:00",
        "--country",
        "BR",
        "--received-at",
        "2026-11-27 15:00",
        "--json",
    )
    assert ok["accepted"] is True


def test_states_and_invoice(sdcli, home):
    (home).mkdir(parents=True, exist_ok=True)
    (home / "contracts.toml").write_text(
        '[[ssr_price]]\ncustomer = "acme"\ncategory = "dns_change"\namount = 45.5\ncurrency = "brl"\n'
    )
    dns = ["--requester", "Ana <ana@acme.com.br> +55 11 98765-4321", "--customer", "ACME", "--site", "=cmd|' /C calc'!A0",
           "--country", "BR", "--category", "dns_change", "--field", "record=www", "--field", "value=1.2.3.4", "--description", "dns"]  # fmt: skip
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
        sdcli.json("ssr", "schedule", sid, "--json")
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
