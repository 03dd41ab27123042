"""Hostile input, as properties (hypothesis) and fixed cases: validators, generated CSV cells,
arbitrary bytes, generated flags and answers, markup and escapes, odd paths; only stored-as-given or
one `Error:` line, never a traceback.

With SDCLI_RELIABILITY_REPORT=FILE the property tests append how many inputs they tried to FILE.
"""

from __future__ import annotations

import csv
import functools
import json

import pytest
from conftest import err, report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sdcli.ui as ui
from sdcli import validate
from sdcli.errors import InvalidValue
from sdcli.store import open_store


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


@pytest.fixture
def with_ticket(sdcli, home):
    sdcli.json("open", "--no-input", "--customer", "Seed", "--site", "S", "--country", "BR", "--tz", "America/Sao_Paulo",
               "--problem", "link_down", "--callback", "Ana <ana@acme.com.br> +55 11 98765-4321",
               "--service-type", "mpls", "--json")  # fmt: skip
    return home


TRIED: dict[str, int] = {}


def counted(name: str):
    """Around a property test: counts the inputs it tried, reports them, and fails if it tried none
    (a property test that generated nothing proves nothing)."""

    def wrap(test):
        @functools.wraps(test)
        def run(*args, **kwargs):
            TRIED[name] = 0
            test(*args, **kwargs)
            report("hostile-inputs", **{name: TRIED[name]}, traceback=0)
            assert TRIED[name] > 0, f"{name}: no input tried"

        return run

    return wrap


HOSTILE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60) | st.sampled_from(
    ["[red]x[/red]", "[link=http://evil]click[/link]", "\x1b[31mred\x1b[0m", "\x1b]8;;http://x\x07y", "=1+1", "@SUM(A1)",
     "\x00", "a" * 5000, "+55 (11) 9", "::1", "2026-13-45", "Ana <a@b> 1", "\ud7ff", "😀" * 10, "\r\n\t"])  # fmt: skip


@counted("validators")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=HOSTILE)
def test_validators_only_ever_raise_invalid_value(value):
    TRIED["validators"] = TRIED.get("validators", 0) + 1
    for fn in (lambda v: validate.email("f", v), lambda v: validate.phone("f", v, "BR"), lambda v: validate.ip("f", v),
               lambda v: validate.when("f", v), lambda v: validate.contact("f", v, "MX"), lambda v: validate.whens("f", v),
               lambda v: validate.yesno("f", v), lambda v: validate.text("f", v), lambda v: validate.contacts("f", v)):  # fmt: skip
        try:
            fn(value)
        except InvalidValue as e:
            assert "\n" not in str(e).replace("\\n", "") or "\n" in value


@pytest.mark.slow
@counted("csv")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(st.lists(HOSTILE, min_size=1, max_size=6), min_size=1, max_size=6), header=st.booleans()
)
def test_import_of_hostile_csv_never_crashes(sdcli, tmp_path_factory, cells, header):
    TRIED["csv"] = TRIED.get("csv", 0) + 1
    path = tmp_path_factory.mktemp("h") / "in.csv"
    with path.open("w", newline="", encoding="utf-8", errors="replace") as f:
        w = csv.writer(f)
        if header:
            w.writerow(["customer", "site", "problem", "service_type", "callback_contacts", "source_ip"])
        w.writerows(cells)
    r = sdcli("--home", str(path.parent / "home"), "import", str(path), "--json")
    assert r.exit_code in (0, 1), r.output
    assert "Traceback" not in r.output and "unexpected" not in err(r)
    if r.exit_code == 1:
        assert err(r).rstrip().splitlines()[-1].startswith("Error: ")


@pytest.mark.slow
@counted("bytes")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_import_of_arbitrary_bytes_never_crashes(sdcli, tmp_path_factory, raw):
    TRIED["bytes"] = TRIED.get("bytes", 0) + 1
    path = tmp_path_factory.mktemp("b") / "in.jsonl"
    path.write_bytes(raw)
    r = sdcli("--home", str(path.parent / "home"), "import", str(path))
    assert r.exit_code in (0, 1) and "unexpected" not in err(r), r.output


@pytest.mark.slow
@counted("flags")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(customer=HOSTILE, site=HOSTILE)
def test_open_with_hostile_flags_stores_exactly_or_refuses_clearly(sdcli, tmp_path_factory, customer, site):
    TRIED["flags"] = TRIED.get("flags", 0) + 1
    home = tmp_path_factory.mktemp("o") / "home"
    r = sdcli("--home", str(home), "open", "--no-input", "--customer", customer, "--site", site, "--country", "PE", "--problem", "other", "--description", "x",
              "--service-type", "mpls", "--callback", "Ana <ana@acme.com.br> +55 11 98765-4321", "--json")  # fmt: skip
    if r.exit_code == 2:  # a value that is one of the command's own flags (--site --no-input): a usage error
        assert any(v.startswith("-") for v in (customer, site)), r.output
        assert err(r).startswith("Error: ") and err(r).count("\n") == 1 and "Traceback" not in r.output
        return
    assert r.exit_code in (0, 1), r.output
    if r.exit_code == 0:
        doc = json.loads(r.stdout)
        assert doc["customer"] == customer.strip() and doc["site"] == site.strip()
    else:
        assert err(r).startswith("Error: ") and err(r).count("\n") == 1 and "unexpected" not in err(r)


