"""A run that resumes (or walks) a draft holds it: three scripts resuming one draft at once filed
three SSRs from it (billed three times); another agent's draft was taken without --force; a
different --category over a draft kept the old category's fields. Real processes where it is
about processes."""

from __future__ import annotations

import signal
import subprocess
import sys

import pexpect
import pytest
from conftest import PY, err, subprocess_env
from test_forms import run_form, spawn

import sdcli.ui as ui
from sdcli import drafts
from sdcli.store import open_store

NOW = "2026-12-03T11:00:00-03:00"
ENV = {"SDCLI_NOW": NOW, "SDCLI_LANG": "en"}
SSR = {"customer": "ACME", "site": "Lima HQ", "country": "PE", "requester": "Ana Díaz <ana@acme.pe> 01 4117000",
       "category": "configuration_backup", "details.device": "rtr-lima-01",
       "window_start": "2026-12-15T22:00:00-05:00", "window_end": "2026-12-15T23:30:00-05:00"}  # fmt: skip
CHANGE = {"customer": "Minera Sur", "site": "Antofagasta", "country": "CL", "type": "rack_relocation"}


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setenv("SDCLI_NOW", NOW)  # the drafts made here began then


def made(home, form: str = "ssr", agent: str = "tester", answers: dict | None = None) -> drafts.Draft:
    d = drafts.new(home, agent, {"form": form, "country": "PE"})
    d.answers = dict(SSR if answers is None else answers)
    drafts.save(home, d)
    return d


def tickets(home) -> list[dict]:
    return list(open_store(home=home).all_tickets()) if (home / "store").exists() or _pg() else []


def _pg() -> bool:
    from conftest import BACKEND

    return BACKEND == "postgresql"


@pytest.mark.parametrize("by_id", [True, False])
def test_three_scripts_resuming_one_draft_at_once_file_one_ssr(home, by_id):
    draft = made(home)
    pick = ["--draft", draft.id] if by_id else []
    cmd = [PY, "-m", "sdcli", "ssr", "--resume", "--no-input", *pick, "--description", "monthly backup"]
    runs = [subprocess.Popen(cmd, env=subprocess_env(home, **ENV), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(3)]  # fmt: skip
    done = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in runs]  # type: ignore[union-attr]
    won = [d for d in done if d[0] == 0]
    lost = [d for d in done if d[0] != 0]
    assert len(won) == 1 and won[0][1].startswith("SSR"), done
    for code, _, text in lost:  # one line each, exit 1: in use, just filed, or (late) no draft left
        lines = err(text).strip().splitlines()
        assert code == 1 and len(lines) == 1 and lines[0].startswith("Error: "), done
        named = draft.id in lines[0] or (not by_id and "no draft to resume" in lines[0])
        assert named, done
    assert [t["id"] for t in tickets(home)] == [won[0][1].split()[0]]  # one SSR, billed once
    assert (
        not (home / "drafts").exists() or list((home / "drafts").iterdir()) == []
    )  # claimed at the first answer  # the draft and its lock gone


def test_a_draft_held_by_a_live_run_is_refused_then_resumed_once_freed(sdcli, home):
    draft = made(home)
    held = drafts.claim(home, draft.id)  # another run (this test) holds it
    try:
        r = sdcli("ssr", "--resume", "--no-input", "--description", "x", env=ENV)
        assert r.exit_code == 1 and f"draft {draft.id} is in use by another run" in err(r), err(r)
        r = sdcli("drafts", "discard", draft.id, env=ENV)  # not discarded under a run that files it
        assert r.exit_code == 1 and "in use" in err(r), err(r)
    finally:
        held.release()
    assert tickets(home) == [] and [d.id for d in drafts.all_drafts(home)] == [draft.id]
    doc = sdcli.json("ssr", "--resume", "--no-input", "--description", "x", "--json", env=ENV)
    assert doc["customer"] == "ACME" and drafts.all_drafts(home) == []


