"""`sdcli doctor` reports the money older versions stored that sdcli refuses today: a currency
that is no ISO 4217 code ("SOL", "R$", "US$", "XYZ" in an SSR's price or a change's cost) and an
amount with more decimals than its currency (100.5 CLP), naming the ticket, the field and the
value; `--fix` never changes them (only the desk knows what was meant) and says what to do. The
same on PostgreSQL (SDCLI_TEST_BACKEND=postgresql)."""

from __future__ import annotations

import json

import pytest
from conftest import err
from languages import english_in
from test_money import executed
from test_ssr import file

import sdcli.ui as ui


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    monkeypatch.setenv("SDCLI_NOW", "2026-12-01T10:00:00-05:00")


def stored_as(store, tid: str, field: str, **value) -> None:
    """What an older version stored in a ticket's price or cost (no command writes it today)."""

    def change(doc):
        doc[field] = {**doc[field], **value}
        return {"action": "note", "note": "as an older version stored it"}

    store.update(tid, change, actor="old-version")


def planted(sdcli, store) -> dict[str, str]:
    """SSR1 priced in 'SOL', three costed changes in 'R$', 'XYZ' and 100.5 CLP, one in 45000 CLP."""
    r = file(sdcli, env={"SDCLI_NOW": "2026-12-01T09:00:00-03:00"})
    assert r.exit_code == 0, r.output
    stored_as(store, "SSR1", "price", currency="SOL")
    ids = {}
    for name, amount, currency in (("brl", "1200", "BRL"), ("xyz", "300", "USD"), ("clp", "100", "CLP"),
                                   ("fine", "45000", "CLP")):  # fmt: skip
        ids[name] = executed(sdcli)
        assert sdcli("change", "cost", ids[name], "--amount", amount, "--currency", currency).exit_code == 0
    stored_as(store, ids["brl"], "cost", currency="R$")
    stored_as(store, ids["xyz"], "cost", currency="XYZ")
    stored_as(store, ids["clp"], "cost", amount=100.5)
    return ids


def test_doctor_names_each_stored_currency_that_is_no_iso_code_and_each_decimal_too_many(sdcli, store):
    ids = planted(sdcli, store)
    r = sdcli("doctor")
    # notices, not problems: nothing can correct them but the desk, and a nightly `doctor || alert`
    # must not alert every night for them (exit 0); each line says what to do
    assert r.exit_code == 0, r.output
    assert not any(ln.startswith("problem: ") for ln in r.stdout.splitlines()), r.stdout
    assert r.stdout.splitlines()[-1].endswith("ok; 4 notice(s) of data to correct by hand"), r.stdout
    lines = [ln.removeprefix("notice: ") for ln in r.stdout.splitlines() if ln.startswith("notice: ")]
    money = [ln for ln in lines if "ISO 4217" in ln]
    assert len(money) == 4, r.stdout
    assert money[0].startswith("SSR1 price.currency: 'SOL' is not an ISO 4217 currency code") and (
        "it reads as PEN today" in money[0]
        and "--fix leaves it" in money[0]
        and "sdcli note SSR1" in money[0]
    )
    assert money[1].startswith(f"{ids['brl']} cost.currency: 'R$' is not an ISO 4217 currency code")
    assert "reads as BRL" in money[1]
    assert money[2].startswith(f"{ids['xyz']} cost.currency: 'XYZ' is not an ISO 4217 currency code")
    assert "reads as" not in money[2] and "correct the bill by hand" in money[2]
    assert money[3].startswith(f"{ids['clp']} cost.amount: 100.5 has more decimals than CLP has (0,")
    assert ids["fine"] not in r.stdout
    report = json.loads(sdcli("doctor", "--json").stdout)
    assert report["ok"] is True and report["problems"] == [] and report["notices"] == money


def test_fix_leaves_them_as_they_are_and_still_reports_them(sdcli, store):
    ids = planted(sdcli, store)
    before = {t: store.get(t) for t in ("SSR1", *ids.values())}
    r = sdcli("doctor", "--fix")
    assert r.exit_code == 0, r.output
    assert sum("ISO 4217" in ln for ln in r.stdout.splitlines() if ln.startswith("notice: ")) == 4
    assert not any("ISO 4217" in ln for ln in r.stdout.splitlines() if ln.startswith("fixed: "))
    after = {t: store.get(t) for t in before}
    assert after == before and after["SSR1"]["price"]["currency"] == "SOL"
    assert after[ids["clp"]]["cost"] == {"amount": 100.5, "currency": "CLP"}


@pytest.mark.parametrize(
    ("lang", "said"),
    [("es", ["no es un código de moneda ISO 4217", "precio › moneda", "hoy se lee como PEN", "--fix no lo cambia"]),
     ("pt", ["não é um código de moeda ISO 4217", "preço › moeda", "hoje é lido como PEN", "--fix não o altera"])],
)  # fmt: skip
def test_the_report_is_in_the_sessions_language(sdcli, store, lang, said):
    planted(sdcli, store)
    r = sdcli("--lang", lang, "doctor")
    assert r.exit_code == 0, r.output
    assert all(s in r.stdout for s in said) and "aviso: " in r.stdout, r.stdout
    assert english_in(r.stdout + err(r), lang) == []
