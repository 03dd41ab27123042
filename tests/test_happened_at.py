"""When a step of an incident's life happened, told after the fact: `resolve`, `ack`, `hold`,
`resume`, `close` and `reopen --at TIME` (site time unless it names an offset), not in the
future and not before the step it follows; the SLA figures come from that time, not from when it
was typed (a tenth pass: a fix at 03:00 recorded at 08:00 was judged late against 06:00)."""

from __future__ import annotations

import pytest
from conftest import err

from sdcli.store import open_store


@pytest.fixture(autouse=True)
def agent_in_lima(sdcli, home):
    """The agent works in Lima too: times are told once, in the site's zone."""
    assert sdcli("config", "set", "tz", "America/Lima").exit_code == 0


def at(clock: str) -> dict[str, str]:
    """SDCLI_NOW at `clock` on 1 December 2026 in Lima (-05)."""
    return {"SDCLI_NOW": f"2026-12-01T{clock}:00-05:00"}


def opened(sdcli, clock: str = "02:00", *extra: str) -> str:
    """An incident at a Lima site opened at `clock`, classified severity 1 (due 4 h later)."""
    args = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem", "link_down",
            "--callback", "Ana <ana@acme.pe> 01 4117000", "--service-type", "mpls", "--no-contingency", *extra, "--json"]  # fmt: skip
    inc = sdcli.json(*args, env=at(clock))["id"]
    sdcli.json("classify", inc, "--accept-suggestion", "--json", env=at(clock))
    return inc


def stored(home, inc: str) -> dict:
    return open_store(home=home).get(inc)


def test_resolve_at_judges_the_target_by_when_it_was_fixed(sdcli, home):
    """Fixed at 03:00, typed at 08:00, due 06:00: met (it said sla_met: false)."""
    inc = opened(sdcli)
    assert stored(home, inc)["recovery_due"] == "2026-12-01T06:00:00-05:00"
    doc = sdcli.json(
        "resolve", inc, "--note", "power back", "--at", "01/12/2026 03:00", "--json", env=at("08:00")
    )
    assert doc["resolved_at"] == "2026-12-01T03:00:00-05:00" and doc["sla_met"] is True
    assert "recovery target met" in sdcli("show", inc, env=at("08:00")).stdout


def test_resolve_at_with_an_offset_is_stored_in_the_sites_zone(sdcli, home):
    inc = opened(sdcli)
    doc = sdcli.json(
        "resolve", inc, "--note", "x", "--at", "2026-12-01T08:30:00+00:00", "--json", env=at("08:00")
    )
    assert doc["resolved_at"] == "2026-12-01T03:30:00-05:00" and doc["sla_met"] is True


@pytest.mark.parametrize(
    ("when", "said"),
    [
        ("01/12/2026 09:00", "is in the future"),
        (
            "01/12/2026 01:30",
            "INC1: 1 Dec 2026 01:30 Lima -05 is before the opening (1 Dec 2026 02:00 Lima -05)",
        ),
    ],
)
def test_resolve_at_in_the_future_or_before_the_opening_is_refused(sdcli, home, when, said):
    inc = opened(sdcli)
    r = sdcli("resolve", inc, "--note", "x", "--at", when, env=at("08:00"))
    assert r.exit_code == 1 and said in err(r), err(r)
    assert err(r).count("\n") == 1, err(r)  # one line
    doc = stored(home, inc)
    assert doc["status"] == "open" and "resolved_at" not in doc


def test_resolve_at_is_not_before_the_report_arrived(sdcli, home):
    """An e-mail report received at 01:00 and opened at 02:00: a fix at 00:30 did not fix it."""
    inc = opened(sdcli, "02:00", "--channel", "email", "--received-at", "01/12/2026 01:00")
    r = sdcli("resolve", inc, "--note", "x", "--at", "01/12/2026 00:30", env=at("08:00"))
    assert r.exit_code == 1 and "is before" in err(r), err(r)
    assert stored(home, inc)["status"] == "open"


