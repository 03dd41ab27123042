"""A site's country named as people write it ("Perú", "PERU", "México", "Brasil") is its code, in
every path that takes one (flags, a file, an e-mail incident and SSR form, the desk's setting);
a name no country has, or a language's other spelling the table does not give, is refused."""

from __future__ import annotations

import pytest
from conftest import err
from mail_support import SPANISH, questionnaire

OPEN = ["open", "--no-input", "--customer", "Andina", "--site", "Lima HQ", "--problem", "link_down",
        "--service-type", "mpls", "--callback", "Ana <ana@andina.pe> +51 1 4117000", "--json"]  # fmt: skip


@pytest.mark.parametrize(("given", "code"), [("Perú", "PE"), ("peru", "PE"), (" PERU ", "PE"), ("pe", "PE")])
def test_open_takes_the_countrys_name_as_its_code(sdcli, given, code):
    doc = sdcli.json(*OPEN, "--country", given)
    assert doc["country"] == code and doc["timezone"] == "America/Lima"


@pytest.mark.parametrize("given", ["Peruu", "Brazil", "Lima"])
def test_a_name_no_country_has_is_refused_and_nothing_is_stored(sdcli, given):
    r = sdcli(*OPEN[:-1], "--country", given)
    assert r.exit_code == 1 and "unknown country code" in err(r) and err(r).count("\n") == 1, r.output
    assert sdcli.json("list", "--json", "--all") == []


def test_an_imported_file_names_countries(sdcli, tmp_path):
    rows = ["customer,site,country,timezone,problem,service_type,callback_contacts,customer_reference",
            "Andina,Lima HQ,Perú,,link_down,mpls,Ana <ana@andina.pe> +51 1 4117000,R1",
            "Rio,Loja Centro,Brasil,America/Sao_Paulo,link_down,mpls,Bia <bia@rio.com.br> +55 21 99999 0000,R2",
            "Azteca,Planta,méxico,America/Mexico_City,link_down,mpls,Juan <juan@azteca.mx> +52 55 1234 5678,R3"]  # fmt: skip
    (tmp_path / "in.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = sdcli("import", str(tmp_path / "in.csv"), "--json")
    assert r.exit_code == 0, r.output
    shown = [sdcli.json("show", d["id"], "--json") for d in sdcli.json("list", "--json", "--all")]
    got = {d["customer_reference"]: d["country"] for d in shown}
    assert got == {"R1": "PE", "R2": "BR", "R3": "MX"}


NOW = {"SDCLI_NOW": "2026-03-02T15:00:00+00:00"}


def test_an_emailed_incident_naming_its_country_gets_its_code_and_zone(sdcli, tmp_path):
    (tmp_path / "a.eml").write_bytes(
        questionnaire({**SPANISH, "País": "Perú"}, sender="Ana <ana@andinatel.com>")
    )
    (m,) = sdcli.json("inbox", str(tmp_path / "a.eml"), "--json", env=NOW)["messages"]
    assert m["outcome"] == "created", m
    doc = sdcli.json("show", m["id"], "--json")
    assert doc["country"] == "PE" and doc["timezone"] == "America/Lima"
    assert "country" not in str(doc.get("missing_answers", ""))


def test_an_emailed_ssr_form_naming_its_country_is_read(sdcli, tmp_path):
    form = {"Solicitante": "Bia Souza <bia@rionet.com.br> +55 92 99999 0000", "Cliente": "Rio Net",
            "Sitio": "Manaus centro", "País": "Brasil", "Categoría": "Respaldo de configuración", "Device": "rtr-01",
            "Inicio": "12/03/2026 10:00", "Fin": "12/03/2026 11:00", "Descripción": "respaldo"}  # fmt: skip
    (tmp_path / "ssr.eml").write_bytes(questionnaire(form, mid="<ssr@x.br>"))
    (m,) = sdcli.json("inbox", str(tmp_path / "ssr.eml"), "--json", env=NOW)["messages"]
    assert m["outcome"] == "created" and m["id"] == "SSR1", m
    doc = sdcli.json("show", "SSR1", "--json")
    assert doc["country"] == "BR" and doc["timezone"] == "America/Manaus"  # the city the site names
    assert doc["window_start"] == "2026-03-12T10:00:00-04:00"


def test_the_desks_country_setting_takes_a_name(sdcli):
    assert sdcli("config", "set", "country", "Colombia").exit_code == 0
    doc = sdcli.json(
        *OPEN[:-1], "--site", "Bogotá", "--callback", "Ana <ana@andina.co> +57 601 2345678", "--json"
    )
    assert doc["country"] == "CO" and doc["timezone"] == "America/Bogota"


SSR = ["ssr", "--requester", "Ana <ana@andina.pe> +51 1 4117000", "--customer", "Andina", "--site", "Lima HQ",
       "--category", "static_route", "--field", "prefix=10.9.0.0/16", "--field", "next_hop=10.0.0.1",
       "--description", "nueva sede", "--start", "2026-12-14 09:00", "--end", "2026-12-14 10:00",
       "--received-at", "2026-12-01 09:00", "--json"]  # fmt: skip
CHANGE = ["change", "--no-input", "--customer", "Andina", "--site", "Arequipa", "--type", "rack_relocation",
          "--description", "mover rack", "--window-start", "15/12/2026 10:00", "--window-end", "15/12/2026 12:00",
          "--callback", "Ana Díaz <ana@andina.pe> 054 221100", "--project-manager", "Luis <luis@andina.pe> 054 221101",
          "--json"]  # fmt: skip


@pytest.mark.parametrize("given", ["Perú", "peru"])
def test_an_ssr_and_a_change_name_their_country_and_get_its_only_zone(sdcli, given):
    """The SSR and change forms read the window in the country's zone: a name gave none (the zone
    of a country is found by its code), so the request was refused for a missing zone."""
    ssr = sdcli.json(*SSR, "--country", given, env={"SDCLI_NOW": "2026-12-01T09:00:00-05:00"})
    assert ssr["country"] == "PE" and ssr["window_start"] == "2026-12-14T09:00:00-05:00"
    change = sdcli.json(*CHANGE, "--country", given, env={"SDCLI_NOW": "2026-12-01T09:00:00-05:00"})
    assert change["country"] == "PE" and change["timezone"] == "America/Lima"
    assert change["window_start"] == "2026-12-15T10:00:00-05:00"


def test_a_customer_filed_again_in_another_spelling_is_the_same_record(sdcli):
    """`customer add "Telecom Sao Paulo" --customer-lang es` after "Telecom São Paulo" (pt) added a
    second record, and every lookup (which compares names without case or accents) kept finding
    the first: the change was ignored without a word. One record now, its first spelling kept."""
    first = sdcli.json(
        "customer", "add", "Telecom São Paulo", "--country", "BR", "--customer-lang", "pt", "--json"
    )
    again = sdcli.json("customer", "add", "telecom  sao paulo", "--customer-lang", "es", "--json")
    assert again["name"] == first["name"] == "Telecom São Paulo" and again["lang"] == "es"
    listed = sdcli.json("customer", "list", "--json")
    assert [c["name"] for c in listed] == ["Telecom São Paulo"] and listed[0]["lang"] == "es"
    assert listed[0]["country"] == "BR"  # what the second filing did not give is kept
