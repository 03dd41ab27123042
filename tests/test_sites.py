"""Where a site is (issue 15): no country is assumed, a country with several zones gets the site's
zone chosen (asked with its cities, --tz, or the customer directory), and times are read in it."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest
from conftest import DATA, err
from intake_keys import DOWN, ENTER, SAVE, base_keys, line, rest_keys, run_open

import sdcli.ui as ui

BASE = ["open", "--no-input", "--customer", "ACME", "--site", "Planta", "--problem", "voice", "--service-type", "mpls",
        "--callback", "Ana <ana@acme.pe> +51 1 4117000", "--source-number", "+51 1 4117000",
        "--destination-number", "+51 1 4117001", "--failed-call", "02/12/2026 09:40"]  # fmt: skip
NOW = {"SDCLI_NOW": "2026-12-05T12:00:00-05:00"}
COUNTRIES = tomllib.loads(resources.files("sdcli.data").joinpath("countries.toml").read_text("utf-8"))[
    "countries"
]
SEVERAL = sorted(code for code, c in COUNTRIES.items() if "zones" in c)


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


def test_no_country_is_assumed_and_a_configured_one_is_used(sdcli, home):
    r = sdcli(*BASE, env=NOW)
    assert r.exit_code == 1 and err(r).startswith("Error: missing required --country (no prompt")
    assert not (home / "store").exists()
    assert sdcli("config", "set", "country", "PE").exit_code == 0
    doc = sdcli.json(*BASE, "--json", env=NOW)
    assert (doc["country"], doc["timezone"]) == ("PE", "America/Lima")
    assert doc["failed_calls"] == ["2026-12-02T09:40:00-05:00"]
    assert (
        sdcli.json(*BASE, "--country", "CO", "--json", env=NOW)["timezone"] == "America/Bogota"
    )  # the flag wins


def _walk(country_keys: list[str], env=None):
    keys = [line("+51 1 4117000") if k == line("01 4117000") else k for k in base_keys("link_down", "mpls")]
    i = 2  # the country's answer (numbers given with their country code: valid in any country)
    return run_open([*keys[:i], *country_keys, *keys[i + 1 :], *rest_keys("mpls"), SAVE], env=env)


def test_the_country_prompt_takes_a_configured_default_with_enter_never_typed_in(
    sdcli, home, store, monkeypatch
):
    assert sdcli("config", "set", "country", "PE").exit_code == 0
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)
    r = _walk([ENTER])
    assert r.exit_code == 0, r.output
    r = _walk([line("CL"), ENTER])  # typed: CL, not "PECL"; then Chile's zone, the first
    assert r.exit_code == 0, r.output
    first, second = sorted(store.all_tickets("INC"), key=lambda d: d["id"])
    assert (first["country"], first["timezone"]) == ("PE", "America/Lima")
    assert (second["country"], second["timezone"]) == ("CL", "America/Santiago")


@pytest.mark.parametrize("code", SEVERAL)
def test_each_country_with_several_zones_gets_the_sites_zone_chosen(code, sdcli, store, monkeypatch):
    zones = [z["tz"] for z in COUNTRIES[code]["zones"] if z.get("offered", True)]  # the choice
    r = sdcli(*BASE, "--country", code, env=NOW)
    assert r.exit_code == 1 and err(r).startswith("Error: missing required --tz (no prompt")
    by_flag = sdcli.json(*BASE, "--country", code, "--tz", zones[-1], "--json", env=NOW)
    assert by_flag["timezone"] == zones[-1]
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)
    r = _walk([line(code), DOWN + ENTER])  # the second zone of the list, with its cities
    assert r.exit_code == 0, r.output
    asked = max(store.all_tickets("INC"), key=lambda d: int(d["id"][3:]))
    assert (asked["country"], asked["timezone"]) == (code, zones[1])
    assert COUNTRIES[code]["zones"][1]["cities"].split(",")[0] in r.stdout  # the review names it by its city


def test_the_directory_knows_a_sites_zone_and_times_are_read_in_it(sdcli):
    sdcli.json(
        "customer", "add", "ACME", "--country", "BR", "--site", "Planta Cuiabá=America/Cuiaba", "--json"
    )
    doc = sdcli.json(*BASE, "--site", "Planta Cuiabá", "--json", env=NOW)
    assert (doc["country"], doc["timezone"]) == ("BR", "America/Cuiaba")
    assert doc["failed_calls"] == ["2026-12-02T09:40:00-04:00"]  # Cuiabá's clock, not São Paulo's
    r = sdcli(*BASE, "--site", "Otra planta", env=NOW)  # a site the directory does not know: asked
    assert r.exit_code == 1 and "--tz" in err(r)


def test_a_zone_that_is_not_the_countrys_is_refused(sdcli):
    r = sdcli(*BASE, "--country", "CL", "--tz", "America/Lima", env=NOW)
    assert r.exit_code == 1 and "timezone: 'America/Lima' is not valid: is not a time zone of CL" in err(r)
    assert "America/Santiago, America/Punta_Arenas, Pacific/Easter" in err(r)


def test_change_windows_are_read_in_the_sites_zone_not_the_machines(sdcli):
    args = ["change", "--no-input", "--customer", "ACME", "--site", "Antofagasta", "--country", "CL", "--tz",
            "America/Santiago", "--type", "rack_relocation", "--description", "d", "--window-start", "10/12/2026 22:00",
            "--window-end", "11/12/2026 04:00", "--project-manager", "Pia <pia@acme.cl> +56 2 2345 6789", "--json"]  # fmt: skip
    doc = sdcli.json(*args, env={"SDCLI_NOW": "2026-12-01T10:00:00+09:00"})  # a machine far from the site
    assert (doc["window_start"], doc["window_end"]) == (
        "2026-12-10T22:00:00-03:00",
        "2026-12-11T04:00:00-03:00",
    )
    assert doc["country"] == "CL" and doc["timezone"] == "America/Santiago"
    r = sdcli(*[a for a in args if a not in ("--tz", "America/Santiago")], env=NOW)
    assert r.exit_code == 1 and "--tz" in err(r)


ROWS = "customer,site,problem,service_type,callback_contacts\nACME,Lima,link_down,mpls,Ana <ana@acme.pe> 01 4117000\n"


def test_an_import_takes_a_country_or_names_the_column(sdcli, tmp_path, store):
    path = tmp_path / "rows.csv"
    path.write_text(ROWS, encoding="utf-8")
    r = sdcli("import", str(path))
    assert r.exit_code == 1
    assert (
        "line 2: missing: '--country': is required: the file has no country column (map one with --map country="
        in err(r)
    )
    assert sdcli.json("import", str(path), "--country", "PE", "--dry-run", "--json")["created"] == 1
    mapping = tmp_path / "map.toml"
    mapping.write_text('[defaults]\ncountry = "PE"\n', encoding="utf-8")
    assert sdcli.json("import", str(path), "--mapping", str(mapping), "--dry-run", "--json")["created"] == 1
    (tmp_path / "pais.csv").write_text("customer,site,pais,problem,service_type,callback_contacts\n"
                                       "ACME,Lima,,link_down,mpls,Ana <ana@acme.pe> 01 4117000\n", encoding="utf-8")  # fmt: skip
    r = sdcli("import", str(tmp_path / "pais.csv"), "--map", "country=pais")
    assert (
        r.exit_code == 1
        and "line 2: missing: '--country': is required: this row's column pais is empty" in err(r)
    )
    assert sdcli("config", "set", "country", "PE").exit_code == 0
    assert sdcli.json("import", str(path), "--json")["created"] == 1
    (doc,) = store.all_tickets("INC")
    assert (doc["country"], doc["timezone"]) == ("PE", "America/Lima")


def test_the_servicenow_preset_needs_a_country(sdcli, tmp_path):
    snow = tmp_path / "snow.csv"
    snow.write_text("".join(DATA.joinpath("servicenow-incident-event-log-sample.csv").open().readlines()[:4]))
    r = sdcli("import", str(snow), "--preset", "servicenow", "--dry-run")
    assert r.exit_code == 1 and "the file has no country column" in err(r)
    r = sdcli("import", str(snow), "--preset", "servicenow", "--country", "BR", "--dry-run")
    assert r.exit_code == 1 and "the site's country has several time zones (give --tz" in err(r)
    ok = sdcli.json("import", str(snow), "--preset", "servicenow", "--country", "BR", "--tz", "America/Manaus",
                    "--dry-run", "--json")  # fmt: skip
    assert ok["rejected"] == 0 and ok["created"] >= 1


def test_the_directory_knows_a_customer_and_its_site_however_their_names_are_written():
    from sdcli import sites

    directory = [{"name": "Telefónica del Perú", "country": "PE", "project_manager": "Rosa",
                  "sites": [{"name": "Lima Centro", "country": "PE", "timezone": "America/Lima"}]}]  # fmt: skip
    for customer, site in (("Telefonica del Peru", "lima centro"), ("TELEFÓNICA  DEL PERÚ", "Lima  Centro")):
        assert sites.directory_site(directory, customer, site) == {
            "country": "PE",
            "timezone": "America/Lima",
        }
        assert sites.in_directory(directory, customer) is directory[0]
    assert sites.in_directory(directory, "Telefónica Chile") is None


def test_mexicos_border_zones_that_keep_us_daylight_saving_are_zones_of_mx():
    """Matamoros and Ojinaga keep US daylight saving since Mexico dropped it (2022): a site there
    given America/Mexico_City would be an hour off from March to November."""
    from sdcli import sites

    known = sites.countries()
    for zone in ("America/Matamoros", "America/Ojinaga"):
        assert sites.check_zone("timezone", zone, known, "MX") == zone
