"""The TinyDB backend's SQLite index answers every listing query exactly as the reference
semantics (store/query.py) do over the same summaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdcli.store.openindex import OpenIndex
from sdcli.store.query import SORTS, OpenQuery, Range, fold, page

BASE = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ZONES = [timezone(timedelta(hours=h)) for h in (-5, -3, 0, 1)]
instants = st.builds(lambda m, z: (BASE + timedelta(minutes=m)).astimezone(z).isoformat(timespec="seconds"),
                     st.integers(-3000, 3000), st.sampled_from(ZONES))  # fmt: skip
maybe = lambda s: st.one_of(st.none(), s)  # noqa: E731
names = st.sampled_from(["Telefónica", "telefonica", "ACME", "Ção Ltda", "São Paulo", "", "Zeta", "ACME sur"])


@st.composite
def summaries(draw):
    numbers = draw(st.lists(st.integers(1, 400), min_size=0, max_size=25, unique=True))
    out = []
    for n in numbers:
        prefix = draw(st.sampled_from(["INC", "SSR", "CHG"]))
        s = {"id": f"{prefix}{n}", "kind": {"INC": "incident", "SSR": "ssr", "CHG": "change"}[prefix]}
        for key, strategy in (("status", st.sampled_from(["open", "on_hold", "resolved", "received"])),
                              ("severity", st.sampled_from([1, 2, 3, 4])), ("customer", names), ("site", names),
                              ("opened_at", instants), ("updated_at", instants), ("recovery_due", instants),
                              ("ack_due", instants), ("acked_at", instants), ("sla_paused_at", instants),
                              ("escalation_from", st.one_of(instants, st.sampled_from(["", "x"])))):  # fmt: skip
            value = draw(maybe(strategy))
            if value is not None:
                s[key] = value
        missing = draw(st.sampled_from([None, [], ["site_down"], "", "x"]))
        if missing is not None:
            s["missing_answers"] = missing
        level = draw(st.sampled_from([None, 0, 1, 2, 3, "x"]))
        if level is not None:  # failed calls raise the active level past the highest attempted
            s["escalation"] = {"last_level_attempted": level,
                               "active_level": draw(st.sampled_from([1, 2, 3, 4, 0, -1, "x", None, True]))}  # fmt: skip
            if s["escalation"]["active_level"] is None:
                del s["escalation"]["active_level"]
        out.append(s)
    return {s["id"]: s for s in out}  # one per id


def ranges():
    moment = st.builds(lambda m: BASE + timedelta(minutes=m), st.integers(-3000, 3000))
    return maybe(st.builds(Range, maybe(moment), maybe(moment)))


queries = st.builds(
    OpenQuery,
    prefix=maybe(st.sampled_from(["INC", "SSR", "CHG"])),
    statuses=st.lists(st.sampled_from(["open", "on_hold", "resolved"]), max_size=2).map(tuple),
    severities=st.lists(st.sampled_from([1, 2, 3, 4]), max_size=2).map(tuple),
    classified=maybe(st.booleans()),
    customer=maybe(st.sampled_from(["telef", "TELEFÓ", "acme", "cao", "", "sur"])),
    site=maybe(st.sampled_from(["sao", "zeta"])),
    opened=ranges(),
    escalation=ranges(),
    recovery_due=ranges(),
    unpaused=st.booleans(),
    ack_pending=st.booleans(),
    levels_attempted=st.lists(st.integers(0, 3), max_size=2).map(tuple),
    active_levels=st.lists(st.integers(1, 4), max_size=3).map(tuple),
    owed=st.booleans(),
    incomplete=st.booleans(),
    sort=st.sampled_from(SORTS),
    reverse=st.booleans(),
    limit=maybe(st.integers(0, 30)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=summaries(), qs=st.lists(queries, min_size=1, max_size=4))
def test_the_sqlite_index_answers_every_query_as_the_reference_does(tmp_path_factory, docs, qs):
    index = OpenIndex(tmp_path_factory.mktemp("ix") / "index.sqlite")
    index.apply(docs, {})
    for q in qs:
        want = page(q, list(docs.values()))
        got = index.query(q)
        assert (got.total, [r["id"] for r in got.rows]) == (want.total, [r["id"] for r in want.rows]), q


def test_fold_drops_case_and_accents():
    assert fold("Telefónica São PAULO") == "telefonica sao paulo" == fold("TELEFONICA SAO paulo")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(summaries(), st.sampled_from(SORTS), st.booleans(), st.integers(1, 30))
def test_a_limit_takes_the_top_n_exactly_as_sorting_everything_would(docs, sort, reverse, limit):
    rows = list(docs.values())
    everything = page(OpenQuery(sort=sort, reverse=reverse), rows)
    top = page(OpenQuery(sort=sort, reverse=reverse, limit=limit), rows)
    assert [s["id"] for s in top.rows] == [s["id"] for s in everything.rows[:limit]]
    assert top.total == everything.total == len(rows)


def _reference_keys(prefix, s):
    """The index's keys as the reference semantics' own functions give them (what keys_of inlines)."""
    from sdcli.model import PREFIXES
    from sdcli.store.query import (
        active_level,
        escalation_start,
        level_attempted,
        level_owed,
        sort_value,
        timestamp,
    )

    status = s.get("status")
    return (list(PREFIXES).index(prefix), status if isinstance(status, str) else None, sort_value(s, "severity"),
            int(bool(s.get("severity"))), sort_value(s, "customer"), fold(str(s.get("customer") or "")),
            fold(str(s.get("site") or "")), timestamp(s.get("opened_at")), timestamp(s.get("updated_at")),
            timestamp(s.get("recovery_due")), timestamp(s.get("ack_due")), int(bool(s.get("sla_paused_at"))),
            int(bool(s.get("ack_due") and not s.get("acked_at"))), level_attempted(s),
            int(bool(s.get("missing_answers"))), escalation_start(s), active_level(s), int(level_owed(s)))  # fmt: skip


odd = st.sampled_from(
    [True, False, 0, 2.5, "3", [], ["x"], {"a": 1}, "", "not a time", "2026-12-01T09:00:00-03:00"]
)


@settings(max_examples=200, deadline=None)
@given(summaries(), st.dictionaries(st.sampled_from(["status", "severity", "customer", "site", "opened_at",
                                                     "updated_at", "recovery_due", "ack_due", "acked_at",
                                                     "escalation_from", "sla_paused_at", "escalation"]), odd))  # fmt: skip
def test_an_index_row_has_the_reference_keys_with_or_without_the_bulk_memo(docs, damage):
    """keys_of (one ticket's write) and keys_of with a Stamps memo (a bulk write, shared by every
    ticket of it) both give what query.py's functions give, odd stored values included."""
    from sdcli.store.openindex import Stamps, keys_of

    stamp = Stamps()
    stamp.LIMIT = 3  # the memo starts again while the write goes on: the same values
    for s in [*docs.values(), *({**d, **damage} for d in docs.values()), damage | {"id": "INC1"}]:
        prefix = s["id"][:3]
        want = _reference_keys(prefix, s)
        assert keys_of(prefix, s) == want
        assert keys_of(prefix, s, stamp) == want
        assert len(stamp) <= stamp.LIMIT


