"""Change requests: routing both ways, every allowed transition, a refusal for each forbidden one."""

from __future__ import annotations

import sys

import pexpect
import pytest
from conftest import err, subprocess_env

import sdcli.ui as ui
from sdcli import changes, escalation_table
from sdcli.home import load_data

REQ = ["--site", "Lima HQ", "--country", "PE", "--type", "rack_relocation", "--description", "Move rack to floor 2",
       "--window-start", "2026-12-10T22:00:00-05:00", "--window-end", "2026-12-11T04:00:00-05:00", "--json"]  # fmt: skip
PM = "Paulo Reis <paulo@andino.pe> +51 1 4117002"
AM = "Rita Paz <rita@example.com> +51 1 4117000"
CB = "Rosa Quispe <rosa@andino.pe> +51 1 4117003"  # the customer's own contact, who accepts


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)
    monkeypatch.setenv("SDCLI_NOW", "2026-12-01T10:00:00-05:00")  # the windows below are days ahead


def new_change(sdcli, customer="Banco Andino", *extra):
    return sdcli.json("change", "--customer", customer, *REQ, *extra)


def test_routed_to_the_project_manager_when_known(sdcli):
    doc = new_change(sdcli, "Banco Andino", "--project-manager", PM)
    assert doc["status"] == "routed"
    assert (
        doc["routing"]["to"] == "project_manager" and doc["routing"]["contact"]["email"] == "paulo@andino.pe"
    )
    assert [h["action"] for h in doc["history"]] == ["opened", "route"]
    assert doc["history"][1]["contact"] == "Paulo Reis"


def test_without_a_project_manager_routed_to_account_manager(sdcli, home, store):
    r = sdcli("change", "--customer", "Banco Andino", *REQ)
    assert (
        r.exit_code == 1
        and "has no project manager and no account manager" in r.stderr
        and "sdcli customer add" in r.stderr
    )
    assert not (home / "store").exists() or list(store.all_tickets("CHG")) == []
    sdcli.json(
        "customer",
        "add",
        "Banco Andino",
        "--account-manager",
        AM,
        "--commercial-team",
        "comercial@example.com",
        "--country",
        "PE",
        "--json",
    )
    doc = new_change(sdcli)
    assert doc["routing"]["to"] == "account_manager" and doc["routing"]["contact"]["name"] == "Rita Paz"
    assert doc["routing"]["commercial_team"] == "comercial@example.com"
    sdcli.json("customer", "add", "banco andino", "--project-manager", PM, "--json")
    assert new_change(sdcli)["routing"]["to"] == "project_manager"
    (c,) = sdcli.json("customer", "list", "--json")
    assert c["account_manager"]["phone"] == "+5114117000" and c["project_manager"]["name"] == "Paulo Reis"
    assert sdcli.json("customer", "show", "BANCO ANDINO", "--json")["name"] == "Banco Andino"


def test_missing_fields_named_at_once(sdcli, home, store):
    r = sdcli("change", "--customer", "X")
    assert r.exit_code == 1 and "--site, --type, --description, --window-start, --window-end" in r.stderr
    r = sdcli("change", "--customer", "X", *REQ[:-1], "--type", "teleport")
    assert r.exit_code == 1 and "type" in r.stderr
    assert not (home / "store").exists() or list(store.all_tickets()) == []


PATH = [("send", []), ("accept", ["--by", "Rosa Quispe"]), ("schedule", ["--at", "2026-12-10 22:00"]),
        ("execute", ["--note", "done"]), ("cost", ["--amount", "1200", "--currency", "usd"]), ("close", [])]  # fmt: skip
STATE_AFTER = ["awaiting-acceptance", "accepted", "scheduled", "executed", "costed", "closed"]
#: the work is executed inside its window (from 10 Dec 22:00), then costed and closed
AFTER = {"SDCLI_NOW": "2026-12-10T23:00:00-05:00"}


def step(sdcli, action: str, cid: str, args: list[str]) -> dict:
    return sdcli.json(
        "change", action, cid, *args, "--json", env=AFTER if action in ("execute", "cost", "close") else None
    )


