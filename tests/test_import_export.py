"""Batch import and export: real ServiceNow data, all-or-nothing, partial, idempotent, round trip."""

from __future__ import annotations

import csv
import functools
import io
import json
from datetime import UTC, datetime

import pytest
from conftest import DATA, err
from hypothesis import example, given, settings
from hypothesis import strategies as st

import sdcli.ui as ui
from sdcli import exporting, tables
from sdcli import importing as importer
from sdcli.store import open_store

SNOW = DATA / "servicenow-incident-event-log-sample.csv"
STATUS = {"New": "open", "Active": "open", "Awaiting User Info": "on_hold", "Awaiting Vendor": "on_hold",
          "Awaiting Problem": "on_hold", "Awaiting Evidence": "on_hold", "Resolved": "resolved", "Closed": "closed"}  # fmt: skip


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


def store_bytes(home) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in (home / "store").rglob("*.json")}


def test_servicenow_sample_imports_into_890_incidents_with_their_last_state(sdcli, home):
    summary = sdcli.json(
        "import",
        str(SNOW),
        "--preset",
        "servicenow",
        "--country",
        "BR",
        "--tz",
        "America/Sao_Paulo",
        "--json",
    )
    assert summary == {
        "read": 5998,
        "created": 890,
        "updated": 0,
        "skipped": 0,
        "merged": 5108,
        "rejected": 0,
        "dry_run": False,
        "errors": [],
    }
    last: dict[str, dict] = {}
    with SNOW.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            last[row["number"]] = row
    docs = {d["external_id"]: d for d in open_store(home=home).all_tickets("INC")}
    assert len(docs) == 890 == len(last)
    for number, row in last.items():
        d = docs[number]
        assert d["status"] == STATUS[row["incident_state"]], number
        assert d["severity"] == int(row["priority"][0])
        assert d["history"][0]["imported_from"] == SNOW.name
    # day-first dates: "29-02-2016 01:16" and a day <= 12 that would flip month-first
    assert docs["INC0000045"]["opened_at"] == "2016-02-29T01:16:00-03:00"
    assert docs["INC0000045"]["closed_at"] == "2016-03-05T12:00:00-03:00"
    before = store_bytes(home)
    again = sdcli.json(
        "import",
        str(SNOW),
        "--preset",
        "servicenow",
        "--country",
        "BR",
        "--tz",
        "America/Sao_Paulo",
        "--json",
    )
    assert (again["created"], again["updated"], again["skipped"]) == (0, 0, 890)
    assert store_bytes(home) == before


