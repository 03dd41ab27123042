"""Bad input is a one-line `Error:` with exit 1 and nothing written, never a crash: invalid UTF-8
and lone surrogates in flags, environment, stdin, JSON files and prompts; JSON nested deeply on
every path; numbers no ticket holds; corrupt drafts; full devices; a CSV of 10^6 columns; and
hostile text shown escaped (issue 13, defect 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pexpect
import pytest
from conftest import PY, err, subprocess_env

import sdcli.ui as ui

OPEN = ["open", "--no-input", "--customer", "ACME", "--site", "Lima", "--country", "PE", "--problem", "link_down",
        "--callback", "Ana <ana@acme.pe> 01 4117000", "--service-type", "mpls", "--no-contingency"]  # fmt: skip
DOC = {"customer": "ACME", "site": "Lima", "country": "PE", "problem": "link_down", "service_type": "mpls",
       "has_contingency": False, "callback_contacts": "Ana <ana@acme.pe> 01 4117000"}  # fmt: skip


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


def sh(home, *args, stdin: bytes = b"", stdout=subprocess.PIPE, **env) -> subprocess.CompletedProcess:
    """sdcli in a real process: its argv, stdin and stdout are the operating system's."""
    return subprocess.run([PY, "-m", "sdcli", *args], input=stdin, stdout=stdout, stderr=subprocess.PIPE,
                          env=subprocess_env(home, **env), timeout=120)  # fmt: skip


def one_line(p) -> str:
    err_ = p.stderr.decode("utf-8", "replace") if isinstance(p.stderr, bytes) else p.stderr
    err_ = err(err_)
    lines = err_.strip().splitlines()
    code = getattr(p, "returncode", getattr(p, "exit_code", None))
    assert code == 1 and len(lines) == 1 and lines[0].startswith("Error: "), (code, err_)
    assert "Traceback" not in err_ and "unexpected" not in err_
    return lines[0]


def tickets(sdcli) -> list:
    return sdcli.json("list", "--all", "--json")


# --------------------------------------------------------------------------- argv, environment, stdin


def test_invalid_utf8_in_a_flag_is_refused_before_anything_runs(sdcli, home):
    assert sdcli(*OPEN).exit_code == 0
    p = sh(home, "note", "INC1", b"call\xff\xfe back")  # type: ignore[arg-type]
    assert one_line(p) == "Error: argument 3 (call\\udcff\\udcfe back) is not valid UTF-8 text"
    p = sh(home, *OPEN[:4], b"AC\xe9ME", *OPEN[5:])  # type: ignore[arg-type]  # latin-1, not UTF-8
    assert "argument 5 (AC\\udce9ME)" in one_line(p)
    doc = sdcli.json("show", "INC1", "--json")
    assert [h["action"] for h in doc["history"]] == ["opened"]  # no note, no second incident
    assert len(tickets(sdcli)) == 1 and not (home / "crash").exists()


def test_invalid_utf8_in_the_agent_name_is_refused(home):
    p = sh(home, *OPEN, SDCLI_AGENT=os.fsdecode(b"ana\xff"))
    assert one_line(p) == "Error: $SDCLI_AGENT (ana\\udcff) is not valid UTF-8 text"


@pytest.mark.parametrize(
    ("args", "stdin", "why"),
    [
        (("note", "INC1", "-"), b"rebooted \xff the router", "stdin: '-' is not valid: is not UTF-8 text"),
        (("open", "--no-input", "--from-file", "-"), b'{"customer": "AC\xffME"}', "is not UTF-8"),
        (("import", "-", "--format", "jsonl"), b'{"customer": "AC\xffME"}\n', "is not UTF-8"),
    ],
)
def test_invalid_utf8_on_stdin_is_one_line(sdcli, home, args, stdin, why):
    assert sdcli(*OPEN).exit_code == 0
    assert why in one_line(sh(home, *args, stdin=stdin))
    doc = sdcli.json("show", "INC1", "--json")
    assert [h["action"] for h in doc["history"]] == ["opened"] and len(tickets(sdcli)) == 1


# --------------------------------------------------------------------------- JSON on every path


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _draft(home, body: str) -> list[str]:
    (home / "drafts").mkdir(parents=True, exist_ok=True)
    (home / "drafts" / "D20261201090000abcd.json").write_text(body, encoding="utf-8")
    return ["open", "--resume", "--no-input"]


