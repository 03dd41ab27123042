"""Money is kept in ISO 4217 currencies (sdcli/data/currencies.toml, sdcli/money.py): a change's
cost, an SSR's price from the catalogue or a contract. A code that is none (SOL, XYZ) was stored
and totalled as a currency of its own; what agents write ("S/", "soles", "R$", "reais") is read
as its code and said back; a word for several ("pesos", "$") is refused naming them."""

from __future__ import annotations

import pytest
from conftest import err
from test_change import CB, PATH, PM, new_change, step

import sdcli.ui as ui
from sdcli import money
from sdcli.errors import ConfigError, InvalidValue


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    monkeypatch.setenv(
        "SDCLI_NOW", "2026-12-01T10:00:00-05:00"
    )  # the change's work: 10 Dec 22:00 to 11 Dec 04:00


def executed(sdcli) -> str:
    """A change of a site in Peru, executed: its cost may be informed."""
    cid = new_change(sdcli, "Banco Andino", "--project-manager", PM, "--callback", CB)["id"]
    for action, args in PATH[:4]:
        step(sdcli, action, cid, args)
    return cid


def one_error(r, word: str = "Error") -> str:
    lines = err(r).strip().splitlines()
    assert r.exit_code == 1 and len(lines) == 1 and lines[0].startswith(f"{word}: "), (r.exit_code, r.output)
    return lines[0]


@pytest.mark.parametrize("written", ["XYZ", "ABC", "SOLES2", "U$", "dolar canadiense", "", "   "])
def test_a_cost_in_no_iso_currency_is_refused_and_nothing_is_stored(sdcli, written):
    cid = executed(sdcli)
    r = sdcli("change", "cost", cid, "--amount", "1200", "--currency", written)
    assert "ISO 4217" in one_error(r) and "currency" in one_error(r)
    doc = sdcli.json("show", cid, "--json")
    assert doc["status"] == "executed" and "cost" not in doc


@pytest.mark.parametrize(
    ("written", "code"),
    [("S/", "PEN"), ("S/.", "PEN"), ("soles", "PEN"), ("SOL", "PEN"), ("Soles ", "PEN"), ("R$", "BRL"),
     ("reais", "BRL"), ("US$", "USD"), ("U$S", "USD"), ("dólares", "USD"), ("usd", "USD"), ("clp", "CLP")],
)  # fmt: skip
def test_what_latin_american_agents_write_is_stored_as_its_code_and_said_back(sdcli, written, code):
    cid = executed(sdcli)
    r = sdcli("change", "cost", cid, "--amount", "1200", "--currency", written)
    assert r.exit_code == 0, r.output
    assert sdcli.json("show", cid, "--json")["cost"] == {"amount": 1200.0, "currency": code}
    assert f"Cost of {cid}: {'1200' if code == 'CLP' else '1200.00'} {code}." in r.output  # CLP has no cents
    if written.strip().upper() != code:
        assert f"read as {code}" in err(r)


@pytest.mark.parametrize("written", ["pesos", "Pesos", "$", "Bs."])
def test_a_word_for_several_currencies_is_refused_naming_them(sdcli, written):
    cid = executed(sdcli)
    line = one_error(sdcli("change", "cost", cid, "--amount", "1200", "--currency", written))
    assert "more than one currency" in line and "write its code" in line
    assert ("MXN" in line and "ARS" in line and "CLP" in line and "COP" in line) or "BOB, VES" in line
    assert "cost" not in sdcli.json("show", cid, "--json")


def test_a_word_for_several_names_the_sites_countrys_currency_first():
    with pytest.raises(InvalidValue) as e:
        money.currency("currency", "pesos", country="MX")
    assert str(e.value.reason).startswith("stands for more than one currency (MXN, ARS")
    assert "MXN is the currency of MX" in str(e.value.reason)
    with pytest.raises(InvalidValue) as e:  # a site whose money the word is not: no guess either
        money.currency("currency", "pesos", country=lambda: "PE")
    assert "the site's country" not in str(e.value.reason)


def test_the_refusal_is_in_the_sessions_language(sdcli):
    cid = executed(sdcli)
    r = sdcli("--lang", "es", "change", "cost", cid, "--amount", "1200", "--currency", "XYZ")
    assert "no es un código de moneda ISO 4217" in one_error(r, "Error")
    r = sdcli("--lang", "pt", "change", "cost", cid, "--amount", "1200", "--currency", "pesos")
    assert "nomeia mais de uma moeda" in one_error(r, "Erro")


def test_a_contract_price_in_no_iso_currency_is_refused_naming_the_key(sdcli, home):
    from test_ssr import file

    home.mkdir(parents=True, exist_ok=True)
    (home / "contracts.toml").write_text(
        '[[ssr_price]]\ncustomer = "ACME"\ncategory = "static_route"\namount = 300\ncurrency = "SOL"\n'
    )
    line = one_error(file(sdcli))
    assert "contracts.toml: ssr_price[0].currency: 'SOL' is not an ISO 4217 currency code" in line
    (home / "contracts.toml").write_text(
        '[[ssr_price]]\ncustomer = "ACME"\ncategory = "static_route"\namount = 300\ncurrency = "pen"\n'
    )
    r = file(sdcli)
    assert r.exit_code == 0, r.output
    assert sdcli.json("ssr", "show", "SSR1", "--json")["price"] == {"amount": 300.0, "currency": "PEN"}


