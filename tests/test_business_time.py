"""Business time on the site's clock: a recovery target counted over business hours is never
counted on another clock than the site's (the machine's, when the site's zone is not known yet)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import err
from mail_support import questionnaire

#: the desk's machine runs on UTC; the message came from Campinas (São Paulo's clock, -03), whose
#: zone it does not say (Brazil has several)
NOW = {"SDCLI_NOW": "2026-03-02T19:30:00+00:00"}
CAMPINAS = {
    "Nombre del cliente": "LogMais Transportes",
    "Sitio el cliente": "Campinas - Galpão 3",
    "País": "BR",
    "Descripción del problema (enlace no disponible, servicio lento, degradado, etc.)": "servicio degradado",
    "Contactos para devolución / pruebas / cierre (nombre, correo electrónico y teléfono)":
        "Roberto Lima, roberto.lima@logmais.com.br, +55 19 3251 7788",
    "Tipo de servicio afectado (Satélite, Internet, MPLS, otros)": "Internet",
}  # fmt: skip
CONTRACT = (
    '[[contract]]\ncustomer = "LogMais Transportes"\nclock = { "3" = "business" }\ntargets = { "3" = 8 }\n'
)


def _emailed(sdcli, home, tmp_path) -> str:
    home.mkdir(parents=True, exist_ok=True)
    (home / "contracts.toml").write_text(CONTRACT, encoding="utf-8")
    path = tmp_path / "campinas.eml"
    path.write_bytes(
        questionnaire(CAMPINAS, mid="<cps@logmais.com.br>", date="Mon, 02 Mar 2026 16:00:00 -0300")
    )
    out = sdcli.json("inbox", str(path), "--json", env=NOW)["messages"][0]
    assert out["outcome"] == "created" and "timezone" in out["missing"], out
    return out["id"]


def test_business_hours_are_not_counted_on_the_machines_clock_when_the_sites_zone_is_unknown(
    sdcli, home, tmp_path
):
    """Classified before its zone was known, the incident's 8 business hours were counted from 08:00
    to 18:00 UTC (05:00-15:00 in Campinas): a report of Monday 16:00 there was due Tuesday 16:00 UTC,
    13:00 at the site, where the site's own hours give 14:00, and shift showed the earlier deadline
    without a word."""
    tid = _emailed(sdcli, home, tmp_path)
    r = sdcli("classify", tid, "--severity", "3", "--reason", "degradado", env=NOW)
    assert r.exit_code == 1, r.output
    assert "time zone" in err(r) and f"sdcli complete {tid} --tz" in err(r), err(r)
    doc = sdcli.json("show", tid, "--json")
    assert "severity" not in doc and "recovery_due" not in doc  # nothing saved
    r = sdcli("complete", tid, "--tz", "America/Sao_Paulo", env=NOW)
    assert r.exit_code == 0, r.output
    doc = sdcli.json("classify", tid, "--severity", "3", "--reason", "degradado", "--json", env=NOW)
    assert doc["sla_clock"] == "business"
    # Mon 16:00-18:00 (2h) and Tue 08:00-14:00 (6h) on the site's own clock
    assert doc["recovery_due"] == "2026-03-03T14:00:00-03:00"


def test_a_24x7_target_is_set_without_the_sites_zone(sdcli, home, tmp_path):
    """Every hour counts on a 24x7 clock: the deadline is one instant whatever the zone."""
    tid = _emailed(sdcli, home, tmp_path)
    doc = sdcli.json("classify", tid, "--severity", "1", "--reason", "caído", "--json", env=NOW)
    assert doc["sla_clock"] == "24x7"
    assert datetime.fromisoformat(doc["recovery_due"]) == datetime(2026, 3, 2, 23, 0, tzinfo=UTC)


def test_the_refusal_is_in_the_sessions_language(sdcli, home, tmp_path):
    tid = _emailed(sdcli, home, tmp_path)
    r = sdcli("classify", tid, "--severity", "3", "--reason", "degradado", env={**NOW, "SDCLI_LANG": "es"})
    assert r.exit_code == 1 and "zona horaria" in err(r), err(r)
    r = sdcli("classify", tid, "--severity", "3", "--reason", "degradado", env={**NOW, "SDCLI_LANG": "pt"})
    assert r.exit_code == 1 and "fuso horário" in err(r), err(r)


def test_completing_an_answer_that_makes_the_target_business_hours_needs_the_zone_with_it(
    sdcli, home, tmp_path
):
    """Classified on 24x7 before the service type was known, then completed with a service whose
    contract counts business hours: the deadline was made again on the machine's clock."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "contracts.toml").write_text(
        '[[contract]]\nservice_type = "internet"\nclock = { "3" = "business" }\ntargets = { "3" = 8 }\n',
        encoding="utf-8",
    )
    answers = {k: v for k, v in CAMPINAS.items() if not k.startswith("Tipo de servicio")}
    path = tmp_path / "campinas.eml"
    path.write_bytes(
        questionnaire(answers, mid="<cps2@logmais.com.br>", date="Mon, 02 Mar 2026 16:00:00 -0300")
    )
    tid = sdcli.json("inbox", str(path), "--json", env=NOW)["messages"][0]["id"]
    assert (
        sdcli.json("classify", tid, "--severity", "3", "--reason", "r", "--json", env=NOW)["sla_clock"]
        == "24x7"
    )
    r = sdcli("complete", tid, "--service-type", "internet", env=NOW)
    assert r.exit_code == 1 and f"sdcli complete {tid} --tz" in err(r), r.output
    assert "service_type" not in sdcli.json("show", tid, "--json")  # nothing saved
    r = sdcli("complete", tid, "--service-type", "internet", "--tz", "America/Sao_Paulo", env=NOW)
    assert r.exit_code == 0, r.output
    doc = sdcli.json("show", tid, "--json")
    assert (doc["sla_clock"], doc["recovery_due"]) == ("business", "2026-03-03T14:00:00-03:00")