def _from_file(tmp_path, body: str) -> list[str]:
    (tmp_path / "doc.json").write_text(body, encoding="utf-8")
    return ["open", "--no-input", "--from-file", str(tmp_path / "doc.json")]


def _import(tmp_path, body: str, fmt: str) -> list[str]:
    (tmp_path / f"in.{fmt}").write_text(body, encoding="utf-8")
    return ["import", str(tmp_path / f"in.{fmt}")]


def _mapping(tmp_path, body: str) -> list[str]:
    (tmp_path / "rows.csv").write_text("customer\nACME\n", encoding="utf-8")
    (tmp_path / "map.json").write_text(body, encoding="utf-8")
    return ["import", str(tmp_path / "rows.csv"), "--mapping", str(tmp_path / "map.json")]


def _paths(home, tmp_path, value: str) -> dict[str, list[str]]:
    """Every path that reads JSON, given `value` (JSON text) as a field's value."""
    row = json.dumps(DOC)[:-1] + f', "customer_reference": {value}}}'
    draft = ('{"id": "D20261201090000abcd", "agent": "ana", "started_at": "2026-12-01T09:00:00-03:00", '
             f'"updated_at": "2026-12-01T09:00:00-03:00", "answers": {{"customer": {value}}}}}')  # fmt: skip
    return {
        "from-file": _from_file(tmp_path, row),
        "import json": _import(tmp_path, f"[{row}]", "json"),
        "import jsonl": _import(tmp_path, row + "\n", "jsonl"),
        "mapping": _mapping(tmp_path, f'{{"defaults": {{"site": {value}}}}}'),
        "draft": _draft(home, draft),
    }


PATHS = ("from-file", "import json", "import jsonl", "mapping", "draft")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("value", "why"),
    [
        (nested(100), "nested more than 64 levels deep"),
        (nested(5000), "nested too deeply"),
        ('"\\ud800 lone"', "not valid Unicode"),
        ("9" * 400, "too large"),
        ("1e400", "NaN or an infinity"),
    ],
    ids=["depth-100", "depth-5000", "lone-surrogate", "400-digits", "1e400"],
)
def test_hostile_json_is_one_line_on_every_path(sdcli, home, tmp_path, path, value, why):
    args = _paths(home, tmp_path, value)[path]
    r = sdcli(*args)
    assert why in one_line(r), r.output
    assert tickets(sdcli) == []


def test_a_huge_number_of_hours_in_an_import_is_a_row_error(sdcli, tmp_path):
    row = json.dumps({**DOC, "customer_reference": "R1", "sla_target_hours": 1e300})
    r = sdcli(*_import(tmp_path, row + "\n", "jsonl"), "--json")
    assert r.exit_code == 1 and json.loads(r.stdout)["errors"][0]["reason"] == "expected a number of hours"


# --------------------------------------------------------------------------- drafts


GOOD_DRAFT = {"id": "D20261201090000abcd", "agent": "ana", "started_at": "2026-12-01T09:00:00-03:00",
              "updated_at": "2026-12-01T09:00:00-03:00", "answers": {"customer": "ACME"}, "options": {}, "pending": {}}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"answers": [1]}, "answers: expected an object, got a list"),
        ({"options": {"received_at": "yesterday"}}, "options.received_at: expected an ISO 8601"),
        ({"options": {"lang": "fr"}}, "options.lang: expected one of es, en, pt"),
        (
            {"pending": {"callback_contacts": [{"name": "Ana"}]}},
            "pending.callback_contacts[0].email: is missing",
        ),
        ({"color": "red"}, "color: unknown key"),
        ({"id": "D20261201090000ffff"}, "it holds draft 'D20261201090000ffff'"),
        (None, "not valid JSON"),
    ],
)
def test_a_corrupt_draft_is_one_line_on_resume(sdcli, home, change, why):
    body = "{" if change is None else json.dumps({**GOOD_DRAFT, **change})
    args = _draft(home, body)
    for run in (args, [*args, "--draft", "D20261201090000abcd"]):
        line = one_line(sdcli(*run))
        assert line.startswith(f"Error: draft {home / 'drafts' / 'D20261201090000abcd.json'}") and why in line
    assert tickets(sdcli) == [] and (home / "drafts" / "D20261201090000abcd.json").exists()  # left as it was