def write_csv(path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def good_row(i: int) -> dict:
    return {"customer_reference": f"CR-{i}", "customer": f"Customer {i % 7}", "site": f"Site {i}", "country": "MX",
            "timezone": "America/Mexico_City", "problem": "slow" if i % 2 else "link_down", "service_type": "internet",
            "callback_contacts": f"Ana {i % 5} <ana{i % 5}@cliente.mx> 55 {5100 + i % 5} 3003",
            "source_ip": "10.0.0.1" if i % 2 else "", "destination_ip": "10.0.0.2" if i % 2 else ""}  # fmt: skip


def test_one_bad_row_in_1000_writes_nothing_and_is_reported(sdcli, home, tmp_path):
    rows = [good_row(i) for i in range(1000)]
    rows[500]["callback_contacts"] = "Ana <ana@@cliente> 55 5100 3003"
    path = tmp_path / "in.csv"
    write_csv(path, rows)
    r = sdcli("import", str(path))
    assert r.exit_code == 1
    lines = r.stderr.rstrip().splitlines()
    assert lines[0] == "  line 502: callback_contacts.email: 'ana@@cliente': not a valid email address"
    assert (
        lines[-1]
        == "Error: 1 of 1000 rows are invalid; nothing was written (fix them, or use --partial --rejects FILE)"
    )
    assert len(lines) == 2
    assert not (home / "store").exists() or list(open_store(home=home).all_tickets()) == []
    r = sdcli("import", str(path), "--json")  # for scripts: the same report as JSON on stdout, exit 1
    assert r.exit_code == 1 and r.stderr.rstrip().splitlines()[-1].startswith("Error: 1 of 1000 rows")
    assert json.loads(r.stdout) == {"read": 1000, "created": 0, "updated": 0, "skipped": 0, "merged": 0,
                                    "rejected": 1, "dry_run": False, "errors": [{"line": 502,
                                    "field": "callback_contacts.email", "value": "ana@@cliente",
                                    "reason": "not a valid email address"}]}  # fmt: skip
    rejects = tmp_path / "rejects.csv"
    summary = sdcli.json("import", str(path), "--partial", "--rejects", str(rejects), "--json")
    assert (summary["created"], summary["rejected"]) == (999, 1)
    assert summary["errors"] == [{"line": 502, "field": "callback_contacts.email", "value": "ana@@cliente",
                                  "reason": "not a valid email address"}]  # fmt: skip
    assert len(list(open_store(home=home).all_tickets())) == 999
    with rejects.open(encoding="utf-8") as f:
        (bad,) = list(csv.DictReader(f))
    assert (
        bad["customer_reference"] == "CR-500"
        and bad["line"] == "502"
        and "not a valid email" in bad["reason"]
    )
    assert oct(rejects.stat().st_mode & 0o777) == "0o600"


def test_dry_run_writes_nothing(sdcli, home, tmp_path):
    path = tmp_path / "in.csv"
    write_csv(path, [good_row(i) for i in range(10)])
    assert sdcli.json("import", str(path), "--dry-run", "--json")["created"] == 10
    assert not (home / "store").exists()


def test_formats_bom_stdin_and_tsv(sdcli, home, tmp_path):
    rows = [good_row(i) for i in range(3)]
    (tmp_path / "a.json").write_text(json.dumps(rows[:1]), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps(rows[1]) + "\n\n", encoding="utf-8")
    tsv = "\t".join(rows[2]) + "\n" + "\t".join(rows[2].values()) + "\n"
    (tmp_path / "c.tsv").write_bytes(b"\xef\xbb\xbf" + tsv.encode())
    for name in ("a.json", "b.jsonl", "c.tsv"):
        assert sdcli.json("import", str(tmp_path / name), "--json")["created"] == 1, name
    r = sdcli("import", "-", "--format", "json", "--json", input=json.dumps([good_row(9)]))
    assert r.exit_code == 0 and json.loads(r.stdout)["created"] == 1
    assert sorted(d["customer_reference"] for d in open_store(home=home).all_tickets()) == [
        "CR-0",
        "CR-1",
        "CR-2",
        "CR-9",
    ]


def test_invalid_utf8_and_nul_are_clear_errors(sdcli, tmp_path):
    (tmp_path / "bad.csv").write_bytes(b"customer,site\n\xff\xfe,x\n")
    r = sdcli("import", str(tmp_path / "bad.csv"))
    assert r.exit_code == 1 and "is not UTF-8" in r.stderr and r.stderr.count("\n") == 1
    (tmp_path / "nul.csv").write_bytes(b"customer,site\na\x00,x\n")
    r = sdcli("import", str(tmp_path / "nul.csv"))
    assert r.exit_code == 1 and "NUL" in r.stderr


def test_conflicts_skip_update_fail(sdcli, home, tmp_path):
    path = tmp_path / "in.csv"
    write_csv(path, [good_row(i) for i in range(5)])
    sdcli.json("import", str(path), "--json")
    changed = [good_row(i) for i in range(5)]
    changed[2]["site"] = "Moved"
    write_csv(path, changed)
    assert sdcli.json("import", str(path), "--json")["skipped"] == 5
    r = sdcli("import", str(path), "--on-conflict", "fail")
    assert r.exit_code == 1 and "customer_reference: 'CR-0': already exists" in r.stderr
    s = sdcli.json("import", str(path), "--on-conflict", "update", "--json")
    assert (s["updated"], s["skipped"], s["created"]) == (1, 4, 0)
    doc = next(d for d in open_store(home=home).all_tickets() if d["customer_reference"] == "CR-2")
    assert doc["site"] == "Moved" and doc["history"][-1]["action"] == "updated"
    assert doc["history"][-1]["imported_from"] == "in.csv"
    assert doc["history"][-1]["changes"] == {"site": ["Site 2", "Moved"]}


def open_some(sdcli):
    base = [
        "open",
        "--no-input",
        "--country",
        "PE",
        "--callback",
        "Ana Díaz <ana@acme.pe> 01 4117000",
        "--json",
    ]
    sdcli.json(*base, "--customer", "=HYPERLINK(\"http://x\")", "--site", "+A1", "--problem", "link_down",
               "--service-type", "mpls", "--contingency", "--contingency-works", "--power")  # fmt: skip
    sdcli.json(*base, "--customer", "Minera", "--site", "@SUM(1)", "--problem", "voice", "--service-type", "satellite",
               "--raining", "--source-number", "01 4117000", "--destination-number", "+51 987 654 321",
               "--failed-call", "2026-11-30 10:00", "--failed-call", "2026-11-30 11:30", "--customer-reference", "-12",
               "--description", "'=not a formula, already quoted")  # fmt: skip
    sdcli.json(*base, "--customer", "Banco", "--site", "Lima", "--problem", "slow", "--service-type", "internet",
               "--source-ip", "10.0.0.1", "--destination-ip", "2001:db8::1", "--local-contact", "Luis <luis@b.pe> 01 4117001",
               "--description", "líneas\u2028separadas\u0085y, \"comillas\"\r\nen dos")  # fmt: skip


def at(hhmm: str) -> dict[str, str]:
    return {"SDCLI_NOW": f"2026-12-01T{hhmm}:00-03:00"}


def work_on(sdcli) -> str:
    """An incident with a life: classified by the suggestion (its reasons kept), three failed
    calls at level 1 and level 2 reached (level 2, 4 attempts, an owner), held and resumed,
    then held again (one pause closed, one open); texts a spreadsheet would take for formulas."""
    inc = sdcli.json("open", "--no-input", "--customer", "Acme", "--site", "SP", "--country", "BR", "--tz",
                     "America/Sao_Paulo", "--problem", "link_down", "--callback", "Ana <ana@acme.com.br> +55 11 98765-4321",
                     "--service-type", "mpls", "--no-contingency", "--customer-reference", "R1", "--json", env=at("10:00"))["id"]  # fmt: skip
    # the suggestion, severity 1: 4 h, due 14:00
    sdcli.json("classify", inc, "--accept-suggestion", "--json", env=at("10:01"))
    for minute, contact, outcome in (("10:11", "Service Desk Latam", "no-answer"), ("10:12", "Service Desk Latam", "busy"),
                                     ("10:13", "Service Desk Latam", "no-answer"), ("10:20", "Carla Mendes", "reached")):  # fmt: skip
        r = sdcli("escalate", inc, "--call", contact, "--outcome", outcome, "--note", f"=try {minute}", "--no-input",
                  env=at(minute))  # fmt: skip
        assert r.exit_code == 0, r.output
    for minute, verb, why in (
        ("11:00", "hold", "@customer"),
        ("12:00", "resume", None),
        ("13:00", "hold", "-vendor"),
    ):
        r = sdcli(verb, inc, *(("--reason", why) if why else ()), env=at(minute))
        assert r.exit_code == 0, r.output
    return inc


COMPARE_SKIP = {"id", "history", "updated_at"}


def comparable(docs):
    """The documents as facts: an instant compared as one, whatever the clock it is written on (a CSV
    export gives every time of a row on its site's clock)."""
    return [{k: instants(v) for k, v in d.items() if k not in COMPARE_SKIP} for d in docs]


def instants(value):
    from sdcli.clock import is_instant

    if is_instant(value):
        return datetime.fromisoformat(value).astimezone(UTC)
    if isinstance(value, list):
        return [instants(v) for v in value]
    if isinstance(value, dict):
        return {k: instants(v) for k, v in value.items()}
    return value


def shift_of(sdcli, store: str | None, now: dict[str, str]) -> dict:
    """`shift --json` of a store, its rows without updated_at (an import's own time)."""
    shift = sdcli.json(*(("--store", store) if store else ()), "shift", "--json", env=now)
    return {k: [{f: instants(v) for f, v in row.items() if f != "updated_at"} for row in rows] if isinstance(rows, list)
            else rows for k, rows in shift.items()}  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl"])
def test_export_then_import_gives_back_the_same_tickets(sdcli, home, tmp_path, fmt, another_store):
    open_some(sdcli)
    inc = work_on(sdcli)
    out = tmp_path / f"export.{fmt}"
    r = sdcli("export", "--format", fmt, "-o", str(out))
    assert r.exit_code == 0, r.output
    original = list(open_store(home=home).all_tickets())
    other = another_store()
    r = sdcli("--store", other, "import", str(out), "--json")
    assert r.exit_code == 0, r.output
    copied = list(open_store(other, home=home).all_tickets())
    assert comparable(copied) == comparable(original)
    worked = next(d for d in copied if d.get("customer_reference") == "R1")
    assert len(worked["sla_pauses"]) == 2 and worked["escalation"]["active_level"] == 2
    assert len(worked["escalation_attempts"]) == 4 and worked["classification"]["reasons"]
    if fmt not in ("csv", "tsv"):  # whole documents keep their history, and the import is added to it
        assert copied[0]["history"][:-1] == original[0]["history"]
        assert copied[0]["history"][-1]["imported_from"] == out.name
    # the copy's clock is the original's: resumed, the deadline moves by both pauses (4 h from
    # 10:00, 1 h + 1.5 h held: 16:30); reclassified, it is computed with them; the shift agrees
    shown = []
    for store in (None, other):
        flag = ("--store", store) if store else ()
        assert sdcli(*flag, "resume", inc, env=at("14:30")).exit_code == 0
        shown.append(sdcli.json(*flag, "show", inc, "--json"))
        assert shown[-1]["recovery_due"] == "2026-12-01T16:30:00-03:00", shown[-1]
        assert shift_of(sdcli, store, at("16:00"))["due_soon"][0]["id"] == inc
        assert [t["id"] for t in shift_of(sdcli, store, at("16:45"))["breached"]] == [inc]
    assert comparable(shown[1:]) == comparable(shown[:1])
    assert shift_of(sdcli, other, at("16:00")) == shift_of(sdcli, None, at("16:00"))
    for store in (None, other):
        flag = ("--store", store) if store else ()
        done = sdcli.json(*flag, "classify", inc, "--severity", "2", "--reason", "+key customer", "--json",
                          env=at("15:00"))  # fmt: skip
        assert done["recovery_due"] == "2026-12-01T20:30:00-03:00", done  # 8 h, the same 2.5 h held


def test_csv_export_is_spreadsheet_safe(sdcli, home):
    open_some(sdcli)
    r = sdcli("export", "--format", "csv")
    assert r.exit_code == 0
    rows = list(csv.reader(r.stdout.splitlines()))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    flat = r.stdout
    assert "'=HYPERLINK" in flat and "'+A1" in flat and "'@SUM(1)" in flat and "'-12" in flat


def test_a_bad_cell_is_reported_with_its_line_and_the_rest_planned(home):
    rows = [good_row(i) for i in range(300)]
    rows[151]["source_ip"] = "300.1.1.1"
    m = importer.load_mapping(None, None, [], None)
    plan = importer.plan_import(tables.Rows.of_dicts(rows, first_line=2), kind="incident",
                                mapping=m, home=None, key=None, on_conflict="skip")  # fmt: skip
    assert [str(e) for e in plan.errors] == ["line 153: source_ip: '300.1.1.1': not an IPv4 or IPv6 address"]
    assert len(plan.docs) == 299 and plan.rejected_rows[0][1] == rows[151]
    assert plan.docs[0]["callback_contacts"] == [
        {"name": "Ana 0", "email": "ana0@cliente.mx", "phone": "+525551003003"}
    ]


# Cells an import may meet: (good, bad) for every kind of question, and the conditions between them.
CELLS = {
    "customer": (["ACME", "  Globex  "], ["", " ", "x" * 10_001, "nul\x00byte"]),
    "site": (["Lima", "Site 9"], [""]),
    "country": (["MX", "BR", "pe", "PE", "CO"], ["XX", "Chile", ""]),
    "timezone": (["<the country's>", "<the country's>", ""], ["Mars/Olympus", "America/Lima"]),
    "problem": (["slow", "voice", "link_down", "Caído", "other"], ["", "nonsense"]),
    "callback_contacts": (["Ana <ana@acme.mx> 55 5100 3003", "Bo <bo@acme.com.br> 11 91234-5678",
                           [{"name": "Ana", "email": "ana@acme.mx", "phone": "55 5100 3003"}]],
                          ["Ana <ana@@acme> 55 5100 3003", "Cy <cy@acme.pe> 01 4117000", "", [], [{"name": "Ana"}],
                           {"name": "Ana"}, None]),
    "service_type": (["internet", "satellite", "MPLS"], ["", "fax"]),
    "has_contingency": (["yes", "no", "sí", "", True, False], ["maybe", 1, 0, 1.0, [True]]),
    "contingency_works": (["yes", "no", ""], ["perhaps"]),
    "raining": (["no", ""], ["x"]),
    "source_ip": (["10.0.0.1", " 192.0.2.7 ", "::1"], ["01.2.3.4", "300.1.1.1", ""]),
    "destination_ip": (["10.0.0.2", "fe80::1"], ["nope", ""]),
    "source_number": (["55 5100 3003", "+55 11 91234-5678"], ["123", ""]),
    "destination_number": (["+52 55 5100 3003"], ["abc", ""]),
    "failed_calls": (["2026-11-02 10:00", "02-03-2026 10:00; 2026-11-03T09:00:00-05:00"], ["yesterday", ""]),
    "customer_reference": (["CR-1", "", "  CR-2 ", 17, 17.5, None], [True, ["CR-1"]]),
    "description": (["fibre cut", "", "  "], []),
}  # fmt: skip
MAIN_ZONE = {"MX": "America/Mexico_City", "BR": "America/Sao_Paulo"}


def _zone_of_country(row: dict) -> dict:
    """A row whose zone is "<the country's>" gets its country's main zone (a multi-zone country needs one)."""
    if row.get("timezone") == "<the country's>":
        return {**row, "timezone": MAIN_ZONE.get(str(row.get("country", "")).upper(), "")}
    return row


ROW = st.one_of(
    st.fixed_dictionaries({k: st.sampled_from(good) for k, (good, _bad) in CELLS.items()}),
    st.fixed_dictionaries({k: st.sampled_from(good + bad) for k, (good, bad) in CELLS.items()}),
).map(_zone_of_country)
SEEN: dict[str, int] = {}


def reference(row: dict, questions, ctx) -> tuple[dict | None, set[str]]:
    """What `sdcli open --from-file` (intake.check_all) says of one row: its answers, or the fields it names."""
    from sdcli import intake
    from sdcli.errors import InvalidValue, InvalidValues, MissingAnswers

    raw = {k: v for k, v in row.items() if v is not None and not (isinstance(v, str) and not v.strip())}
    try:
        return intake.check_all(questions, raw, ctx, extra_keys=frozenset()), set()
    except InvalidValues as e:
        return None, {p.field for p in e.problems}
    except InvalidValue as e:
        return None, {e.field}
    except MissingAnswers as e:
        return None, set(e.keys)


def saw_good_and_bad(test):
    """Around the equivalence property: it must have compared at least 50 good and 50 bad rows,
    else it proved little (it fails, never skips)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        SEEN.clear()
        test(*args, **kwargs)
        assert SEEN.get("good", 0) >= 50 and SEEN.get("bad", 0) >= 50, SEEN
        assert SEEN.get("kept", 0) >= 10, SEEN  # good rows with an answer to a question that does not apply

    return run


@saw_good_and_bad
@settings(max_examples=200, deadline=None)
@given(rows=st.lists(ROW, min_size=1, max_size=12))
def test_import_validates_every_row_exactly_like_open(rows):
    from sdcli import intake

    records = importer.IncidentRecords(None, importer.load_mapping(None, None, [], None), None, None)
    table = tables.Rows.of_dicts(rows, first_line=2)
    for row, (fields, errors) in zip(rows, records.check(table), strict=True):
        answers, named = reference(row, records.questions, intake.make_context(None))
        SEEN["bad" if answers is None else "good"] = SEEN.get("bad" if answers is None else "good", 0) + 1
        if answers is None:
            assert fields is None and {e.field for e in errors} == named, (row, errors)
        else:
            assert errors == [] and fields is not None, (row, errors)
            assert {k: v for k, v in fields.items() if k in records.questions_keys} == answers
            if any(not q.applies(answers) and q.key in answers for q in records.steps):
                SEEN["kept"] = SEEN.get("kept", 0) + 1
            assert fields["status"] == "open" and fields["timezone"]


def test_mapping_flags_and_value_maps(sdcli, home, tmp_path):
    path = tmp_path / "other.csv"
    write_csv(
        path,
        [
            {
                "Ref": "X-1",
                "Client": "ACME",
                "Where": "Lima",
                "Kind": "Caído",
                "Svc": "MPLS",
                "Who": "Ana <ana@acme.pe> 01 4117000",
                "When": "02-03-2016 10:00",
            }
        ],
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text('[values.problem]\n"Caído" = "link_down"\n')
    s = sdcli.json("import", str(path), "--mapping", str(mapping), "--map", "customer_reference=Ref", "--map", "customer=Client",
                   "--map", "site=Where", "--map", "problem=Kind", "--map", "service_type=Svc", "--map", "callback_contacts=Who",
                   "--map", "opened_at=When", "--dayfirst", "--country", "PE", "--json")  # fmt: skip
    assert s["created"] == 1
    (doc,) = open_store(home=home).all_tickets()
    assert doc["problem"] == "link_down" and doc["opened_at"] == "2016-03-02T10:00:00-05:00"
    r = sdcli("import", str(path), "--map", "nonsense")
    assert r.exit_code == 2 and "--map takes field=column" in r.stderr


def test_odd_json_values_are_row_errors_and_an_unknown_map_target_is_refused_once(sdcli, home, tmp_path):
    base = good_row(1)
    path = tmp_path / "odd.jsonl"
    lines = [
        {**base, "status": [], "sla_target_hours": "nan"},
        {**base, "sla_target_hours": "inf", "severity": True},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    r = sdcli("import", str(path))
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.stderr.splitlines()[:4] == [
        "  line 1: status: '[]': use one of closed, on_hold, open, resolved",
        "  line 1: sla_target_hours: 'nan': expected a number of hours",
        "  line 2: sla_target_hours: 'inf': expected a number of hours",
        "  line 2: severity: 'true': expected 1, 2, 3 or 4",
    ]
    assert not (home / "store").exists()
    r = sdcli("import", str(path), "--map", "colour=site")
    assert r.exit_code == 1
    assert r.stderr.strip() == "Error: map: 'colour' is not valid: is not a field of an incident"


def test_a_repeated_header_is_warned_about_and_its_last_column_read(sdcli, home, tmp_path):
    path = tmp_path / "twice.csv"
    row = good_row(1)
    path.write_text(
        "customer," + ",".join(row) + "\nFirst," + ",".join(row.values()) + "\n", encoding="utf-8"
    )
    r = sdcli("import", str(path), "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["created"] == 1
    assert "column 'customer' appears more than once in the header; its last one is read" in r.stderr
    assert open_store(home=home).get("INC1")["customer"] == row["customer"]


def test_tickets_a_preset_let_go_without_answers_export_and_import_again_without_it(
    sdcli, home, tmp_path, another_store
):
    sdcli.json(
        "import",
        str(SNOW),
        "--preset",
        "servicenow",
        "--country",
        "BR",
        "--tz",
        "America/Sao_Paulo",
        "--json",
    )
    original = list(open_store(home=home).all_tickets())
    assert original[0]["missing_answers"] == [
        "description",  # its problem is "other" (the preset's default): described by nothing yet
        "callback_contacts",
        "service_type",
    ]  # the event log has no such column
    for fmt in ("csv", "jsonl"):
        out = tmp_path / f"snow.{fmt}"
        assert sdcli("export", "--format", fmt, "-o", str(out)).exit_code == 0
        other = another_store(f"other-{fmt}")
        summary = sdcli.json("--store", other, "import", str(out), "--json")
        assert (summary["created"], summary["rejected"]) == (890, 0), fmt
        assert comparable(open_store(other, home=home).all_tickets()) == comparable(original)


def test_missing_answers_names_required_questions_and_is_dropped_once_answered(sdcli, home, tmp_path):
    row = good_row(1)
    path = tmp_path / "in.jsonl"
    lines = [
        {**row, "callback_contacts": "", "missing_answers": "callback_contacts; site"},  # may leave both out
        {**good_row(2), "missing_answers": ["callback_contacts"]},  # answered now: nothing is missing
        {**good_row(3), "missing_answers": "colour"},
        {**good_row(4), "callback_contacts": "", "missing_answers": "site"},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    r = sdcli("import", str(path))
    assert r.exit_code == 1
    assert r.stderr.splitlines()[:2] == [
        "  line 3: missing_answers: 'colour': colour is not a required question",
        "  line 4: callback_contacts: '': is required",
    ]
    rejects = tmp_path / "rejects.jsonl"
    assert sdcli("import", str(path), "--partial", "--rejects", str(rejects)).exit_code == 0
    first, second = open_store(home=home).all_tickets()
    assert first["missing_answers"] == ["callback_contacts"] and "callback_contacts" not in first
    assert "missing_answers" not in second and second["callback_contacts"][0]["name"] == "Ana 2"


TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=30
)


def structured(text: str) -> dict:
    """Stored fields without a column of their own (a CSV's `extra`), each holding text."""
    t0, t1 = "2026-11-30T10:30:00-05:00", "2026-11-30T11:00:00-05:00"
    return {"sla_pauses": [{"from": t0, "to": t1, "reason": text}, {"from": t1, "to": None, "reason": text}],
            "escalation": {"active_level": 2, "last_level_attempted": 2, "owner": {"name": text, "level": 2, "since": t0}},
            "escalation_attempts": [{"at": t0, "by": text, "level": 1, "contact": text, "channel": "phone",
                                     "outcome": "no-answer", "note": text}],
            "classification": {"method": "manual", "suggested": 1, "reasons": [text, "link down"], "reason": text},
            "message_id": text}  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(text=TEXT.map(str.strip).filter(bool), fmt=st.sampled_from(["csv", "tsv", "json", "jsonl"]))
@example(text="'=SUM(1)", fmt="csv")  # a text already quoted: in `extra` JSON's, never unquoted
def test_any_text_comes_back_from_export_then_import(text, fmt):
    doc = {"id": "INC1", "kind": "incident", "status": "on_hold", "channel": "phone", "customer": text, "site": text,
           "country": "PE", "problem": "link_down", "description": text, "service_type": "mpls",
           "callback_contacts": [{"name": text, "email": "ana@acme.pe", "phone": "+5114117000"}],
           "customer_reference": text, "timezone": "America/Lima", "opened_at": "2026-11-30T10:00:00-05:00",
           "severity": 2, "sla_paused_at": "2026-11-30T11:00:00-05:00", **structured(text),
           "history": [{"at": "2026-11-30T15:00:00+00:00", "by": "t", "action": "opened", "note": text}]}  # fmt: skip
    exported = "".join(exporting.export_text([doc], fmt))
    if fmt in ("csv", "tsv"):  # the texts go out in the `extra` cell, which no spreadsheet runs
        [row] = csv.DictReader(io.StringIO(exported, newline=""), delimiter="\t" if fmt == "tsv" else ",")
        assert row["extra"].startswith("{") and "history" not in json.loads(row["extra"])
    records = importer.IncidentRecords(None, importer.load_mapping(None, None, [], None), None, None)
    [(fields, errors)] = records.check(tables.read_rows(exported, fmt, "export"))
    assert errors == [], errors
    for key in ("customer", "site", "description", "customer_reference"):
        assert fields[key] == text, key
    assert fields["callback_contacts"][0]["name"] == text  # as Name <email> phone, or as JSON
    assert {k: fields.get(k) for k in structured(text)} == structured(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="ab,\"\r\n\u2028\x0c;", max_size=6), min_size=3, max_size=3),
                min_size=1, max_size=6),
       st.sampled_from(["\n", "\r\n", "\r"]))  # fmt: skip
