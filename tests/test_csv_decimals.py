"""Numbers in a CSV whose cells are separated by `;` (a desk in Spanish or Portuguese, Excel's
CSV there, `export --excel`) have a decimal comma: `ssr invoice --csv` wrote 60.00 there, which
a Spanish spreadsheet reads as 6000 or as text. One rule for the invoice and `export`
(tables.decimal_mark); JSON keeps its numbers."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import err
from test_export_columns import soffice, spreadsheet_cells  # noqa: F401  (soffice: a fixture)
from test_ssr import file

import sdcli.ui as ui
from sdcli.store import open_store

SEMICOLON = {"SDCLI_CSV_DELIMITER": ";"}


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


def billed(sdcli, home) -> None:
    """Two SSRs done in November 2026: 80 USD (the catalogue's) and a contract's 45000 CLP."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "contracts.toml").write_text(
        '[[ssr_price]]\ncustomer = "ACME"\ncategory = "dns_change"\namount = 45000\ncurrency = "CLP"\n'
    )
    dns = ["--requester", "Ana <ana@acme.com.br> +55 11 98765-4321", "--customer", "ACME", "--site", "SP-02",
           "--country", "BR", "--tz", "America/Sao_Paulo", "--category", "dns_change", "--field", "record=www",
           "--field", "value=1.2.3.4", "--description", "dns"]  # fmt: skip
    made = [file(sdcli, received="2026-11-01 09:00", start="2026-11-10 09:00", end="2026-11-10 10:00"),
            file(sdcli, form=dns, received="2026-11-01 09:00", start="2026-11-11 09:00", end="2026-11-11 10:00")]  # fmt: skip
    for r in made:
        assert r.exit_code == 0, r.output
        sid = json.loads(r.stdout)["id"]
        sdcli.json("ssr", "schedule", sid, "--json", env={"SDCLI_NOW": "2026-11-02T09:00:00-03:00"})
        sdcli.json("ssr", "done", sid, "--json", env={"SDCLI_NOW": "2026-11-20T12:00:00-03:00"})


def invoice_rows(sdcli, sep: str, env: dict[str, str] | None = None) -> list[dict[str, str]]:
    r = sdcli("ssr", "invoice", "--month", "2026-11", "--csv", env=env or {})
    assert r.exit_code == 0, r.output
    return list(csv.DictReader(io.StringIO(r.stdout, newline=""), delimiter=sep))


def test_an_invoice_in_a_semicolon_csv_writes_a_decimal_comma_and_json_keeps_numbers(sdcli, home):
    billed(sdcli, home)
    rows = invoice_rows(sdcli, ";", SEMICOLON)
    assert [(r["amount"], r["currency"]) for r in rows] == [("80,00", "USD"), ("45000", "CLP")]
    rows = invoice_rows(sdcli, ",")  # the default separator: a decimal point, as before
    assert [(r["amount"], r["currency"]) for r in rows] == [("80.00", "USD"), ("45000", "CLP")]
    (acme,) = sdcli.json("ssr", "invoice", "--month", "2026-11", "--json", env=SEMICOLON)["customers"]
    assert [ln["amount"] for ln in acme["lines"]] == [80.0, 45000.0] and acme["totals"] == {
        "CLP": 45000.0, "USD": 80.0
    }  # fmt: skip
    r = sdcli("--lang", "es", "ssr", "invoice", "--month", "2026-11")
    assert "80,00 USD" in r.stdout and "45000 CLP" in r.stdout and "80.00" not in r.stdout


def test_a_spanish_spreadsheet_reads_the_invoices_amount_as_the_number_it_is(sdcli, home, tmp_path, soffice):  # noqa: F811
    billed(sdcli, home)
    out = tmp_path / "invoice.csv"
    out.write_text(
        sdcli("ssr", "invoice", "--month", "2026-11", "--csv", env=SEMICOLON).stdout, encoding="utf-8"
    )
    for language in (3082, 1046):  # es-ES, pt-BR
        rows = spreadsheet_cells(soffice, out, ";", language)
        assert [r["amount"][1] for r in rows] == ["float", "float"], rows
        assert [r["amount"][0] for r in rows] == ["80", "45000"]  # numbers, shown as numbers
    control = tmp_path / "control.csv"  # what was written before: text to the same program
    control.write_text("amount;currency\r\n80.00;USD\r\n", encoding="utf-8")
    [c] = spreadsheet_cells(soffice, control, ";", 3082)
    assert c["amount"][1] != "float" or c["amount"][0] != "80"


