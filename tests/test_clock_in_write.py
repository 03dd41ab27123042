"""A step taken "now" takes its now in the write that records it, not before the store's lock:
`hold` waiting at the lock behind another agent's write starts its pause when it is written
(never before writes already saved), `resume` ends it then, and `ssr schedule` without --at
judges the requested start against that instant. The window is widened deterministically: the
test holds the ticket's row lock on a real PostgreSQL until the command waits on it (seen in
pg_stat_activity), and lets it go then. The commands decide the same way on every backend."""

from __future__ import annotations

import subprocess
import time
from datetime import datetime, timedelta

import pytest
from conftest import PY, err, subprocess_env
from helpers import make_incident

from sdcli import clock
from sdcli.store import open_store

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def on_postgres(home, pg_url, monkeypatch) -> str:
    monkeypatch.setenv("SDCLI_STORE", pg_url)
    return pg_url


def _behind_the_lock(home, pg_server, pg_url, ticket: str, args: list[str],
                     until: datetime | None = None) -> tuple[subprocess.Popen, datetime]:  # fmt: skip
    """Run `args` while the test holds `ticket`'s row; once it waits there (and the server's
    clock passed `until`), let it go. The command's process and the instant the lock went."""
    import psycopg

    schema = pg_url.rpartition("schema=")[2]
    with psycopg.connect(pg_server.uri) as holder:
        holder.execute(f"SELECT 1 FROM {schema}.tickets WHERE id = %s FOR UPDATE", (ticket,))
        p = subprocess.Popen([PY, "-m", "sdcli", *args], env=subprocess_env(home, SDCLI_LOCK_TIMEOUT="120"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        with pg_server.admin() as c:  # conditions waited for, not durations
            blocked = _first(c, "SELECT clock_timestamp() FROM pg_stat_activity WHERE application_name = 'sdcli' "
                                "AND wait_event_type = 'Lock'", (), p)  # fmt: skip
            # and into the next second (times are stored to the second), and past `until`
            _first(c, "SELECT 1 WHERE clock_timestamp() >= date_trunc('second', %s) + interval '1 second' "
                      "AND clock_timestamp() > coalesce(%s, '-infinity'::timestamptz)", (blocked, until), p)  # fmt: skip
        (released,) = holder.execute("SELECT clock_timestamp()").fetchone()
        holder.rollback()
    return p, released


def _first(c, query: str, params: tuple, p: subprocess.Popen):
    for _ in range(2400):
        row = c.execute(query, params).fetchone()
        if row:
            return row[0]
        time.sleep(0.05)
    p.kill()
    raise AssertionError(f"never: {query}")


def test_a_hold_and_a_resume_behind_another_write_take_their_time_in_the_write(home, pg_server, pg_url):
    make_incident(open_store(home=home))
    p, released = _behind_the_lock(
        home, pg_server, pg_url, "INC1", ["hold", "INC1", "--reason", "awaiting-customer"]
    )
    _, said = p.communicate(timeout=120)
    assert p.returncode == 0, said
    doc = open_store(home=home).get("INC1")
    assert clock.from_iso(doc["sla_paused_at"]) >= released.replace(
        microsecond=0
    )  # not when the command started, before the lock
    p, released = _behind_the_lock(home, pg_server, pg_url, "INC1", ["resume", "INC1"])
    _, said = p.communicate(timeout=120)
    assert p.returncode == 0, said
    (pause,) = open_store(home=home).get("INC1")["sla_pauses"]
    assert clock.from_iso(pause["to"]) >= released.replace(microsecond=0)


def test_ssr_schedule_behind_another_write_judges_the_start_when_it_is_written(home, pg_server, pg_url):
    store = open_store(home=home)
    start = store.now() + timedelta(seconds=1)  # passes while the command waits at the lock
    store.create("SSR", {"status": "received", "customer": "ACME", "site": "Lima HQ", "timezone": "America/Lima",
                         "window_start": clock.iso(start), "window_end": clock.iso(start + timedelta(hours=2))},
                 actor="tester")  # fmt: skip
    p, _ = _behind_the_lock(home, pg_server, pg_url, "SSR1", ["ssr", "schedule", "SSR1"], until=start)
    _, said = p.communicate(timeout=120)
    assert p.returncode == 1 and "which has begun: schedule it at a time still ahead" in err(said), said
    assert open_store(home=home).get("SSR1")["status"] == "received"
