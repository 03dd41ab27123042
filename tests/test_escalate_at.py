"""`escalate ID --call NAME --outcome X --at TIME`: a call recorded when it was made, not when it
was typed (a call at 03:10 typed at 03:30 was stored at 03:30, which moved the three failed calls'
timing and the level correct by time). Site time unless the text names an offset; refused in the
future, before the incident was opened, before a step it follows, or before the previous call."""

from __future__ import annotations

import pytest
from conftest import err
from test_happened_at import at, opened, stored

from sdcli.i18n import t_in


@pytest.fixture(autouse=True)
def agent_in_lima(sdcli, home):
    assert sdcli("config", "set", "tz", "America/Lima").exit_code == 0


def call(sdcli, inc: str, who: str, outcome: str, when: str | None, typed: str, *first: str):
    args = [*first, "escalate", inc, "--call", who, "--outcome", outcome]
    return sdcli(*args, *(["--at", f"01/12/2026 {when}"] if when else []), env=at(typed))


def test_a_call_is_stored_when_it_was_made(sdcli, home):
    inc = opened(sdcli)  # severity 1, opened 02:00: level 2 from 02:30, level 3 from 03:00
    r = call(sdcli, inc, "Carla Mendes", "no-answer", "02:40", "03:30")
    assert r.exit_code == 0, r.output
    (attempt,) = stored(home, inc)["escalation_attempts"]
    assert attempt["at"] == "2026-12-01T02:40:00-05:00" and attempt["level"] == 2
    # made at 02:40, level 2 was the correct one: no warning that level 3 is due (it is, at 03:30)
    assert err(r).splitlines() == [t_in("en", "escalate.failed", fails=1, level=2, left=2),
                                   "at: 01/12/2026 02:40 read as 1 Dec 2026 02:40 Lima -05"], err(r)  # fmt: skip
    assert stored(home, inc)["escalation"]["active_level"] == 2


def test_without_at_the_same_call_is_judged_by_when_it_is_typed(sdcli, home):
    inc = opened(sdcli)
    r = call(sdcli, inc, "Carla Mendes", "no-answer", None, "03:30")
    assert r.exit_code == 0 and "Jorge Ramírez" in err(r), err(r)  # level 3 due: told to call it
    assert stored(home, inc)["escalation_attempts"][0]["at"] == "2026-12-01T03:30:00-05:00"


def test_three_failed_calls_told_afterwards_move_up_from_the_last_of_them(sdcli, home):
    inc = opened(sdcli)
    for when in ("02:31", "02:35", "02:40"):
        r = call(sdcli, inc, "Carla Mendes", "busy", when, "02:55")
        assert r.exit_code == 0, r.output
    assert "Jorge Ramírez" in err(r), err(r)  # the third: leave a voicemail, call level 3
    doc = stored(home, inc)
    assert doc["escalation"]["active_level"] == 3 and doc["history"][-1]["moved_to_level"] == 3
    assert [a["at"][11:16] for a in doc["escalation_attempts"]] == ["02:31", "02:35", "02:40"]
    due = sdcli.json("shift", "--json", env=at("02:55"))
    (row,) = [d for d in due["escalation_due"] if d["id"] == inc]
    assert row["due_level"] == 3 and row["next_level_at"] == "2026-12-01T02:40:00-05:00"  # owed since 02:40


def test_a_reached_call_told_afterwards_owns_it_since_then(sdcli, home):
    inc = opened(sdcli)
    doc = sdcli.json("escalate", inc, "--call", "Carla Mendes", "--outcome", "reached", "--at",
                     "2026-12-01T07:45:00+00:00", "--json", env=at("03:30"))  # fmt: skip
    assert doc["owner"]["since"] == "2026-12-01T02:45:00-05:00"  # in the site's zone
    assert stored(home, inc)["escalation_attempts"][0]["at"] == "2026-12-01T02:45:00-05:00"


