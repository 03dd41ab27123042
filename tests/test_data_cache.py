"""The checked data of the desk's data files kept between runs (sdcli/data_cache.py): reused while
the file is unchanged, checked again when it changes, and never taken on its word otherwise."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import subprocess_env

from sdcli import config, data_cache, validate

PACKAGED = Path(config.__file__).parent / "data"


@pytest.fixture
def run_home(home, monkeypatch):
    """A home activated as a run's (where the cache lives), with nothing remembered in-process."""
    home.mkdir(mode=0o700, exist_ok=True)
    monkeypatch.setattr(config, "_ACTIVE", [config.Settings({}, {}, home)])
    monkeypatch.setattr(config, "_FILES", {})
    monkeypatch.setattr(validate, "_VOUCHED_PHONES", {})
    monkeypatch.setattr(data_cache, "SETTLE_NS", 0)  # a file's ctime cannot be set back: take it as settled
    return home


def _desk_table(home: Path, phone: str = "+55 11 4004 0101", *, age: float = 60) -> Path:
    """The packaged escalation table as the desk's own copy, last changed `age` seconds ago."""
    text = (PACKAGED / "escalation.toml").read_text("utf-8").replace('"+55 11 4004 0101"', json.dumps(phone))
    path = home / "escalation.toml"
    path.write_text(text, "utf-8")
    path.chmod(0o600)
    past = time.time() - age
    os.utime(path, (past, past))
    return path


def _cached(home: Path, name: str = "escalation") -> list[Path]:
    return sorted((home / "cache").glob(f"{name}-*.json"))


def _fresh(monkeypatch) -> None:
    """As a new process: nothing remembered, nothing vouched."""
    monkeypatch.setattr(config, "_FILES", {})
    monkeypatch.setattr(validate, "_VOUCHED_PHONES", {})


def test_the_checked_table_is_kept_private_and_reused_while_the_file_is_unchanged(run_home, monkeypatch):
    path = _desk_table(run_home)
    first = config.load("escalation", run_home)
    (kept,) = _cached(run_home)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    entry = json.loads(kept.read_bytes())
    assert (
        entry["key"]["path"] == str(path) and entry["normals"]["phone"]["+55 11 4004 0101"] == "+551140040101"
    )
    _fresh(monkeypatch)
    checks = []
    monkeypatch.setattr(
        config, "_checked", lambda *a: checks.append(a) or (_ for _ in ()).throw(AssertionError)
    )
    assert config.load("escalation", run_home) == first and checks == []  # from the cache, not checked again
    assert validate._VOUCHED_PHONES["+55 11 4004 0101"] == "+551140040101"  # phonenumbers not needed for it


def test_a_changed_file_is_checked_again_even_with_the_same_size_and_mtime(run_home, monkeypatch):
    path = _desk_table(run_home, "+55 11 4004 0101")
    config.load("escalation", run_home)
    before = path.stat()
    _desk_table(run_home, "+55 11 4004 0102")  # same size; mtime set back to what it was
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    _fresh(monkeypatch)
    data = config.load("escalation", run_home)
    assert data["level"][0]["contacts"][0]["phone"] == "+55 11 4004 0102"  # ctime changed: read again
    entry = json.loads(_cached(run_home)[0].read_bytes())  # and kept anew
    assert "+55 11 4004 0102" in entry["normals"]["phone"]


def test_a_file_changed_in_the_last_seconds_is_checked_every_run_and_not_kept(run_home, monkeypatch):
    monkeypatch.setattr(data_cache, "SETTLE_NS", 2_000_000_000)
    _desk_table(run_home, age=0)
    config.load("escalation", run_home)
    assert _cached(run_home) == []


@pytest.mark.parametrize(
    "spoil",
    [
        lambda p: p.write_bytes(b"{not json"),  # corrupt
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),  # cut short
        lambda p: p.write_text(
            json.dumps({**json.loads(p.read_text()), "key": {"code": ["0.0.0"]}})
        ),  # stale
        lambda p: p.write_text("[]"),  # not an entry
    ],
    ids=["corrupt", "truncated", "stale", "not-an-entry"],
)
def test_a_corrupt_or_stale_cache_is_ignored_and_written_again(run_home, monkeypatch, spoil):
    _desk_table(run_home)
    good = config.load("escalation", run_home)
    (kept,) = _cached(run_home)
    whole = kept.read_bytes()
    spoil(kept)
    _fresh(monkeypatch)
    assert config.load("escalation", run_home) == good
    assert json.loads(kept.read_bytes())["key"] == json.loads(whole)["key"]  # rewritten whole


