"""Every IANA zone of a site's country is accepted: countries.toml's entries are the choice of
distinct clocks, and each names the other zones of its country it stands for (America/Monterrey,
America/Fortaleza...), checked against the tz database here. A zone given is stored as given and
named by its city on screens, in every path that takes one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import err
from mail_support import SPANISH, questionnaire

from sdcli import dates, sites

TAB = Path("/usr/share/zoneinfo/zone1970.tab")
KNOWN = sites.countries()
START, END = datetime(2020, 1, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC)
OPEN = ["open", "--no-input", "--customer", "Azteca", "--site", "Planta Norte", "--problem", "link_down",
        "--service-type", "mpls", "--callback", "Juan <juan@azteca.mx> +52 81 1234 5678", "--json"]  # fmt: skip
NOW = {"SDCLI_NOW": "2026-12-03T15:00:00+00:00"}


def _offsets(name: str) -> list[tuple[datetime, timedelta | None]]:
    """A zone's clock over 2020-2030: its offset on 1 January 2020 and each change, to the second
    (a day's offset, and where it differs from the day before, the instant it changed)."""
    zone = ZoneInfo(name)
    off = START.astimezone(zone).utcoffset()
    out, day = [(START, off)], START
    while day < END:
        after = day + timedelta(days=1)
        if after.astimezone(zone).utcoffset() != off:
            lo, hi = day, after  # lo reads off, hi the new offset: halve to the second
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if mid.astimezone(zone).utcoffset() == off else (lo, mid)
            off = after.astimezone(zone).utcoffset()
            out.append((hi, off))
        day = after
    return out


def _tab() -> dict[str, list[str]]:
    """zone1970.tab: country code → the zones that overlap it."""
    out: dict[str, list[str]] = {}
    for line in TAB.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        codes, _where, zone, *_ = line.split("\t")
        for code in codes.split(","):
            out.setdefault(code, []).append(zone)
    return out


@pytest.mark.skipif(not TAB.exists(), reason="no /usr/share/zoneinfo/zone1970.tab on this machine")
@pytest.mark.parametrize("code", sorted(KNOWN))
def test_every_zone_the_tz_database_gives_a_country_is_accepted_as_given(code):
    given = _tab().get(code, [])
    assert given, f"zone1970.tab lists no zone of {code}"
    for zone in given:
        assert sites.check_zone("timezone", zone, KNOWN, code) == zone


GROUPED = [(code, e["tz"], a["tz"]) for code in sorted(KNOWN) for e in KNOWN[code].get("zones", [])
           for a in e.get("also", [])]  # fmt: skip


@pytest.mark.parametrize(("code", "entry", "zone"), GROUPED, ids=[z for _, _, z in GROUPED])
def test_each_zone_an_entry_stands_for_has_its_clock_over_2020_2030(code, entry, zone):
    assert _offsets(zone) == _offsets(entry), f"{zone} is not {entry}'s clock over 2020-2030 ({code})"


def test_a_zone_not_offered_has_other_rules_and_an_offered_clock_today():
    """America/Coyhaique kept Chile's daylight saving until 2025 (not Punta Arenas' clock over the
    years a ticket may name), and has Punta Arenas' clock now: no line of its own."""
    hidden = [(c, e["tz"]) for c in KNOWN for e in KNOWN[c].get("zones", []) if e.get("offered") is False]
    assert ("CL", "America/Coyhaique") in hidden
    since = datetime(2026, 1, 1, tzinfo=UTC)
    for code, zone in hidden:
        offered = [z for z, _ in sites.zones(KNOWN, code)]
        assert zone not in offered
        assert all(_offsets(zone) != _offsets(z) for z in offered)
        today = [(t, o) for t, o in _offsets(zone) if t >= since]
        assert any([(t, o) for t, o in _offsets(z) if t >= since] == today for z in offered), zone


def test_a_grouped_zone_is_stored_as_given_and_named_by_its_city(sdcli):
    doc = sdcli.json(*OPEN, "--country", "MX", "--tz", "America/Monterrey", env=NOW)
    assert doc["timezone"] == "America/Monterrey"
    assert (
        sdcli.json(*OPEN, "--country", "MX", "--tz", "america/merida", env=NOW)["timezone"]
        == "America/Merida"
    )
    shown = sdcli("--lang", "es", "show", doc["id"], env={**NOW, "COLUMNS": "300"})
    assert shown.exit_code == 0 and "Monterrey" in shown.stdout and "Ciudad de México" not in shown.stdout
    assert dates.city("America/Belem", "pt") == "Belém" and dates.city("America/Bahia") == "Salvador"
    assert dates.city("Africa/Ceuta") == "Ceuta"


def test_a_zone_of_another_country_is_still_refused_naming_the_choices_only(sdcli):
    r = sdcli(*OPEN[:-1], "--country", "MX", "--tz", "America/Fortaleza", env=NOW)
    assert r.exit_code == 1 and "is not a time zone of MX (use one of America/Mexico_City," in err(r)
    assert "America/Monterrey" not in err(r)  # the choice, one zone per clock
    r = sdcli(*OPEN[:-1], "--country", "CL", "--tz", "America/Lima", env=NOW)
    assert "(use one of America/Santiago, America/Punta_Arenas, Pacific/Easter)" in err(r)


def test_a_file_an_import_and_the_directory_take_a_grouped_zone(sdcli, tmp_path, store):
    form = tmp_path / "form.json"
    form.write_text('{"customer": "Rio", "site": "Loja Centro", "country": "BR", "timezone": "America/Fortaleza",'
                    ' "problem": "link_down", "service_type": "mpls",'
                    ' "callback_contacts": "Bia <bia@rio.com.br> +55 85 99999 0000"}', encoding="utf-8")  # fmt: skip
    assert sdcli.json("open", "--from-file", str(form), "--json", env=NOW)["timezone"] == "America/Fortaleza"
    rows = ("customer,site,country,timezone,problem,service_type,callback_contacts\n"
            "Rio,Loja Recife,BR,America/Recife,link_down,mpls,Bia <bia@rio.com.br> +55 81 99999 0000\n")  # fmt: skip
    (tmp_path / "in.csv").write_text(rows, encoding="utf-8")
    r = sdcli("import", str(tmp_path / "in.csv"), "--json", env=NOW)
    assert r.exit_code == 0, r.output
    assert {d["timezone"] for d in store.all_tickets("INC")} == {"America/Fortaleza", "America/Recife"}
    added = sdcli.json("customer", "add", "Norte", "--site", "Planta=America/Monterrey", "--json")
    assert added["sites"] == [{"name": "Planta", "timezone": "America/Monterrey", "country": "MX"}]
    doc = sdcli.json(*OPEN[:-1], "--customer", "Norte", "--site", "Planta", "--json", env=NOW)
    assert (doc["country"], doc["timezone"]) == ("MX", "America/Monterrey")
    change = sdcli("change", "--no-input", "--customer", "Norte", "--site", "Planta", "--type", "rack_relocation",
                   "--description", "d", "--window-start", "10/12/2026 22:00", "--window-end", "11/12/2026 02:00",
                   "--project-manager", "Pia <pia@norte.mx> +52 81 2345 6789", "--json", env=NOW)  # fmt: skip
    assert change.exit_code == 0, change.output


@pytest.mark.parametrize(
    ("country", "zone"),
    [("México", "America/Merida"), ("México", "America/Monterrey"), ("Brasil", "America/Fortaleza"),
     ("Argentina", "America/Argentina/Tucuman")],
)  # fmt: skip
def test_an_emailed_incident_naming_a_grouped_zone_keeps_it(sdcli, tmp_path, country, zone):
    """A zone named by its IANA name was read as the city word in it ("Monterrey" is one of Mexico
    City's cities): stored as America/Mexico_City. A zone's own name is kept as written."""
    (tmp_path / "a.eml").write_bytes(
        questionnaire({**SPANISH, "País": country, "Zona horaria": zone}, sender="Ana <ana@x.com>")
    )
    (m,) = sdcli.json("inbox", str(tmp_path / "a.eml"), "--json", env=NOW)["messages"]
    assert m["outcome"] == "created", m
    assert sdcli.json("show", m["id"], "--json")["timezone"] == zone


def _desk_countries(home: Path, body: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "countries.toml").write_text(
        "[countries.XX]\nname = 'X'\nzones = [\n" + body + "]\n", encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('{ tz = "America/Lima", cities = "Lima", also = [{ tz = "America/Lima", city = "L" }] },\n'
         '{ tz = "America/Bogota", cities = "B" },\n', "tz 'America/Lima' appears twice"),
        ('{ tz = "America/Lima", cities = "Lima" },\n{ tz = "America/Bogota", cities = "B", offered = false },\n',
         "offer at least two zones"),
        ('{ tz = "America/Lima", cities = "Lima", also = [{ tz = "America/Bogota" }] },\n'
         '{ tz = "America/Panama", cities = "P" },\n', "city"),
        ('{ tz = "America/Lima", cities = "Lima", also = [{ tz = "Mars/Olympus", city = "O" }] },\n'
         '{ tz = "America/Panama", cities = "P" },\n', "Mars/Olympus"),
    ],
)  # fmt: skip
def test_a_desks_zones_are_checked(sdcli, home, body, says):
    _desk_countries(home, body)
    r = sdcli(*OPEN[:-1], "--country", "XX", "--tz", "America/Lima", env=NOW)
    assert r.exit_code == 1 and "countries.toml" in err(r) and says in err(r), err(r)