def test_an_import_row_without_its_zone_gets_no_business_hours_deadline_until_it_is_given(
    sdcli, home, tmp_path
):
    """An import allowed to leave the zone out (a mapping's not_required) counted a business-hours
    target on the machine's clock, as classify did: the row is imported without a recovery deadline,
    and `complete --tz` gives it on the site's own clock."""
    _imported_without_zone(sdcli, home, tmp_path)
    doc = sdcli.json("show", "INC1", "--json")
    assert doc["severity"] == 3 and "recovery_due" not in doc and "timezone" in doc["missing_answers"], doc
    # a hold and a resume meanwhile: no deadline counted on the machine's clock, none told
    assert sdcli("hold", "INC1", "--reason", "esperando al proveedor", env=NOW).exit_code == 0
    later = {"SDCLI_NOW": "2026-03-02T20:00:00+00:00"}
    assert sdcli("resume", "INC1", env=later).exit_code == 0
    doc = sdcli.json("show", "INC1", "--json")
    assert "recovery_due" not in doc, doc
    r = sdcli("complete", "INC1", "--tz", "America/Sao_Paulo", env=later)
    assert r.exit_code == 0, r.output
    doc = sdcli.json("show", "INC1", "--json")
    # Mon 16:00-16:30 and 17:00-18:00 (the half hour held excluded), Tue 08:00-14:30
    assert doc["sla_clock"] == "business" and doc["recovery_due"] == "2026-03-03T14:30:00-03:00", doc


def test_a_resolve_before_the_zone_is_known_is_not_judged_by_the_machines_clock(sdcli, home, tmp_path):
    """Resolved at 13:30 on the site's clock (16:30 UTC), within its 8 business hours (due 14:00
    there): judged on the machine's clock (due 16:00 UTC) the target was recorded missed."""
    _imported_without_zone(sdcli, home, tmp_path)
    r = sdcli("resolve", "INC1", "--note", "fixed", env={"SDCLI_NOW": "2026-03-03T16:30:00+00:00"})
    assert r.exit_code == 0, r.output
    doc = sdcli.json("show", "INC1", "--json")
    assert "sla_met" not in doc and "recovery_due" not in doc, doc


def _imported_without_zone(sdcli, home, tmp_path) -> None:
    """INC1: a Campinas row imported with a mapping that lets it leave out its zone (not_required),
    on LogMais' business-hours contract (severity 3, 8 h), opened Monday 16:00 at the site."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "contracts.toml").write_text(CONTRACT, encoding="utf-8")
    (tmp_path / "map.toml").write_text('not_required = ["timezone"]\n', encoding="utf-8")
    (tmp_path / "rows.csv").write_text(
        "customer,site,country,problem,service_type,callback_contacts,severity,opened_at,customer_reference\n"
        "LogMais Transportes,Campinas - Galpão 3,BR,degraded,internet,"
        "Roberto Lima <roberto.lima@logmais.com.br> +55 19 3251 7788,3,2026-03-02T16:00:00-03:00,LM-1\n",
        encoding="utf-8",
    )
    r = sdcli(
        "import", str(tmp_path / "rows.csv"), "--mapping", str(tmp_path / "map.toml"), "--json", env=NOW
    )
    assert r.exit_code == 0, r.output


def test_one_rule_says_when_business_hours_wait_for_the_sites_zone(home):
    """due_at, retarget and an import's deadlines decide it by one predicate (sla.waits_for_zone):
    business hours without the site's zone; a 24x7 clock or a known zone never waits."""
    from sdcli import sla
    from sdcli.errors import RuleViolation

    doc = {"id": "INC1", "kind": "incident", "status": "open", "customer": "LogMais Transportes", "severity": 3,
           "country": "BR", "opened_at": "2026-03-02T16:00:00-03:00"}  # fmt: skip
    assert sla.waits_for_zone(doc, "business") and not sla.waits_for_zone(doc, "24x7")
    assert not sla.waits_for_zone({**doc, "timezone": "America/Sao_Paulo"}, "business")
    home.mkdir(parents=True, exist_ok=True)
    (home / "contracts.toml").write_text(CONTRACT, encoding="utf-8")
    with pytest.raises(RuleViolation):
        sla.retarget(dict(doc), home)
    assert sla.due_at({**doc, "sla_target_hours": 8, "sla_clock": "business"}, home) is None
    imported = [dict(doc)]
    sla.fill_deadlines(imported, home)
    assert imported[0]["sla_clock"] == "business" and "recovery_due" not in imported[0]
    sla.retarget(zoned := {**doc, "timezone": "America/Sao_Paulo"}, home)
    assert zoned["recovery_due"] == "2026-03-03T14:00:00-03:00"