@pytest.mark.parametrize("draft_id", ["../../etc/passwd", "D2026\x00", "x" * 5000])
def test_a_draft_id_that_is_not_one_is_refused(sdcli, draft_id):
    assert "is not a draft id" in one_line(sdcli("open", "--resume", "--no-input", "--draft", draft_id))


def test_a_good_draft_resumes_beside_a_damaged_one_which_is_named(sdcli, home):
    _draft(home, "{")
    (home / "drafts" / "D20261201080000abcd.json").write_text(
        json.dumps({**GOOD_DRAFT, "id": "D20261201080000abcd", "answers": {k: v for k, v in DOC.items()}})
    )
    r = sdcli("open", "--resume", "--no-input", "--json", env={"SDCLI_AGENT": "ana"})  # her draft
    assert r.exit_code == 0, r.output
    assert "Warning: draft" in err(r) and "D20261201090000abcd.json is damaged" in err(r)
    assert json.loads(r.stdout)["customer"] == "ACME"


# --------------------------------------------------------------------------- outputs on a full device


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [("list",), ("list", "--json"), ("show", "INC1", "--json"), ("show", "INC1"),
                                  ("export",), ("shift", "--json"),
                                  ("ssr", "check", "--start", "2026-12-01 12:00", "--country", "BR", "--tz", "America/Sao_Paulo", "--json")])  # fmt: skip
def test_stdout_on_a_full_device_is_one_line(sdcli, home, args):
    """The last one is refused (exit 1 after its JSON): its output fails only when sdcli exits."""
    assert sdcli(*OPEN).exit_code == 0
    with open("/dev/full", "wb") as full:
        p = sh(home, *args, stdout=full, SDCLI_NOW="2026-12-01T10:00:00-03:00")
    assert one_line(p) == "Error: cannot write standard output: the disk is full"


# --------------------------------------------------------------------------- wide CSV


