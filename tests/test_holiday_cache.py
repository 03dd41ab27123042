"""A country's public holidays are kept in the home's cache between runs (the `holidays` library
takes about a tenth of a second a country): a second run reads them, gives the same answer, and a
cache file that is damaged or not private is ignored and written again, never trusted."""

from __future__ import annotations

import os
import stat
from datetime import date

from sdcli import calendars, holiday_cache

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
        "link_down", "--service-type", "mpls", "--callback", "Ana <ana@acme.pe> +51 1 4117000", "--json"]  # fmt: skip
CHRISTMAS = {"SDCLI_NOW": "2026-12-25T11:00:00-06:00"}  # a Friday, a holiday in every contact's country
EXPECTED = {"Service Desk Latam": True, "Carla Mendes": True, "Jorge Ramírez": False, "Lucía Ferreyra": False,
            "Martin Hale": False}  # fmt: skip


def _available(sdcli, tid: str) -> dict[str, bool]:
    calendars.holidays.cache_clear()  # each run starts afresh, as a process of its own does
    st = sdcli.json("escalate", tid, "--json", env=CHRISTMAS)
    return {c["name"]: c["available_now"] for lv in st["levels"] for c in lv["contacts"]}


def _kept(home):
    return sorted((home / "cache").glob("holidays-*-2026-*.json"))


def test_holidays_are_kept_private_and_read_back_the_same(sdcli, home):
    home.mkdir(parents=True, exist_ok=True)  # a desk's home (a store elsewhere, PostgreSQL, creates none)
    tid = sdcli.json(*OPEN)["id"]
    assert _available(sdcli, tid) == EXPECTED
    files = _kept(home)
    assert {f.name.split("-")[1] for f in files} >= {"MX", "AR", "GB"}  # each contact's country, once
    assert all(stat.S_IMODE(os.stat(f).st_mode) == 0o600 for f in files)
    before = {f: f.read_bytes() for f in files}
    assert _available(sdcli, tid) == EXPECTED  # read from the cache: the same answer
    assert {f: f.read_bytes() for f in _kept(home)} == before
    assert date(2026, 12, 25) in holiday_cache_days(home, "GB")


def holiday_cache_days(home, country: str) -> frozenset[date]:
    from sdcli import config

    config.activate(config.Settings({}, {}, home))
    try:
        got = holiday_cache.kept(country, 2026)
    finally:
        config._ACTIVE.clear()
    assert got is not None
    return got


def test_a_damaged_or_shared_cache_is_not_trusted(sdcli, home):
    home.mkdir(parents=True, exist_ok=True)
    tid = sdcli.json(*OPEN)["id"]
    assert _available(sdcli, tid) == EXPECTED
    files = _kept(home)
    for f in files:
        f.write_bytes(b'{"key": ')  # truncated
    assert _available(sdcli, tid) == EXPECTED
    gb = next(f for f in _kept(home) if "-GB-" in f.name)
    assert b'"2026-12-25"' in gb.read_bytes()  # written again, whole
    text = gb.read_bytes().replace(b'"2026-12-25",', b"")  # Christmas taken out
    gb.write_bytes(text)
    os.chmod(gb, 0o644)  # and readable by others: not the desk's own any more
    assert _available(sdcli, tid) == EXPECTED  # Martin Hale still off on Christmas