def test_resolve_at_is_not_before_the_last_resume_nor_the_hold(sdcli, home):
    inc = opened(sdcli)
    sdcli.json("hold", inc, "--reason", "awaiting-customer", "--json", env=at("03:00"))
    sdcli.json("resume", inc, "--json", env=at("04:00"))
    r = sdcli("resolve", inc, "--note", "x", "--at", "01/12/2026 03:30", env=at("08:00"))
    assert r.exit_code == 1 and "is before the last resume (1 Dec 2026 04:00 Lima -05)" in err(r), err(r)
    sdcli.json("hold", inc, "--reason", "awaiting-customer", "--json", env=at("05:00"))
    r = sdcli("resolve", inc, "--note", "x", "--at", "01/12/2026 04:30", env=at("08:00"))
    assert r.exit_code == 1 and "is before the hold (1 Dec 2026 05:00 Lima -05)" in err(r), err(r)
    assert stored(home, inc)["status"] == "on_hold"
    doc = sdcli.json("resolve", inc, "--note", "x", "--at", "01/12/2026 06:30", "--json", env=at("08:00"))
    # 4 h target, 1 h on hold 03:00-04:00, on hold again from 05:00 to the fix at 06:30: due 08:30
    assert doc["sla_pauses"][-1]["to"] == "2026-12-01T06:30:00-05:00" and doc["sla_met"] is True


def test_hold_and_resume_at_pause_the_clock_when_it_happened(sdcli, home):
    """Put on hold by phone at 03:00 and resumed at 04:00, both typed at 07:00: the deadline
    moves by that hour; a resume before the hold is refused."""
    inc = opened(sdcli)
    held = sdcli.json("hold", inc, "--reason", "awaiting-customer", "--at", "01/12/2026 03:00", "--json",
                      env=at("07:00"))  # fmt: skip
    assert held["sla_paused_at"] == "2026-12-01T03:00:00-05:00" and "recovery_due" not in held
    r = sdcli("resume", inc, "--at", "01/12/2026 02:30", env=at("07:00"))
    assert r.exit_code == 1 and "is before the hold (1 Dec 2026 03:00 Lima -05)" in err(r), err(r)
    doc = sdcli.json("resume", inc, "--at", "01/12/2026 04:00", "--json", env=at("07:00"))
    assert doc["sla_pauses"] == [{"from": "2026-12-01T03:00:00-05:00", "to": "2026-12-01T04:00:00-05:00",
                                  "reason": "awaiting-customer"}]  # fmt: skip
    assert doc["recovery_due"] == "2026-12-01T07:00:00-05:00"


def test_a_hold_at_a_time_the_deadline_had_passed_keeps_the_breach(sdcli, home):
    inc = opened(sdcli)
    held = sdcli.json("hold", inc, "--reason", "awaiting-customer", "--at", "01/12/2026 06:30", "--json",
                      env=at("07:00"))  # fmt: skip
    assert held["recovery_due"] == "2026-12-01T06:00:00-05:00"  # missed before the hold


def test_close_and_reopen_at_follow_the_resolution(sdcli, home):
    inc = opened(sdcli)
    sdcli.json("resolve", inc, "--note", "x", "--at", "01/12/2026 03:00", "--json", env=at("08:00"))
    r = sdcli("close", inc, "--at", "01/12/2026 02:50", env=at("08:00"))
    assert r.exit_code == 1 and "is before the resolution (1 Dec 2026 03:00 Lima -05)" in err(r), err(r)
    doc = sdcli.json("close", inc, "--at", "01/12/2026 07:00", "--json", env=at("08:00"))
    assert doc["closed_at"] == "2026-12-01T07:00:00-05:00"
    r = sdcli("reopen", inc, "--note", "down again", "--at", "01/12/2026 06:00", env=at("09:00"))
    assert r.exit_code == 1 and "is before the closing (1 Dec 2026 07:00 Lima -05)" in err(r), err(r)
    doc = sdcli.json(
        "reopen", inc, "--note", "down again", "--at", "01/12/2026 07:30", "--json", env=at("09:00")
    )
    assert doc["sla_pauses"][-1] == {"from": "2026-12-01T03:00:00-05:00", "to": "2026-12-01T07:30:00-05:00",
                                     "reason": "resolved"}  # fmt: skip
    assert doc["recovery_due"] == "2026-12-01T10:30:00-05:00"  # 1 h ran before the fix, 3 h left at 07:30