@pytest.mark.timeout(120)
def test_a_csv_of_a_million_columns_is_refused_at_once(sdcli, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n" + "x," * 999_999 + "x\n")
    assert one_line(sdcli("import", str(path))).endswith("has 1,000,000 columns; at most 16,384 are read")
    path.write_text("[" + json.dumps({f"c{i}": 1 for i in range(20_000)}) + "]")
    assert "distinct keys" in one_line(sdcli("import", str(path), "--format", "json"))
    assert tickets(sdcli) == []


@pytest.mark.timeout(120)
def test_a_header_repeating_one_name_16384_times_is_warned_about_once(sdcli, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(["customer"] * 16_384) + "\n" + ",".join(["ACME"] * 16_384) + "\n")
    r = sdcli("import", str(path), "--dry-run")
    assert err(r).count("appears more than once") == 1, err(r)[:300]


# --------------------------------------------------------------------------- what is shown


def test_a_rejects_file_neutralises_its_header_cells(sdcli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('customer,site,=HYPERLINK("http://x"),@SUM(A1)\nACME,,a,b\n', encoding="utf-8")
    r = sdcli("import", str(path), "--partial", "--rejects", str(tmp_path / "rejects.csv"))
    assert r.exit_code == 0, r.output
    header = (tmp_path / "rejects.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == 'customer,site,"\'=HYPERLINK(""http://x"")",\'@SUM(A1),line,reason'


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u202a", "\x85", "\x9b"])
def test_bidi_overrides_and_c1_controls_are_shown_escaped(sdcli, char):
    name = f"ACME{char}evil"
    assert sdcli(*OPEN[:3], name, *OPEN[4:]).exit_code == 0
    escaped = f"\\u{ord(char):04x}" if ord(char) > 0xFF else f"\\x{ord(char):02x}"
    for args in (("show", "INC1"), ("list",)):
        out = sdcli(*args, env={"COLUMNS": "200"}).stdout  # wide: the name is not folded
        assert char not in out and f"ACME{escaped}evil" in out, (args, out)
    assert sdcli.json("show", "INC1", "--json")["customer"] == name  # stored and exported as given


# --------------------------------------------------------------------------- a prompt


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_invalid_utf8_typed_at_a_prompt_stays_on_the_line_with_the_reason(home):
    env = subprocess_env(home, TERM="xterm", COLUMNS="120", LINES="40", PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(
        PY, ["-m", "sdcli", "open", "--lang", "en"], env=env, timeout=20, dimensions=(40, 120)
    )
    child.expect_exact("Customer name")
    child.send(b"AC\xffME\r")
    child.expect_exact("not valid text")
    child.send(b"\x15ACME\r")
    child.expect_exact("Customer site")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    out = child.before.decode("utf-8", "replace")
    assert "Traceback" not in out and "unexpected" not in out
    drafts = list((home / "drafts").glob("D*.json"))
    assert len(drafts) == 1 and json.loads(drafts[0].read_text())["answers"] == {"customer": "ACME"}


# --------------------------------------------------------------------------- instants beyond the calendar


@pytest.mark.parametrize(
    ("field", "value"),
    [("opened_at", "9999-12-31T23:00:00-03:00"), ("opened_at", "0001-01-01T00:00:00+05:00"),
     ("history", [{"at": "9999-12-31T23:59:59+00:00", "by": "a", "action": "note"}]),
     ("sla_pauses", [{"from": "2026-12-01T09:00:00-03:00", "to": "9999-12-31T23:59:59+00:00", "reason": "r"}])],
)  # fmt: skip
def test_an_instant_no_deadline_can_be_counted_from_is_a_row_error(sdcli, tmp_path, field, value):
    row = {**DOC, "customer_reference": "R1", "opened_at": "2026-12-01T09:00:00-03:00", field: value}
    r = sdcli(*_import(tmp_path, json.dumps(row) + "\n", "jsonl"), "--json")
    assert r.exit_code == 1, r.output
    (error,) = json.loads(r.stdout)["errors"]
    assert error["field"] == field and "the years 1900 to 2999" in error["reason"]


@pytest.mark.parametrize("when", ["99999999999m", "9999-12-31T23:59"])
def test_a_received_at_beyond_the_calendar_is_one_line(sdcli, when):
    assert "received-at" in one_line(sdcli(*OPEN, "--channel", "email", "--received-at", when))
    assert tickets(sdcli) == []


OPENED = ["open", "--no-input", "--customer", "ACME", "--site", "Lima HQ", "--country", "PE", "--problem",
          "link_down", "--callback", "Ana <ana@acme.pe> +51 1 4117000", "--service-type", "mpls", "--no-contingency"]  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [["list", "--since", "99999999999d"], ["list", "--due", "99999999999h"], ["shift", "--within", "99999999999h"],
     ["list", "--until", "99999999d"], ["ssr", "check", "--start", "9999-12-31T23:59", "--country", "BR"],
     ["export", "--since", "99999999999w"]],
)  # fmt: skip
def test_durations_and_instants_no_desk_can_count_are_one_line(sdcli, home, args):
    assert sdcli(*OPENED).exit_code == 0
    r = sdcli(*args)
    assert r.exit_code == 1 and err(r).startswith("Error: ") and err(r).count("\n") == 1, r.output
    assert "unexpected" not in err(r)


def test_ssr_details_that_are_not_an_object_are_one_line(sdcli, tmp_path):
    form = tmp_path / "ssr.json"
    form.write_text(json.dumps({"category": "static_route", "details": ["10.0.0.0/8"]}))
    r = sdcli("ssr", "--no-input", "--from-file", str(form))
    assert r.exit_code == 1 and "details" in err(r) and "unexpected" not in err(r)


def test_a_classification_reason_that_is_not_text_is_refused_before_saving(sdcli, home):
    assert sdcli(*OPENED).exit_code == 0
    r = sdcli("classify", "INC1", "--severity", "4", "--reason", "nul\x00byte")
    assert r.exit_code == 1 and "reason" in err(r) and "unexpected" not in err(r)
    assert "severity" not in sdcli.json("show", "INC1", "--json")


def test_a_broken_escalation_table_is_named_by_shift_not_hidden(sdcli, home):
    assert sdcli(*OPENED).exit_code == 0
    assert sdcli("classify", "INC1", "--accept-suggestion").exit_code == 0
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    (home / "escalation.toml").write_text(
        '[[level]]\nname = "Desk"\ncontacts = [{name = "X", phone = "+5511999990000"}]\n'
    )
    (home / "escalation.toml").chmod(0o600)
    r = sdcli("shift", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["problems"]
    assert "Warning: escalations due cannot be shown" in err(r) and "no team" in err(r)