def test_csv_is_read_line_by_line_exactly_as_a_stringio_reads_it(rows, end):
    """The reader takes the text a line at a time (no copy of it all): the same rows and line numbers."""
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator=end).writerows([["x", "y", "z"], *rows])
    text = buf.getvalue()
    want_lines, want_cells = [], []
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    for row in reader:
        if row:
            want_lines.append(reader.line_num)
            want_cells.append(row + [None] * (3 - len(row)) if len(row) < 3 else row)
    got = tables.read_rows(text, "csv", "t.csv")
    assert (got.lines, got.cells) == (want_lines, want_cells)


def test_unknown_answers_listing_an_answered_question_is_refused_by_import_as_by_open(sdcli, home, tmp_path):
    """One reading of unknown_answers (intake.listed_unknowns): a yes/no question listed as not known
    and also answered is refused by `open --from-file` and by `import` alike; listed and left empty
    is "don't know" in both."""
    doc = {"customer": "ACME", "site": "Lima", "country": "PE", "problem": "link_down", "service_type": "mpls",
           "callback_contacts": "Ana <ana@acme.pe> 01 4117000", "has_contingency": "yes", "power_now": "yes",
           "power_outage": "no", "equipment_connected": "yes", "equipment_rebooted": "yes",
           "unknown_answers": "power_outage"}  # fmt: skip
    opened = sdcli("open", "--from-file", "-", "--json", input=json.dumps(doc))
    rows = tmp_path / "rows.csv"
    rows.write_text(",".join(doc) + "\n" + ",".join(f'"{v}"' for v in doc.values()) + "\n", encoding="utf-8")
    imported = sdcli("import", str(rows), "--json")
    assert opened.exit_code == imported.exit_code == 1, (opened.output, imported.output)
    assert "power_outage" in opened.stderr
    assert [(e["field"], e["value"]) for e in json.loads(imported.stdout)["errors"]] == [
        ("power_outage", "no")
    ]
    assert not list(open_store(home=home).all_tickets("INC"))  # nothing written by either
    left = {**doc, "power_outage": ""}
    by_open = sdcli.json("open", "--from-file", "-", "--json", input=json.dumps(left))
    rows.write_text(
        ",".join(left) + "\n" + ",".join(f'"{v}"' for v in left.values()) + "\n", encoding="utf-8"
    )
    assert sdcli.json("import", str(rows), "--json")["created"] == 1
    by_import = max(open_store(home=home).all_tickets("INC"), key=lambda d: int(d["id"][3:]))
    for d in (by_open, by_import):
        assert (d["power_outage"], d["unknown_answers"]) == (None, ["power_outage"])