def test_every_allowed_transition_in_history(sdcli):
    cid = new_change(sdcli, "A", "--project-manager", PM, "--callback", CB)["id"]
    for (action, args), state in zip(PATH, STATE_AFTER, strict=True):
        doc = step(sdcli, action, cid, args)
        assert doc["status"] == state, action
    assert (
        doc["cost"] == {"amount": 1200.0, "currency": "USD"} and doc["accepted_by"]["name"] == "Rosa Quispe"
    )
    assert doc["accepted_as"] == "callback_contact" and doc["history"][3]["accepted_by"] == "Rosa Quispe"
    assert [h["action"] for h in doc["history"]] == [
        "opened",
        "route",
        "send",
        "accept",
        "schedule",
        "execute",
        "cost",
        "close",
    ]
    # rescheduling is allowed; reject and cancel from each state that permits them
    for action, from_path in (
        ("reject", 1),
        ("reject", 2),
        ("cancel", 1),
        ("cancel", 2),
        ("cancel", 3),
        ("cancel", 4),
    ):
        cid = new_change(sdcli, "A", "--project-manager", PM, "--callback", CB)["id"]
        for a, args in PATH[: from_path - 1]:
            step(sdcli, a, cid, args)
        args = ["--reason", "no budget"]
        doc = sdcli.json("change", action, cid, *args, "--json")
        assert doc["status"] == ("rejected" if action == "reject" else "cancelled")
    cid = new_change(sdcli, "A", "--project-manager", PM, "--callback", CB)["id"]
    for a, args in PATH[:3]:
        sdcli.json("change", a, cid, *args, "--json")
    assert sdcli.json("change", "schedule", cid, "--at", "2026-12-11 02:00", "--json")[
        "scheduled_at"
    ].startswith("2026-12-11T02:00")  # moved, inside the accepted window (10 Dec 22:00 to 11 Dec 04:00)
    for outside in ("2026-12-12 22:00", "2026-12-10 21:59", "2026-12-11 04:00"):
        r = sdcli("change", "schedule", cid, "--at", outside)
        assert r.exit_code == 1 and "outside that window" in r.stderr, r.output
    assert sdcli.json("show", cid, "--json")["scheduled_at"].startswith("2026-12-11T02:00")  # nothing saved


FORBIDDEN = [
    # (steps done first, action refused, message part)
    (1, ("execute", []), "executed only after the customer accepts"),
    (2, ("execute", []), "executed only after the customer accepts"),
    (3, ("execute", []), "executed only after the customer accepts"),
    (4, ("cost", ["--amount", "1", "--currency", "USD"]), "cost is informed after the work is executed"),
    (1, ("accept", ["--by", "x"]), "it is routed"),
    (2, ("schedule", ["--at", "2026-12-10 09:00"]), "it is awaiting-acceptance"),
    (5, ("reject", ["--reason", "x"]), "it is executed"),
    (5, ("cancel", []), "it is executed"),
    (6, ("execute", []), "it is costed"),
    (7, ("send", []), "it is closed"),
    (1, ("close", []), "it is routed"),
]


@pytest.mark.parametrize(("done", "refused", "part"), FORBIDDEN)
def test_each_forbidden_transition_is_refused(sdcli, done, refused, part):
    cid = new_change(sdcli, "A", "--project-manager", PM, "--callback", CB)["id"]
    for a, args in PATH[: done - 1]:
        step(sdcli, a, cid, args)
    before = sdcli.json("change", "show", cid, "--json")
    r = sdcli("change", refused[0], cid, *refused[1])
    assert r.exit_code == 1 and part in r.stderr, r.stderr
    assert sdcli.json("change", "show", cid, "--json") == before


def test_states_is_the_data(sdcli):
    data = sdcli.json("change", "states", "--json")
    assert data == changes.states()
    assert data["actions"]["execute"] == {"from": ["scheduled"], "to": "executed"}
    r = sdcli("change", "states")
    assert "accept    awaiting-acceptance -> accepted" in r.stdout


