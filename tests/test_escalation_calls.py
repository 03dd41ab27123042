"""escalate through its domain service: one attempt decided and saved in the store's write
(escalation_calls.record_call), the advice's level (never its words) making a warning, and the
escalation state computed once a run."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from conftest import err
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput
from test_escalation import T0, at, open_incident
from typer.testing import CliRunner

import sdcli.ui as ui
from sdcli import escalation, escalation_calls, escalation_table
from sdcli.escalation_calls import INFO, WARNING, Call
from sdcli.i18n import t_in
from sdcli.store.base import version
from sdcli.store.records import ChangedMeanwhile
from sdcli.tickets import add_note


def warned(lang: str, key: str, **kw) -> str:
    return t_in(lang, "error.warning", text=t_in(lang, key, **kw))


@pytest.mark.parametrize("lang", ["es", "en", "pt"])
def test_a_warning_is_one_by_its_level_in_every_language(sdcli, lang):
    inc = open_incident(sdcli)
    r = sdcli("--lang", lang, "escalate", inc, "--call", "Carla Mendes", "--outcome", "busy", env=at(40))
    assert r.exit_code == 0, r.output
    assert err(r).splitlines() == [t_in(lang, "escalate.failed", fails=1, level=2, left=2)]  # info: no prefix
    r = sdcli("--lang", lang, "escalate", inc, "--email", "Carla Mendes", env=at(41))
    assert r.exit_code == 0, r.output
    assert err(r).splitlines() == [warned(lang, "escalate.email_backup")]
    for outcome in ("no-answer", "voicemail"):
        r = sdcli("--lang", lang, "escalate", inc, "--call", "Carla Mendes", "--outcome", outcome, env=at(42))
        assert r.exit_code == 0, r.output
    (line,) = err(r).splitlines()  # the third failure: move up, a warning
    assert line.startswith(t_in(lang, "error.warning", text="")) and "Jorge Ramírez" in line
    if lang != "en":
        assert "Warning" not in err(r)  # other words than English: the level, not the text, made it one


def test_record_call_decides_from_the_ticket_in_the_write(sdcli, store):
    inc = open_incident(sdcli)
    table = escalation_table.load_table()
    for outcome in ("busy", "no-answer"):  # two failures saved by the command, before the service is called
        assert (
            sdcli("escalate", inc, "--call", "Carla Mendes", "--outcome", outcome, env=at(40)).exit_code == 0
        )
    doc, advice = escalation_calls.record_call(store, inc, table, Call("Carla Mendes", outcome="voicemail"),
                                               actor="bea", now=T0 + timedelta(minutes=41))  # fmt: skip
    assert [(a.level, a.message.key) for a in advice] == [(WARNING, "escalate.move_up")]
    assert doc["escalation"]["active_level"] == 3 and doc["history"][-1]["moved_to_level"] == 3
    assert doc["history"][-1]["by"] == "bea" and store.get(inc)["escalation"]["active_level"] == 3
    doc, advice = escalation_calls.record_call(store, inc, table, Call("Jorge Ramírez", outcome="reached"),
                                               actor="bea", now=T0 + timedelta(minutes=42))  # fmt: skip
    assert [(a.level, a.message.key) for a in advice] == [(INFO, "escalate.owner")]


def test_record_call_refuses_a_ticket_changed_since_it_was_looked_at(sdcli, store):
    inc = open_incident(sdcli)
    seen = version(store.get(inc))
    add_note(store, inc, "customer called back", actor="bea")  # another agent, meanwhile
    with pytest.raises(ChangedMeanwhile):
        escalation_calls.record_call(store, inc, escalation_table.load_table(), Call("Carla Mendes", outcome="busy"),
                                     actor="tester", now=T0 + timedelta(minutes=40), expect=seen)  # fmt: skip
    assert "escalation_attempts" not in store.get(inc)


@pytest.fixture
def counted(monkeypatch) -> list[int]:
    """Each computation of the escalation state, by a wrapper around the real function."""
    calls: list[int] = []
    real = escalation.state

    def state(*args, **kw):
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(escalation, "state", state)
    return calls


@pytest.mark.parametrize(
    ("args", "times"),
    [([], 1), (["--json"], 1), (["--call", "Carla Mendes", "--outcome", "busy", "--json"], 1),
     (["--call", "Carla Mendes", "--outcome", "busy"], 0)],
)  # fmt: skip
def test_escalate_computes_the_state_once_a_run(sdcli, counted, args, times):
    inc = open_incident(sdcli)
    counted.clear()
    r = sdcli("escalate", inc, *args, env=at(45))
    assert r.exit_code == 0, r.output
    assert len(counted) == times
    if not args:
        assert "▶" in r.stdout and "Carla Mendes" in r.stdout  # the view made from that one state
    if "--json" in args:
        assert '"active_level": 2' in r.stdout


def test_the_escalate_loop_computes_the_state_once_a_round(sdcli, home, counted, monkeypatch):
    from sdcli.cli import app
    from sdcli.store import open_store

    open_incident(sdcli)
    counted.clear()
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)
    keys = ["\r", "\x1b[B\r", "rang out\r", "y", "\r", "\r", "\r", "n"]  # no-answer; again: reached; no more
    with create_pipe_input() as inp:
        inp.send_text("".join(keys))
        with create_app_session(input=inp, output=PlainTextOutput(io.StringIO())):
            r = CliRunner().invoke(app, ["escalate", "INC1"], env=at(45))
    assert r.exit_code == 0, r.output
    attempts = open_store(home=home).get("INC1")["escalation_attempts"]
    assert [a["outcome"] for a in attempts] == ["no-answer", "reached"]
    assert len(counted) == 2  # two rounds: the table, the advice and the choices of each from one state
