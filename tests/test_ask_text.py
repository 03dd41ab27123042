"""resolve, hold, reopen and note on a terminal ask for the text they need (issue 16), in the
session's language, re-asking while it is empty; a wrong id is told before any typing; in a script
the text left out is a usage error (exit 2) naming the flag, and nothing is written."""

from __future__ import annotations

import pytest
from conftest import err
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from typer.testing import CliRunner

import sdcli.ui as ui

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
        "link_down", "--service-type", "mpls", "--callback", "Ana <ana@acme.pe> +51 987654321", "--json"]  # fmt: skip


def typed(args: list[str], keys: list[str]):
    from sdcli.cli import app

    with create_pipe_input() as inp:
        for k in keys:
            inp.send_text(k)
        inp.close()
        with create_app_session(input=inp, output=DummyOutput()):
            return CliRunner().invoke(app, args)


@pytest.fixture
def tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)


@pytest.mark.parametrize(
    ("args", "field", "check"),
    [
        (["resolve"], "resolution", lambda d: d["status"] == "resolved"),
        (["hold"], "sla_paused_at", lambda d: d["history"][-1]["note"] == "router replaced"),
        (["note"], "history", lambda d: d["history"][-1]["note"] == "router replaced"),
    ],
)
def test_the_text_left_out_is_asked_on_a_terminal(sdcli, home, tty, args, field, check):
    tid = sdcli.json(*OPEN)["id"]
    if args == ["hold"]:
        sdcli.json("classify", tid, "--severity", "2", "--reason", "test", "--json")
    r = typed([*args, tid], ["   \r", "router replaced\r"])  # an empty answer is asked again
    assert r.exit_code == 0, r.output
    doc = sdcli.json("show", tid, "--json")
    assert field in doc and check(doc)
    if args == ["resolve"]:
        assert doc["resolution"] == "router replaced"


def test_reopen_asks_why(sdcli, home, tty):
    tid = sdcli.json(*OPEN)["id"]
    assert sdcli("resolve", tid, "--note", "fixed").exit_code == 0
    r = typed(["reopen", tid], ["down again\r"])
    assert r.exit_code == 0, r.output
    doc = sdcli.json("show", tid, "--json")
    assert doc["status"] == "open" and doc["history"][-1]["note"] == "down again"


def test_the_question_is_in_the_sessions_language(sdcli, home, tty):
    tid = sdcli.json(*OPEN)["id"]
    from sdcli.cli import app

    with create_pipe_input() as inp:
        inp.send_text("listo\r")
        inp.close()
        import io

        from prompt_toolkit.output.plain_text import PlainTextOutput

        screen = io.StringIO()
        with create_app_session(input=inp, output=PlainTextOutput(screen)):
            r = CliRunner().invoke(app, ["--lang", "es", "resolve", tid])
    assert r.exit_code == 0, r.output
    assert "¿Qué lo resolvió?" in screen.getvalue()


def test_a_wrong_id_is_told_before_any_typing(sdcli, home, tty):
    sdcli.json(*OPEN)
    r = typed(["resolve", "INC99"], [])
    assert r.exit_code == 1 and "INC99" in err(r) and err(r).count("\n") == 1


@pytest.mark.parametrize(("args", "flag"), [(["resolve"], "--note"), (["hold"], "--reason"),
                                             (["reopen"], "--note"), (["note"], "TEXT")])  # fmt: skip
def test_in_a_script_the_text_left_out_is_a_usage_error_and_nothing_is_written(sdcli, home, args, flag):
    tid = sdcli.json(*OPEN)["id"]
    before = sdcli.json("show", tid, "--json")
    r = sdcli(*args, tid)
    assert r.exit_code == 2 and err(r).startswith("Error: ") and flag in err(r) and err(r).count("\n") == 1
    assert sdcli.json("show", tid, "--json") == before