@pytest.mark.parametrize(
    ("when", "said"),
    [
        ("03:40", "is in the future"),
        ("01:50", "INC1: 1 Dec 2026 01:50 Lima -05 is before the opening (1 Dec 2026 02:00 Lima -05)"),
        ("02:35", "INC1: 1 Dec 2026 02:35 Lima -05 is before the previous escalation call "
                  "(1 Dec 2026 02:40 Lima -05)"),
    ],
)  # fmt: skip
def test_a_call_in_the_future_before_the_opening_or_before_the_previous_one_is_refused(
    sdcli, home, when, said
):
    inc = opened(sdcli)
    before = "previous" in said  # a call at 02:40 before; else none (the latest step is named)
    assert not before or call(sdcli, inc, "Carla Mendes", "busy", "02:40", "03:00").exit_code == 0
    r = call(sdcli, inc, "Carla Mendes", "busy", when, "03:30")
    assert r.exit_code == 1 and said in err(r) and err(r).count("\n") == 1, err(r)
    assert len(stored(home, inc).get("escalation_attempts", [])) == int(before)


def test_a_call_is_not_before_the_last_resume(sdcli, home):
    """On hold from 02:10 to 02:50: a call told as 02:20 is before the resume (the escalation
    clock stood still then, and the level correct by time cannot be worked out backwards)."""
    inc = opened(sdcli)
    sdcli.json("hold", inc, "--reason", "awaiting-customer", "--json", env=at("02:10"))
    sdcli.json("resume", inc, "--json", env=at("02:50"))
    r = call(sdcli, inc, "Service Desk Latam", "busy", "02:20", "03:00")
    assert r.exit_code == 1 and "is before the last resume (1 Dec 2026 02:50 Lima -05)" in err(r), err(r)
    r = call(sdcli, inc, "Service Desk Latam", "busy", "02:55", "03:00")
    assert r.exit_code == 0 and err(r).splitlines() == [
        t_in("en", "escalate.failed", fails=1, level=1, left=2),
        "at: 01/12/2026 02:55 read as 1 Dec 2026 02:55 Lima -05",  # the day order a guess: said back
    ]
    assert stored(home, inc)["escalation_attempts"][0]["at"] == "2026-12-01T02:55:00-05:00"


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_the_refusal_is_in_the_session_s_language(sdcli, home, lang):
    inc = opened(sdcli)
    assert call(sdcli, inc, "Carla Mendes", "busy", "02:40", "03:00").exit_code == 0
    r = call(sdcli, inc, "Carla Mendes", "busy", "02:35", "03:30", "--lang", lang)
    step = t_in(lang, "ticket.step_attempt")
    assert r.exit_code == 1 and step in err(r) and "before" not in err(r), err(r)


def test_at_needs_a_call_to_record(sdcli, home):
    inc = opened(sdcli)
    r = sdcli("escalate", inc, "--at", "01/12/2026 02:40", "--json", env=at("03:00"))
    assert r.exit_code == 2 and "--call" in err(r), err(r)
    assert "escalation_attempts" not in stored(home, inc)


def test_a_call_made_earlier_is_judged_by_the_severity_it_had_then_and_shown_then(sdcli, home):
    """Severity 4 at 02:00, reclassified 1 at 03:30: a call to level 3 made at 02:50 was taken
    without --force (judged by severity 1), and the right level-1 call at 02:40 was told to call
    level 2; the timeline showed both at 03:40, when they were typed. The severity at the call's
    time decides, and the timeline says when it was made."""
    inc = sdcli.json("open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
                     "link_down", "--callback", "Ana <ana@acme.pe> 01 4117000", "--service-type", "mpls",
                     "--no-contingency", "--json", env=at("02:00"))["id"]  # fmt: skip
    sdcli.json("classify", inc, "--severity", "4", "--reason", "x", "--json", env=at("02:00"))
    sdcli.json("classify", inc, "--severity", "1", "--reason", "y", "--json", env=at("03:30"))
    r = call(sdcli, inc, "Service Desk Latam", "no-answer", "02:40", "03:40")
    assert r.exit_code == 0 and "level to call now" not in err(r), err(r)
    r = call(sdcli, inc, "Jorge Ramírez", "no-answer", "02:50", "03:40")
    assert r.exit_code == 1 and "above the correct level 1" in err(r), err(r)
    assert [a["level"] for a in stored(home, inc)["escalation_attempts"]] == [1]
    shown = sdcli("show", inc).stdout
    lines = shown.splitlines()
    n = next(i for i, x in enumerate(lines) if "called Service Desk Latam" in x and x.startswith("1 Dec"))
    assert lines[n].startswith("1 Dec 03:40") and "made 1 Dec 02:40" in lines[n + 1], lines[n:]
