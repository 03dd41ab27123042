"""Privacy: the home is private whatever the umask, a home or desk file others may write is refused
(another user could plant an escalation table), crash reports stay 0600 in the home and never go
to a shared temporary directory (issue 13, defect 7)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import PY, err, subprocess_env

import sdcli.ui as ui

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima", "--country", "PE", "--problem", "link_down",
        "--callback", "Ana <ana@acme.pe> 01 4117000", "--service-type", "mpls", "--no-contingency"]  # fmt: skip


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


@pytest.fixture
def umask_000():
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.files_only("the embedded store creates the home and its folders on a first write")
def test_a_first_run_under_umask_000_makes_the_home_and_its_parents_private(tmp_path):
    home = tmp_path / "srv" / "desk" / "home"
    p = subprocess.run([PY, "-m", "sdcli", *OPEN], env=subprocess_env(home), umask=0, capture_output=True,
                       text=True, timeout=120)  # fmt: skip
    assert p.returncode == 0, p.stderr
    for d in (tmp_path / "srv", tmp_path / "srv" / "desk", home, home / "store"):
        assert mode(d) == 0o700, (d, oct(mode(d)))


def test_drafts_and_crash_reports_make_a_private_home_under_umask_000(
    tmp_path, umask_000, monkeypatch, sdcli
):
    from sdcli import drafts

    home = tmp_path / "a" / "home"
    drafts.save(home, drafts.new(home, "ana", {}))
    assert mode(tmp_path / "a") == mode(home) == mode(home / "drafts") == 0o700
    assert [mode(p) for p in (home / "drafts").iterdir()] == [0o600]
    other = tmp_path / "b" / "home"
    monkeypatch.setenv("SDCLI_HOME", str(other))
    _crash(monkeypatch)
    r = sdcli("list")
    assert mode(tmp_path / "b") == mode(other) == mode(other / "crash") == 0o700
    assert [mode(p) for p in (other / "crash").iterdir()] == [0o600], r.output


def _crash(monkeypatch, message: str = "boom for ana@acme.pe +5114117000") -> None:
    """Make `sdcli list` hit an unexpected error (a bug) whose report holds contact data."""
    import sdcli.commands.list_ as list_  # the command's own names (imported at its top)

    def find(*_a, **_k):
        raise RuntimeError(message)

    monkeypatch.setattr(list_, "find", find)
    monkeypatch.setattr(list_, "find_page", find)


def test_a_crash_report_is_written_0600_in_the_home_only(sdcli, home, monkeypatch):
    shared = Path(tempfile.gettempdir()) / "sdcli-crash"
    before = set(shared.iterdir()) if shared.is_dir() else set()
    _crash(monkeypatch)
    r = sdcli("list")
    lines = err(r).strip().splitlines()
    assert r.exit_code == 1 and len(lines) == 1 and "unexpected RuntimeError" in lines[0]
    reports = list((home / "crash").iterdir())
    assert len(reports) == 1 and f"the full report is in {reports[0]}" in lines[0]
    assert mode(reports[0]) == 0o600 and mode(home / "crash") == 0o700
    assert "ana@acme.pe" in reports[0].read_text(encoding="utf-8")
    assert (set(shared.iterdir()) if shared.is_dir() else set()) == before


def test_a_home_that_cannot_hold_a_report_gets_none_and_nothing_goes_to_tmp(sdcli, tmp_path, monkeypatch):
    shared = Path(tempfile.gettempdir()) / "sdcli-crash"
    before = set(shared.iterdir()) if shared.is_dir() else set()
    (tmp_path / "home").mkdir(mode=0o700)
    (tmp_path / "home" / "crash").write_text("a file where the crash directory would be")
    _crash(monkeypatch)
    r = sdcli("list")
    lines = err(r).strip().splitlines()
    assert r.exit_code == 1 and len(lines) == 1 and "(a bug; no report could be written: " in lines[0], (
        r.output
    )
    assert (set(shared.iterdir()) if shared.is_dir() else set()) == before


def test_the_crash_reporter_survives_invalid_utf8_in_argv(sdcli, home, monkeypatch):
    monkeypatch.setattr("sys.argv", ["sdcli", "list", "--customer", "AC\udcffME"])
    _crash(monkeypatch, "boom \udcff")
    r = sdcli("list")
    lines = err(r).strip().splitlines()
    assert r.exit_code == 1 and len(lines) == 1 and "boom \\udcff" in lines[0], r.output
    (report,) = (home / "crash").iterdir()
    assert "argv: sdcli list --customer AC\\udcffME" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize("bits", [0o777, 0o770, 0o702], ids=["0777", "0770", "0702"])
def test_a_home_others_may_write_is_refused(sdcli, home, bits):
    assert sdcli(*OPEN).exit_code == 0
    home.mkdir(mode=0o700, parents=True, exist_ok=True)  # a store elsewhere (PostgreSQL) leaves it to drafts
    home.chmod(bits)
    for args in (["list"], ["show", "INC1"], OPEN):
        r = sdcli(*args)
        lines = err(r).strip().splitlines()
        assert r.exit_code == 1 and len(lines) == 1, r.output
        assert lines[0] == (
            f"Error: {home}: the home directory is writable by group or others (mode {bits:04o}), so another user "
            f"could change the desk's configuration; fix it with: chmod go-w {home}"
        )
    home.chmod(0o700)
    assert len(sdcli.json("list", "--json")) == 1  # nothing was written meanwhile


def test_a_planted_escalation_table_others_may_write_is_refused(sdcli, home):
    inc = json.loads(sdcli(*OPEN, "--json").stdout)["id"]
    planted = home / "escalation.toml"
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    planted.write_text(
        '[[level]]\nname = "Desk"\ncontacts = [{name = "Mallory", phone = "+5511999990000", team = "service_desk"}]\n'
    )
    planted.chmod(0o666)
    r = sdcli("escalate", inc, "--json")
    assert r.exit_code == 1 and "Mallory" not in r.stdout
    assert err(r).strip() == (
        f"Error: {planted}: the desk configuration file is writable by group or others (mode 0666), so another "
        f"user could change the desk's configuration; fix it with: chmod go-w {planted}"
    )
    planted.chmod(0o644)
    assert (
        sdcli.json("escalate", inc, "--json")["levels"][0]["contacts"][0]["name"] == "Mallory"
    )  # the desk's own
