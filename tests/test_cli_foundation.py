"""The command line on the store: state machine, errors, exit codes, JSON, help."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import BACKEND, PY, ROOT, err, subprocess_env
from helpers import make_incident

from sdcli.store import open_store


@pytest.fixture
def inc(home):
    return make_incident(open_store(home=home))


def test_version(sdcli):
    from sdcli import __version__

    r = sdcli("--version")
    assert r.exit_code == 0 and r.stdout.strip() == f"sdcli {__version__}"


def test_python_dash_m(home):
    r = subprocess.run(
        [PY, "-m", "sdcli", "--version"], env=subprocess_env(home), capture_output=True, text=True
    )
    assert r.returncode == 0 and r.stdout.startswith("sdcli ")


def test_show_json_has_every_field_and_timeline(sdcli, inc):
    doc = sdcli.json("show", "inc1", "--json")
    assert doc["id"] == "INC1" and doc["customer"] == "ACME"
    assert doc["history"][0]["action"] == "opened"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", doc["opened_at"])


def test_show_human_has_fields_and_timeline(sdcli, inc):
    r = sdcli("show", "INC1")
    assert r.exit_code == 0
    assert "ACME" in r.stdout and "Timeline" in r.stdout and "opened" in r.stdout


def test_note_resolve_close_reopen(sdcli, inc):
    assert sdcli("note", "INC1", "called the site").exit_code == 0
    r = sdcli("close", "INC1")
    assert r.exit_code == 1
    assert err(r).startswith("Error: cannot close INC1: it is open") and err(r).count("\n") == 1
    doc = sdcli.json("resolve", "INC1", "--note", "power back", "--json")
    assert doc["status"] == "resolved" and doc["resolution"] == "power back" and doc["resolved_at"]
    assert sdcli.json("close", "INC1", "--json")["status"] == "closed"
    assert sdcli.json("list", "--json") == []
    assert [d["id"] for d in sdcli.json("list", "--all", "--json")] == ["INC1"]
    doc = sdcli.json("reopen", "INC1", "--note", "down again", "--json")
    assert doc["status"] == "open" and "resolved_at" not in doc
    actions = [h["action"] for h in doc["history"]]
    assert actions == ["opened", "note", "resolve", "close", "reopen"]
    assert doc["history"][2]["changes"]["status"] == ["open", "resolved"]


def test_note_on_unknown_id_and_bad_id(sdcli, inc, home):
    r = sdcli("note", "INC77", "x")
    where = home / "store" if BACKEND == "tinydb" else open_store(home=home).describe()
    assert r.exit_code == 1 and err(r).strip() == f"Error: no ticket INC77 in {where}"
    r = sdcli("note", "77", "x")
    assert r.exit_code == 1 and "is not a ticket id" in r.stderr


def test_empty_note_refused_and_nothing_written(sdcli, inc):
    r = sdcli("note", "INC1", "   ")
    assert r.exit_code == 1 and "note" in r.stderr and "empty" in r.stderr
    assert len(sdcli.json("show", "INC1", "--json")["history"]) == 1


def test_usage_error_exits_2(sdcli, inc):
    assert sdcli("resolve", "INC1").exit_code == 2  # --note missing
    assert sdcli("list", "--severity", "x").exit_code == 2
    assert sdcli("nosuchcommand").exit_code == 2


def test_list_filters(sdcli, home):
    s = open_store(home=home)
    make_incident(s, customer="Banco Andino", severity=1)
    make_incident(s, customer="Minera Sur", site="Antofagasta", severity=3)
    make_incident(s, customer="banco andino", site="Cusco", severity=2)
    assert [d["id"] for d in sdcli.json("list", "--customer", "BANCO", "--json")] == [
        "INC1",
        "INC3",
    ]
    assert [d["id"] for d in sdcli.json("list", "--severity", "1", "--severity", "2", "--json")] == [
        "INC1",
        "INC3",
    ]
    assert [d["id"] for d in sdcli.json("list", "--site", "anto", "--json")] == ["INC2"]
    assert [d["id"] for d in sdcli.json("list", "--sort", "severity", "--limit", "2", "--json")] == [
        "INC1",
        "INC3",
    ]
    assert [d["id"] for d in sdcli.json("list", "--sort", "id", "--reverse", "--json")] == [
        "INC3",
        "INC2",
        "INC1",
    ]
    assert len(sdcli.json("list", "--since", "hace 1h", "--json")) == 3
    assert sdcli.json("list", "--until", "2000-01-01", "--json") == []
    r = sdcli("list", "--since", "yesterdayish")
    assert r.exit_code == 1 and "since" in r.stderr
    r = sdcli("list", "--kind", "bogus")
    assert r.exit_code == 1 and "incident, ssr, change" in r.stderr


@pytest.mark.files_only("damages a shard file of the embedded store")
def test_damaged_store_exit_1_names_file_unchanged_and_doctor_reports(sdcli, inc, home):
    shard = home / "store" / "INC" / "00000.json"
    shard.write_text('{"tickets": {"1": ')
    before = shard.read_bytes()
    for args in (("show", "INC1"), ("note", "INC1", "x"), ("list", "--all")):
        r = sdcli(*args)
        assert r.exit_code == 1, args
        assert r.stderr.startswith("Error: ") and str(shard) in r.stderr and r.stderr.count("\n") == 1
    assert shard.read_bytes() == before
    r = sdcli("doctor")
    assert r.exit_code == 1 and "damaged" in r.stdout and str(shard) in r.stdout
    r = sdcli("doctor", "--fix")
    assert r.exit_code == 1 and shard.read_bytes() == before


def test_doctor_ok_and_json(sdcli, inc):
    r = sdcli("doctor")
    assert r.exit_code == 0 and r.stdout.strip().endswith("ok")
    rep = sdcli.json("doctor", "--json")
    assert rep["ok"] is True and rep["problems"] == []


@pytest.mark.files_only("file modes of the embedded store")
def test_doctor_reports_loose_permissions(sdcli, inc, home):
    (home / "store" / "meta.json").chmod(0o644)
    r = sdcli("doctor", "--json")
    assert r.exit_code == 1 and any("permissions" in p for p in json.loads(r.stdout)["problems"])
    assert sdcli("doctor", "--fix").exit_code == 0


def test_home_option_beats_env(sdcli, tmp_path, home, monkeypatch):
    other = tmp_path / "elsewhere"
    r = sdcli("--home", str(other), "open", "--resume")  # what lives in the home: drafts, the desk's files
    assert r.exit_code == 1 and str(other / "drafts") in err(r) and str(home) not in err(r)
    monkeypatch.delenv("SDCLI_STORE", raising=False)  # the default store is the embedded one in the home
    make_incident(open_store(home=other))
    assert sdcli("show", "INC1").exit_code == 1
    assert sdcli.json("--home", str(other), "show", "INC1", "--json")["id"] == "INC1"


def test_unexpected_exception_is_one_line_with_report(sdcli, inc, monkeypatch, home):
    import sdcli.commands.note as note  # the command's own name for it (imported at its top)

    def boom(*a, **k):
        raise ZeroDivisionError("kaboom")

    monkeypatch.setattr(note, "add_note", boom)
    r = sdcli("note", "INC1", "x")
    assert r.exit_code == 1
    line = err(r).strip()
    assert "\n" not in line and line.startswith("Error: unexpected ZeroDivisionError: kaboom")
    path = line.rsplit("report is in ", 1)[1].rstrip(")")
    assert "Traceback" in open(path).read()


def _walk(group, prefix=()):
    import typer.core

    for name, cmd in group.commands.items():
        yield (*prefix, name), cmd
        if isinstance(cmd, typer.core.TyperGroup):
            yield from _walk(cmd, (*prefix, name))


def test_every_command_has_help_with_example_and_is_in_readme():
    from sdcli.cli import every_command  # the lazy root, every command loaded

    readme = (ROOT / "README.md").read_text()
    root = every_command()
    names = list(_walk(root))
    assert len(names) >= 7
    for path, cmd in names:
        assert cmd.help and cmd.help.strip(), path
        if not hasattr(cmd, "commands"):
            assert "Example:" in cmd.help, path
        assert f"sdcli {' '.join(path)}" in readme, path


def test_domain_modules_import_no_cli_library():
    import ast

    cli_side = {"cli.py", "usage.py", "helptext.py", "help_display.py", "folding.py", "ui.py", "render.py", "prompts.py", "asking.py", "__main__.py"}  # fmt: skip
    domain = [
        p
        for p in (ROOT / "sdcli").rglob("*.py")
        if p.name not in cli_side and "commands" not in p.parts and "views" not in p.parts
    ]
    assert len(domain) >= 20 and ROOT / "sdcli" / "store" / "tiny.py" in domain
    for name in domain:
        tree = ast.parse(name.read_text())
        for node in ast.walk(tree):
            mods = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for mod in mods:
                assert mod.split(".")[0] not in ("typer", "rich", "questionary", "click"), (name, mod)
