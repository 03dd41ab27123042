"""Every instant of a ticket's life is stored on its site's clock, the one its deadlines and `--at`
times are on: a step recorded now (no --at) on an agent's machine in another zone was stored with
the machine's offset (acked_at -03:00 on a São Paulo desk, ack_due -05:00 for a Lima site), so one
ticket's JSON mixed offsets and a reader of `show --json` misread the local hour. The instant is the
same; only the offset written is the site's."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import err

import sdcli.ui as ui

#: the machine's clock (São Paulo, -03) reading 10:00 on 1 December 2026: 08:00 in Lima (-05)
MACHINE = "-03:00"
SITE = "-05:00"


def now(clock: str) -> dict[str, str]:
    return {"SDCLI_NOW": f"2026-12-01T{clock}:00{MACHINE}"}


def instants(value, path: str = "") -> list[tuple[str, str]]:
    """(where, text) of every instant a stored document holds, outside the history (the store's)."""
    if isinstance(value, dict):
        return [
            f
            for k, v in value.items()
            if k not in ("history", "updated_at")
            for f in instants(v, f"{path}.{k}")
        ]
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in instants(v, f"{path}[{i}]")]
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        return [(path, value)]
    return []


def on_site_clock(doc: dict) -> list[tuple[str, str]]:
    """The instants of doc NOT written with the site's offset."""
    return [(where, text) for where, text in instants(doc) if not text.endswith(SITE)]


@pytest.fixture(autouse=True)
def agent_in_sao_paulo(sdcli, monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    assert sdcli("config", "set", "tz", "America/Sao_Paulo").exit_code == 0


def test_an_incidents_steps_recorded_now_are_on_its_sites_clock(sdcli, home):
    args = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem", "link_down",
            "--callback", "Ana <ana@acme.pe> 01 4117000", "--service-type", "mpls", "--no-contingency",
            "--channel", "email", "--json"]  # fmt: skip
    inc = sdcli.json(*args, env=now("10:00"))["id"]
    steps = [["classify", inc, "--accept-suggestion"], ["ack", inc], ["hold", inc, "--reason", "awaiting-customer"],
             ["resume", inc], ["escalate", inc, "--call", "Service Desk Latam", "--outcome", "reached"],
             ["resolve", inc, "--note", "power back"], ["reopen", inc, "--note", "down again"],
             ["resolve", inc, "--note", "fixed"], ["close", inc]]  # fmt: skip
    for minute, step in enumerate(steps, start=1):
        r = sdcli(*step, "--json", env=now(f"10:{minute:02d}"))
        assert r.exit_code == 0, (step, err(r))
    doc = sdcli.json("show", inc, "--json", env=now("10:30"))
    assert on_site_clock(doc) == [], on_site_clock(doc)
    # the same instants: acked at 10:02 on the machine is 08:02 in Lima
    assert (
        doc["acked_at"] == "2026-12-01T08:02:00-05:00" and doc["received_at"] == "2026-12-01T08:00:00-05:00"
    )
    assert datetime.fromisoformat(doc["closed_at"]) == datetime.fromisoformat(f"2026-12-01T10:09:00{MACHINE}")
    assert doc["escalation_attempts"][0]["at"] == "2026-12-01T08:05:00-05:00"
    assert [p["from"] for p in doc["sla_pauses"]] == [
        "2026-12-01T08:03:00-05:00",
        "2026-12-01T08:06:00-05:00",
    ]


def test_an_ssr_and_a_changes_steps_recorded_now_are_on_their_sites_clock(sdcli, home):
    form = ["--requester", "Ana <ana@acme.pe> +51 1 4117000", "--customer", "ACME", "--site", "Lima HQ",
            "--country", "PE", "--tz", "America/Lima", "--category", "static_route", "--field", "prefix=10.9.0.0/16",
            "--field", "next_hop=10.0.0.1", "--description", "new branch", "--start", "2026-12-14 09:00",
            "--end", "2026-12-14 10:00", "--json"]  # fmt: skip
    sid = sdcli.json("ssr", *form, env=now("10:00"))["id"]
    sdcli.json("ssr", "ack", sid, "--json", env=now("10:01"))
    doc = sdcli.json("ssr", "show", sid, "--json", env=now("10:02"))
    assert on_site_clock(doc) == [] and doc["opened_at"] == "2026-12-01T08:00:00-05:00", on_site_clock(doc)
    req = ["--customer", "Banco Andino", "--site", "Lima HQ", "--country", "PE", "--type", "rack_relocation",
           "--description", "Move rack", "--window-start", "2026-12-10T22:00:00-05:00",
           "--window-end", "2026-12-11T04:00:00-05:00", "--project-manager", "Paulo Reis <paulo@andino.pe> +51 1 4117002",
           "--callback", "Rosa Quispe <rosa@andino.pe> +51 1 4117003", "--json"]  # fmt: skip
    cid = sdcli.json("change", *req, env=now("10:00"))["id"]
    sdcli.json("change", "send", cid, "--json", env=now("10:01"))
    doc = sdcli.json("change", "accept", cid, "--by", "Rosa Quispe", "--json", env=now("10:02"))
    assert doc["accepted_at"] == "2026-12-01T08:02:00-05:00", doc["accepted_at"]
    # a change filed now is opened when the store writes it: stamped by the store, as the history is
    assert [where for where, _ in on_site_clock(doc)] == [".opened_at"], on_site_clock(doc)
