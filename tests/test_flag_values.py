"""The questionnaire's flags of `sdcli open` and `sdcli complete`: the token after a flag that takes
a value is that value whatever it starts with ("- sin enlace desde las 8h" once printed the help
and exited 0, saving nothing: Click read it as a bundle of short options with -h); a stray token
is a usage error (exit 2), never the help."""

from __future__ import annotations

import pytest
from conftest import err
from hypothesis import given
from hypothesis import strategies as st

from sdcli.commands._flags import parse_flags, split_args
from sdcli.questionnaire import load_questionnaire
from sdcli.store import open_store

OPEN = ["open", "--no-input", "--customer", "Acme", "--site", "Lima HQ", "--country", "PE", "--problem", "link_down",
        "--callback", "Ana <ana@acme.pe> +51 1 4117000", "--service-type", "mpls", "--no-contingency"]  # fmt: skip
#: values a person may type that look like options to a parser
DASHED = ["- sin enlace desde las 8h", "-linha", "-h", "--help", "--json", "-", "--", "--customer=X", "-1h"]


def tickets(home) -> list[dict]:
    store = open_store(home=home)
    return list(store.all_tickets()) if store.exists() else []


@pytest.mark.parametrize("value", DASHED)
def test_a_description_that_starts_with_a_dash_is_the_description(sdcli, home, value):
    doc = sdcli.json(*OPEN, "--description", value, "--json")
    assert doc["id"] == "INC1" and doc["description"] == value
    assert doc["customer"] == "Acme"  # the flags after it still read as flags
    assert [d["description"] for d in tickets(home)] == [value]


def test_a_dashed_value_in_the_equals_form_and_for_another_flag(sdcli):
    doc = sdcli.json(*OPEN, "--description=- sin enlace 8h", "--customer-reference", "-4411", "--json")
    assert doc["description"] == "- sin enlace 8h" and doc["customer_reference"] == "-4411"


def test_a_declared_option_still_takes_its_value_beside_the_questionnaires(sdcli):
    doc = sdcli.json(*OPEN, "--description", "--received-at", "--received-at", "01/12/2026 09:00", "--json")
    assert doc["description"] == "--received-at"
    assert doc["received_at"].startswith("2026-12-01T09:00")


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["- sin enlace desde las 8h"], "no such option"),
        (["-hx"], "no such option"),
        (["stray"], "unexpected argument 'stray'"),
        (["--bogus", "3"], "no such option --bogus"),
        (["--description"], "--description needs a value"),
        (["--no-contingency=yes"], "takes no value"),
    ],
)
def test_a_token_that_is_no_flag_is_a_usage_error_not_the_help(sdcli, home, extra, said):
    r = sdcli(*OPEN, *extra)
    assert r.exit_code == 2, r.output
    assert said in err(r) and "Usage: sdcli open [OPTIONS]\n\n" not in r.stdout
    assert tickets(home) == []


def test_the_usage_error_of_a_questionnaire_flag_is_in_the_sessions_language(sdcli):
    r = sdcli("--lang", "es", *OPEN, "--colour", "rojo")
    assert (
        r.exit_code == 2 and err(r).strip() == "Error: no existe la opción --colour (vea: sdcli open --help)"
    )


def test_help_is_still_help(sdcli):
    for args in (["open", "-h"], ["open", "--help"], ["complete", "--help"]):
        r = sdcli(*args)
        assert r.exit_code == 0 and r.stdout.startswith(f"Usage: sdcli {args[0]} "), r.output


def test_complete_takes_a_dashed_value(sdcli, store):
    store.create("INC", {"status": "open", "customer": "Acme", "site": "Lima HQ", "problem": "link_down",
                         "channel": "email", "missing_answers": ["description"]}, actor="t")  # fmt: skip
    doc = sdcli.json("complete", "INC1", "--no-input", "--description", "- revisado 9h", "--json")
    assert doc["description"] == "- revisado 9h" and "description" not in str(doc.get("missing_answers"))
    assert store.get("INC1")["description"] == "- revisado 9h"
    r = sdcli("complete", "INC1", "--no-input", "-hx")
    assert r.exit_code == 2 and "no such option" in err(r)


QUESTIONS = load_questionnaire()
DECLARED = {"--country": True, "--json": False, "--no-input": False, "-h": False, "--help": False}
VALUED = sorted(
    f"--{q.flag}"
    for q in QUESTIONS
    if q.kind not in ("yesno", "contacts", "datetimes") and f"--{q.flag}" not in DECLARED
)


@given(st.lists(st.tuples(st.sampled_from(VALUED), st.text(min_size=0, max_size=12)), min_size=1, max_size=6))
def test_split_hands_every_flag_its_next_token_whatever_it_is(pairs):
    args = [tok for flag, value in pairs for tok in (flag, value)]
    ours, click = split_args(["--json", *args, "--no-input"], DECLARED, {f[2:] for f in VALUED})
    assert ours == args and click == ["--json", "--no-input"]
    got = parse_flags(ours, QUESTIONS)
    by_key = {f"--{q.flag}": q.key for q in QUESTIONS}
    assert got == {by_key[flag]: value for flag, value in dict(pairs).items()}


@given(st.text(min_size=0, max_size=12))
def test_split_leaves_a_declared_options_value_to_click(value):
    ours, click = split_args(["--country", value, "--description", value], DECLARED, {"description"})
    assert click == ["--country", value] and ours == ["--description", value]
