"""classify through its domain service: the flags' choice checked without the ticket
(classifying.choose), the suggestion and the reason it needs decided in the store's write from the
ticket as it is there (classifying.apply)."""

from __future__ import annotations

import pytest
from conftest import err

from sdcli import classifying, suggesting
from sdcli.errors import InvalidValue, MissingAnswers, UsageProblem
from sdcli.store.records import ChangedMeanwhile

NOW = {"SDCLI_NOW": "2026-12-01T09:00:00-05:00"}


def open_incident(sdcli) -> str:
    doc = sdcli.json("open", "--no-input", "--customer", "ACME", "--site", "Lima", "--country", "PE", "--problem", "link_down",
                     "--callback", "Ana <ana@acme.pe> 01 4117000", "--service-type", "mpls", "--no-contingency", "--json", env=NOW)  # fmt: skip
    return doc["id"]


def contingency_found(store, inc: str) -> None:
    """Another agent, meanwhile: the site has a contingency and it works (the suggestion becomes 2)."""

    def change(d):
        d.update(has_contingency=True, contingency_works=True)
        return {"action": "note", "note": "the backup link carries the traffic"}

    store.update(inc, change, actor="bea")


def test_the_suggestion_and_the_reason_it_needs_are_decided_in_the_write(sdcli, store):
    inc = open_incident(sdcli)
    before = store.get(inc)
    assert suggesting.suggest(before).severity == 1  # what a copy read before would have said
    contingency_found(store, inc)
    with pytest.raises(MissingAnswers) as e:  # level 1 is no longer the suggestion: it needs a reason now
        classifying.apply(store, inc, classifying.Choice("manual", 1), actor="tester")
    assert "2" in str(e.value)
    assert "severity" not in store.get(inc)  # nothing written
    doc = classifying.apply(store, inc, classifying.Choice("suggestion"), actor="tester")
    assert (doc["severity"], doc["classification"]["suggested"], doc["classification"]["method"]) == (
        2,
        2,
        "suggestion",
    )
    assert doc["history"][-1]["action"] == "classify" and doc["classified_by"] == "tester"


def test_a_person_s_choice_is_refused_when_the_ticket_changed_since_they_looked(sdcli, store):
    from sdcli.store.base import version

    inc = open_incident(sdcli)
    seen = version(store.get(inc))
    contingency_found(store, inc)
    with pytest.raises(ChangedMeanwhile):
        classifying.apply(store, inc, classifying.Choice("suggestion"), actor="tester", expect=seen)
    assert "severity" not in store.get(inc)


def test_the_flags_choice_is_checked_without_the_ticket():
    def choose(**kw):
        flags = {"severity": None, "reason": None, "impact": None, "urgency": None, "accept": False}
        return classifying.choose(**{**flags, **kw})

    assert choose() is None
    with pytest.raises(MissingAnswers, match="--urgency"):
        choose(impact="high")
    with pytest.raises(InvalidValue):
        choose(severity=9, reason="x")
    with pytest.raises(UsageProblem, match="--severity 4 and --impact medium --urgency high"):
        choose(impact="medium", urgency="high", severity=4)  # two levels: neither is dropped silently
    matrix = choose(impact="medium", urgency="high", severity=2)  # the same level twice: the matrix's
    assert (matrix.method, matrix.level, matrix.extra) == (
        "matrix",
        2,
        {"impact": "medium", "urgency": "high"},
    )
    assert matrix.reason  # the matrix gives its reason when none is given
    assert choose(severity=3) == classifying.Choice("manual", 3, None)  # the reason is checked in the write
    assert choose(accept=True, reason="as suggested") == classifying.Choice(
        "suggestion", None, "as suggested"
    )


def test_two_levels_given_at_once_are_refused_not_one_dropped(sdcli):
    """`classify --severity 4 --reason "the customer says it is minor" --impact high --urgency high`
    stored severity 1 (4 h instead of 72 h) with that reason; and `--accept-suggestion --severity 2`
    stored 2 where 3 was suggested. Two levels that disagree are refused now, naming both, and
    nothing is saved; when they agree the level is taken."""
    inc = sdcli.json("open", "--no-input", "--customer", "ACME", "--site", "Lima", "--country", "PE", "--problem",
                     "slow", "--source-ip", "10.0.0.1", "--destination-ip", "10.0.0.2", "--callback",
                     "Ana <ana@acme.pe> 01 4117000", "--service-type", "mpls", "--no-contingency", "--json")["id"]  # fmt: skip
    r = sdcli("--lang", "es", "classify", inc, "--severity", "4", "--reason", "el cliente dice que es leve",
              "--impact", "high", "--urgency", "high")  # fmt: skip
    assert r.exit_code == 2 and "--severity 4" in err(r) and "(nivel 1)" in err(r), r.output
    r = sdcli("classify", inc, "--accept-suggestion", "--severity", "2", "--reason", "x")
    assert r.exit_code == 2 and "--accept-suggestion (level 3) and --severity 2" in err(r), r.output
    r = sdcli("classify", inc, "--accept-suggestion", "--impact", "low", "--urgency", "low")
    assert r.exit_code == 2 and "--accept-suggestion (level 3)" in err(r), r.output
    assert "severity" not in sdcli.json("show", inc, "--json")
    assert sdcli.json("classify", inc, "--accept-suggestion", "--severity", "3", "--json")["severity"] == 3
    doc = sdcli.json("classify", inc, "--severity", "1", "--impact", "high", "--urgency", "high", "--json")
    assert (doc["severity"], doc["classification"]["method"], doc["sla_target_hours"]) == (1, "matrix", 4.0)
