"""Outputs: `export -o` and `import --rejects` write FIFOs and devices as streams, a link's target
(the link stays), `-` to stdout, new files 0600; a damaged shard does not stop the export of the
healthy tickets (issue 13, defects 6 and 10)."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from conftest import err

import sdcli.ui as ui

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima", "--country", "PE", "--problem", "link_down",
        "--callback", "Ana <ana@acme.pe> 01 4117000", "--service-type", "mpls", "--no-contingency"]  # fmt: skip
ROOT = os.geteuid() == 0


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


@pytest.fixture
def two(sdcli):
    for customer in ("ACME", "Minera Sur"):
        assert sdcli(*OPEN[:3], customer, *OPEN[4:]).exit_code == 0


def read_fifo(path: Path) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []

    def reader() -> None:
        with open(path, "rb") as f:
            got.append(f.read())

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    return t, got


def exported(text: str) -> list[str]:
    return [d["customer"] for d in json.loads(text)]


def test_export_to_a_fifo_streams_into_it_and_leaves_it_a_fifo(sdcli, two, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    t, got = read_fifo(fifo)
    r = sdcli("export", "--format", "json", "-o", str(fifo))
    t.join(20)
    assert r.exit_code == 0, r.output
    assert exported(got[0].decode()) == ["ACME", "Minera Sur"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(not ROOT, reason="making a device node needs root (and only root could replace one)")
def test_export_to_a_character_device_writes_to_it_and_keeps_the_node(sdcli, two, tmp_path):
    node = tmp_path / "null"
    os.mknod(
        node, stat.S_IFCHR | 0o666, os.makedev(1, 3)
    )  # a /dev/null of our own: the real one is left alone
    r = sdcli("export", "-o", str(node))
    assert r.exit_code == 0, r.output
    st = os.lstat(node)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)


def test_export_through_a_symlink_writes_its_target_and_keeps_the_link(sdcli, two, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    assert sdcli("export", "--format", "json", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert exported(target.read_text()) == ["ACME", "Minera Sur"]
    dangling = tmp_path / "next.json"
    dangling.symlink_to(tmp_path / "not-yet.json")
    assert sdcli("export", "--format", "json", "-o", str(dangling)).exit_code == 0
    assert dangling.is_symlink() and exported((tmp_path / "not-yet.json").read_text()) == [
        "ACME",
        "Minera Sur",
    ]


def test_export_through_a_symlink_to_a_fifo_streams(sdcli, two, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "out"
    link.symlink_to(fifo)
    t, got = read_fifo(fifo)
    assert sdcli("export", "--format", "json", "-o", str(link)).exit_code == 0
    t.join(20)
    assert exported(got[0].decode()) == ["ACME", "Minera Sur"] and link.is_symlink()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_export_dash_is_stdout_and_a_new_file_is_private(sdcli, two, tmp_path):
    r = sdcli("export", "--format", "json", "-o", "-")
    assert r.exit_code == 0 and exported(r.stdout) == ["ACME", "Minera Sur"]
    assert not (Path.cwd() / "-").exists()
    out = tmp_path / "incidents.csv"
    assert sdcli("export", "-o", str(out)).exit_code == 0
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600 and "Minera Sur" in out.read_text()


def test_export_to_a_directory_is_a_one_line_refusal(sdcli, two, tmp_path):
    r = sdcli("export", "-o", str(tmp_path))
    assert r.exit_code == 1 and err(r).strip() == f"Error: cannot write {tmp_path}: it is a directory"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_export_to_a_full_device_is_a_one_line_error(sdcli, two):
    r = sdcli("export", "-o", "/dev/full")
    assert r.exit_code == 1 and err(r).strip() == "Error: cannot write /dev/full: the disk is full"
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_rejects_go_to_a_fifo_a_link_target_or_stdout(sdcli, tmp_path):
    rows = tmp_path / "in.csv"
    rows.write_text("customer,site\nACME,\n", encoding="utf-8")
    fifo = tmp_path / "rejects.pipe"
    os.mkfifo(fifo)
    t, got = read_fifo(fifo)
    assert sdcli("import", str(rows), "--partial", "--rejects", str(fifo)).exit_code == 0
    t.join(20)
    assert got[0].decode().startswith("customer,site,line,reason") and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    target = tmp_path / "rejects.csv"
    link = tmp_path / "rejects-latest.csv"
    link.symlink_to(target)
    assert sdcli("import", str(rows), "--partial", "--rejects", str(link)).exit_code == 0
    assert link.is_symlink() and "site: is required" in target.read_text()
    r = sdcli("import", str(rows), "--partial", "--rejects", "-")
    assert r.exit_code == 0 and "site: is required" in r.stdout


# --------------------------------------------------------------------------- a damaged shard


@pytest.mark.files_only("a damaged shard file of the embedded store")
def test_one_damaged_shard_does_not_block_the_export_of_the_healthy_tickets(sdcli, store, home):
    docs = [{"status": "open", "customer": f"C{i}", "site": "S", "problem": "other", "channel": "phone"}
            for i in range(250)]  # fmt: skip
    store.upsert_many("INC", docs, key=None, on_conflict="skip", actor="tester", event={})
    shard = home / "store" / "INC" / "00000.json"  # tickets 1-199
    shard.write_text('{"tickets": {"1": ')
    for extra in ([], ["--open"]):
        r = sdcli("export", "--format", "json", *extra)
        assert r.exit_code == 1, r.output
        ids = [d["id"] for d in json.loads(r.stdout)]
        assert ids == [f"INC{n}" for n in range(200, 251)], extra
        lines = err(r).strip().splitlines()
        assert str(shard) in lines[0] and lines[0].startswith("Warning: ") and "damaged" in lines[0]
        assert lines[-1].startswith("Error: 51 tickets exported, but 1 store file(s) could not be read")
    assert shard.read_text() == '{"tickets": {"1": '  # left as it is, for doctor
