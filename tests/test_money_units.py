"""An amount has no more decimals than its currency (ISO 4217's minor unit, sdcli/data/
currencies.toml's [minor_units]): 100.50 CLP was stored as Chilean pesos with cents. Refused
wherever an amount comes in (a change's cost, a price of ssr.toml or of contracts.toml), naming
the currency and its unit in the session's language; shown with the currency's decimals."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import err
from test_money import executed, one_error

import sdcli.ui as ui
from sdcli import amounts, money
from sdcli.errors import InvalidValue


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    monkeypatch.setenv("SDCLI_NOW", "2026-12-01T10:00:00-05:00")


def test_the_minor_units_are_iso_4217s():
    assert [money.minor_unit(c) for c in ("CLP", "PYG", "JPY", "USD", "BRL", "PEN", "KWD", "CLF")] == [
        0, 0, 0, 2, 2, 2, 3, 4
    ]  # fmt: skip
    assert money.minor_unit("COP") == 2  # ISO 4217 keeps centavos, though Colombia quotes whole pesos


@pytest.mark.parametrize(
    ("amount", "currency"), [("100.50", "CLP"), ("100,5", "clp"), ("1.500,01", "PYG"), ("1,010.505", "USD"),
                             ("1.234,567", "BRL"), ("0,0001", "KWD")],
)  # fmt: skip
def test_a_cost_with_more_decimals_than_its_currency_is_refused_and_nothing_is_stored(
    sdcli, amount, currency
):
    cid = executed(sdcli)
    line = one_error(sdcli("change", "cost", cid, "--amount", amount, "--currency", currency))
    code = currency.upper()
    digits = money.minor_unit(code)
    assert f"{code} has none" in line if digits == 0 else f"than {code} has ({digits}," in line
    assert "ISO 4217 minor unit" in line and "amount" in line
    doc = sdcli.json("show", cid, "--json")
    assert doc["status"] == "executed" and "cost" not in doc


@pytest.mark.parametrize(
    ("amount", "currency", "stored", "said"),
    [("150000", "CLP", 150000.0, "150000 CLP"), ("1.500,00", "CLP", 1500.0, "1500 CLP"),
     ("100.50", "COP", 100.5, "100.50 COP"), ("1,234.567", "KWD", 1234.567, "1234.567 KWD"),
     ("1200", "USD", 1200.0, "1200.00 USD")],
)  # fmt: skip
def test_a_cost_within_its_currencys_decimals_is_stored_and_said_with_them(
    sdcli, amount, currency, stored, said
):
    cid = executed(sdcli)
    r = sdcli("change", "cost", cid, "--amount", amount, "--currency", currency)
    assert r.exit_code == 0, r.output
    assert sdcli.json("show", cid, "--json")["cost"] == {"amount": stored, "currency": currency}
    assert f"Cost of {cid}: {said}." in r.output


@pytest.mark.parametrize(
    ("lang", "said"),
    [("es", ["Error", "CLP no tiene", "unidad menor ISO 4217 es 0", "monto entero"]),
     ("pt", ["Erro", "CLP não tem", "unidade menor ISO 4217 é 0", "valor inteiro"])],
)  # fmt: skip
def test_the_refusal_names_the_currency_and_its_unit_in_the_sessions_language(sdcli, lang, said):
    cid = executed(sdcli)
    line = one_error(
        sdcli("--lang", lang, "change", "cost", cid, "--amount", "100,50", "--currency", "CLP"), said[0]
    )
    assert all(s in line for s in said), line
    r = sdcli("--lang", lang, "change", "cost", cid, "--amount", "1.010,505", "--currency", "USD")
    assert ("(2, su unidad menor ISO 4217)" if lang == "es" else "(2, sua unidade menor ISO 4217)") in err(r)
    assert "has" not in err(r) and "minor unit" not in err(r)


def test_an_amount_is_never_rounded_to_its_currency():
    assert amounts.amount("amount", "1.234,56", "USD", 2) == 1234.56
    assert amounts.amount("amount", "1.234,567", "KWD", 3) == 1234.567
    with pytest.raises(InvalidValue) as e:
        amounts.amount("amount", "1.234,567", "USD", 2)
    assert e.value.reason.key == "invalid.amount_decimals"  # type: ignore[union-attr]
    with pytest.raises(InvalidValue) as e:
        amounts.amount("amount", "0.5", "JPY", 0)
    assert e.value.reason.key == "invalid.amount_whole"  # type: ignore[union-attr]


def test_a_contract_price_with_more_decimals_than_its_currency_is_refused_naming_the_key(sdcli, home, store):
    from test_ssr import file

    home.mkdir(parents=True, exist_ok=True)
    path = home / "contracts.toml"
    path.write_text(
        '[[ssr_price]]\ncustomer = "ACME"\ncategory = "static_route"\namount = 45000.5\ncurrency = "CLP"\n'
    )
    line = one_error(file(sdcli))
    assert (
        f"{path}: ssr_price[0].amount: 45000.5 has more decimals than CLP has (0, its ISO 4217 minor unit)"
        in line
    )
    assert list(store.all_tickets("SSR")) == []
    path.write_text(
        '[[ssr_price]]\ncustomer = "ACME"\ncategory = "static_route"\namount = 45000\ncurrency = "CLP"\n'
    )
    r = file(sdcli)
    assert r.exit_code == 0, r.output
    assert sdcli.json("ssr", "show", "SSR1", "--json")["price"] == {"amount": 45000.0, "currency": "CLP"}


def test_a_catalogue_price_with_more_decimals_than_its_currency_is_refused_naming_the_key(sdcli, home, store):
    from test_ssr import file

    import sdcli as package

    home.mkdir(parents=True, exist_ok=True)
    text = (Path(package.__file__).parent / "data" / "ssr.toml").read_text(encoding="utf-8")
    old = 'price = { amount = 80.0, currency = "USD" }'
    assert old in text
    (home / "ssr.toml").write_text(
        text.replace(old, 'price = { amount = 80.5, currency = "PYG" }'), encoding="utf-8"
    )
    (home / "ssr.toml").chmod(0o600)
    line = one_error(file(sdcli))
    assert "ssr.toml: category[" in line and "].price.amount: 80.5 has more decimals than PYG has (0," in line
    assert list(store.all_tickets("SSR")) == []


def test_the_desks_own_currency_units_are_shown_in_every_view(sdcli, home):
    """A desk whose currencies.toml (in its home) keeps Colombian pesos whole (COP = 0): `change
    cost` said 150000 COP, but `change show` showed the cost from the packaged file, 150000.00 COP
    in its row and on the timeline. Every view reads the desk's file, as the cost was read."""
    import sdcli as package

    cid = executed(sdcli)
    home.mkdir(parents=True, exist_ok=True)  # on PostgreSQL the store is not in it
    text = (Path(package.__file__).parent / "data" / "currencies.toml").read_text(encoding="utf-8")
    (home / "currencies.toml").write_text(text.replace("[minor_units]\n", "[minor_units]\nCOP = 0\n"))
    (home / "currencies.toml").chmod(0o600)
    r = sdcli("change", "cost", cid, "--amount", "150000", "--currency", "COP")
    assert r.exit_code == 0 and "150000 COP" in r.output, r.output
    r = sdcli("change", "show", cid)
    shown = r.stdout
    assert r.exit_code == 0, r.output
    assert "150000 COP" in shown and "150000.00" not in shown, shown
    assert any(line.strip().startswith("cost") and "150000 COP" in line for line in shown.splitlines()), shown
