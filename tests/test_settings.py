"""The config file (issue 15): `sdcli config get|set|unset|list|path`, the user's file over the desk's,
environment variables and flags over both; every setting used where it applies."""

from __future__ import annotations

import json
import os
import stat

import pytest
from conftest import err

import sdcli.ui as ui

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima", "--problem", "other", "--description", "x", "--service-type", "mpls",
        "--callback", "Ana <ana@acme.pe> +51 1 4117000", "--json"]  # fmt: skip


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


def test_set_get_list_unset_and_path(sdcli, home, tmp_path):
    user = tmp_path / "user-config.toml"
    paths = sdcli.json("config", "path", "--json")
    assert paths == {"user": str(user), "desk": str(home / "config.toml")}
    r = sdcli("config", "set", "country", "pe")
    assert r.exit_code == 0 and f"country = PE (in {user})" in err(r)
    assert stat.S_IMODE(os.stat(user).st_mode) == 0o600
    assert sdcli("config", "get", "country").stdout == "PE\n"
    rows = {row["key"]: row for row in sdcli.json("config", "list", "--json")}
    assert rows["country"] == {"key": "country", "value": "PE", "source": str(user)}
    assert rows["dayfirst"] == {"key": "dayfirst", "value": True, "source": "default"}
    from sdcli.mail.settings import SETTINGS as MAIL

    assert set(rows) == {"country", "lang", "tz", "agent", "dayfirst", "csv_delimiter", "store", *MAIL}
    assert sdcli("config", "unset", "country").exit_code == 0
    assert sdcli("config", "get", "country").stdout == "\n"
    assert "PE" not in user.read_text()


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [("country", "XX", "unknown country code"), ("lang", "fr", "use es, en or pt"), ("tz", "Mars/Base", "unknown time zone"),
     ("dayfirst", "maybe", "expected yes or no"), ("csv_delimiter", "#", "use , ; | or tab"),
     ("store", "somewhere", "expected a store URL"), ("colour", "red", "not a setting (known: country, lang")],
)  # fmt: skip
def test_a_wrong_value_is_refused_when_set(sdcli, tmp_path, key, value, reason):
    r = sdcli("config", "set", key, value)
    assert r.exit_code == 1 and reason in err(r) and err(r).count("\n") == 1, err(r)
    assert not (tmp_path / "user-config.toml").exists()


def test_flags_then_environment_then_the_users_file_then_the_desks(sdcli, home, monkeypatch):
    assert sdcli("config", "set", "country", "CO", "--desk").exit_code == 0
    assert sdcli.json(*OPEN)["country"] == "CO"
    assert sdcli("config", "set", "country", "PE").exit_code == 0  # the user's file wins over the desk's
    assert sdcli.json(*OPEN)["country"] == "PE"
    monkeypatch.setenv("SDCLI_COUNTRY", "CR")
    assert sdcli.json(*OPEN)["country"] == "CR"
    assert sdcli("config", "get", "country", "--json").stdout.count('"source": "$SDCLI_COUNTRY"') == 1
    assert sdcli.json(*OPEN, "--country", "PA")["country"] == "PA"


def test_language_agent_and_zone_from_the_file(sdcli, home, monkeypatch):
    monkeypatch.delenv("SDCLI_AGENT")  # the variable would win over the file
    for key, value in (("lang", "pt"), ("agent", "marta"), ("tz", "America/Sao_Paulo"), ("country", "PE")):
        assert sdcli("config", "set", key, value).exit_code == 0
    doc = sdcli.json(*OPEN)
    assert doc["opened_by"] == "marta" and doc["history"][0]["by"] == "marta"
    r = sdcli("close", doc["id"])
    assert err(r).startswith("Erro: não é possível encerrar INC1")
    shown = sdcli("show", doc["id"]).stdout
    assert "seu horário" in shown  # Lima's clock, and the agent's own (São Paulo) beside it
    assert err(sdcli("--lang", "en", "close", doc["id"])).startswith("Error: cannot close INC1")


def test_csv_delimiter_for_exports_and_imports(sdcli, home, tmp_path, store):
    assert sdcli("config", "set", "csv_delimiter", "semicolon").exit_code == 0
    sdcli.json(*OPEN, "--country", "PE")
    out = tmp_path / "out.csv"
    assert sdcli("export", "-o", str(out)).exit_code == 0
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("status;") or ";" in header and "," not in header.split(";")[0]
    other = tmp_path / "other"
    assert sdcli.json("--home", str(other), "import", str(out), "--json")["created"] == 1
    assert sdcli("config", "set", "csv_delimiter", ",").exit_code == 0
    assert (
        sdcli.json("--home", str(tmp_path / "third"), "import", str(out), "--json")["created"] == 1
    )  # read as written


@pytest.mark.files_only("the PostgreSQL pass names its store in SDCLI_STORE, which wins over the file")
def test_the_store_url_from_the_file_after_the_flag_and_the_variable(sdcli, home, tmp_path, monkeypatch):
    configured = tmp_path / "configured"
    assert sdcli("config", "set", "store", f"tinydb://{configured}").exit_code == 0
    sdcli.json(*OPEN, "--country", "PE")
    assert (configured / "meta.json").exists() and not (home / "store").exists()
    monkeypatch.setenv("SDCLI_STORE", f"tinydb://{tmp_path / 'env'}")
    sdcli.json(*OPEN, "--country", "PE")
    assert (tmp_path / "env" / "meta.json").exists()


def test_a_broken_file_is_one_line_naming_it(sdcli, home, tmp_path):
    user = tmp_path / "user-config.toml"
    user.write_text('country = "XX"\n', encoding="utf-8")
    os.chmod(user, 0o600)
    r = sdcli("list")
    assert r.exit_code == 1 and err(r).startswith(f"Error: {user}: country: unknown country code")
    user.write_text("colour = 1\n", encoding="utf-8")
    assert f"{user}: colour: unknown key" in err(sdcli("list"))
    user.unlink()
    home.mkdir(parents=True, exist_ok=True)
    desk = home / "config.toml"
    desk.write_text('lang = "es"\n', encoding="utf-8")
    os.chmod(desk, 0o666)
    r = sdcli("list")
    assert r.exit_code == 1 and "writable by group or others" in err(r)
    os.chmod(desk, 0o600)
    assert err(sdcli("open", "--no-input")).startswith("Error: faltan respuestas obligatorias")
    assert json.loads(sdcli("config", "get", "lang", "--json").stdout)["source"] == str(desk)