ZONE_TAB = Path("/usr/share/zoneinfo/zone.tab")
BACKWARD = [("US", "US/Eastern", "America/New_York"), ("BR", "Brazil/East", "America/Sao_Paulo"),
            ("AR", "America/Buenos_Aires", "America/Argentina/Buenos_Aires"),
            ("MX", "Mexico/General", "America/Mexico_City"), ("CL", "Chile/Continental", "America/Santiago"),
            ("US", "US/Michigan", "America/Detroit")]  # fmt: skip


@pytest.mark.parametrize(("code", "given", "stored"), BACKWARD, ids=[g for _, g, _ in BACKWARD])
def test_a_backward_zone_name_is_stored_as_its_zone_and_told(sdcli, store, code, given, stored):
    """US/Eastern, Brazil/East, America/Buenos_Aires...: names the tz database keeps for a zone (its
    `backward` links, what older systems and exports write) were refused as "not a time zone of
    US". Accepted now, stored as the zone's name (one clock has one name in the store, the
    listings and the reports), and the agent is told which name was stored."""
    r = sdcli(*OPEN[:-1], "--country", code, "--tz", given, env=NOW)
    assert r.exit_code == 0, r.output
    assert f"{given} is stored as {stored}" in err(r), err(r)
    (doc,) = store.all_tickets("INC")
    assert doc["timezone"] == stored
    assert sites.check_zone("tz", given, KNOWN, code) == stored
    r = sdcli("--lang", "es", *OPEN[:-1], "--country", code, "--tz", given, env=NOW)
    assert f"{given} se guarda como {stored}" in err(r), err(r)