def email_report(sdcli, received: str = "09:00") -> str:
    args = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem", "link_down",
            "--callback", "Ana <ana@acme.pe> 01 4117000", "--service-type", "mpls", "--no-contingency",
            "--channel", "email", "--received-at", f"01/12/2026 {received}", "--json"]  # fmt: skip
    return sdcli.json(*args, env=at("09:02"))["id"]


def test_ack_at_is_judged_by_when_the_customer_was_told(sdcli, home):
    """Acknowledged by phone at 09:05, typed at 09:30: on time (due 09:15), not late."""
    inc = email_report(sdcli)
    r = sdcli("ack", inc, "--at", "01/12/2026 09:05", env=at("09:30"))
    assert r.exit_code == 0, err(r)
    assert "acknowledged at 1 Dec 2026 09:05 Lima -05" in err(r) and "late" not in err(r), err(r)
    doc = stored(home, inc)
    assert doc["acked_at"] == "2026-12-01T09:05:00-05:00" and doc["ack_due"] == "2026-12-01T09:15:00-05:00"
    assert sdcli.json("list", "--unacked", "--json", env=at("09:30")) == []


@pytest.mark.parametrize(
    ("when", "said"),
    [("01/12/2026 09:45", "is in the future"), ("01/12/2026 08:55", "is before the report's arrival")],
)
def test_ack_at_in_the_future_or_before_the_report_arrived_is_refused(sdcli, home, when, said):
    inc = email_report(sdcli)
    r = sdcli("ack", inc, "--at", when, env=at("09:30"))
    assert r.exit_code == 1 and said in err(r), err(r)
    assert "acked_at" not in stored(home, inc)


def test_ack_at_with_reply_is_a_usage_error(sdcli, home):
    """--reply writes or sends an acknowledgement now; --at records one given before."""
    inc = email_report(sdcli)
    r = sdcli("ack", inc, "--reply", "--at", "01/12/2026 09:05", env=at("09:30"))
    assert r.exit_code == 2 and "--at" in err(r), err(r)
    assert "acked_at" not in stored(home, inc)


def test_a_refused_time_is_told_in_the_sessions_language(sdcli, home):
    inc = opened(sdcli)
    for lang, said in (("es", "INC1: la apertura fue el 1 dic"), ("pt", "INC1: a abertura foi em 1 dez")):
        r = sdcli("--lang", lang, "resolve", inc, "--note", "x", "--at", "01/12/2026 01:30", env=at("08:00"))
        assert r.exit_code == 1 and said in err(r), err(r)
        assert " is before " not in err(r) and "opening" not in err(r), err(r)
    inc = email_report(sdcli)
    r = sdcli("--lang", "es", "ack", inc, "--reply", "--at", "01/12/2026 09:05", env=at("09:30"))
    assert r.exit_code == 2 and "--at" in err(r) and "records" not in err(r), err(r)


def test_show_tells_a_pauses_end_as_the_sites_clock_like_its_start(sdcli, home):
    """`to` of an SLA pause was printed as raw ISO (2026-12-01T04:00:00-05:00) beside a `from`
    in words: a value named `to` was read as a route of a change, whatever it held."""
    inc = opened(sdcli)
    sdcli.json("hold", inc, "--reason", "awaiting-customer", "--json", env=at("03:00"))
    sdcli.json("resume", inc, "--json", env=at("04:00"))
    out = " ".join(sdcli("show", inc, env=at("05:00")).stdout.split())
    assert "1 Dec 2026 03:00 → 04:00 Lima -05 · awaiting-customer" in out, out
    assert "T04:00" not in out, out
    out = " ".join(sdcli("--lang", "es", "show", inc, env=at("05:00")).stdout.split())
    assert "1 dic 2026 03:00 → 04:00 Lima -05" in out and "T04:00" not in out, out


SSR_FORM = ["ssr", "--requester", "Ana <ana@acme.pe> 01 4117000", "--customer", "ACME", "--site", "Lima HQ",
            "--country", "PE", "--category", "static_route", "--field", "prefix=10.9.0.0/16",
            "--field", "next_hop=10.0.0.1", "--description", "new branch", "--start", "14/12/2026 09:00",
            "--end", "14/12/2026 10:00", "--received-at", "01/12/2026 09:00", "--json"]  # fmt: skip


