"""The SSR and change forms as data, on the incident questionnaire's walker: a real terminal
(pexpect) and prompt_toolkit pipe input; drafts with their owner."""

from __future__ import annotations

import json
import sys

import pexpect
import pytest
from conftest import err, subprocess_env
from intake_keys import KILL_LINE, SAVE, base_keys, line, rest_keys, select
from intake_keys import run_open as run_open_keys

from sdcli.store import open_store

DOWN, KILL = "\x1b[B", "\x15"
NOW = "2026-12-02T15:00:00-03:00"  # a Wednesday


def spawn(home, *args: str, now: str = NOW, columns: int = 120) -> pexpect.spawn:
    env = subprocess_env(
        home, TERM="xterm", COLUMNS=str(columns), LINES="40", PROMPT_TOOLKIT_NO_CPR="1", SDCLI_NOW=now
    )
    return pexpect.spawn(sys.executable, ["-m", "sdcli", "--lang", "en", *args], env=env, encoding="utf-8",
                         timeout=20, dimensions=(40, columns))  # fmt: skip


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_ssr_bad_ip_re_asked_lead_time_refused_before_the_description_then_resumed(home):
    child = spawn(home, "ssr")
    answer(child, "Customer", "ACME\r")
    answer(child, "Site", "Lima HQ\r")
    answer(child, "Country of the site", "PE\r")
    answer(
        child, "Requester", "Ana Díaz <ana@acme.pe> 01 4117000\r"
    )  # national: the country is known already
    answer(child, "Static route", DOWN * 2 + "\r")
    answer(child, "Prefix", "10.9.0.0/16\r")
    answer(child, "Next hop", "10.0.0.999\r")
    child.expect_exact("not an IPv4 or IPv6 address")  # on its line: fixed there, nothing lost
    child.send(KILL + "10.0.0.1\r")
    answer(child, "Execution window start", "03/12/2026 09:00\r")
    child.expect_exact("notice given")  # refused on the start's line...
    assert "Description" not in child.before  # ...before the description is asked
    child.send("\x03")
    child.expect_exact("Resume with: sdcli ssr --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    (draft,) = [json.loads(p.read_text()) for p in (home / "drafts").glob("D*.json")]
    assert draft["options"]["form"] == "ssr" and draft["agent"] == "tester"
    assert draft["answers"]["details.next_hop"] == "10.0.0.1" and "window_start" not in draft["answers"]

    child = spawn(home, "ssr", "--resume")
    child.expect_exact("10.0.0.1")  # the answers captured so far, shown first
    answer(child, "Execution window start", "14/12/2026 09:00\r")
    answer(child, "Execution window end", "14/12/2026 10:00\r")
    answer(child, "Description", "new branch\r")
    answer(child, "What now?", "\r")
    child.expect_exact("SSR1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    doc = open_store(home=home).get("SSR1")
    assert doc["details"] == {"prefix": "10.9.0.0/16", "next_hop": "10.0.0.1"}
    assert doc["requester"]["phone"] == "+5114117000" and doc["window_start"] == "2026-12-14T09:00:00-05:00"
    assert list((home / "drafts").glob("D*.json")) == []


def test_drafts_list_names_the_owner_and_discard_guards_another_agents(sdcli, home, monkeypatch):
    from sdcli import drafts

    mine = drafts.new(home, "tester", {"form": "ssr"})
    mine.answers = {"customer": "ACME"}
    drafts.save(home, mine)
    theirs = drafts.new(home, "marta", {})
    drafts.save(home, theirs)
    listed = sdcli.json("drafts", "list", "--json")
    assert {(d["id"], d["form"], d["owner"]) for d in listed} == {(mine.id, "ssr", "tester"),
                                                                 (theirs.id, "incident", "marta")}  # fmt: skip
    assert [d["id"] for d in sdcli.json("drafts", "list", "--mine", "--json")] == [mine.id]
    r = sdcli("drafts", "discard", theirs.id)
    assert r.exit_code == 1 and "marta's draft: discard it with --force" in r.stderr
    assert sdcli("drafts", "discard", theirs.id, "--force").exit_code == 0
    assert [d.id for d in drafts.all_drafts(home)] == [mine.id]
    assert [d.id for d in drafts.all_drafts(home, form="incident")] == []


@pytest.mark.parametrize(
    ("draft_form", "command", "resumed_by"),
    [("ssr", ["open"], "ssr"), ("change", ["open"], "change"), ("incident", ["ssr"], "open"),
     ("incident", ["change"], "open"), ("change", ["ssr"], "change"), ("ssr", ["change"], "ssr")],
)  # fmt: skip
def test_resume_refuses_a_draft_of_another_form_naming_its_kind_and_its_command(
    sdcli, home, draft_form, command, resumed_by
):
    from sdcli import drafts

    kept = drafts.new(home, "tester", {"form": draft_form})
    kept.answers = {"customer": "ACME", "site": "Lima HQ"}
    drafts.save(home, kept)
    r = sdcli("--lang", "en", *command, "--resume", "--draft", kept.id, "--no-input")
    kind = {"incident": "incident", "ssr": "ssr", "change": "change"}[draft_form]
    assert r.exit_code == 1 and r.stdout == "", r.output
    assert err(r) == (f"Error: {kept.id} is a draft of the {kind} form, not of this one: "
                      f"resume it with sdcli {resumed_by} --resume --draft {kept.id}\n")  # fmt: skip
    r = sdcli("--lang", "es", *command, "--resume", "--draft", kept.id, "--no-input")
    assert r.exit_code == 1 and "es un borrador del formulario de" in err(r)
    assert f"sdcli {resumed_by} --resume --draft {kept.id}" in err(r)
    assert [d.id for d in drafts.all_drafts(home)] == [kept.id]  # left as it was
    assert drafts.load(home, kept.id).answers == {"customer": "ACME", "site": "Lima HQ"}


def test_drafts_are_sorted_by_instant_not_by_the_text_of_their_time(home):
    from sdcli import drafts

    a = drafts.new(home, "t", {})
    drafts.save(home, a)
    b = drafts.new(home, "t", {})
    drafts.save(home, b)
    for d, stamp in (
        (a, "2026-12-01T10:00:00-03:00"),
        (b, "2026-12-01T12:30:00+00:00"),
    ):  # b is 30 min earlier
        path = home / "drafts" / f"{d.id}.json"
        data = json.loads(path.read_text())
        data["updated_at"] = stamp
        path.write_text(json.dumps(data))
    assert [d.id for d in drafts.all_drafts(home)] == [a.id, b.id]


# ---------------------------------------------------------------- going back, and the review's contacts

BACK = "<\r"  # `<` alone on a text line; at a choice or a yes/no question the key alone
NOW_ENV = {"SDCLI_NOW": NOW, "SDCLI_LANG": "en"}


@pytest.fixture
def tty(monkeypatch):
    import sdcli.ui as ui

    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)


def run_form(command: str, keys: list[str], args: list[str] | None = None):
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput
    from typer.testing import CliRunner

    from sdcli.cli import app

    with create_pipe_input() as inp:
        for k in keys:
            inp.send_text(k)
        inp.close()
        with create_app_session(input=inp, output=DummyOutput()):
            return CliRunner().invoke(app, [command, *(args or [])], env=NOW_ENV)


def test_open_goes_back_a_question_keeping_the_answer_and_passing_over_a_zone_not_asked(home, tty):
    keys = base_keys("link_down", "mpls")
    # customer: `<` at the first question says there is nothing before, and asks it again
    keys[0:1] = [BACK, keys[0]]
    # at the country: back to the site, whose answer is typed in the line; changed there
    keys[3:3] = [BACK, KILL_LINE + line("Lima Centro")]
    # at the problem (a choice): back past Peru's one zone (never asked) to the country, kept
    keys[6:6] = ["<", line("")]
    # at the contingency (a yes/no): back to the service type, its answer selected; kept
    keys[-1:-1] = ["<", "\r"]
    r = run_open_keys([*keys, *rest_keys("mpls"), SAVE], env=NOW_ENV)
    assert r.exit_code == 0, r.output
    assert "This is the first question: there is nothing before it." in r.output
    doc = open_store(home=home).get("INC1")
    assert (doc["customer"], doc["site"], doc["country"], doc["timezone"]) == ("ACME Perú", "Lima Centro", "PE",
                                                                               "America/Lima")  # fmt: skip
    assert doc["problem"] == "link_down" and doc["service_type"] == "mpls" and doc["has_contingency"] is False
    assert [c["name"] for c in doc["callback_contacts"]] == ["Ana Díaz"]


def test_open_review_adds_changes_and_removes_one_contact_and_goes_back_unchanged(home, tty):
    menu = {"change": select(1)}
    which_callback = select(6)  # customer, site, country, timezone, problem, description, callback_contacts
    review = [
        menu["change"], which_callback,
        select(0), line("Rosa Vera"), line("rosa@acme.pe"), line("01 4117001"),  # add: 2 contacts
        select(0), line("Pedro Ruiz"), line("pedro@acme.pe"), line("01 4117002"),  # add: 3
        select(1), line(""), KILL_LINE + line("ana.diaz@acme.pe"), line(""),  # change 1: only the e-mail
        select(5),  # remove 2 (Rosa): add, change 1-3, remove 1-3, back
        select(0), BACK,  # add, then `<` on its name: back to the list, nothing added
        select(5),  # back to the review: add, change 1-2, remove 1-2, back
        menu["change"], which_callback, select(4),  # remove 2 (Pedro)
        select(2), select(3),  # remove the last one left: refused (required); back: add, change 1, remove 1, back
        SAVE,
    ]  # fmt: skip
    r = run_open_keys([*base_keys("link_down", "mpls"), *rest_keys("mpls"), *review], env=NOW_ENV)
    assert r.exit_code == 0, r.output
    assert "At least one contact is required" in r.output
    doc = open_store(home=home).get("INC1")
    assert doc["callback_contacts"] == [
        {"name": "Ana Díaz", "email": "ana.diaz@acme.pe", "phone": "+5114117000"}
    ]
    assert [c["name"] for c in doc["local_contacts"]] == ["Luis Soto"]  # the other list untouched


def test_ssr_goes_back_from_a_choice_and_a_line_keeping_the_answers(home, tty):
    requester = "Ana Díaz <ana@acme.pe> 01 4117000"
    keys = [
        line("ACME"), line("Lima HQ"), KILL_LINE + line("PE"),
        BACK,  # at the requester: back past Peru's one zone to the country, PE kept in the line
        line(""), line(requester),
        "<",  # at the category (a choice): back to the requester, given again in the line
        line(""), DOWN * 2 + "\r",  # static route
        line("10.9.0.0/16"), line("10.0.0.1"),
        line("14/12/2026 09:00"), BACK,  # at the window's end: back to its start, changed
        KILL_LINE + line("15/12/2026 09:00"), line("15/12/2026 10:00"), line("new branch"), SAVE,
    ]  # fmt: skip
    r = run_form("ssr", keys)
    assert r.exit_code == 0, r.output
    assert (
        "Review of the service request" in r.output and "incident" not in r.output
    )  # the review names its form
    doc = open_store(home=home).get("SSR1")
    assert doc["customer"] == "ACME" and doc["country"] == "PE" and doc["requester"]["phone"] == "+5114117000"
    assert doc["details"] == {"prefix": "10.9.0.0/16", "next_hop": "10.0.0.1"}
    assert (
        doc["window_start"] == "2026-12-15T09:00:00-05:00"
        and doc["window_end"] == "2026-12-15T10:00:00-05:00"
    )


def test_change_goes_back_at_its_first_question_and_from_its_type(home, tty):
    keys = [
        BACK,  # nothing before the customer: said, asked again
        line("Minera Sur"), line("Antofagasta"), KILL_LINE + line("CL"), "\r",  # Chile's first zone
        line("Rosa Vera <rosa@minera.cl> +56 2 2345 6789"),  # the project manager
        "<",  # at the type: back to the project manager, kept
        line(""), DOWN + "\r",  # rack relocation
        line("Move the rack"), line("15/12/2026 08:00"), line("15/12/2026 10:00"), SAVE,
    ]  # fmt: skip
    r = run_form("change", keys)
    assert r.exit_code == 0, r.output
    assert "This is the first question: there is nothing before it." in r.output
    assert "Review of the change request" in r.output and "incident" not in r.output
    doc = open_store(home=home).get("CHG1")
    assert doc["type"] == "rack_relocation" and doc["site"] == "Antofagasta"
    assert doc["project_manager"]["name"] == "Rosa Vera"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_a_resumed_ssr_form_keeps_when_it_was_received(home):
    """`ssr --received-at "30/11/2026 10:00"` interrupted and resumed: the form was stored as
    received when it was resumed (its lead time counted from then), the draft's time not read."""
    child = spawn(home, "ssr", "--received-at", "30/11/2026 10:00")
    answer(child, "Customer", "ACME\r")
    answer(child, "Site", "Lima HQ\r")
    answer(child, "Country of the site", "PE\r")
    child.expect_exact("Requester")
    child.send("\x03")
    child.expect_exact("Resume with: sdcli ssr --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    child = spawn(home, "ssr", "--resume")
    answer(child, "Requester", "Ana Díaz <ana@acme.pe> 01 4117000\r")
    answer(child, "Static route", DOWN * 2 + "\r")
    answer(child, "Prefix", "10.9.0.0/16\r")
    answer(child, "Next hop", "10.0.0.1\r")
    answer(child, "Execution window start", "14/12/2026 09:00\r")
    answer(child, "Execution window end", "14/12/2026 10:00\r")
    answer(child, "Description", "new branch\r")
    answer(child, "What now?", "\r")
    child.expect_exact("SSR1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert open_store(home=home).get("SSR1")["received_at"] == "2026-11-30T10:00:00-05:00"


def test_a_field_two_categories_share_is_kept_for_the_one_chosen(home, tty):
    """The port/VLAN change and the configuration backup both ask for the device: saving a backup
    form dropped its device (the answer was judged by the other category's question), and the
    agent was told `--field device=...` was missing after typing it."""
    keys = [
        line("ACME"), line("Lima HQ"), KILL_LINE + line("PE"), line("Ana Díaz <ana@acme.pe> 01 4117000"),
        DOWN * 5 + "\r",  # configuration backup
        line("rtr-lima-01"), line("15/12/2026 22:00"), line("15/12/2026 23:30"), line("monthly backup"), SAVE,
    ]  # fmt: skip
    r = run_form("ssr", keys)
    assert r.exit_code == 0, r.output
    doc = open_store(home=home).get("SSR1")
    assert doc["category"] == "configuration_backup" and doc["details"] == {"device": "rtr-lima-01"}


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_a_zone_choice_fits_the_terminal_with_its_zone_and_offset(home):
    """São Paulo's ten cities ran past 80 columns, and the line cut at the edge hid its zone and
    offset (the one thing to check): the cities that fit, then "…", then the zone."""
    child = spawn(home, "ssr", columns=80)
    for prompt, keys in (
        ("Customer", "ACME\r"),
        ("Site", "Loja Centro\r"),
        ("Country of the site", "\x15BR\r"),
    ):
        child.expect_exact(prompt)
        child.send(keys)
    child.expect_exact("Time zone of the site")
    child.expect_exact("(America/Manaus, -04)")  # the second choice: the first is drawn by now
    drawn = child.before
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert "São Paulo, Rio de Janeiro, Brasília, … (America/Sao_Paulo, -03)" in drawn, drawn


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_a_resumed_ssr_form_was_received_when_it_began(home):
    """An SSR form begun on a call at 09:00, interrupted and resumed at 15:00 the same day, was
    stored as received at 15:00 (its lead time counted six hours short); it was received at 09:00."""

    child = spawn(home, "ssr", now="2026-12-01T09:00:00-05:00")
    answer(child, "Customer", "ACME\r")
    answer(child, "Site", "Lima HQ\r")
    answer(child, "Country of the site", "PE\r")
    child.expect_exact("Requester")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    child = spawn(home, "ssr", "--resume", now="2026-12-01T15:00:00-05:00")
    for prompt, keys in (("Requester", "Ana Díaz <ana@acme.pe> 01 4117000\r"), ("Static route", DOWN * 2 + "\r"),
                         ("Prefix", "10.9.0.0/16\r"), ("Next hop", "10.0.0.1\r"),
                         ("Execution window start", "14/12/2026 09:00\r"), ("Execution window end", "14/12/2026 10:00\r"),
                         ("Description", "new branch\r"), ("What now?", "\r")):  # fmt: skip
        answer(child, prompt, keys)
    child.expect_exact("SSR1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert open_store(home=home).get("SSR1")["received_at"] == "2026-12-01T09:00:00-05:00"
