"""The store is a seam: one URL picks the backend, built-in ones without scanning installed
packages, others through the `sdcli.stores` entry point; every command works on a backend
it knows only through the interface."""

from __future__ import annotations

import csv
import importlib.metadata
import json

import pytest
from conftest import ROOT

import sdcli.ui as ui
from sdcli.errors import ConfigError
from sdcli.store import Store, backend, open_store


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


def test_the_default_store_is_the_embedded_one_under_the_home(home, monkeypatch):
    monkeypatch.delenv("SDCLI_STORE", raising=False)
    store = open_store(home=home)
    assert store.url == f"tinydb://{home / 'store'}" and store.describe() == store.url


def test_built_in_backends_are_found_without_scanning_installed_packages(home, monkeypatch):
    def no_scan(**kw):
        raise AssertionError("entry points scanned for a built-in backend")

    monkeypatch.setattr(importlib.metadata, "entry_points", no_scan)
    assert (
        open_store(f"tinydb://{home / 'q'}", home=home).create("INC", {"status": "open"}, actor="t")["id"]
        == "INC1"
    )


def test_an_unknown_scheme_is_one_clear_error(sdcli, home):
    with pytest.raises(ConfigError, match="no store backend for nosuch://"):
        open_store("nosuch://x", home=home)
    r = sdcli("--store", "nosuch://x", "list")
    assert r.exit_code == 1 and r.stderr.startswith("Error: no store backend for nosuch:// (known: ")
    r = sdcli("--store", "/just/a/path", "list")
    assert r.exit_code == 1 and "has no scheme" in r.stderr


def test_an_entry_point_that_is_not_a_store_is_refused(tmp_path, monkeypatch, home):
    info = tmp_path / "bad-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bad\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[sdcli.stores]\nbad = json:loads\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ConfigError, match="is not a sdcli Store"):
        backend("bad")


def test_every_command_runs_on_a_backend_found_by_entry_point(
    sdcli, home, tmp_path, plugin_backend, monkeypatch
):
    url = f"sqlite://{tmp_path / 'queue.db'}"
    monkeypatch.setenv("SDCLI_STORE", url)
    assert isinstance(open_store(home=home), Store) and open_store(home=home).scheme == "sqlite"
    doc = sdcli.json("open", "--no-input", "--customer", "Telefónica", "--site", "Lima HQ", "--country", "PE",
                     "--problem", "link_down", "--callback", "Ana <ana@acme.pe> +51 1 4117000",
                     "--service-type", "mpls", "--no-contingency", "--channel", "email", "--json")  # fmt: skip
    assert doc["id"] == "INC1"
    assert sdcli("note", "INC1", "called the site").exit_code == 0
    assert sdcli.json("classify", "INC1", "--accept-suggestion", "--json")["severity"] == 1
    assert sdcli.json("escalate", "INC1", "--json")["current_level"] == 1
    assert sdcli.json("ack", "INC1", "--json")["acked_at"]
    assert [s["id"] for s in sdcli.json("list", "--json")] == ["INC1"]
    assert "INC1" in json.dumps(sdcli.json("shift", "--json"))
    path = tmp_path / "in.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "external_id",
                "customer",
                "site",
                "country",
                "timezone",
                "problem",
                "service_type",
                "callback_contacts",
            ]
        )
        w.writerow(
            [
                "X1",
                "Globex",
                "Quito",
                "EC",
                "America/Guayaquil",
                "link_down",
                "internet",
                "Bea <bea@globex.ec> +593 2 222 2222",
            ]
        )
    assert sdcli.json("import", str(path), "--json")["created"] == 1
    assert sdcli.json("import", str(path), "--json")["skipped"] == 1
    assert sdcli("resolve", "INC1", "--note", "fixed").exit_code == 0
    exported = sdcli("export", "--format", "jsonl")
    assert [json.loads(line)["id"] for line in exported.stdout.splitlines()] == ["INC1", "INC2"]
    assert sdcli("customer", "add", "Globex", "--commercial-team", "c@globex.ec").exit_code == 0
    r = sdcli("doctor", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["store"] == url
    assert not (home / "store").exists()  # nothing went to the embedded store


def test_the_store_flag_wins_over_the_environment(sdcli, home, tmp_path, monkeypatch):
    monkeypatch.setenv("SDCLI_STORE", f"tinydb://{tmp_path / 'env'}")
    flag = tmp_path / "flag"
    r = sdcli("--store", f"tinydb://{flag}", "note", "INC1", "x")
    assert r.exit_code == 1 and str(flag) in r.stderr


def test_nothing_outside_the_store_package_names_a_backend_class():
    """Commands, the domain and their tests reach the store only through the interface."""
    offenders = []
    for path in [
        *(ROOT / "sdcli").rglob("*.py"),
        *(ROOT / "tests").rglob("*.py"),
        *(ROOT / "bench").rglob("*.py"),
    ]:
        own = "store" in path.relative_to(ROOT).parts[:2] or path.name.startswith("test_store")
        if not own and "TinyStore" in path.read_text(encoding="utf-8"):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