def test_ssr_ack_at_records_when_the_receipt_was_confirmed(sdcli, home):
    sid = sdcli.json(*SSR_FORM, env=at("09:02"))["id"]
    r = sdcli("ssr", "ack", sid, "--at", "01/12/2026 08:50", env=at("09:30"))
    assert r.exit_code == 1 and "is before the form's arrival (1 Dec 2026 09:00 Lima -05)" in err(r), err(r)
    r = sdcli("ssr", "ack", sid, "--reply", "--at", "01/12/2026 09:05", env=at("09:30"))
    assert r.exit_code == 2 and "--at" in err(r), err(r)
    r = sdcli("ssr", "ack", sid, "--at", "01/12/2026 09:05", env=at("09:30"))
    assert r.exit_code == 0 and "receipt confirmed at 1 Dec 2026 09:05 Lima -05" in err(r), err(r)
    assert stored(home, sid)["confirmed_at"] == "2026-12-01T09:05:00-05:00"


def test_ssr_ack_refusals_are_in_the_sessions_language(sdcli, home):
    """They were English text whatever the session's language ('INC1 is not an SSR')."""
    inc = opened(sdcli)
    r = sdcli("--lang", "es", "ssr", "ack", inc, env=at("09:30"))
    assert r.exit_code == 1 and f"{inc} no es una SSR" in err(r), err(r)
    sid = sdcli.json(*SSR_FORM, env=at("09:02"))["id"]
    assert sdcli("ssr", "ack", sid, env=at("09:10")).exit_code == 0
    r = sdcli("--lang", "pt", "ssr", "ack", sid, env=at("09:30"))
    assert r.exit_code == 1 and f"a recepção de {sid} já foi confirmada em 1 dez 2026 09:10 Lima -05" in err(
        r
    )


def test_a_time_whose_day_order_decided_it_is_said_back(sdcli, home):
    """`hold --at "01/12/2026 03:10"` said only "INC1 is now on_hold.": a date that reads two ways
    was never said back as `--received-at`'s is, so a month-first setting stored 12 January
    without a word. The reading is told (the field, the text, the date in words)."""
    inc = opened(sdcli, "02:00")
    r = sdcli("hold", inc, "--reason", "awaiting-vendor", "--at", "01/12/2026 01:10", env=at("08:00"))
    assert r.exit_code == 1 and err(r).count("\n") == 1, err(r)  # refused: its one line, no reading before
    r = sdcli("hold", inc, "--reason", "awaiting-vendor", "--at", "01/12/2026 03:10", env=at("08:00"))
    assert r.exit_code == 0, r.output
    assert "01/12/2026 03:10 read as 1 Dec 2026 03:10 Lima -05" in err(r), err(r)
    r = sdcli("--lang", "es", "resume", inc, "--at", "01/12/2026 04:10", env=at("08:00"))
    assert r.exit_code == 0 and "01/12/2026 04:10 leído como 1 dic 2026 04:10 Lima -05" in err(r), err(r)
    r = sdcli(
        "resolve", inc, "--note", "ok", "--at", "2026-12-01 05:00", env=at("08:00")
    )  # ISO: nothing to say
    assert r.exit_code == 0 and "read as" not in err(r), err(r)


def test_every_at_reader_is_the_one_flag_time(sdcli):
    """Each --at reader repeated a notes list, validate.instant(..., notes=notes) and told(notes):
    a reader that forgot one said nothing of a day order it guessed. They all call
    commands/_workflow.flag_time now; and a guessed day order is still said back."""
    import inspect

    from sdcli.commands import _workflow, change, escalate, ssr

    readers = [change.accept, change.execute, ssr.done, ssr.check, _workflow.site_time, _workflow.happened_at,
               escalate._made_at]  # fmt: skip
    for f in readers:
        body = inspect.getsource(f)
        assert "validate.instant(" not in body and "validate.when(" not in body, f.__qualname__
        assert "flag_time(" in body or "ticket_time(" in body or "happened_at(" in body, f.__qualname__
    inc = opened(sdcli)
    r = sdcli("resolve", inc, "--note", "x", "--at", "01/12/2026 03:00", env=at("08:00"))
    assert r.exit_code == 0 and "at: 01/12/2026 03:00 read as 1 Dec 2026 03:00" in err(r), err(r)
