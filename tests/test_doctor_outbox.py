"""`sdcli doctor` checks the outbox (the customer updates not sent yet) as it checks the tickets:
an unreadable outbox, or one whose next number is not above an item's (a restore gone wrong), was
"ok" while `outbox list` refused the one and, on the embedded store, the next update queued
replaced a queued one without a word (on PostgreSQL every write queuing one failed). `--fix`
raises the number; a damaged outbox holds updates not sent, and is never "repaired"."""

from __future__ import annotations

import json

import pytest
from conftest import err

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
        "link_down", "--service-type", "mpls", "--callback", "Ana <ana@acme.pe> +51 1 4117000"]  # fmt: skip


def _queued(sdcli) -> list[tuple[int, str]]:
    r = sdcli("outbox", "list", "--json")
    assert r.exit_code == 0, r.output
    return [(i["id"], i["action"]) for i in json.loads(r.stdout)]


def _desk(sdcli) -> None:
    assert sdcli(*OPEN).exit_code == 0
    assert sdcli("classify", "INC1", "--severity", "2", "--reason", "caída").exit_code == 0
    assert sdcli("hold", "INC1", "--reason", "esperando al cliente").exit_code == 0
    assert _queued(sdcli) == [(1, "classify"), (2, "hold")]


@pytest.mark.files_only("the outbox file")
def test_an_outbox_counter_left_low_is_found_fixed_and_never_replaces_a_queued_update(sdcli, home):
    _desk(sdcli)
    path = home / "store" / "outbox.json"
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "next": 2}))  # a restore gone wrong
    r = sdcli("doctor")
    assert r.exit_code == 1 and "the outbox's next number 2 is not above its highest item, 2" in r.stdout, (
        r.output
    )
    assert sdcli("resume", "INC1").exit_code == 0  # queues one more update
    assert _queued(sdcli) == [(1, "classify"), (2, "hold"), (3, "resume")]  # the hold's update kept
    path.write_text(json.dumps({**json.loads(path.read_text()), "next": 1}))
    fixed = sdcli("doctor", "--fix")
    assert fixed.exit_code == 0 and "the outbox's next number set to 4" in fixed.stdout, fixed.output
    assert sdcli("doctor").exit_code == 0


@pytest.mark.files_only("the outbox file")
@pytest.mark.parametrize(
    "content",
    [
        "{",
        '{"next": 3, "items": {"1": {"id": 2, "ticket": "INC1", "state": "queued"}}}',
        '{"next": 3, "items": {"1": {"id": 1, "ticket": "INC1", "state": "lost"}}}',
    ],
)
def test_a_damaged_outbox_is_a_problem_and_repair_leaves_it(sdcli, home, content):
    _desk(sdcli)
    path = home / "store" / "outbox.json"
    path.write_text(content)
    r = sdcli("doctor")
    assert r.exit_code == 1 and "outbox.json is damaged" in r.stdout, r.output
    refused = sdcli("doctor", "--fix")
    assert refused.exit_code == 1 and "repair refuses to touch it" in err(refused), refused.output
    assert path.read_text() == content
    assert sdcli("outbox", "list").exit_code == 1


@pytest.mark.postgres
def test_on_postgresql_the_outbox_counter_is_checked_and_raised(sdcli, home, pg_server, pg_url, monkeypatch):
    monkeypatch.setenv("SDCLI_STORE", pg_url)
    _desk(sdcli)
    schema = pg_url.rpartition("schema=")[2]
    with pg_server.admin() as c:
        c.execute(f"UPDATE {schema}.counters SET next = 1 WHERE prefix = 'OUT'")
    r = sdcli("doctor")
    assert r.exit_code == 1 and "the outbox's next number 1 is not above its highest item, 2" in r.stdout, (
        r.output
    )
    fixed = sdcli("doctor", "--fix")
    assert fixed.exit_code == 0 and "the outbox's next number set to 3" in fixed.stdout, fixed.output
    assert sdcli("resume", "INC1").exit_code == 0
    assert _queued(sdcli) == [(1, "classify"), (2, "hold"), (3, "resume")]