def test_importing_an_export_again_creates_nothing_twice_and_says_which_rows_it_cannot_know(
    sdcli, home, tmp_path
):
    """An export has an external_id column, empty for tickets opened here: the rows are known by
    the customer's reference they do have, and a row with neither is named before it is made again."""
    base = ["open", "--no-input", "--customer", "Banco Andino", "--site", "Lima HQ", "--country", "PE", "--problem",
            "link_down", "--callback", "Rosa Quispe <rosa@andino.pe> 987654321", "--service-type", "mpls",
            "--no-contingency", "--power", "--no-power-outage", "--equipment-connected", "--rebooted"]  # fmt: skip
    assert sdcli(*base, "--customer-reference", "MS-2291").exit_code == 0
    assert sdcli(*base).exit_code == 0
    exported = tmp_path / "x.csv"
    assert sdcli("export", "--format", "csv", "-o", str(exported)).exit_code == 0
    for _ in range(2):
        r = sdcli("import", str(exported), "--json")
        assert r.exit_code == 0 and json.loads(r.stdout)["skipped"] == 1, r.output
        assert "1 row has no customer_reference" in r.stderr
    refs = [d.get("customer_reference") for d in sdcli.json("list", "--json", "--all")]
    assert refs.count("MS-2291") == 1 and len(refs) == 4  # the reference never twice; the unkeyed row, said


