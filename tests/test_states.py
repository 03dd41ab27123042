"""Statuses and severities come from the desk's data files (sdcli/states.py): a state added in a
desk's workflow.toml, and a level added in its severity.toml, are followed by the open index,
the SLA, escalation, the shift view, classify and import; a bad states table is refused."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from importlib import resources

import pytest
from conftest import err
from helpers import make_incident

from sdcli import escalation, states, tickets
from sdcli.errors import RefusedTransition

PACKAGED = resources.files("sdcli.data")
T0 = "2026-12-01T09:00:00-05:00"
PARTS = """
await_parts = { from = ["open"], to = "awaiting_parts", label = { es = "esperar repuestos", en = "await parts", pt = "aguardar peças" } }
parts_in    = { from = ["awaiting_parts"], to = "open", label = { es = "repuestos recibidos", en = "parts in", pt = "peças recebidas" } }
"""


def at(hours: float) -> dict[str, str]:
    return {"SDCLI_NOW": (datetime.fromisoformat(T0) + timedelta(hours=hours)).isoformat()}


def desk_file(home, name: str, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = home / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)


def workflow_with_parts(home, state: str = 'awaiting_parts = { clock = "paused" }') -> None:
    """The packaged workflow.toml and an incident state waiting for parts (reached from open, back
    to open), its properties `state` in [incident.states]."""
    text = (PACKAGED / "workflow.toml").read_text(encoding="utf-8")
    text = text.replace("\n[incident.states]\n", PARTS + "\n[incident.states]\n" + state + "\n", 1)
    assert "awaiting_parts" in text
    desk_file(home, "workflow", text)


def cli_open(sdcli, **env) -> dict:
    args = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem", "link_down",
            "--callback", "Ana <ana@acme.pe> 01 4117000", "--service-type", "mpls", "--no-contingency", "--json"]  # fmt: skip
    return sdcli.json(*args, env=env)


def move(store, home, monkeypatch, ticket: str, action: str, hours: float) -> dict:
    """A desk action, run at T0 + hours (no command is named after a desk's own action)."""
    monkeypatch.setenv("SDCLI_NOW", at(hours)["SDCLI_NOW"])
    doc = tickets.transition(store, ticket, action, actor="tester", home=home)
    monkeypatch.delenv("SDCLI_NOW")
    return doc


def ids(rows: list[dict]) -> list[str]:
    return [d["id"] for d in rows]


# --------------------------------------------------------------------------- the built-in files


def test_the_packaged_workflow_gives_the_states_the_code_had():
    inc = states.flow("incident")
    assert (inc.initial, inc.running, inc.paused, inc.finished) == ("open", {"open"}, {"on_hold"}, {"closed"})
    assert inc.active == {"open", "on_hold"} and inc.escalable == {"open", "on_hold"}
    assert states.flow("ssr").initial == "received" and states.flow("change").initial == "submitted"
    assert states.severities() == (1, 2, 3, 4)


def test_a_desk_copy_without_a_states_table_keeps_the_packaged_meanings(home):
    text = (PACKAGED / "workflow.toml").read_text(encoding="utf-8")
    head, _, tail = text.partition("\n[incident.states]\n")
    desk_file(home, "workflow", head + "\n" + tail.partition("\n\n")[2])  # the file as it was before states
    assert "\n[incident.states]" not in (home / "workflow.toml").read_text()
    assert "[incident.actions]" in (home / "workflow.toml").read_text()
    assert states.flow("incident", home) == states.flow("incident")


# --------------------------------------------------------------------------- a state added by a desk


def test_a_desk_state_is_followed_by_the_index_the_sla_and_shift(sdcli, home, monkeypatch):
    workflow_with_parts(home)
    inc = cli_open(sdcli, **at(0))
    doc = sdcli.json("classify", inc["id"], "--accept-suggestion", "--json", env=at(0))
    assert doc["recovery_due"] == "2026-12-01T13:00:00-05:00"  # severity 1: 4 hours
    from sdcli.store import open_store

    store = open_store(home=home)
    waiting = move(store, home, monkeypatch, inc["id"], "await_parts", 1)
    assert (
        waiting["status"] == "awaiting_parts" and waiting["sla_paused_at"] and "recovery_due" not in waiting
    )

    # the open index: listed, and a filter on the desk's state accepted
    assert ids(sdcli.json("list", "--json", env=at(6))) == [inc["id"]]
    assert ids(sdcli.json("list", "--status", "awaiting_parts", "--json", env=at(6))) == [inc["id"]]
    assert sdcli.json("list", "--status", "on_hold", "--json", env=at(6)) == []
    # paused: past the first deadline, yet not breached, not due, no escalation due
    assert sdcli.json("list", "--breached", "--json", env=at(6)) == []
    view = sdcli.json("shift", "--within", "4h", "--json", env=at(6))
    assert ids(view["on_hold"]) == [inc["id"]] and view["on_hold"][0]["status"] == "awaiting_parts"
    assert view["breached"] == view["due_soon"] == view["escalation_due"] == view["unclassified"] == []
    r = sdcli("shift", "--format", "tsv", env=at(6))
    assert r.exit_code == 0 and f"on_hold\t{inc['id']}\t1\tawaiting_parts" in r.stdout

    # back to open after 5 hours: the deadline moves by the pause, then breaches
    back = move(store, home, monkeypatch, inc["id"], "parts_in", 6)
    assert back["status"] == "open" and "sla_paused_at" not in back
    assert back["recovery_due"] == "2026-12-01T18:00:00-05:00"
    assert (
        back["sla_pauses"][-1]["to"] == at(6)["SDCLI_NOW"]
        and back["sla_pauses"][-1]["reason"] == "await_parts"
    )
    assert sdcli.json("list", "--breached", "--json", env=at(8)) == []
    assert ids(sdcli.json("list", "--due", "2h", "--json", env=at(8))) == [inc["id"]]
    assert ids(sdcli.json("list", "--breached", "--json", env=at(9.5))) == [inc["id"]]
    view = sdcli.json("shift", "--json", env=at(9.5))
    assert ids(view["breached"]) == [inc["id"]] and view["on_hold"] == []
    assert ids(view["escalation_due"]) == [inc["id"]]  # running again: 4.5 h running, severity 1


def test_hold_and_resume_still_pause_once_beside_a_desk_state(sdcli, home):
    workflow_with_parts(home)
    inc = cli_open(sdcli, **at(0))
    sdcli.json("classify", inc["id"], "--accept-suggestion", "--json", env=at(0))
    held = sdcli.json("hold", inc["id"], "--reason", "awaiting-customer", "--json", env=at(1))
    assert [p["reason"] for p in held["sla_pauses"]] == ["awaiting-customer"]  # one pause, hold's reason
    resumed = sdcli.json("resume", inc["id"], "--json", env=at(2))
    assert resumed["recovery_due"] == "2026-12-01T14:00:00-05:00" and len(resumed["sla_pauses"]) == 1


def test_a_desk_state_may_be_classified_and_imported(sdcli, home, store, monkeypatch, tmp_path):
    workflow_with_parts(home)
    inc = make_incident(store, opened_at=T0, timezone="America/Lima")
    move(store, home, monkeypatch, inc["id"], "await_parts", 1)
    doc = sdcli.json("classify", inc["id"], "--severity", "2", "--reason", "r", "--json", env=at(2))
    assert doc["severity"] == 2 and doc["status"] == "awaiting_parts"  # the desk still works on it
    row = {"customer_reference": "CR-1", "customer": "ACME", "site": "Lima HQ", "country": "PE", "timezone": "America/Lima",
           "problem": "link_down", "service_type": "internet", "callback_contacts": "Ana <ana@acme.pe> 01 4117000",
           "status": "awaiting_parts", "opened_at": T0}  # fmt: skip
    path = tmp_path / "parts.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    summary = sdcli.json("import", str(path), "--json")
    assert summary["created"] == 1 and summary["errors"] == []
    (imported,) = [d for d in sdcli.json("list", "--json") if d["id"] != inc["id"]]
    assert imported["status"] == "awaiting_parts"
    assert ids(sdcli.json("shift", "--json", env=at(3))["on_hold"]) == sorted([inc["id"], imported["id"]])


def test_escalation_follows_a_state_marked_not_escalable(home, store, monkeypatch):
    workflow_with_parts(home, 'awaiting_parts = { clock = "paused", escalable = false }')
    inc = make_incident(store)
    doc = move(store, home, monkeypatch, inc["id"], "await_parts", 1)
    with pytest.raises(RefusedTransition):
        escalation.check_escalable(doc, home)
    escalation.check_escalable({**doc, "status": "on_hold"}, home)  # the packaged meaning of on_hold stays


def test_without_the_desk_file_the_state_is_unknown(sdcli, home):
    r = sdcli("list", "--status", "awaiting_parts")
    assert r.exit_code != 0 and "awaiting_parts" in err(r) and "on_hold" in err(r)


# --------------------------------------------------------------------------- a bad states table


@pytest.mark.parametrize(
    ("state", "where", "reason"),
    [
        ('awaiting_parts = { clok = "paused" }', "incident.states.awaiting_parts.clok",
         "unknown key (known: clock, escalable)"),
        ('awaiting_part = { clock = "paused" }', "incident.states.awaiting_part",
         "no action leads to this state (the states: open, on_hold, resolved, closed, awaiting_parts)"),
        ('awaiting_parts = { clock = "frozen" }', "incident.states.awaiting_parts.clock",
         "expected one of running, paused, stopped, got 'frozen'"),
        ('awaiting_parts = { clock = "paused", escalable = "no" }', "incident.states.awaiting_parts.escalable",
         "expected true or false, got 'no'"),
    ],
)  # fmt: skip
def test_a_bad_states_table_is_refused_naming_the_file_and_the_key(sdcli, home, state, where, reason):
    workflow_with_parts(home, state)
    r = sdcli("list")
    lines = err(r).strip().splitlines()
    assert r.exit_code == 1 and lines == [f"Error: {home / 'workflow.toml'}: {where}: {reason}"]
    assert not (home / "store").exists()  # nothing written


def test_a_finished_state_cannot_run_the_clock(sdcli, home):
    text = (PACKAGED / "workflow.toml").read_text(encoding="utf-8")
    desk_file(
        home,
        "workflow",
        text.replace('closed   = { clock = "stopped", escalable = false }', 'closed = { clock = "running" }'),
    )
    r = sdcli("list")
    assert r.exit_code == 1
    assert (
        err(r).strip()
        == f"Error: {home / 'workflow.toml'}: incident.states.closed.clock: a finished state's clock is stopped"
    )


# --------------------------------------------------------------------------- a fifth severity level


def severity_with_five(home) -> None:
    text = (PACKAGED / "severity.toml").read_text(encoding="utf-8")
    fifth = """
[[level]]
level = 5
target_hours = 120
clock = "24x7"
name = { es = "Planificación", en = "Planning", pt = "Planejamento" }
qualifies = { es = "Trabajo planificado", en = "Planned work", pt = "Trabalho planejado" }
"""
    desk_file(home, "severity", text.replace("\n# The ITIL impact", fifth + "\n# The ITIL impact", 1))


def test_a_fifth_level_is_accepted_by_classify_list_and_import_and_shown(sdcli, home, tmp_path):
    r = sdcli("list", "--severity", "5")
    assert r.exit_code == 1 and "use 1, 2, 3 or 4" in err(r)  # the packaged levels
    severity_with_five(home)
    assert states.severities(home) == (1, 2, 3, 4, 5)
    inc = cli_open(sdcli, **at(0))
    doc = sdcli.json("classify", inc["id"], "--severity", "5", "--reason", "planned", "--json", env=at(0))
    assert doc["severity"] == 5 and doc["sla_target_hours"] == 120
    assert doc["recovery_due"] == "2026-12-06T09:00:00-05:00"
    assert ids(sdcli.json("list", "--severity", "5", "--json")) == [inc["id"]]
    r = sdcli("show", inc["id"], env={"SDCLI_LANG": "es"})
    assert r.exit_code == 0 and "5 (Planificación)" in r.stdout
    rows = [{"customer_reference": f"CR-{n}", "customer": "ACME", "site": "Lima HQ", "country": "PE",
             "timezone": "America/Lima", "problem": "link_down", "service_type": "internet",
             "callback_contacts": "Ana <ana@acme.pe> 01 4117000", "severity": level, "opened_at": T0}
            for n, level in ((1, "5"), (2, "6"))]  # fmt: skip
    path = tmp_path / "levels.jsonl"
    path.write_text(json.dumps(rows[1]) + "\n", encoding="utf-8")
    r = sdcli("import", str(path))
    assert r.exit_code == 1 and "  line 1: severity: '6': expected 1, 2, 3, 4 or 5" in r.stderr
    path.write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
    assert sdcli.json("import", str(path), "--json")["created"] == 1
    imported = [d for d in sdcli.json("list", "--severity", "5", "--json") if d["id"] != inc["id"]]
    assert [d["severity"] for d in imported] == [5] and imported[0][
        "recovery_due"
    ] == "2026-12-06T09:00:00-05:00"