def test_change_list_and_not_on_incidents(sdcli):
    cid = new_change(sdcli, "A", "--project-manager", PM, "--callback", CB)["id"]
    assert [d["id"] for d in sdcli.json("change", "list", "--json")] == [cid]
    doc = sdcli.json("change", "show", cid, "--json")
    assert "owner" not in doc  # the table's column, not a field
    table = sdcli("change", "list").stdout
    assert cid in table and doc["routing"]["contact"]["name"] in table and "owner" in table
    shown = sdcli("change", "show", cid).stdout
    assert cid in shown and "routing" in shown and "Timeline" in shown and "SLA" not in shown
    r = sdcli("change", "execute", "INC1")
    assert r.exit_code == 1 and "INC1 is not a change (CHG...)" in r.stderr


def test_commercial_team_is_only_in_change_routing(sdcli):
    sdcli.json("customer", "add", "Banco Andino", "--account-manager", AM, "--json")
    table = escalation_table.parse_table(load_data("escalation"))
    names = {c.name for lv in table.levels for c in lv.contacts}
    assert "Rita Paz" not in names
    assert all(
        "sales" not in escalation_table._all(c.role).lower()
        and "commercial" not in escalation_table._all(c.role).lower()
        for lv in table.levels
        for c in lv.contacts
    )


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_file_a_change_interactively_in_a_terminal(home, sdcli, store):
    sdcli.json(
        "customer",
        "add",
        "Minera Sur",
        "--account-manager",
        "Tomás Vidal <tomas@example.com> +56 2 2345 6000",
        "--json",
    )
    child = pexpect.spawn(sys.executable, ["-m", "sdcli", "change"], env=subprocess_env(home, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", SDCLI_NOW="2026-12-01T10:00:00-03:00"),
                          encoding="utf-8", timeout=20, dimensions=(40, 120))  # fmt: skip
    for prompt, keys in (("Customer", "Minera Sur\r"), ("Site", "Antofagasta\r"), ("Country of the site", "CL\r"),
                         ("Isla de Pascua", "\r"), ("project manager", "\r"), ("Type of change", "\r"),
                         ("Description of the work", "Move the VSAT antenna to the roof\r"),
                         ("Desired window start", "2026-12-15 08:00\r"), ("Desired window end", "2026-12-15 10:00\r"),
                         ("What now?", "\r")):  # fmt: skip
        child.expect_exact(prompt)
        child.send(keys)
    child.expect_exact("CHG1")
    child.expect_exact("Routed to the account manager: Tomás Vidal")
    child.expect_exact("Santiago")  # the window, in words, in the site's zone
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    (doc,) = store.all_tickets("CHG")
    assert (
        doc["type"] == "antenna_relocation"
        and doc["status"] == "routed"
        and doc["routing"]["contact"]["name"] == "Tomás Vidal"
    )
    assert doc["timezone"] == "America/Santiago" and doc["window_start"] == "2026-12-15T08:00:00-03:00"


# --------------------------------------------------------------------------- issue 14: who accepts


def to_awaiting(sdcli, *extra) -> str:
    cid = new_change(sdcli, "Banco Andino", *extra)["id"]
    sdcli.json("change", "send", cid, "--json")
    return cid


def test_bt_staff_cannot_record_the_customers_acceptance(sdcli):
    sdcli.json("customer", "add", "Banco Andino", "--account-manager", AM, "--commercial-team", "comercial@example.com",
               "--country", "PE", "--json")  # fmt: skip
    cid = to_awaiting(sdcli, "--callback", CB)
    for who, role in (("Rita Paz", "the account manager the request is routed to"),
                      ("rita@example.com", "the account manager the request is routed to"),
                      ("comercial@example.com", "BT's commercial team for Banco Andino")):  # fmt: skip
        r = sdcli("change", "accept", cid, "--by", who)
        assert r.exit_code == 1 and f"{who} is {role}, not the customer" in r.stderr, r.stderr
        assert "executed only after the customer accepts" in r.stderr
    r = sdcli("change", "accept", cid, "--by", "Somebody Else")
    assert r.exit_code == 1 and "not a contact of the customer" in r.stderr and "Rosa Quispe" in r.stderr
    assert sdcli.json("change", "show", cid, "--json")["status"] == "awaiting-acceptance"
    doc = sdcli.json("change", "accept", cid, "--by", "rosa@andino.pe", "--json")
    assert doc["status"] == "accepted" and doc["accepted_as"] == "callback_contact"
    assert doc["accepted_by"] == {"name": "Rosa Quispe", "email": "rosa@andino.pe", "phone": "+5114117003"}
    assert doc["history"][-1]["accepted_by"] == "Rosa Quispe"


def test_a_contact_of_the_customer_in_the_directory_may_accept(sdcli):
    sdcli.json("customer", "add", "Banco Andino", "--account-manager", AM, "--country", "PE",
               "--contact", "Luis Soto <luis@andino.pe> +51 1 4117004", "--json")  # fmt: skip
    cid = to_awaiting(sdcli)
    doc = sdcli.json("change", "accept", cid, "--by", "luis soto", "--json")
    assert doc["accepted_by"]["email"] == "luis@andino.pe" and doc["accepted_as"] == "customer_directory"


def test_the_account_manager_listed_as_a_customer_contact_is_still_refused(sdcli):
    sdcli.json("customer", "add", "Banco Andino", "--account-manager", AM, "--country", "PE", "--json")
    cid = to_awaiting(sdcli, "--callback", "Rita <rita@example.com> +51 1 4117000")
    r = sdcli("change", "accept", cid, "--by", "Rita")
    assert r.exit_code == 1 and "not the customer" in r.stderr


def test_without_any_customer_contact_the_refusal_says_how_to_add_one(sdcli):
    sdcli.json("customer", "add", "Banco Andino", "--account-manager", AM, "--country", "PE", "--json")
    cid = to_awaiting(sdcli)
    r = sdcli("change", "accept", cid, "--by", "Rosa Quispe")
    assert r.exit_code == 1 and "--callback" in r.stderr and "--contact" in r.stderr


def test_executed_before_its_window_is_refused_and_said_when_with_at(sdcli):
    """Marked executed on 1 Dec at 10:00 for work accepted for 10 Dec 22:00: it was stored as
    executed nine days early without a word (another change's id, or work the customer did not ask
    for then). Refused; --at says when it was done, inside or after the window."""
    cid = new_change(sdcli, "A", "--project-manager", PM, "--callback", CB)["id"]
    for a, args in PATH[:3]:
        step(sdcli, a, cid, args)
    r = sdcli("change", "execute", cid)
    assert r.exit_code == 1 and err(r).startswith(
        f"Error: {cid} was requested for a window from 10 Dec 2026 22:00"
    )
    assert "1 Dec 2026 10:00 Lima -05" in r.stderr and "say when with --at" in r.stderr
    assert sdcli.json("change", "show", cid, "--json")["status"] == "scheduled"
    morning = {"SDCLI_NOW": "2026-12-11T09:00:00-05:00"}
    r = sdcli("change", "execute", cid, "--at", "10/12/2026 21:00", env=morning)
    assert r.exit_code == 1 and "is before it" in r.stderr
    doc = sdcli.json("change", "execute", cid, "--at", "11/12/2026 03:30", "--json", env=morning)
    assert doc["status"] == "executed" and doc["executed_at"] == "2026-12-11T03:30:00-05:00"


def test_a_national_number_without_its_country_is_refused_saying_what_to_do(sdcli):
    """`customer add … --project-manager 'Luis <l@bas.pe> 01 4117001'` said "not a valid phone number
    (use +CC... or a national number)" of a national number: it says now that the number's country
    is not known, and how to give it; with --country the same number is stored."""
    pm = "Luis Paredes <lparedes@bas.pe> 01 4117001"
    r = sdcli("--lang", "es", "customer", "add", "Banco Andino", "--project-manager", pm)
    assert r.exit_code == 1 and "número nacional" in err(r) and "+CC" in err(r), err(r)
    assert "o un número nacional" not in err(r)
    assert sdcli("customer", "add", "Banco Andino", "--project-manager", pm, "--country", "PE").exit_code == 0
    r = sdcli("customer", "add", "Banco Andino", "--project-manager", "Luis <l@bas.pe> +51 99")
    assert r.exit_code == 1 and "is not known" not in err(r), err(r)  # written with +CC: not valid, as before