def test_hostile_answers_through_the_questionnaire_prompts(home, monkeypatch):
    from intake_keys import SAVE, base_keys, rest_keys, run_open

    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)
    keys = base_keys("link_down", "mpls")
    keys[0] = (
        "[red]ACME[/red] [link=http://evil.example]x[/link]\r"  # Rich markup, typed (ESC itself is a key)
    )
    r = run_open([*keys, *rest_keys("mpls"), SAVE])
    assert r.exit_code == 0, r.output
    (doc,) = open_store(home=home).all_tickets()
    assert doc["customer"] == "[red]ACME[/red] [link=http://evil.example]x[/link]"
    assert "[red]ACME[/red]" in r.stdout and "\x1b" not in r.stdout  # the review showed it literally


MARKUP = "[red]Evil[/red] [link=http://evil.example]click[/link] \x1b[31mANSI\x1b[0m \x1b]8;;http://x\x07osc"


def test_markup_and_escapes_are_shown_literally_everywhere(sdcli, home):
    r = sdcli("open", "--no-input", "--customer", MARKUP, "--site", "[bold]S[/bold]", "--country", "PE", "--problem", "link_down",
              "--service-type", "mpls", "--callback", "[i]Ana[/i] <ana@acme.com.br> +55 11 98765-4321", "--json")  # fmt: skip
    assert r.exit_code == 0, r.output
    sdcli("note", "INC1", "[blink]note[/blink] \x1b[2J")
    sdcli.json("classify", "INC1", "--accept-suggestion", "--json")
    outputs = [
        sdcli(*args, env={"COLUMNS": "400"})
        for args in (["show", "INC1"], ["list"], ["shift"], ["escalate", "INC1"])
    ]
    for out in outputs:
        assert out.exit_code == 0, out.output
        assert "\x1b" not in out.stdout and "\x07" not in out.stdout
    show, lst = outputs[0].stdout, outputs[1].stdout
    assert (
        "[red]Evil[/red]" in show
        and "[link=http://evil.example]click[/link]" in show
        and "\\x1b[31mANSI" in show
    )
    assert "[bold]S[/bold]" in show and "[i]Ana[/i]" in show and "[blink]note[/blink]" in show
    assert "[red]Evil[/red]" in "".join(lst.split())
    assert json.loads(sdcli("show", "INC1", "--json").stdout)["customer"] == MARKUP  # stored exactly


def test_very_long_fields_and_nul_bytes_refused_clearly(sdcli, home):
    base = ["open", "--no-input", "--site", "S", "--country", "PE", "--problem", "other", "--description", "x", "--service-type", "mpls",
            "--callback", "Ana <ana@acme.com.br> +55 11 98765-4321"]  # fmt: skip
    r = sdcli(*base, "--customer", "x" * 1_000_000)
    assert r.exit_code == 1 and "longer than 10000 characters" in err(r) and len(err(r)) < 400
    r = sdcli(*base, "--customer", "nul\x00byte")
    assert r.exit_code == 1 and "NUL" in err(r)
    r = sdcli("note", "INC1", "x")
    assert r.exit_code == 1
    assert not (home / "store").exists()


@pytest.mark.parametrize("name", ["with space", "ñandú/ção", "-dash", "a'quote\"dq", "..", "x" * 100])
def test_odd_paths_for_home_and_output(sdcli, tmp_path, name):
    home = tmp_path / name / "home"
    r = sdcli(f"--home={home}", "open", "--no-input", "--customer", "A", "--site", "S", "--country", "PE", "--problem", "other", "--description", "x",
              "--service-type", "mpls", "--callback", "Ana <ana@acme.com.br> +55 11 98765-4321")  # fmt: skip
    assert r.exit_code == 0, r.output
    out = tmp_path / name / "out put.csv"
    out.parent.mkdir(parents=True, exist_ok=True)  # the embedded store made it; a database store did not
    r = sdcli(f"--home={home}", "export", "-o", str(out))
    assert (
        r.exit_code == 0
        and out.read_text().startswith("id,status,")
        and oct(out.stat().st_mode & 0o777) == "0o600"
    )


def test_bad_output_targets_are_clear_errors(sdcli, tmp_path, with_ticket, monkeypatch):
    for target in (str(tmp_path), str(tmp_path / "missing-dir" / "x.csv")):
        r = sdcli("export", "-o", target)
        assert r.exit_code == 1 and err(r).startswith("Error: ") and err(r).count("\n") == 1, r.output
    monkeypatch.delenv("SDCLI_STORE", raising=False)  # the default, embedded store lives in the home
    home_is_file = tmp_path / "afile"
    home_is_file.write_text("x")
    r = sdcli("--home", str(home_is_file), "note", "INC1", "x")
    assert r.exit_code == 1 and err(r).startswith("Error: ") and "unexpected" not in err(r)