def test_a_claim_left_by_a_killed_run_does_not_block_the_draft(sdcli, home):
    draft = made(home)
    script = f"from sdcli import drafts; from pathlib import Path; c = drafts.claim(Path({str(home)!r}), {draft.id!r}); print('held', flush=True); import time; time.sleep(120)"  # noqa: E501
    env = subprocess_env(home, **ENV)
    p = subprocess.Popen([PY, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "held"  # type: ignore[union-attr]
        r = sdcli("ssr", "--resume", "--no-input", "--description", "x", env=ENV)
        assert r.exit_code == 1 and "in use" in err(r), err(r)
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
    assert (home / "drafts" / f"{draft.id}.lock").exists()  # what it left...
    doc = sdcli.json(
        "ssr", "--resume", "--no-input", "--description", "x", "--json", env=ENV
    )  # holds nothing
    assert doc["site"] == "Lima HQ" and drafts.all_drafts(home) == []


@pytest.mark.parametrize("form,answers", [("ssr", SSR), ("change", CHANGE), ("open", {"customer": "ACME"})])
def test_another_agent_s_draft_is_refused_without_force(sdcli, home, form, answers):
    draft = made(home, "incident" if form == "open" else form, agent="ana", answers=answers)
    r = sdcli(form, "--resume", "--no-input", env={**ENV, "SDCLI_AGENT": "bot"})
    assert r.exit_code == 1 and f"{draft.id} is ana's draft: continue it with --force" in err(r), err(r)
    r = sdcli(form, "--resume", "--no-input", "--draft", draft.id, env={**ENV, "SDCLI_AGENT": "bot"})
    assert r.exit_code == 1 and "ana's draft" in err(r), err(r)  # --draft names it, still not taken
    assert tickets(home) == [] and [d.id for d in drafts.all_drafts(home)] == [draft.id]


def test_another_agent_s_draft_on_a_terminal_is_refused_before_the_walk(sdcli, home, monkeypatch):
    draft = made(home, agent="ana")
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)
    r = sdcli("ssr", "--resume", env={**ENV, "SDCLI_AGENT": "bot"})
    assert r.exit_code == 1 and f"{draft.id} is ana's draft" in err(r), err(r)
    assert [d.id for d in drafts.all_drafts(home)] == [draft.id]


def test_another_agent_s_draft_is_filed_with_force_by_the_agent_who_files_it(sdcli, home):
    made(home, agent="ana")
    doc = sdcli.json("ssr", "--resume", "--no-input", "--force", "--description", "x", "--json",
                     env={**ENV, "SDCLI_AGENT": "bot"})  # fmt: skip
    assert doc["customer"] == "ACME" and doc["history"][0]["by"] == "bot"
    assert drafts.all_drafts(home) == []


def test_a_different_category_over_the_draft_drops_the_draft_s_category_fields(sdcli, home):
    made(home)  # a configuration backup: its device
    doc = sdcli.json("ssr", "--resume", "--no-input", "--description", "x", "--category", "static_route",
                     "--field", "prefix=10.9.0.0/16", "--field", "next_hop=10.0.0.1", "--json", env=ENV)  # fmt: skip
    assert doc["category"] == "static_route"
    assert doc["details"] == {"prefix": "10.9.0.0/16", "next_hop": "10.0.0.1"}
    made(home)
    r = sdcli("ssr", "--resume", "--no-input", "--description", "x", "--category", "static_route", env=ENV)
    assert r.exit_code != 0 and "prefix" in err(r) and "device" not in err(r), err(r)  # its own fields


def test_the_same_category_keeps_the_draft_s_fields_under_the_flags(sdcli, home):
    made(home)
    doc = sdcli.json("ssr", "--resume", "--no-input", "--description", "x", "--category", "configuration_backup",
                     "--json", env=ENV)  # fmt: skip
    assert doc["details"] == {"device": "rtr-lima-01"}


def test_a_save_that_fails_keeps_the_draft_and_frees_it_for_the_next_try(sdcli, home):
    draft = made(home)
    r = sdcli("ssr", "--resume", "--no-input", "--start", "03/12/2026 12:00", "--description", "x", env=ENV)
    assert r.exit_code == 1 and "notice" in err(r), err(r)  # the lead time refuses it: nothing filed
    assert tickets(home) == [] and [d.id for d in drafts.all_drafts(home)] == [draft.id]
    assert drafts.load(home, draft.id).answers == SSR  # kept as it was
    doc = sdcli.json("ssr", "--resume", "--no-input", "--description", "x", "--json", env=ENV)  # not held
    assert doc["window_start"] == "2026-12-15T22:00:00-05:00" and drafts.all_drafts(home) == []


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_a_form_being_walked_is_not_resumed_by_a_script_meanwhile(home):
    child = spawn(home, "ssr", now=NOW)
    child.expect_exact("Customer")
    child.send("ACME\r")
    child.expect_exact("Site")  # the first answer saved: the draft exists, held by this walk
    (draft,) = drafts.all_drafts(home)
    cmd = [PY, "-m", "sdcli", "ssr", "--resume", "--no-input", "--description", "x"]
    p = subprocess.run(cmd, env=subprocess_env(home, **ENV), capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and f"draft {draft.id} is in use" in err(p.stderr), p.stderr
    child.send("\x03")
    child.expect_exact("Resume with: sdcli ssr --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130 and [d.id for d in drafts.all_drafts(home)] == [draft.id]
    p = subprocess.run(cmd, env=subprocess_env(home, **ENV), capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and "--site" in err(p.stderr), p.stderr  # freed: resumed, its answers used


def test_a_form_left_before_its_first_answer_leaves_no_draft_nor_lock(home, monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)
    r = run_form("ssr", [])  # the input ends at the first question
    assert r.exit_code == 130 and "nothing was typed" in r.output, r.output
    assert (
        not (home / "drafts").exists() or list((home / "drafts").iterdir()) == []
    )  # claimed at the first answer


def test_drafts_list_shows_which_drafts_are_in_use_and_a_second_resume_says_by_whom(sdcli, home):
    """`drafts list` did not say a draft was being filled by another --resume right now: an agent
    resumed it and was refused, or discarded another's work in progress. The list says it (a
    column, and `in_use` in JSON), and the refusal names who holds it and since when."""
    busy, idle = made(home), made(home, answers={**SSR, "customer": "Otra"})
    held = drafts.claim(home, busy.id, agent="ana")  # ana's run resuming it
    try:
        rows = {d["id"]: d for d in sdcli.json("drafts", "list", "--json", env=ENV)}
        assert rows[busy.id]["in_use"] == {"by": "ana", "since": NOW} and rows[idle.id]["in_use"] is None
        r = sdcli("drafts", "list", env=ENV)
        assert r.exit_code == 0 and "in use" in r.stdout, r.stdout
        (line,) = [x for x in r.stdout.splitlines() if busy.id in x]
        assert line.split()[-1] == "ana" and "ana" not in next(
            x for x in r.stdout.splitlines() if idle.id in x
        )
        r = sdcli("ssr", "--resume", "--no-input", "--draft", busy.id, "--description", "x", env=ENV)
        assert r.exit_code == 1 and f"draft {busy.id} is in use by another run" in err(r), err(r)
        assert "(ana, since 3 Dec 2026 11:00" in err(r), err(r)
        r = sdcli(
            "--lang", "es", "ssr", "--resume", "--no-input", "--draft", busy.id, "--description", "x", env=ENV
        )
        assert (
            r.exit_code == 1
            and "otra ejecución de sdcli en este momento (ana, desde 3 dic 2026 11:00" in err(r)
        )
    finally:
        held.release()
    assert [d["in_use"] for d in sdcli.json("drafts", "list", "--json", env=ENV)] == [None, None]
    assert sorted(p.name for p in (home / "drafts").iterdir() if not p.name.endswith(".lock")) == sorted(
        [f"{busy.id}.json", f"{idle.id}.json"]
    )  # the holder's record goes with its claim


def test_drafts_list_says_there_are_none_and_a_damaged_draft_in_the_sessions_language(sdcli, home):
    """With no drafts, `drafts list` said "No tickets match."; a draft of the wrong shape was told
    with its shape's English reason in a Spanish session."""
    assert sdcli("--lang", "es", "drafts", "list").stdout.strip() == "No hay borradores."
    assert sdcli("drafts", "list").stdout.strip() == "No drafts."
    folder = home / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    bad = folder / "D20261201090000abcd.json"
    bad.write_text('{"id": "D20261201090000abcd", "form": 12}')
    bad.chmod(0o600)
    r = sdcli("--lang", "es", "drafts", "list")
    said = r.stdout + r.stderr
    assert "D20261201090000abcd" in said and "clave desconocida" in said and "unknown" not in said, said


def test_a_draft_id_that_is_a_path_or_ends_in_a_newline_is_refused(home):
    """`drafts.claim(home, "../../x")` wrote x.lock and x.held outside the drafts folder, and an id
    ending in a newline passed the id's pattern: every id is checked whole before a file is named."""
    from sdcli.errors import SdcliError

    for bad in ("../../x", "D20261201090000abcd\n", "D20261201090000abcd/../../y"):
        with pytest.raises(SdcliError):
            drafts.claim(home, bad)
        assert drafts.holder(home, bad) is None
    assert not (home.parent / "x.lock").exists() and not (home / "x.lock").exists()
