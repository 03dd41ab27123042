"""An event log's rows of one key merged in the order of the events (a mapping's `order`
columns), whatever order the file has: ServiceNow's newest-first export, ties, rows without an
order, and an update against a store holding a newer state."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import DATA, err

import sdcli.ui as ui

SNOW = DATA / "servicenow-incident-event-log-sample.csv"
BR = ("--country", "BR", "--tz", "America/Sao_Paulo")
#: what an export of the same events gives whatever the file's order (ids follow the file)
ASIDE = ("id", "history", "updated_at")


@pytest.fixture(autouse=True)
def no_tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: False)


def snow_rows() -> tuple[list[str], list[list[str]]]:
    with SNOW.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, rows


def write(path, header: list[str], rows: list[list[str]]) -> str:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return str(path)


def tickets(sdcli) -> dict[str, dict]:
    r = sdcli("export", "--format", "json")
    assert r.exit_code == 0, r.output
    return {d["external_id"]: {k: v for k, v in d.items() if k not in ASIDE} for d in json.loads(r.stdout)}


def snow(sdcli, path: str, *more: str):
    return sdcli("import", path, "--preset", "servicenow", *BR, *more)


def test_a_newest_first_export_gives_every_incident_its_newest_state(sdcli, tmp_path, another_store):
    header, rows = snow_rows()
    newest_first = write(tmp_path / "newest-first.csv", header, rows[::-1])
    dry = json.loads(snow(sdcli, newest_first, "--json", "--dry-run").stdout)
    done = json.loads(snow(sdcli, newest_first, "--json").stdout)
    assert {**dry, "dry_run": False} == done
    assert (done["created"], done["merged"], done["rejected"]) == (890, 5108, 0)
    reversed_ = tickets(sdcli)
    assert {d["status"] for d in reversed_.values()} == {"closed"}  # every sample incident ends closed
    assert reversed_["INC0000045"]["event_order"] == {"sys_updated_at": "2016-03-05T12:00:00-03:00",
                                                      "sys_mod_count": 4}  # fmt: skip
    # the file's own order gives the same tickets, in a second store
    env = {"SDCLI_STORE": another_store()}
    first = sdcli("import", str(SNOW), "--preset", "servicenow", *BR, "--json", env=env)
    assert json.loads(first.stdout)["created"] == 890
    r = sdcli("export", "--format", "json", env=env)
    in_order = {
        d["external_id"]: {k: v for k, v in d.items() if k not in ASIDE} for d in json.loads(r.stdout)
    }
    assert in_order == reversed_
    # the same file again changes nothing
    again = json.loads(snow(sdcli, newest_first, "--json").stdout)
    assert (again["created"], again["updated"], again["skipped"]) == (0, 0, 890)
    assert tickets(sdcli) == reversed_


def test_an_older_event_does_not_overwrite_a_newer_stored_state(sdcli, tmp_path):
    header, rows = snow_rows()
    number = header.index("number")
    firsts = {}
    for row in rows:
        firsts.setdefault(row[number], row)
    oldest = write(tmp_path / "oldest.csv", header, list(firsts.values()))
    assert snow(sdcli, str(SNOW)).exit_code == 0
    before = tickets(sdcli)
    dry = snow(sdcli, oldest, "--json", "--dry-run")
    r = snow(sdcli, oldest, "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert {**json.loads(dry.stdout), "dry_run": False} == summary
    assert (summary["created"], summary["updated"], summary["skipped"]) == (0, 0, 890)
    assert "890 rows are older events (sys_updated_at, sys_mod_count) than their stored tickets" in err(r)
    assert tickets(sdcli) == before


def test_a_stored_ticket_without_an_order_is_updated_by_the_file(sdcli, tmp_path):
    header, rows = snow_rows()
    one = [r for r in rows if r[0] == "INC0000045"]
    no_order = tmp_path / "no-order.toml"
    no_order.write_text("order = []\n", encoding="utf-8")
    newest = write(tmp_path / "newest.csv", header, one[-1:])
    oldest = write(tmp_path / "oldest.csv", header, one[:1])
    assert snow(sdcli, newest, "--mapping", str(no_order)).exit_code == 0
    assert "event_order" not in tickets(sdcli)["INC0000045"]
    r = snow(sdcli, oldest, "--json")  # nothing says the stored state is newer: the file's row is applied
    assert json.loads(r.stdout)["updated"] == 1
    assert tickets(sdcli)["INC0000045"]["status"] == "open"


def test_order_columns_the_file_lacks_are_left_out(sdcli, tmp_path):
    header, rows = snow_rows()
    gone = header.index("sys_updated_at")
    events = [[c for n, c in enumerate(r) if n != gone] for r in rows if r[0] == "INC0000045"]
    path = write(tmp_path / "no-time.csv", [c for n, c in enumerate(header) if n != gone], events[::-1])
    r = snow(sdcli, path)
    assert r.exit_code == 0, r.output
    doc = tickets(sdcli)["INC0000045"]
    assert (doc["status"], doc["event_order"]) == ("closed", {"sys_mod_count": 4})


def log(path, rows: list[dict]) -> str:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return str(path)


def event(seq: str, status: str, ref: str = "CR-1", site: str = "Lima 1") -> dict:
    return {"customer_reference": ref, "seq": seq, "status": status, "customer": "ACME", "site": site, "country": "PE",
            "problem": "link_down", "service_type": "mpls",
            "callback_contacts": "Ana <ana@acme.pe> 01 4117000"}  # fmt: skip


@pytest.fixture
def by_seq(tmp_path) -> str:
    path = tmp_path / "by-seq.json"
    path.write_text(json.dumps({"order": "seq"}), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("conflict", "kept"), [("update", "closed"), ("skip", "open")])
def test_a_numbered_log_in_any_order_keeps_the_latest_event_or_under_skip_the_first(
    sdcli, tmp_path, by_seq, conflict, kept
):
    rows = [event("10", "resolved"), event("2", "open"), event("11", "closed"), event("9", "on_hold")]
    path = log(tmp_path / "log.csv", rows)
    r = sdcli("import", path, "--mapping", by_seq, "--on-conflict", conflict, "--json")
    assert r.exit_code == 0, r.output
    (doc,) = tickets_by_ref(sdcli)
    assert doc["status"] == kept  # 11 after 10 and 9: numbers, not texts ("9" > "11")
    assert doc["event_order"] == {"seq": 11 if conflict == "update" else 2}


def tickets_by_ref(sdcli) -> list[dict]:
    r = sdcli("export", "--format", "json")
    return json.loads(r.stdout)


def test_under_fail_the_later_event_is_the_row_refused(sdcli, tmp_path, by_seq):
    path = log(tmp_path / "log.csv", [event("5", "closed"), event("1", "open")])
    rejects = tmp_path / "rejects.csv"
    r = sdcli("import", path, "--mapping", by_seq, "--on-conflict", "fail", "--partial", "--rejects", str(rejects),
              "--json")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert [(e["line"], e["reason"]) for e in json.loads(r.stdout)["errors"]] == [
        (2, "appears twice in the file")
    ]
    (doc,) = tickets_by_ref(sdcli)
    assert doc["status"] == "open"


def test_two_events_of_one_order_with_different_facts_are_named_and_the_later_line_kept(
    sdcli, tmp_path, by_seq
):
    rows = [
        event("1", "open"),
        event("3", "resolved"),
        event("3", "closed"),
        event("3", "closed", ref="CR-2"),
    ]
    rows.append(event("3", "closed", ref="CR-2"))  # the same event twice: nothing to tell
    r = sdcli("import", log(tmp_path / "log.csv", rows), "--mapping", by_seq, "--on-conflict", "update")
    assert r.exit_code == 0, r.output
    assert err(r).count("Warning:") == 1
    assert ("CR-1: lines 3 and 4 are events of the same order (seq) with different facts: line 4 is kept"
            in err(r))  # fmt: skip
    assert {d["customer_reference"]: d["status"] for d in tickets_by_ref(sdcli)} == {
        "CR-1": "closed",
        "CR-2": "closed",
    }


def test_rows_of_a_key_without_an_order_keep_file_order_and_are_named(sdcli, tmp_path, by_seq):
    rows = [
        event("7", "closed"),
        event("", "open"),
        event("", "on_hold", ref="CR-2"),
        event("", "open", ref="CR-2"),
    ]
    r = sdcli("import", log(tmp_path / "log.csv", rows), "--mapping", by_seq, "--on-conflict", "update")
    assert r.exit_code == 0, r.output
    assert err(r).count("Warning:") == 1  # CR-2 has no order at all: file order, as without one
    assert "CR-1: line 3 has no seq: the rows of CR-1 are merged in file order where one has none" in err(r)
    assert {d["customer_reference"]: d["status"] for d in tickets_by_ref(sdcli)} == {
        "CR-1": "open",
        "CR-2": "open",
    }


def test_an_order_cell_that_is_no_number_or_date_is_the_rows_error(sdcli, tmp_path, by_seq):
    rows = [
        event("29-02-2016 10:00", "open"),
        event("tomorrowish", "closed"),
        event("01-03-2016 09:00", "closed"),
    ]
    r = sdcli(
        "import", log(tmp_path / "log.csv", rows), "--mapping", by_seq, "--on-conflict", "update", "--json"
    )
    assert r.exit_code == 1
    (e,) = json.loads(r.stdout)["errors"]
    assert (e["line"], e["field"], e["value"]) == (3, "seq", "tomorrowish")
    assert tickets_by_ref(sdcli) == []