def test_a_cache_others_could_write_is_not_trusted(run_home, monkeypatch):
    _desk_table(run_home)
    config.load("escalation", run_home)
    (kept,) = _cached(run_home)
    entry = json.loads(kept.read_bytes())
    entry["data"]["level"][0]["contacts"][0]["phone"] = "+1 555 0100"  # planted
    entry["normals"]["phone"] = {"+1 555 0100": "+15550100"}
    kept.write_text(json.dumps(entry))
    kept.chmod(0o666)
    _fresh(monkeypatch)
    data = config.load("escalation", run_home)
    assert data["level"][0]["contacts"][0]["phone"] == "+55 11 4004 0101"
    assert "+1 555 0100" not in validate._VOUCHED_PHONES
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600  # rewritten, private


def test_a_new_sdcli_version_checks_again(run_home, monkeypatch):
    import sdcli

    _desk_table(run_home)
    config.load("escalation", run_home)
    _fresh(monkeypatch)
    monkeypatch.setattr(sdcli, "__version__", "99.0")
    checks = []
    real = config._checked
    monkeypatch.setattr(config, "_checked", lambda *a: checks.append(a[2]) or real(*a))
    config.load("escalation", run_home)
    assert checks == ["escalation"]
    assert json.loads(_cached(run_home)[0].read_bytes())["key"]["code"][0] == "99.0"


def test_a_bad_phone_is_refused_alike_from_a_kept_table(run_home, monkeypatch):
    from sdcli import escalation
    from sdcli.errors import ConfigError

    _desk_table(run_home, "12")
    for _ in range(2):  # checked, then from the cache: the escalation rules refuse it both times
        _fresh(monkeypatch)
        with pytest.raises(ConfigError, match="contact 'Service Desk Latam' phone: '12' is not valid"):
            escalation.load_table(run_home)
    assert "12" not in validate._VOUCHED_PHONES and _cached(run_home)


def test_a_home_that_does_not_exist_is_not_created(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere"
    monkeypatch.setattr(config, "_ACTIVE", [config.Settings({}, {}, missing)])
    data_cache.DataCache.of(missing).put(
        "escalation", PACKAGED / "escalation.toml", (1, 2, 3, 4), {"a": 1}, {}
    )
    assert not missing.exists()


def test_data_that_would_not_read_back_alike_is_not_kept(run_home):
    where = data_cache.DataCache.of(run_home)
    where.put("x", run_home / "x.toml", (1, 2, 3, 4), {"when": (1, 2)}, {})
    assert not (run_home / "cache").exists() or not list((run_home / "cache").iterdir())


def test_a_run_with_the_table_kept_does_not_import_phonenumbers(home, sdcli):
    from helpers import make_incident

    from sdcli.store import open_store

    home.mkdir(mode=0o700, exist_ok=True)  # PostgreSQL's store makes no home: the cache needs one
    make_incident(open_store(home=home), opened_at="2026-12-01T00:00:00-03:00", severity=2)
    code = "import runpy, sys; sys.argv = ['sdcli', 'escalate', 'INC1', '--json']; runpy.run_module('sdcli', run_name='__main__', alter_sys=True)"
    probe = f"import atexit, sys; atexit.register(lambda: sys.stderr.write('phonenumbers' in sys.modules and 'PHONENUMBERS' or 'none')); {code}"
    env = subprocess_env(
        home, SDCLI_NOW="2026-12-02T12:00:00-03:00"
    )  # one instant: the same age in both runs
    runs = [subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
            for _ in range(2)]  # fmt: skip
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert runs[0].stderr.endswith("PHONENUMBERS")  # the first run checks the table's numbers
    assert runs[1].stderr.endswith("none")  # the second finds them vouched for
    assert json.loads(runs[0].stdout) == json.loads(runs[1].stdout)
    assert _cached(home)