#: a damaged `extra` cell and the error it is: (cell, field named, what the reason says)
DAMAGED_EXTRA = [
    ('{"sla_pauses": [', "extra", "not valid JSON"),
    ("[1, 2]", "extra", "expected an object"),
    ('{"escalations": {"level": 2}}', "extra", "is not a field of an incident"),
    ('{"site": "Elsewhere"}', "extra", "has a column of its own"),
    (
        '{"sla_pauses": [{"from": "yesterday", "to": null, "reason": "r"}]}',
        "sla_pauses",
        "[0].from: expected an ISO",
    ),
    ('{"escalation": {"active_level": "2"}}', "escalation", "active_level: expected a whole number"),
]


def test_a_damaged_extra_cell_is_a_row_error_and_nothing_is_written(sdcli, tmp_path, another_store):
    work_on(sdcli)
    exported = tmp_path / "x.csv"
    assert sdcli("export", "--format", "csv", "-o", str(exported)).exit_code == 0
    [header, good] = list(csv.reader(io.StringIO(exported.read_text("utf-8"), newline="")))
    ref, extra = header.index("customer_reference"), header.index("extra")
    rows = [good]
    for n, (cell, _field, _why) in enumerate(DAMAGED_EXTRA):
        rows.append([f"R-{n}" if j == ref else cell if j == extra else v for j, v in enumerate(good)])
    damaged = tmp_path / "damaged.csv"
    with damaged.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    other = another_store()
    r = sdcli("--store", other, "import", str(damaged), "--json")
    assert r.exit_code == 1, r.output
    errors = json.loads(r.stdout)["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [
        (n, f) for n, (_c, f, _w) in enumerate(DAMAGED_EXTRA, 3)
    ]
    for e, (_cell, _field, why) in zip(errors, DAMAGED_EXTRA, strict=True):
        assert why in e["reason"], e
    lines = err(r).strip().splitlines()
    assert [ln.split(":")[0].strip() for ln in lines[:-1]] == [f"line {n}" for n in range(3, 9)], lines
    assert lines[-1].startswith("Error: ") and "6 of 7" in lines[-1], lines
    assert sdcli.json("--store", other, "list", "--all", "--json") == []  # all or nothing
    rejects = tmp_path / "rejects.csv"
    r = sdcli("--store", other, "import", str(damaged), "--partial", "--rejects", str(rejects), "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["created"] == 1, r.output
    refused = list(csv.DictReader(rejects.open(encoding="utf-8", newline="")))
    assert [row["customer_reference"] for row in refused] == [f"R-{n}" for n in range(len(DAMAGED_EXTRA))]
    [copy] = sdcli.json("--store", other, "list", "--all", "--json")
    assert len(sdcli.json("--store", other, "show", copy["id"], "--json")["sla_pauses"]) == 2


@pytest.mark.parametrize(
    ("column", "cell"),
    [("received_at", "ayer 10:30"), ("received_at", "hace 2 horas"), ("opened_at", "hoy 09:00"),
     ("failed_calls", "ontem 14:30"), ("opened_at", "10:00"), ("failed_calls", "11h30"), ("received_at", "sáb 09:00")],
)  # fmt: skip
def test_a_word_relative_to_now_in_a_file_is_a_row_error_not_the_day_of_the_import(
    sdcli, home, tmp_path, column, cell
):
    """A file does not say when it was written: 'ayer 10:30' in it was the day before the import
    ran (a nightly import of Friday's export put Friday's reports on Sunday). Such a cell is a row
    error naming its field; nothing is written, and the same instant written out imports."""
    blank = dict.fromkeys(("channel", "received_at", "opened_at", "source_number", "destination_number",
                           "failed_calls"), "")  # fmt: skip
    rows = [{**good_row(i), **blank} for i in range(3)]
    if column == "failed_calls":
        rows[1].update(
            problem="voice", source_number="+52 55 5100 3003", destination_number="+52 55 5100 3004"
        )
    if column == "received_at":
        rows[1]["channel"] = "email"
    rows[1][column] = cell
    path = tmp_path / "in.csv"
    write_csv(path, rows)
    now = {"SDCLI_NOW": "2026-12-05T12:00:00-06:00"}  # a Saturday
    r = sdcli("import", str(path), env=now)
    assert r.exit_code == 1 and f"line 3: {column}" in r.stderr and "read against now" in r.stderr, r.output
    assert not (home / "store").exists() or list(open_store(home=home).all_tickets()) == []
    rows[1][column] = "30/11/2026 10:30"
    write_csv(path, rows)
    assert sdcli("import", str(path), env=now).exit_code == 0
