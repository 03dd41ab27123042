"""The ticket's life after intake, as files and commands record it: no time of it in the future,
none before the one it follows (an import, a change's execution), and decimals a Spanish or
Portuguese spreadsheet reads as numbers (a ninth adversarial pass)."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import err

from sdcli.store import open_store

NOW = {"SDCLI_NOW": "2026-03-02T14:00:00-05:00"}  # Monday 2 March 2026, 14:00 in Lima


def lima_row(**cells: str) -> dict[str, str]:
    return {"customer_reference": "CR-1", "customer": "ACME", "site": "Lima HQ", "country": "PE",
            "problem": "link_down", "service_type": "mpls", "has_contingency": "no",
            "callback_contacts": "Ana Díaz <ana@acme.pe> +51 1 4117000", "opened_at": "02/03/2026 09:50",
            **cells}  # fmt: skip


def write_csv(path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(dict.fromkeys(k for r in rows for k in r)), delimiter=";")
        w.writeheader()
        w.writerows(rows)


def no_tickets(home) -> bool:
    return not (home / "store").exists() or list(open_store(home=home).all_tickets()) == []


@pytest.mark.parametrize(
    ("cells", "field", "reason"),
    [
        ({"opened_at": "05/03/2026 10:00"}, "opened_at", "is in the future"),  # 3 days ahead
        ({"status": "closed", "resolved_at": "02/03/2026 11:00", "closed_at": "01/03/2027 10:00"},
         "closed_at", "is in the future"),
        ({"status": "resolved", "resolved_at": "01/03/2026 10:00"}, "resolved_at",
         "is before another time of the same row (opened_at 2 Mar 2026 09:50 Lima -05"),
        ({"status": "closed", "resolved_at": "02/03/2026 12:00", "closed_at": "02/03/2026 11:00"}, "closed_at",
         "is before another time of the same row (resolved_at 2 Mar 2026 12:00 Lima -05"),
        ({"channel": "email", "acked_at": "02/03/2026 09:40"}, "acked_at",
         "is before another time of the same row (opened_at 2 Mar 2026 09:50 Lima -05"),
    ],
)  # fmt: skip
def test_an_import_refuses_a_life_in_the_future_or_going_backwards(
    sdcli, home, tmp_path, cells, field, reason
):
    """A semicolon CSV (a Spanish Excel's) whose incident was opened three days from now, closed
    next year, resolved the day before it was opened, closed before it was resolved or
    acknowledged before it arrived: each was stored as the file said, without a word (an SLA
    report counted a negative resolution time). The row is refused naming the field; nothing is
    written; --dry-run says the same."""
    path = tmp_path / "desk.csv"
    write_csv(path, [lima_row(customer_reference="CR-0"), lima_row(**cells)])
    for dry in ([], ["--dry-run"]):
        r = sdcli("import", str(path), *dry, env=NOW)
        assert r.exit_code == 1, r.output
        assert f"line 3: {field}: " in err(r) and reason in err(r), err(r)
        assert "line 2" not in err(r)
    assert no_tickets(home)
    r = sdcli("import", str(path), "--json", env=NOW)
    assert r.exit_code == 1, r.output
    assert [(e["line"], e["field"]) for e in json.loads(r.stdout)["errors"]] == [(3, field)]


def test_an_import_keeps_a_life_in_order(sdcli, home, tmp_path):
    """The same file with its times in order imports, every time as the file says it."""
    path = tmp_path / "desk.csv"
    row = lima_row(status="closed", channel="email", acked_at="02/03/2026 09:58",
                   resolved_at="02/03/2026 11:00", closed_at="02/03/2026 13:59")  # fmt: skip
    write_csv(path, [row])
    assert sdcli.json("import", str(path), "--json", env=NOW)["created"] == 1
    [doc] = list(open_store(home=home).all_tickets())
    assert (doc["opened_at"], doc["acked_at"], doc["resolved_at"], doc["closed_at"]) == (
        "2026-03-02T09:50:00-05:00", "2026-03-02T09:58:00-05:00", "2026-03-02T11:00:00-05:00",
        "2026-03-02T13:59:00-05:00")  # fmt: skip
    assert json.loads(sdcli("export", "--format", "json", env=NOW).stdout)[0]["closed_at"] == doc["closed_at"]


def filed_change(sdcli, sent: str = "2026-12-01T10:00:00-05:00") -> None:
    """A rack move in Lima for the night of 10 December, filed on 1 December and sent (`sent`)."""
    on_1 = {"SDCLI_NOW": "2026-12-01T10:00:00-05:00"}
    assert sdcli("customer", "add", "Banco Andino", "--project-manager", "Luis Paz <luis@bandino.pe> +51 1 4117001",
                 env=on_1).exit_code == 0  # fmt: skip
    r = sdcli("change", "--no-input", "--customer", "Banco Andino", "--site", "Lima HQ", "--country", "PE",
              "--type", "rack_relocation", "--description", "Move rack", "--window-start", "10/12/2026 22:00",
              "--window-end", "11/12/2026 04:00", "--callback", "Rosa Quispe <rosa@bandino.pe> +51 1 4117002",
              env=on_1)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert sdcli("change", "send", "CHG1", env={"SDCLI_NOW": sent}).exit_code == 0


def test_a_change_is_not_recorded_as_executed_before_the_customer_accepted_it(sdcli, home):
    """The acceptance came at 01:00 during the window; `execute --at 23:00` the next morning
    stored the work as done two hours before the customer accepted it (the source: executed only
    after acceptance), without a word. It is refused now, naming the acceptance, and nothing is
    saved; `accept --at` records an acceptance given before it was typed."""
    filed_change(sdcli)
    at_1 = {"SDCLI_NOW": "2026-12-11T01:00:00-05:00"}
    assert sdcli("change", "accept", "CHG1", "--by", "Rosa Quispe", env=at_1).exit_code == 0
    assert sdcli("change", "schedule", "CHG1", "--at", "11/12/2026 01:30", env=at_1).exit_code == 0
    morning = {"SDCLI_NOW": "2026-12-11T09:00:00-05:00"}
    r = sdcli("change", "execute", "CHG1", "--at", "10/12/2026 23:00", env=morning)
    assert r.exit_code == 1, r.output
    assert "CHG1 was accepted by the customer at 11 Dec 2026 01:00 Lima -05" in err(r), err(r)
    assert "and 10 Dec 2026 23:00 Lima -05" in err(r), err(r)
    doc = open_store(home=home).get("CHG1")
    assert doc["status"] == "scheduled" and "executed_at" not in doc
    assert sdcli("change", "execute", "CHG1", "--at", "11/12/2026 02:10", env=morning).exit_code == 0
    assert open_store(home=home).get("CHG1")["executed_at"] == "2026-12-11T02:10:00-05:00"


def test_change_accept_at_says_when_the_customer_accepted(sdcli, home):
    """Accepted on the phone at 21:00, typed at 23:30: `accept --at` keeps 21:00 (not in the
    future, nor before the request was filed), and the work done from 22:00 is executed after it."""
    filed_change(sdcli)
    late = {"SDCLI_NOW": "2026-12-10T23:30:00-05:00"}
    for at, why in (("11/12/2026 01:00", "is in the future"), ("30/11/2026 09:00", "is before")):
        r = sdcli("change", "accept", "CHG1", "--by", "Rosa Quispe", "--at", at, env=late)
        assert r.exit_code != 0 and why in err(r), err(r)
        assert "same row" not in err(r)  # the import's words were used: it names the step as every --at
        assert open_store(home=home).get("CHG1")["status"] == "awaiting-acceptance"
    r = sdcli(
        "--lang",
        "es",
        "change",
        "accept",
        "CHG1",
        "--by",
        "Rosa Quispe",
        "--at",
        "30/11/2026 09:00",
        env=late,
    )
    assert "la misma fila" not in err(r) and "30 nov 2026 09:00" in err(r), err(r)
    r = sdcli("change", "accept", "CHG1", "--by", "Rosa Quispe", "--at", "10/12/2026 21:00", env=late)
    assert r.exit_code == 0, r.output
    assert open_store(home=home).get("CHG1")["accepted_at"] == "2026-12-10T21:00:00-05:00"
    assert sdcli("change", "schedule", "CHG1", "--at", "10/12/2026 23:45", env=late).exit_code == 0
    r = sdcli(
        "change",
        "execute",
        "CHG1",
        "--at",
        "10/12/2026 22:30",
        env={"SDCLI_NOW": "2026-12-11T08:00:00-05:00"},
    )
    assert r.exit_code == 0, r.output


def test_an_acceptance_is_told_once_in_the_timeline(sdcli, home):
    """`change show` listed `accepted_as` twice on the accept line: as the event's field and as
    its change. A field the changes tell is told once, as a change."""
    filed_change(sdcli)
    at_1 = {"SDCLI_NOW": "2026-12-11T01:00:00-05:00"}
    assert sdcli("change", "accept", "CHG1", "--by", "Rosa Quispe", env=at_1).exit_code == 0
    shown = sdcli("change", "show", "CHG1", env=at_1).stdout
    lines = shown.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("11 Dec 01:00"))
    entry = [lines[start]] + [x for x in lines[start + 1 : start + 6] if x.startswith("    ")]
    assert " ".join(entry).count("accepted_as") + " ".join(entry).count("accepted as") == 1, entry


def test_a_change_is_not_accepted_before_it_was_sent_to_the_customer(sdcli, home):
    """Filed on 1 December, sent to the customer on the 5th: `accept --at 03/12/2026` recorded
    an acceptance two days before the customer had the request (a wrong fact, told as true in
    `show` and the reports). It is refused naming the sending, in the session's language, nothing
    saved; an acceptance after the sending is kept."""
    filed_change(sdcli, sent="2026-12-05T10:00:00-05:00")
    later = {"SDCLI_NOW": "2026-12-07T09:00:00-05:00"}
    r = sdcli("change", "accept", "CHG1", "--by", "Rosa Quispe", "--at", "03/12/2026 09:00", env=later)
    assert r.exit_code == 1, r.output
    assert "is before the sending for acceptance (5 Dec 2026 10:00 Lima -05" in err(r), err(r)
    r = sdcli("--lang", "es", "change", "accept", "CHG1", "--by", "Rosa Quispe", "--at", "03/12/2026 09:00",
              env=later)  # fmt: skip
    assert r.exit_code == 1 and "el envío para aceptación fue el 5 dic 2026 10:00" in err(r), err(r)
    assert open_store(home=home).get("CHG1")["status"] == "awaiting-acceptance"
    r = sdcli("change", "accept", "CHG1", "--by", "Rosa Quispe", "--at", "05/12/2026 11:00", env=later)
    assert r.exit_code == 0, r.output
    assert open_store(home=home).get("CHG1")["accepted_at"] == "2026-12-05T11:00:00-05:00"
