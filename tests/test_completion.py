"""Shell completion (issue 16) offers what the agent would type next: ticket ids that are not
finished, the workflow's states, the escalation table's contacts, countries and SSR categories,
through the shell protocol itself (the completion variable, in a process of its own)."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import PY, subprocess_env

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
        "link_down", "--service-type", "mpls", "--callback", "Ana <ana@acme.pe> +51 987654321", "--json"]  # fmt: skip


def complete(home, line: str) -> list[str]:
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    env = subprocess_env(home, _SDCLI_COMPLETE="complete_bash", COMP_WORDS=line, COMP_CWORD=str(cword))
    r = subprocess.run([PY, "-m", "sdcli"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    return [w for w in r.stdout.splitlines() if w]


@pytest.fixture
def tickets(sdcli):
    ids = [sdcli.json(*OPEN)["id"] for _ in range(3)]
    assert sdcli("resolve", ids[0], "--note", "fixed").exit_code == 0
    assert sdcli("close", ids[0]).exit_code == 0
    return ids


def test_ids_of_open_tickets_complete_in_any_case(home, tickets):
    offered = complete(home, "sdcli show i")
    assert sorted(offered) == sorted(tickets[1:])  # the closed one is not offered
    assert complete(home, "sdcli escalate INC3") == ["INC3"]
    elsewhere = home.parent / "not-the-home"
    assert sorted(complete(elsewhere, f"sdcli --home {home} show i")) == sorted(
        tickets[1:]
    )  # as a run reads it


def test_states_contacts_countries_and_categories(home, tickets):
    states = complete(home, "sdcli list --status ")
    assert {"open", "on_hold", "resolved", "closed"} <= set(states)
    assert complete(home, "sdcli list --status on") == ["on_hold"]
    assert "Carla Mendes" in complete(home, "sdcli escalate INC2 --call Car")
    assert "PE" in complete(home, "sdcli open --country P") and "BR" not in complete(
        home, "sdcli open --country P"
    )
    assert complete(home, "sdcli ssr --category static") == ["static_route"]


def test_a_store_that_cannot_be_read_completes_nothing(home, tmp_path):
    env_home = tmp_path / "nowhere"
    assert complete(env_home, "sdcli show I") == []


def test_every_command_and_group_has_an_example_in_its_help():
    from sdcli.cli import every_command  # the lazy root, every command loaded

    missing = []

    def walk(command, path):
        subs = getattr(command, "commands", None) or {}
        if path and not re.search(r"Example: (\S+=\S+ )?sdcli ", command.help or ""):
            missing.append(" ".join(path))
        for name, sub in subs.items():
            walk(sub, [*path, name])

    walk(every_command(), [])
    assert missing == []