def test_a_desk_list_of_currencies_is_checked_and_may_add_a_code(home):
    home.mkdir(parents=True, exist_ok=True)
    path = home / "currencies.toml"
    path.write_text('[codes]\nUSD = "US Dollar"\n\n[words]\nsoles = "PEN"\n', encoding="utf-8")
    path.chmod(0o600)
    with pytest.raises(ConfigError) as e:
        money.currency("currency", "USD", home)
    assert str(e.value) == f"{path}: words.soles: PEN is not one of the codes"
    path.write_text('[codes]\nUSD = "US Dollar"\nXCG = "Caribbean Guilder"\n', encoding="utf-8")
    assert money.currency("currency", "xcg", home) == "XCG"
    with pytest.raises(InvalidValue):
        money.currency("currency", "BRL", home)  # the desk's list is the list


SSR_FORM = {"requester": "Ana <ana@acme.com.br> +55 11 98765-4321", "customer": "ACME", "site": "SP-01", "country": "BR",
            "timezone": "America/Sao_Paulo", "category": "dns_change", "details": {"record": "www", "value": "1.2.3.4"},
            "window_start": "2026-12-14 09:00", "window_end": "2026-12-14 10:00", "description": "dns"}  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "said"),
    [({"price": {"amount": 500, "currency": "BRL"}}, "is not taken from the form: an SSR's price"),
     ({"currency": "BRL"}, "is not taken from the form"), ({"windows_end": "2026-12-14 11:00"}, "unknown key")],
)  # fmt: skip
def test_an_ssr_json_key_no_field_reads_is_refused_not_dropped(sdcli, tmp_path, store, extra, said):
    import json

    form = tmp_path / "ssr.json"
    form.write_text(json.dumps({**SSR_FORM, **extra}))
    r = sdcli("ssr", "--from-file", str(form), "--json", env={"SDCLI_NOW": "2026-12-01T09:00:00-03:00"})
    assert said in one_error(r) and f"{next(iter(extra))}:" in one_error(r)
    assert list(store.all_tickets("SSR")) == []  # nothing stored with the catalogue's 60 USD
    form.write_text(json.dumps({**SSR_FORM, "received_at": "2026-12-01 08:00"}))
    doc = sdcli.json(
        "ssr", "--from-file", str(form), "--json", env={"SDCLI_NOW": "2026-12-01T09:00:00-03:00"}
    )
    assert doc["price"] == {"amount": 60.0, "currency": "USD"} and doc["received_at"].startswith(
        "2026-12-01T08:00"
    )


def test_a_change_json_with_a_cost_is_refused_not_dropped(sdcli, tmp_path, store):
    import json

    from test_change import REQ

    request = {"customer": "Banco Andino", "site": "Lima HQ", "country": "PE", "type": "rack_relocation",
               "description": "Move rack", "window_start": REQ[REQ.index("--window-start") + 1],
               "window_end": REQ[REQ.index("--window-end") + 1], "project_manager": PM}  # fmt: skip
    form = tmp_path / "chg.json"
    form.write_text(json.dumps({**request, "cost": {"amount": 1200, "currency": "PEN"}}))
    line = one_error(sdcli("change", "--from-file", str(form), "--json"))
    assert line.startswith("Error: cost: ") and "informed once it is executed" in line
    assert list(store.all_tickets("CHG")) == []
    form.write_text(json.dumps(request))
    assert sdcli.json("change", "--from-file", str(form), "--json")["routing"]["to"] == "project_manager"


def test_a_contract_price_without_a_currency_keeps_its_meaning_and_says_it(sdcli, home):
    from test_ssr import file

    home.mkdir(parents=True, exist_ok=True)
    path = home / "contracts.toml"
    path.write_text('[[ssr_price]]\ncustomer = "ACME"\ncategory = "static_route"\namount = 45.5\n')
    r = file(sdcli)
    assert r.exit_code == 0, r.output
    assert sdcli.json("ssr", "show", "SSR1", "--json")["price"] == {"amount": 45.5, "currency": "USD"}
    assert f"{path}: ssr_price[0] names no currency: priced in the catalogue's USD, as before" in err(r)
    path.write_text(  # a contract naming its currency: no word needed
        '[[ssr_price]]\ncustomer = "ACME"\ncategory = "static_route"\namount = 45.5\ncurrency = "BRL"\n'
    )
    r = file(sdcli, start="2026-12-15 09:00", end="2026-12-15 10:00")
    assert r.exit_code == 0 and "names no currency" not in err(r)
    assert sdcli.json("ssr", "show", "SSR2", "--json")["price"] == {"amount": 45.5, "currency": "BRL"}


def test_two_contract_prices_of_one_customer_and_category_are_refused(sdcli, home, store):
    from test_ssr import file

    home.mkdir(parents=True, exist_ok=True)
    path = home / "contracts.toml"
    path.write_text(
        '[[ssr_price]]\ncustomer = "ACME"\ncategory = "static_route"\namount = 45.5\ncurrency = "BRL"\n'
        '[[ssr_price]]\ncustomer = "acme"\ncategory = "static_route"\namount = 10\ncurrency = "USD"\n'
    )
    line = one_error(file(sdcli))
    assert line == f"Error: {path}: ssr_price[0] and ssr_price[1] both price static_route for ACME: keep one"
    assert list(store.all_tickets("SSR")) == []
