"""The SSR and change forms as data, on the incident questionnaire's walker: a real terminal
(pexpect) and prompt_toolkit pipe input; drafts with their owner."""

from __future__ import annotations

import json
import sys

import pexpect
import pytest
from conftest import subprocess_env

from sdcli.store import open_store

DOWN, KILL = "\x1b[B", "\x15"
NOW = "2026-12-02T15:00:00-03:00"  # a Wednesday


def spawn(home, *args: str) -> pexpect.spawn:
    env = subprocess_env(
        home, TERM="xterm", COLUMNS="120", LINES="40", PROMPT_TOOLKIT_NO_CPR="1", SDCLI_NOW=NOW
    )
    return pexpect.spawn(sys.executable, ["-m", "sdcli", "--lang", "en", *args], env=env, encoding="utf-8",
                         timeout=20, dimensions=(40, 120))  # fmt: skip


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
    answer(child, "prefix", "10.9.0.0/16\r")
    answer(child, "next_hop", "10.0.0.999\r")
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
