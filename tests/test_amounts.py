"""Numbers as people type them (sdcli/amounts.py): `change cost --amount "1.500"` once stored 1.5 in
a Spanish session, and "1,500" was refused in English. Both separators: the last is the decimal
one; one separator before exactly three digits reads two ways and is refused naming both; the
cost stored is echoed. The same reading for an import's sla_target_hours."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import err
from hypothesis import given
from hypothesis import strategies as st

import sdcli.ui as ui
from sdcli import amounts
from sdcli.errors import InvalidValue
from sdcli.i18n import render

READINGS = [
    ("1500", Decimal("1500")),
    ("1,5", Decimal("1.5")),
    ("1.5", Decimal("1.5")),
    ("1.500,50", Decimal("1500.50")),
    ("1,500.50", Decimal("1500.50")),
    ("1.500.000", Decimal("1500000")),
    ("1,500,000.25", Decimal("1500000.25")),
    ("0,500", Decimal("0.5")),  # no one writes 500 as 0.500
    ("1234.500", Decimal("1234.5")),  # four digits before: no thousands group
    ("1,2345", Decimal("1.2345")),
    (" 45,5 ", Decimal("45.5")),
    (12, Decimal("12")),
    (2.5, Decimal("2.5")),
]


@pytest.mark.parametrize(("text", "value"), READINGS)
def test_a_number_reads_as_people_write_it(text, value):
    assert amounts.read("amount", text) == value


@pytest.mark.parametrize(
    ("text", "en", "es"),
    [
        ("1.500", "reads as 1500 or as 1.5; write 1500 or 1.50", "se lee 1500 o 1,5; escriba 1500 o 1,50"),
        ("1,500", "reads as 1500 or as 1.5; write 1500 or 1.50", "se lee 1500 o 1,5; escriba 1500 o 1,50"),
        ("999,000", "reads as 999000 or as 999.0; write 999000 or 999.00", "se lee 999000 o 999,0; escriba"),
        ("12.345", "reads as 12345 or as 12.345; write 12345 or 12.3450", "se lee 12345 o 12,345; escriba"),
        (
            "-1,250",
            "reads as -1250 or as -1.25; write -1250 or -1.25",
            "se lee -1250 o -1,25; escriba -1250 o",
        ),
    ],
)
def test_one_separator_before_three_digits_is_refused_naming_both_readings(text, en, es):
    with pytest.raises(InvalidValue) as e:
        amounts.read("amount", text)
    assert render(e.value.message, "en") == f"amount: {text!r} is not valid: {en}"
    assert render(e.value.message, "es").startswith(f"importe: {text!r} no es válido: {es}")


@pytest.mark.parametrize(
    "text", ["", "abc", "1e3", "nan", "inf", "5.", "1.500,", "1..5", "1.,5", "1.5.0,1", "1,50.000,5", "12.34.567",
             "1 500", True, None, float("nan"), [1]],
)  # fmt: skip
def test_what_is_no_number_is_refused_as_such(text):
    with pytest.raises(InvalidValue) as e:
        amounts.read("amount", text)
    assert "expected a number" in render(e.value.message, "en")


CENTS = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


def _written(value: Decimal, point: str, group: str) -> str:
    whole, _, frac = f"{value:,.2f}".partition(".")
    return whole.replace(",", group) + point + frac


@given(CENTS)
def test_a_cost_with_cents_reads_alike_in_every_writing(value):
    for point, group in ((".", ","), (",", "."), (".", ""), (",", "")):
        assert amounts.read("amount", _written(value, point, group)) == value


@given(st.integers(min_value=0, max_value=10**12))
def test_a_plain_integer_is_itself(n):
    assert amounts.read("amount", str(n)) == n


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_every_one_to_three_digits_before_a_mark_and_three_after_is_refused(whole, frac):
    for mark in ".,":
        with pytest.raises(InvalidValue, match="number_ambiguous|reads as"):
            amounts.read("amount", f"{whole}{mark}{frac:03d}")


def test_an_amount_is_stored_in_its_currencys_decimals_within_range():
    assert amounts.amount("amount", "1.234,56", "USD", 2) == 1234.56
    with pytest.raises(InvalidValue, match="more decimals than USD has"):  # never rounded to cents
        amounts.amount("amount", "1.234,567", "USD", 2)
    with pytest.raises(InvalidValue, match="out of range|out_of_range"):
        amounts.amount("amount", "-1,5", "USD", 2)
    with pytest.raises(InvalidValue):
        amounts.amount("amount", "1.000.000.000.000,01", "USD", 2)


# --------------------------------------------------------------------------- through the CLI

PM = "Paulo Reis <paulo@andino.pe> +51 1 4117002"
CB = "Rosa Quispe <rosa@andino.pe> +51 1 4117003"


@pytest.fixture
def executed(sdcli, monkeypatch):
    """An executed change, CHG1, whose cost is to be informed."""
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    monkeypatch.setenv("SDCLI_NOW", "2026-12-01T10:00:00-05:00")
    sdcli.json("change", "--customer", "Banco Andino", "--site", "Lima HQ", "--country", "PE", "--type", "rack_relocation",
               "--description", "Move rack", "--window-start", "10/12/2026 22:00", "--window-end", "11/12/2026 04:00",
               "--project-manager", PM, "--callback", CB, "--json")  # fmt: skip
    for args in (["send"], ["accept", "--by", "Rosa Quispe"], ["schedule", "--at", "10/12/2026 22:00"]):
        sdcli.json("change", args[0], "CHG1", *args[1:], "--json")
    monkeypatch.setenv("SDCLI_NOW", "2026-12-11T05:00:00-05:00")
    sdcli.json("change", "execute", "CHG1", "--json")
    return "CHG1"


@pytest.mark.parametrize(
    ("lang", "text", "said"),
    [
        ("es", "1.500", "Error: importe: '1.500' no es válido: se lee 1500 o 1,5; escriba 1500 o 1,50"),
        ("en", "1,500", "Error: amount: '1,500' is not valid: reads as 1500 or as 1.5; write 1500 or 1.50"),
        ("pt", "1.500", "Erro: valor: '1.500' não é válido: lê-se 1500 ou 1,5; escreva 1500 ou 1,50"),
        ("es", "mil", "Error: importe: 'mil' no es válido: se esperaba un número, p. ej. 1500 o 1500,50"),
    ],
)
def test_an_amount_that_reads_two_ways_is_refused_in_the_sessions_language(
    sdcli, store, executed, lang, text, said
):
    r = sdcli("--lang", lang, "change", "cost", executed, "--amount", text, "--currency", "PEN")
    assert r.exit_code == 1 and err(r).strip() == said, r.output
    assert store.get(executed)["status"] == "executed" and "cost" not in store.get(executed)


@pytest.mark.parametrize(
    ("lang", "text", "amount", "echo"),
    [
        ("es", "1.500,50", 1500.5, "Costo de CHG1: 1500,50 PEN."),
        ("en", "1,500.50", 1500.5, "Cost of CHG1: 1500.50 PEN."),
        ("es", "1,5", 1.5, "Costo de CHG1: 1,50 PEN."),
        ("pt", "1500", 1500.0, "Custo de CHG1: 1500,00 PEN."),
    ],
)
def test_the_cost_stored_is_the_one_meant_and_is_echoed(sdcli, store, executed, lang, text, amount, echo):
    r = sdcli("--lang", lang, "change", "cost", executed, "--amount", text, "--currency", "pen")
    assert r.exit_code == 0, r.output
    assert err(r).splitlines()[-1] == echo
    assert store.get(executed)["cost"] == {"amount": amount, "currency": "PEN"}


def test_an_imports_target_hours_read_the_same_way(sdcli, store, tmp_path):
    row = {"customer_reference": "CR-1", "customer": "C", "site": "S", "country": "MX", "timezone": "America/Mexico_City",
           "problem": "link_down", "service_type": "internet", "callback_contacts": "Ana <ana@cliente.mx> 55 5100 3003"}  # fmt: skip
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({**row, "sla_target_hours": "4,5"}) + "\n", encoding="utf-8")
    assert sdcli.json("import", str(path), "--json")["created"] == 1
    assert store.get("INC1")["sla_target_hours"] == 4.5
    path.write_text(json.dumps({**row, "customer_reference": "CR-2", "sla_target_hours": "1.000"}) + "\n")
    r = sdcli("import", str(path))
    assert r.exit_code == 1 and "sla_target_hours: '1.000': reads as 1000 or as 1.0" in err(r), r.output
