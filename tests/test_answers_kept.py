"""A condition decides when a question is asked (and required), never whether an answer given is
kept: on every path without prompts (flags, --from-file, inbox, import, complete) an answer to a
question that does not apply is validated by its kind and stored; the interactive review drops
only the answers whose premise the agent changed there (they were no longer shown)."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import err
from intake_keys import SAVE, base_keys, line, rest_keys, run_open, select
from mail_support import SPANISH, questionnaire

import sdcli.ui as ui
from sdcli.store import open_store

BASE = ["--customer", "ACME", "--site", "Lima", "--country", "PE", "--service-type", "mpls",
        "--callback", "Ana Díaz <ana@acme.pe> +51 1 4117000"]  # fmt: skip
DOC = {"customer": "ACME", "site": "Lima", "country": "PE", "service_type": "mpls",
       "callback_contacts": "Ana Díaz <ana@acme.pe> +51 1 4117000"}  # fmt: skip
NOW = {"SDCLI_NOW": "2026-03-02T15:00:00+00:00"}


def test_flags_keep_answers_to_questions_that_do_not_apply(sdcli):
    doc = sdcli.json("open", "--no-input", *BASE, "--problem", "degraded", "--source-ip", "10.0.0.1",
                     "--destination-ip", "10.0.0.2", "--no-contingency", "--contingency-fails", "--json")  # fmt: skip
    assert (doc["source_ip"], doc["destination_ip"]) == ("10.0.0.1", "10.0.0.2")
    assert (doc["has_contingency"], doc["contingency_works"]) == (False, False)
    assert sdcli.json("show", doc["id"], "--json")["contingency_works"] is False


def test_an_invalid_answer_to_a_question_that_does_not_apply_is_refused(sdcli, home):
    args = [*BASE, "--problem", "link_down", "--source-ip", "300.1.1.1"]
    r = sdcli("--lang", "es", "open", "--no-input", *args)
    assert r.exit_code == 1
    assert "300.1.1.1" in err(r) and "IPv4" in err(r), err(r)
    assert list(open_store(home=home).all_tickets()) == []


def test_from_file_keeps_them(sdcli, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps({**DOC, "problem": "voice", "source_number": "01 4117000", "destination_number":
                                "+51 987 654 321", "failed_calls": ["2026-03-01 10:00"], "source_ip": "10.0.0.9",
                                "has_contingency": False, "contingency_works": True}), encoding="utf-8")  # fmt: skip
    doc = sdcli.json("open", "--from-file", str(path), "--json", env=NOW)
    assert doc["source_ip"] == "10.0.0.9" and doc["contingency_works"] is True
    assert doc["source_number"] == "+5114117000"


def test_an_email_that_leaves_out_the_premise_keeps_the_answer(sdcli, tmp_path):
    mail = tmp_path / "m.eml"
    mail.write_bytes(questionnaire({**SPANISH, "¿Funciona la contingencia de BT?": "No",
                                    "Dirección IP de origen": "10.0.0.1"}))  # fmt: skip
    r = sdcli("inbox", str(mail), env=NOW)
    assert r.exit_code == 0, r.output
    doc = sdcli.json("show", "INC1", "--json")
    assert doc["contingency_works"] is False and "has_contingency" not in doc
    assert doc["source_ip"] == "10.0.0.1" and doc["problem"] == "link_down"
    assert "missing_answers" not in doc


def _csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_import_keeps_them_and_refuses_an_invalid_one(sdcli, tmp_path):
    good = {**DOC, "problem": "link_down", "has_contingency": "no", "contingency_works": "no",
            "source_ip": "10.0.0.1", "destination_ip": ""}  # fmt: skip
    path = tmp_path / "in.csv"
    _csv(path, [good, {**good, "site": "Callao", "source_ip": "10.0.0"}])
    r = sdcli("--lang", "es", "import", str(path))
    assert r.exit_code == 1 and "línea 3: IP origen: '10.0.0'" in err(r), err(r)
    _csv(path, [good, {**good, "site": "Callao", "has_contingency": "", "source_ip": ""}])
    r = sdcli("import", str(path), "--json")
    assert r.exit_code == 0, r.output
    first, second = (sdcli.json("show", i, "--json") for i in ("INC1", "INC2"))
    assert (first["contingency_works"], first["source_ip"]) == (False, "10.0.0.1")
    assert "destination_ip" not in first
    assert second["contingency_works"] is False and "source_ip" not in second


def test_complete_keeps_an_answer_whose_premise_the_ticket_lacks(sdcli, tmp_path):
    mail = tmp_path / "m.eml"
    lacking = {k: v for k, v in SPANISH.items() if not k.startswith("Sitio")}
    mail.write_bytes(questionnaire(lacking))
    assert sdcli("inbox", str(mail), env=NOW).exit_code == 0
    assert sdcli.json("show", "INC1", "--json")["missing_answers"] == ["site"]
    done = sdcli.json("complete", "INC1", "--no-input", "--site", "Lima",
                      "--contingency-fails", "--destination-ip", "10.0.0.2", "--json", env=NOW)  # fmt: skip
    assert done["contingency_works"] is False and done["destination_ip"] == "10.0.0.2"
    assert "missing_answers" not in done


@pytest.fixture
def tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)


def test_the_review_drops_answers_whose_premise_the_agent_changed(home, tty):
    keys = [*base_keys("slow", "mpls", contingency=True, works=False), *rest_keys("mpls"),
            line("10.1.1.1"), line("10.2.2.2")]  # fmt: skip
    up = "\x1b[A"  # the problem's choices start at its answer (slow), one below link_down
    to_link_down = select(1) + select(4) + up + select(0)  # change → problem (after the zone) → link_down
    r = run_open([*keys, to_link_down, SAVE])
    assert r.exit_code == 0, r.output
    (doc,) = open_store(home=home).all_tickets()
    assert doc["problem"] == "link_down" and doc["contingency_works"] is False
    assert "source_ip" not in doc and "destination_ip" not in doc


def test_on_a_terminal_an_answer_given_by_flag_is_kept_and_never_asked_again(home, tty):
    """On a terminal a flag answering a question whose premise was not answered yet was dropped
    before the walk: `open --source-ip … --destination-ip …` asked both IPs again once the agent
    chose "slow", and with a problem that never asks them stored neither, without a word. Given by
    flag, an answer is kept and shown in the review, whether its question applies or not."""
    flags = ["--source-ip", "10.1.1.1", "--destination-ip", "10.2.2.2"]
    keys = [*base_keys("slow", "mpls"), *rest_keys("mpls"), SAVE]  # no keys for the IPs: not asked
    r = run_open(keys, flags)
    assert r.exit_code == 0, r.output
    (doc,) = open_store(home=home).all_tickets()
    assert (doc["problem"], doc["source_ip"], doc["destination_ip"]) == ("slow", "10.1.1.1", "10.2.2.2")
    keys = [*base_keys("link_down", "mpls"), *rest_keys("mpls"), SAVE]
    r = run_open(keys, flags)
    assert r.exit_code == 0, r.output
    second = [d for d in open_store(home=home).all_tickets() if d["id"] == "INC2"][0]
    assert (second["problem"], second["source_ip"], second["destination_ip"]) == (
        "link_down",
        "10.1.1.1",
        "10.2.2.2",
    )
    assert "10.1.1.1" in r.stdout  # shown in the review before saving