def test_a_backward_name_of_another_countrys_zone_is_still_refused(sdcli, store):
    r = sdcli(*OPEN[:-1], "--country", "MX", "--tz", "US/Eastern", env=NOW)
    assert r.exit_code == 1 and "is not a time zone of MX (use one of America/Mexico_City," in err(r), err(r)
    r = sdcli(*OPEN[:-1], "--country", "AR", "--tz", "Brazil/East", env=NOW)
    assert r.exit_code == 1 and "is not a time zone of AR" in err(r), err(r)
    if ZONE_TAB.exists():  # a link today (to America/Panama), but the zone of the Cayman Islands
        assert "is not a time zone of PA" in err(
            sdcli(*OPEN[:-1], "--country", "PA", "--tz", "America/Cayman")
        )
    assert list(store.all_tickets("INC")) == []


def test_the_directory_a_change_and_an_ssr_take_a_backward_zone_name(sdcli, store):
    added = sdcli.json("customer", "add", "Norte", "--site", "Planta=Mexico/General", "--json")
    assert added["sites"] == [{"name": "Planta", "timezone": "America/Mexico_City", "country": "MX"}]
    r = sdcli("change", "--no-input", "--customer", "Sul", "--site", "Loja", "--country", "BR", "--tz", "Brazil/East",
              "--type", "rack_relocation", "--description", "d", "--window-start", "10/12/2026 22:00",
              "--window-end", "11/12/2026 02:00", "--project-manager", "Pia <pia@sul.com.br> +55 11 2345 6789",
              env=NOW)  # fmt: skip
    assert r.exit_code == 0 and "Brazil/East is stored as America/Sao_Paulo" in err(r), r.output
    assert store.get("CHG1")["timezone"] == "America/Sao_Paulo"
    r = sdcli("ssr", "check", "--country", "AR", "--tz", "America/Buenos_Aires", "--start", "21/12/2026 09:00",
              env=NOW)  # fmt: skip
    assert r.exit_code == 0 and "is stored as America/Argentina/Buenos_Aires" in err(r), r.output