typed_refs = st.sampled_from(["SN-000777", "sn 000777", "SN000777", "CS-1", "cs1", "CS 1", "Ção-7", "cao7", "ABC",
                              "abc", "A-B-C", "12", "1-2", "---", " cs-1 ", "INC-45", "inc45"])  # fmt: skip


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.integers(1, 30), st.tuples(maybe(typed_refs), maybe(typed_refs)), max_size=12),
       typed_refs, st.booleans())  # fmt: skip
def test_the_index_finds_a_reference_as_the_reference_semantics_do(tmp_path_factory, tickets, typed, bulk):
    """OpenIndex.refs (by its fold or compact column; a one-ticket write or a bulk one) lists
    exactly the references query.ref_matches holds to be the one typed."""
    from sdcli.store.openindex import CALLER_REFS
    from sdcli.store.query import ref_matches

    index = OpenIndex(tmp_path_factory.mktemp("ix") / "index.sqlite")
    docs = [
        {"id": f"INC{n}", **{f: v for f, v in zip(CALLER_REFS, pair, strict=True) if v}}
        for n, pair in tickets.items()
    ]
    if bulk:
        index.apply({}, {}, docs=docs, entry_of=lambda doc: None)
    else:
        index.apply({}, {d["id"]: [(f, d[f]) for f in CALLER_REFS if f in d] for d in docs}, frozenset())
    want = [(d["id"], f) for d in docs for f in CALLER_REFS if f in d and ref_matches(d[f], typed)]
    got = index.refs(typed)
    assert sorted(got, key=lambda x: (int(x[0][3:]), x[1])) == sorted(
        want, key=lambda x: (int(x[0][3:]), x[1])
    )
    assert [int(t[3:]) for t, _ in got] == sorted(int(t[3:]) for t, _ in got)  # in id order


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_compact_keeps_the_letters_and_digits_of_the_fold_exactly(text):
    """compact (made by translate or one regex, for speed) is the fold's str.isalnum characters."""
    from sdcli.store.query import compact

    assert compact(text) == "".join(c for c in fold(text) if c.isalnum())