def test_an_export_between_semicolons_writes_its_numbers_with_a_decimal_comma_and_imports_again(
    sdcli, home, tmp_path, another_store
):
    billed(sdcli, home)
    now = {"SDCLI_NOW": "2026-12-01T10:00:00-05:00"}
    inc = sdcli.json("open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE",
                     "--problem", "link_down", "--service-type", "mpls", "--callback",
                     "Ana <ana@acme.pe> +51 987654321", "--json", env=now)["id"]  # fmt: skip
    home.joinpath("contracts.toml").write_text(
        '[[contract]]\ncustomer = "ACME"\nservice_type = "mpls"\ntargets = { "3" = 6.5 }\n', encoding="utf-8"
    )
    assert sdcli("classify", inc, "--severity", "3", "--reason", "one site", env=now).exit_code == 0
    assert open_store(home=home).get(inc)["sla_target_hours"] == 6.5
    out = tmp_path / "x.csv"
    assert sdcli("export", "--excel", "-o", str(out), env=now).exit_code == 0
    [row] = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline=""), delimiter=";")
    assert row["sla_target_hours"] == "6,5"
    ssrs = sdcli("export", "--kind", "ssr", "--delimiter", ";", env=now).stdout
    first = next(csv.DictReader(io.StringIO(ssrs, newline=""), delimiter=";"))
    assert "," in first["notice_hours"] and "." not in first["notice_hours"]
    assert json.loads(first["price"]) == {
        "amount": 80.0,
        "currency": "USD",
    }  # JSON in a cell: its own numbers
    comma = sdcli("export", env=now).stdout
    assert next(csv.DictReader(io.StringIO(comma, newline="")))["sla_target_hours"] == "6.5"
    other = another_store()
    r = sdcli("--store", other, "import", str(out), "--json", env=now)
    assert r.exit_code == 0, r.output + err(r)
    [after] = open_store(other, home=home).all_tickets()
    assert after["sla_target_hours"] == 6.5


def test_a_price_told_to_the_customer_and_shown_is_written_as_their_language_writes_it(sdcli, home, tmp_path):
    """The Portuguese confirmation said "O custo (45.50 BRL)" and `ssr show` "valor=45.5, moeda=BRL":
    an amount is written with the language's decimal mark and its currency's decimals."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "contracts.toml").write_text(
        '[[ssr_price]]\ncustomer = "ACME"\ncategory = "dns_change"\namount = 45.5\ncurrency = "BRL"\n'
    )
    (home / "config.toml").write_text('mail_from = "BT Service Desk <desk@example.com>"\n')
    (home / "config.toml").chmod(0o600)
    dns = ["--requester", "Ana <ana@acme.com.br> +55 11 98765-4321", "--customer", "ACME", "--site", "SP-02",
           "--country", "BR", "--tz", "America/Sao_Paulo", "--category", "dns_change", "--field", "record=www",
           "--field", "value=1.2.3.4", "--description", "dns"]  # fmt: skip
    r = file(sdcli, form=dns, received="2026-11-01 09:00", start="2026-11-10 09:00", end="2026-11-10 10:00")
    assert r.exit_code == 0, r.output
    sid = json.loads(r.stdout)["id"]
    eml = tmp_path / "ack.eml"
    r = sdcli("ssr", "ack", sid, "--reply", "-o", str(eml), env={"SDCLI_NOW": "2026-11-01T10:00:00-03:00"})
    assert r.exit_code == 0, r.output
    from email import message_from_bytes, policy

    body = message_from_bytes(eml.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "45,50 BRL" in body and "45.50" not in body, body
    shown = sdcli("--lang", "pt", "ssr", "show", sid).stdout
    assert "45,50 BRL" in shown and "valor=45" not in shown, shown
    assert "horas de antecedência  129 " in shown  # a number of hours as Portuguese writes it (was 129.0)
    assert "45.50 BRL" in sdcli("--lang", "en", "ssr", "show", sid).stdout


@pytest.mark.parametrize(("lang", "said"), [("es", "anticipación dada 24,5 h"), ("pt", "antecedência dada 24,5 h"),
                                            ("en", "notice given 24.5 h")])  # fmt: skip
def test_an_ssr_checks_hours_of_notice_are_written_as_the_language_writes_them(sdcli, lang, said):
    """`ssr check` said "anticipación dada 24.5 h" in Spanish: hours with the language's decimal mark."""
    r = sdcli("--lang", lang, "ssr", "check", "--country", "PE", "--start", "02/12/2026 09:30",
              env={"SDCLI_NOW": "2026-12-01T09:00:00-05:00"})  # fmt: skip
    assert r.exit_code == 1 and said in err(r), err(r)
