"""Views for a headset and 80 columns, and output for scripts: the escalation table, `list` and
`show` at 80 columns, rows in a pipe, --format, --json FIELDS, --quiet, the escalate loop."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime, timedelta

import pexpect
import pytest
from conftest import PY, subprocess_env
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput
from typer.testing import CliRunner

import sdcli.ui as ui
from sdcli import escalation_table
from sdcli.store import open_store
from sdcli.validate import shown_phone

T0 = datetime.fromisoformat("2026-12-01T09:00:00-03:00")  # a Tuesday
W80 = {"COLUMNS": "80", "LINES": "40"}
DOWN, ENTER = "\x1b[B", "\r"


def at(minutes: float, **extra: str) -> dict:
    return {"SDCLI_NOW": (T0 + timedelta(minutes=minutes)).isoformat(), **extra}


def open_incident(
    sdcli, customer="Telefónica del Perú S.A.A.", site="Lima Centro de Datos San Isidro, piso 3"
):
    doc = sdcli.json("open", "--no-input", "--customer", customer, "--site", site, "--country", "PE",
                     "--problem", "link_down", "--callback", "Ana <ana@acme.pe> 01 4117000", "--service-type", "mpls",
                     "--no-contingency", "--json", env=at(0))  # fmt: skip
    sdcli.json("classify", doc["id"], "--severity", "1", "--reason", "test", "--json", env=at(0))
    return doc["id"]


def test_the_escalation_table_at_80_columns_shows_every_phone_and_email_whole(sdcli):
    inc = open_incident(sdcli)
    r = sdcli("escalate", inc, env=at(45, **W80))
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    table = escalation_table.load_table()
    for level in table.levels:
        for c in level.contacts:
            assert any(shown_phone(c.phone) in line for line in lines), c.phone  # grouped, on one line
            assert any(c.email in line for line in lines), c.email
    now = [line for line in lines if line.startswith("▶")]
    assert now == ["▶ now L2 Shift Lead · after 30 min"]  # the level to call now, marked
    assert any("OUT OF HOURS (Mon-Fri 08:00-20:00)" in line for line in lines)  # Jorge, 06:45 in Mexico City


def test_list_at_80_columns_is_one_line_a_row(sdcli):
    for i in range(3):
        open_incident(sdcli, customer=f"Telefónica del Perú S.A.A. sucursal número {i}")
    r = sdcli("list", "--format", "table", env=at(1, **W80))
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert len(lines) == 1 + 3 + 1, r.stdout  # header, a line a ticket, the count
    assert all(len(line) <= 80 for line in lines)
    assert [line.split()[0] for line in lines[1:4]] == ["INC1", "INC2", "INC3"]
    assert all("1 Dec 11:00 Lima" in line for line in lines[1:4])  # the due time is whole
    assert lines[0].split() == ["id", "sev", "status", "customer", "site", "due"]
    wide = sdcli("list", "--format", "table", env=at(1, COLUMNS="160")).stdout.splitlines()
    assert "problem" in wide[0] and "opened_at" in wide[0] and "sucursal número 2" in wide[3]


def test_a_cut_column_keeps_what_tells_its_rows_apart(sdcli):
    """At 80 columns three sites "Agencia Miraflores 1/2/3" read "Agencia Mirafl…" alike (and the
    customers "… sucursal número 0/1/2" too): where texts that differ would read the same cut,
    they are cut in their middle, the end that tells them apart kept."""
    for i in range(3):
        open_incident(sdcli, customer=f"Telefónica del Perú S.A.A. sucursal número {i}",
                      site=f"Agencia Miraflores, San Isidro {i}")  # fmt: skip
    open_incident(sdcli, customer="Minera Sur", site="Planta Concentradora Cerro Verde Arequipa")
    lines = sdcli("list", "--format", "table", env=at(1, **W80)).stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    rows = lines[1:4]
    assert len(set(rows)) == 3 and all("…" in row for row in rows)
    for i, row in enumerate(rows):
        assert row.count(f"… {i}") == 2, row  # the customer's and the site's last word kept
    alone = lines[4]  # no other site reads like it: cut at its end
    assert "Planta Concentr" in alone and "…" in alone and "Arequipa" not in alone


def test_shift_at_80_columns_is_a_line_a_row_telling_rows_apart(sdcli):
    """`shift` wrapped a long customer over four lines of a boxed table ("Banco / Andino / del /
    Sur"), so a screenful of rows took four screens, and cut "Agencia Mirafl…" alike for three
    sites: a row is one line now, cut as `list` cuts, the end that tells rows apart kept."""
    for i in range(3):
        open_incident(sdcli, customer="Banco Andino del Sur Sociedad Anónima Abierta",
                      site=f"Agencia Miraflores, San Isidro {i}")  # fmt: skip
    lines = sdcli("shift", "--format", "table", env=at(60, **W80)).stdout.splitlines()
    rows = [line for line in lines if line.startswith("INC")]  # due soon, and their escalations due
    assert len(rows) == 6 and all(len(line) <= 80 for line in lines), lines
    for n, row in enumerate(rows):
        assert row.startswith(f"INC{n % 3 + 1} ") and f"… {n % 3}" in row and "Banco Andino" in row, row
    assert not any(line.strip() in ("Sur", "del") for line in lines)


def test_search_at_80_columns_shows_when_each_was_opened_whole(sdcli):
    """`search` drew every column of a listing at 80 columns and cut them all, the times too
    ("1 Dec 07:00 Li…", "Tel…"); it shows what a search is read by (newest first: when each was
    opened) whole, the rest while it fits."""
    for i in range(2):
        open_incident(sdcli, customer=f"Telefónica del Perú S.A.A. sucursal número {i}")
    lines = sdcli("search", "telefonica", env=at(1, **W80)).stdout.splitlines()
    rows = [line for line in lines if line.startswith("INC")]
    assert len(rows) == 2 and all(len(line) <= 80 for line in lines), lines
    assert all("1 Dec 07:00 Lima" in row and "Telefónica del Per" in row for row in rows), rows
    wide = sdcli("search", "telefonica", env=at(1, COLUMNS="160")).stdout
    assert "problem" in wide and "1 Dec 11:00 Lima" in wide  # the due time, where it fits


def test_show_after_nine_calls_is_under_60_lines_and_each_call_one_line(sdcli):
    inc = open_incident(sdcli)
    for minute, name in enumerate(["Carla Mendes"] * 3 + ["Jorge Ramírez"] * 3 + ["Lucía Ferreyra"] * 3):
        r = sdcli(
            "escalate",
            inc,
            "--call",
            name,
            "--outcome",
            "no-answer",
            "--note",
            "rang out",
            env=at(40 + minute),
        )
        assert r.exit_code == 0, r.output
    r = sdcli("show", inc, env=at(50, **W80))
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert len(lines) < 60, r.stdout
    calls = [line for line in lines if "  tester  called " in line]
    assert len(calls) == 9
    assert "tester  called Carla Mendes (L2): no-answer — rang out" in calls[0]
    assert "rang out · moved up to level 3" in " ".join(" ".join(lines).split())  # wrapped, never cut
    # fields in the questionnaire's order: customer, site, country, timezone, problem, ...
    names = [line.split()[0] for line in lines if line and not line.startswith(" ")]
    assert (
        names.index("country")
        < names.index("timezone")
        < names.index("problem")
        < names.index("callback_contacts")
    )
    assert len(json.dumps(sdcli.json("show", inc, "--json"))) > 2 * len(r.stdout)  # JSON keeps everything


def test_a_pipe_gets_tab_separated_rows_grep_finds_an_accented_customer(sdcli, home):
    open_incident(sdcli, customer="Telefónica del Perú S.A.A.")
    open_incident(sdcli, customer="Minera Sur")
    env = subprocess_env(home, SDCLI_NOW=at(1)["SDCLI_NOW"], COLUMNS="80")
    listed = subprocess.run([PY, "-m", "sdcli", "list"], capture_output=True, text=True, env=env, check=True)
    head, *rows = listed.stdout.splitlines()
    assert head.split("\t")[:5] == ["id", "status", "severity", "customer", "site"]
    assert rows[0].split("\t")[:4] == ["INC1", "open", "1", "Telefónica del Perú S.A.A."]
    grep = subprocess.run(f"{PY} -m sdcli list | grep Telefónica", shell=True, capture_output=True, text=True,
                          env=env)  # fmt: skip
    assert grep.returncode == 0 and grep.stdout.count("\n") == 1 and grep.stdout.startswith("INC1\t")


def test_json_fields_format_and_quiet(sdcli):
    open_incident(sdcli)
    open_incident(sdcli, customer="Minera Sur")
    assert sdcli.json("list", "--json", "id,status") == [
        {"id": "INC1", "status": "open"},
        {"id": "INC2", "status": "open"},
    ]
    assert sdcli.json("list", "--json=customer") == [
        {"customer": "Telefónica del Perú S.A.A."},
        {"customer": "Minera Sur"},
    ]
    assert sdcli.json("show", "INC2", "--json", "id,customer") == {"id": "INC2", "customer": "Minera Sur"}
    assert sdcli.json("show", "--json", "inc2")["customer"] == "Minera Sur"  # an id is not a list of fields
    full = sdcli.json("list", "--json")
    assert {"id", "status", "customer", "site", "opened_at"} <= set(full[0])  # bare --json: as before
    r = sdcli("list", "--json", "id,nosuch")
    assert r.exit_code == 1 and "nosuch" in r.stderr and "known:" in r.stderr
    assert sdcli("list", "--quiet").stdout == "INC1\nINC2\n"
    assert sdcli("list", "-q", "--customer", "minera").stdout == "INC2\n"
    csv_out = sdcli("list", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,status,severity,customer") and csv_out[2].startswith(
        "INC2,open,1,Minera Sur"
    )
    assert sdcli.json("list", "--format", "json")[0]["id"] == "INC1"
    r = sdcli("list", "--format", "xml")
    assert r.exit_code == 1 and "table, tsv, csv, json" in r.stderr
    shift = sdcli("shift", env=at(300)).stdout.splitlines()
    assert shift[0] == "section\tid\tseverity\tstatus\tcustomer\tsite\tat" and shift[1].startswith(
        "breached\tINC"
    )
    assert sorted(sdcli("shift", "--quiet", env=at(300)).stdout.split()) == ["INC1", "INC2"]


def test_list_status_names_the_states_and_a_missing_store_is_said(sdcli, tmp_path):
    r = sdcli("list", "--status", "bogus")
    assert r.exit_code == 1
    assert "open, on_hold, resolved, closed" in r.stderr and "No tickets match" not in r.stdout
    assert sdcli("list", "--kind", "ssr", "--status", "open").exit_code == 1  # not a state of an SSR
    assert sdcli("list", "--kind", "ssr", "--status", "received").exit_code == 0


def test_customer_list_footer_counts_customers(sdcli):
    assert sdcli("customer", "list").stdout.strip() == "No customers in the directory."
    sdcli.json("customer", "add", "ACME", "--project-manager", "Pia <pia@acme.pe> +51 1 4117001", "--json")
    out = sdcli("customer", "list").stdout
    assert out.strip().endswith("1 customer") and "ticket" not in out


def test_customer_list_at_80_columns_shows_each_name(sdcli):
    """At 80 columns the managers' columns never shrank and every customer's name was cut to a
    letter ("B…"): two customers read alike. The managers are cut now, the names kept readable."""
    for name in ("Banco Andino del Sur", "Banco Andino del Norte"):
        sdcli.json("customer", "add", name, "--project-manager", "Luis Paredes <lparedes@bancoandino.pe> +51 1 4117001",
                   "--account-manager", "Carlos Vega <carlos.vega@bt.example> +51 1 6110000", "--json")  # fmt: skip
    lines = sdcli("customer", "list", env=W80).stdout.splitlines()
    rows = [line for line in lines if line.startswith("Banco")]
    assert len(rows) == 2 and all(len(line) <= 80 for line in lines), lines
    assert rows[0].split("  ")[0] != rows[1].split("  ")[0], rows  # the names tell them apart
    assert all("Luis Paredes" in row and "Carlos Vega" in row for row in rows), rows


def test_outbox_list_at_80_columns_leaves_out_an_error_column_no_update_has(sdcli):
    """At 80 columns `outbox list` cut its headers and times ("next inten…", "3 dic 18:16 U…") to
    make room for an error column every row left empty: it shows only when an update has one."""
    inc = open_incident(sdcli)  # classified: one update queued
    assert sdcli("hold", inc, "--reason", "awaiting-customer", env=at(5)).exit_code == 0
    lines = sdcli("--lang", "es", "outbox", "list", env=at(6, **W80)).stdout.splitlines()
    assert lines[0].split()[-2:] == ["intento", "intentos"] and "…" not in lines[0], lines
    assert "error" not in lines[0] and all(len(line) <= 80 for line in lines)
    assert all("…" not in line.split("  ")[-2] for line in lines[1:3]), lines  # the time whole


def _escalate_piped(keys: list[str], minutes: float = 45) -> tuple[str, object]:
    from sdcli.cli import app

    screen = io.StringIO()
    with create_pipe_input() as inp:
        for k in keys:
            inp.send_text(k)
        with create_app_session(input=inp, output=PlainTextOutput(screen)):
            r = CliRunner().invoke(app, ["escalate", "INC1"], env=at(minutes, **W80))
    return r.stdout + r.stderr + screen.getvalue(), r


def test_escalate_loops_on_the_refreshed_level_through_pipe_input(sdcli, home, monkeypatch):
    open_incident(sdcli)
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)
    no_answer = [ENTER, DOWN + ENTER, "rang out\r"]  # Carla (first at level 2), no-answer, a note
    keys = no_answer + ["y"] + no_answer + ["y"] + no_answer + ["y"] + [ENTER, ENTER, "\r", "n"]
    text, r = _escalate_piped(keys)
    assert r.exit_code == 0, text[-3000:]
    attempts = open_store(home=home).get("INC1")["escalation_attempts"]
    assert [(a["contact"], a["outcome"]) for a in attempts] == [("Carla Mendes", "no-answer")] * 3 + [
        ("Jorge Ramírez", "reached")
    ]  # after the third failure the loop offered level 3
    assert "leave a voicemail, then call level 3" in text
    assert "Jorge Ramírez is out of hours" in text  # 06:45 in Mexico City: advised to call anyway
    assert "Another call?" in text


def test_escalate_offers_the_email_backup_with_its_warning_and_advises_out_of_hours(sdcli, home, monkeypatch):
    open_incident(sdcli)
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)
    # level 3 at 07:02 in Mexico City: Jorge is out of hours; the e-mail choice comes after the calls
    text, r = _escalate_piped([DOWN + ENTER, "sent the summary\r", "n"], minutes=62)
    assert r.exit_code == 0, text[-3000:]
    assert "Jorge Ramírez is out of hours" in text and "call anyway" in text
    assert "backup only: not monitored 24x7" in text  # the choice says it
    assert "Email is only a backup" in text and "not monitored 24x7" in text
    last = open_store(home=home).get("INC1")["escalation_attempts"][-1]
    assert (last["channel"], last["outcome"]) == ("email", "sent")


def test_the_top_level_says_there_is_no_level_above(sdcli):
    inc = open_incident(sdcli)
    r = sdcli(
        "escalate", inc, "--call", "Martin Hale", "--outcome", "busy", "--force", "--reason", "CEO", env=at(1)
    )
    assert r.exit_code == 0, r.output
    assert "no level above" in r.stderr and "before moving up" not in r.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_escalate_loop_in_a_real_terminal(sdcli, home):
    inc = open_incident(sdcli)
    env = subprocess_env(home, TERM="xterm", COLUMNS="80", LINES="40", PROMPT_TOOLKIT_NO_CPR="1", **at(45))
    child = pexpect.spawn(PY, ["-m", "sdcli", "--no-pager", "escalate", inc], env=env, encoding="utf-8", timeout=20,
                          dimensions=(40, 80))  # fmt: skip
    child.expect_exact("▶ now L2 Shift Lead")
    child.expect_exact("+55 11 98100-2002")
    child.expect_exact("Call whom at level 2")
    child.send(ENTER)
    child.expect_exact("Outcome of the call")
    child.send(DOWN + ENTER)
    child.expect_exact("Note (optional)")
    child.send("rang out\r")
    child.expect_exact("1 consecutive failed call(s) at level 2; 2 more before moving up.")
    child.expect_exact("Another call?")
    child.send("y")
    child.expect_exact("1 tried, 1 failed in a row")  # the refreshed table
    child.expect_exact("Call whom at level 2")
    child.send(ENTER)
    child.expect_exact("Outcome of the call")
    child.send(ENTER)  # reached
    child.expect_exact("Note (optional)")
    child.send("\r")
    child.expect_exact("Carla Mendes (level 2) now owns the escalation.")
    child.expect_exact("Another call?")
    child.send("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    doc = open_store(home=home).get(inc)
    assert [a["outcome"] for a in doc["escalation_attempts"]] == ["no-answer", "reached"]


def test_help_names_values_plainly_and_lists_the_environment(sdcli):
    root = sdcli("--help", env={"COLUMNS": "80"}).stdout
    assert "Environment:" in root and "SDCLI_HOME" in root and "SDCLI_STORE" in root and "NO_COLOR" in root
    assert "..." not in root.split("Commands:")[1].split("Environment:")[0]  # summaries are never cut
    note = sdcli("note", "--help").stdout
    assert "Usage: sdcli note [OPTIONS] ID [TEXT]" in note and "{ID}" not in note  # asked when left out
    imported = sdcli("import", "--help").stdout
    assert "<list[str]>" not in imported and "--map TEXT" in imported
    assert "--limit N" in sdcli("list", "--help").stdout


@pytest.mark.files_only(
    "the embedded store's home; a database store's missing schema is refused (test_postgres)"
)
@pytest.mark.parametrize(
    "command",
    [["list"], ["ssr", "list"], ["change", "list"], ["shift"], ["search", "acme"], ["customer", "list"],
     ["drafts", "list"], ["export"], ["outbox", "list"], ["list", "--json"], ["shift", "--format", "tsv"]],
    ids=lambda c: " ".join(c),
)  # fmt: skip
def test_a_home_that_does_not_exist_is_said_by_every_read_only_listing(sdcli, tmp_path, command):
    typo = tmp_path / "typo"
    r = sdcli("--home", str(typo), *command)
    assert r.exit_code == 1, r.output
    assert f"there is no store in {typo} (nothing was ever saved there): check --home" in r.stderr
    assert r.stdout == "" and not typo.exists()  # no empty result printed, nothing created


@pytest.mark.files_only("the embedded store's home")
def test_a_home_that_exists_with_nothing_in_it_lists_nothing_without_the_error(sdcli, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    r = sdcli("--home", str(empty), "ssr", "list", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout) == [] and "no store" not in r.stderr


def _json_size_after_calls(sdcli, inc: str, first: int, last: int) -> int:
    for minute in range(first, last):
        r = sdcli("escalate", inc, "--call", "Carla Mendes", "--outcome", "no-answer", "--note", "rang out",
                  env=at(31 + minute))  # fmt: skip
        assert r.exit_code == 0, r.output
    return len(json.dumps(sdcli.json("show", inc, "--json", env=at(45)), ensure_ascii=False))


def test_each_call_stores_the_attempt_it_added_so_show_json_grows_linearly(sdcli):
    """Each history entry of a call keeps the one attempt added, never the whole list again: the
    JSON of 9 calls grows by about twice what 3 calls added (quadratic growth would be ~8x)."""
    inc = open_incident(sdcli)
    none = len(json.dumps(sdcli.json("show", inc, "--json", env=at(30)), ensure_ascii=False))
    three = _json_size_after_calls(sdcli, inc, 0, 3)
    nine = _json_size_after_calls(sdcli, inc, 3, 9)
    assert nine - three < 2.5 * (three - none), (none, three, nine)
    assert nine < 3 * three
    doc = sdcli.json("show", inc, "--json")
    calls = [h for h in doc["history"] if h["action"] == "escalation-attempt"]
    assert len(calls) == 9 and len(doc["escalation_attempts"]) == 9
    for n, h in enumerate(calls):
        change = h["changes"]["escalation_attempts"]
        if n == 0:  # the first call: from nothing to one
            assert change == [None, doc["escalation_attempts"][:1]]
        else:
            assert change == {"added": [doc["escalation_attempts"][n]]}


def test_an_old_entry_with_the_whole_list_and_a_new_one_read_the_same():
    """Stores written before keep [old, new] whole lists: read and told as "+1" as a new entry is."""
    from sdcli.stored import shapes
    from sdcli.views.show import event_text

    a = {"at": "2026-12-01T09:40:00-03:00", "by": "ana", "level": 2, "contact": "Carla Mendes",
         "channel": "phone", "outcome": "no-answer"}  # fmt: skip
    b = {**a, "at": "2026-12-01T09:45:00-03:00"}
    doc = {"id": "INC1", "timezone": "America/Lima"}
    head = {"at": b["at"], "by": "ana", "action": "updated"}
    old = {**head, "changes": {"escalation_attempts": [[a], [a, b]]}}
    new = {**head, "changes": {"escalation_attempts": {"added": [b]}}}
    assert event_text(old, doc) == event_text(new, doc)
    assert "escalation_attempts +1" in event_text(new, doc)
    from sdcli.shapes import check

    for entry in (old, new):
        check(shapes()["history"], [entry])  # both are a valid stored history


# ---------------------------------------------------------------- the pager, in a real terminal
@pytest.fixture
def pager(tmp_path):
    """A pager that copies what it is given to a file (and shows nothing)."""
    got = tmp_path / "paged.txt"
    script = tmp_path / "pager.sh"
    script.write_text(f'#!/bin/sh\ncat > "{got}"\n')
    script.chmod(0o700)
    return script, got


def _show_in_a_pty(home, lines: int, *extra: str, **env: str) -> tuple[str, int]:
    child = pexpect.spawn(PY, ["-m", "sdcli", *extra, "show", "INC1"], encoding="utf-8", timeout=30,
                          env=subprocess_env(home, TERM="xterm", COLUMNS="80", LINES=str(lines), **env),
                          dimensions=(lines, 80))  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    return child.before, child.exitstatus


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_a_long_view_on_a_terminal_goes_through_the_pager_and_no_pager_or_a_pipe_never_does(
    sdcli, home, pager
):
    script, got = pager
    open_incident(sdcli)
    shown, code = _show_in_a_pty(home, 12, PAGER=str(script))  # `show` is taller than 12 lines
    assert code == 0 and "Telefónica del Perú" in got.read_text(encoding="utf-8")
    assert "Telefónica del Perú" not in shown  # the pager had it, not the terminal
    got.unlink()
    shown, code = _show_in_a_pty(home, 12, PAGER="false", SDCLI_PAGER=str(script))  # SDCLI_PAGER wins
    assert code == 0 and got.exists()
    got.unlink()
    shown, code = _show_in_a_pty(home, 12, "--no-pager", PAGER=str(script))
    assert code == 0 and not got.exists() and "Telefónica del Perú" in shown
    shown, code = _show_in_a_pty(home, 12, PAGER=str(script), SDCLI_NO_PAGER="1")
    assert code == 0 and not got.exists() and "Telefónica del Perú" in shown
    piped = subprocess.run([PY, "-m", "sdcli", "show", "INC1"], capture_output=True, text=True, timeout=60,
                           env=subprocess_env(home, PAGER=str(script), LINES="12"))  # fmt: skip
    assert piped.returncode == 0 and "Telefónica del Perú" in piped.stdout and not got.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_a_view_that_fits_the_screen_is_not_paged(sdcli, home, pager):
    """Unlike gh (which pages whenever $PAGER is set on a terminal), a view shorter than the
    screen is printed directly: nothing to scroll, no pager to quit."""
    script, got = pager
    open_incident(sdcli)
    shown, code = _show_in_a_pty(home, 200, PAGER=str(script))
    assert code == 0 and not got.exists() and "Telefónica del Perú" in shown


def test_show_list_and_search_word_a_choice_as_the_desks_questionnaire_does(sdcli, home):
    """A desk's questionnaire.toml that words a choice its own way is what every view shows,
    not the packaged wording."""
    from importlib import resources

    packaged = resources.files("sdcli.data").joinpath("questionnaire.toml").read_text(encoding="utf-8")
    words = ('es = "Enlace no disponible", en = "Link down", pt = "Link indisponível"',)
    assert packaged.count(words[0]) == 1
    home.mkdir(mode=0o700, exist_ok=True)
    desk = home / "questionnaire.toml"
    desk.write_text(packaged.replace(words[0], 'es = "Circuito caído", en = "Circuit down", pt = "Circuito caído"'),
                    encoding="utf-8")  # fmt: skip
    desk.chmod(0o600)
    inc = open_incident(sdcli)
    shown = sdcli("show", inc, env=at(5, SDCLI_LANG="en", **W80))
    wide = at(5, SDCLI_LANG="en", COLUMNS="200")  # room for the problem column
    listed = sdcli("list", "--format", "table", env=wide)
    found = sdcli("search", "Telefónica", env=wide)
    for r in (shown, listed, found):
        assert r.exit_code == 0, r.output
        assert "Circuit down" in r.stdout and "Link down" not in r.stdout, r.stdout
