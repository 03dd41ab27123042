"""A window of work said as one span: the site's clock, then the agent's where it differs."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sdcli.window_text import Window

LIMA, UTC_AGENT = "America/Lima", ZoneInfo("UTC")


def test_a_window_is_one_span_on_the_sites_clock_then_the_agents():
    """ "Ventana: 7 dic 2026 22:00 Lima -05 · 8 dic 03:00 su hora a 8 dic 2026 01:00 Lima -05 · 06:00
    su hora" read as four times, its " · " folded as an entry's separator; it is one span now."""
    w = Window("2026-12-07T22:00:00-05:00", "2026-12-08T01:00:00-05:00", LIMA, agent=UTC_AGENT)
    assert w.render("es") == "7 dic 2026 22:00 → 8 dic 01:00 Lima -05 · 8 dic 03:00 → 06:00 su hora"
    same_day = Window("2026-12-14T20:00:00-05:00", "2026-12-14T23:00:00-05:00", LIMA, agent=UTC_AGENT)
    assert same_day.render("en") == "14 Dec 2026 20:00 → 23:00 Lima -05 · 15 Dec 01:00 → 04:00 your time"
    mine = Window("2026-12-14T20:00:00-05:00", "2026-12-14T23:00:00-05:00", LIMA, agent=ZoneInfo(LIMA))
    assert mine.render("pt") == "14 dez 2026 20:00 → 23:00 Lima -05"  # the agent's clock is the site's


def test_a_window_across_a_change_of_daylight_saving_gives_both_offsets():
    """Chile leaves daylight saving at 2027-04-04 00:00 (-03 → -04): a window across it names the
    offset of each end, never one offset for both (an hour wrong on one of them)."""
    start = datetime(2027, 4, 3, 22, 0, tzinfo=ZoneInfo("America/Santiago"))  # -03
    end = datetime(2027, 4, 4, 6, 0, tzinfo=UTC)  # 02:00 -04
    said = Window(start, end, "America/Santiago", agent=ZoneInfo("America/Santiago")).render("es")
    assert said == "3 abr 2027 22:00 -03 → 4 abr 02:00 Santiago -04", said
    # the agent's clock changing within (Santiago, reading a São Paulo window): 22:00 → 01:00 read as
    # 3 h of a 4 h window; each end of the agent's half says its offset too
    theirs = Window("2027-04-03T22:00:00-03:00", "2027-04-04T02:00:00-03:00", "America/Sao_Paulo",
                    agent=ZoneInfo("America/Santiago")).render("es")  # fmt: skip
    assert theirs.endswith("· 22:00 -03 → 4 abr 01:00 -04 su hora"), theirs
    year_end = Window("2026-12-31T22:00:00-05:00", "2027-01-01T02:00:00-05:00", LIMA, agent=ZoneInfo(LIMA))
    assert year_end.render("en") == "31 Dec 2026 22:00 → 1 Jan 2027 02:00 Lima -05"


def test_an_ssr_confirms_its_window_as_one_span(sdcli):
    now = {"SDCLI_NOW": "2026-12-01T09:00:00-05:00"}
    r = sdcli("ssr", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE",
              "--requester", "Ana <ana@acme.pe> 01 4117000", "--category", "configuration_backup",
              "--field", "device=R1", "--start", "14/12/2026 22:00", "--end", "15/12/2026 01:00",
              "--description", "backup", env=now)  # fmt: skip
    assert r.exit_code == 0, r.output
    said = " ".join(r.output.split())
    assert "Window: 14 Dec 2026 22:00 → 15 Dec 01:00 Lima -05" in said and " to " not in said, said
