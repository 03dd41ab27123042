"""Problem "other" is described by its free text: the description is required then (questionnaire
data: `required_when`), by the one walker, on every path (prompts, flags, files, e-mail, import)."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import err
from intake_keys import ENTER, PROBLEM, SAVE, base_keys, line, rest_keys, run_open, select
from mail_support import SPANISH, questionnaire

import sdcli.ui as ui
from sdcli.store import open_store

BASE = ["--customer", "ACME", "--site", "Lima", "--country", "PE", "--service-type", "mpls",
        "--callback", "Ana Díaz <ana@acme.pe> +51 1 4117000"]  # fmt: skip
DOC = {"customer": "ACME", "site": "Lima", "country": "PE", "service_type": "mpls",
       "callback_contacts": "Ana Díaz <ana@acme.pe> +51 1 4117000"}  # fmt: skip
NOW = {"SDCLI_NOW": "2026-03-02T15:00:00+00:00"}


def test_flags_need_a_description_for_other(sdcli, home):
    r = sdcli("--lang", "es", "open", "--no-input", *BASE, "--problem", "other")
    assert r.exit_code == 1 and "--description" in err(r), err(r)
    r = sdcli("open", "--no-input", *BASE, "--problem", "other", "--description", "   ")
    assert r.exit_code == 1 and "description" in err(r), err(r)
    assert list(open_store(home=home).all_tickets()) == []
    doc = sdcli.json("open", "--no-input", *BASE, "--problem", "other", "--description", "el router parpadea",
                     "--json")  # fmt: skip
    assert (doc["problem"], doc["description"]) == ("other", "el router parpadea")
    assert "description" not in sdcli.json("open", "--no-input", *BASE, "--problem", "link_down", "--json")


def test_help_says_when_the_description_is_required(sdcli):
    shown = sdcli("open", "--help", env={"COLUMNS": "120"}).stdout
    assert "description (required if problem=other)" in shown, shown


def test_from_file_needs_it(sdcli, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps({**DOC, "problem": "other"}), encoding="utf-8")
    r = sdcli("open", "--from-file", str(path))
    assert r.exit_code == 1 and "--description" in err(r), err(r)


def test_an_email_of_other_without_details_names_it_missing(sdcli, tmp_path):
    mail = tmp_path / "m.eml"
    problem = "Descripción del problema (enlace no disponible, servicio lento, degradado, etc.)"
    mail.write_bytes(questionnaire({**SPANISH, problem: "Otro"}))
    assert sdcli("inbox", str(mail), env=NOW).exit_code == 0
    doc = sdcli.json("show", "INC1", "--json")
    assert doc["problem"] == "other" and doc["missing_answers"] == ["description"]
    done = sdcli.json("complete", "INC1", "--no-input", "--description", "corte de fibra", "--json", env=NOW)
    assert done["description"] == "corte de fibra" and "missing_answers" not in done


def test_import_refuses_a_row_of_other_without_description(sdcli, tmp_path):
    path = tmp_path / "in.csv"
    rows = [
        {**DOC, "problem": "other", "description": "fibra"},
        {**DOC, "problem": "other", "description": ""},
    ]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    r = sdcli("import", str(path))
    assert r.exit_code == 1 and "line 3: description" in err(r), err(r)
    rows[1]["description"] = "antena caída"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert sdcli("import", str(path)).exit_code == 0
    assert sdcli.json("show", "INC2", "--json")["description"] == "antena caída"


@pytest.fixture
def tty(monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)


def test_the_prompt_refuses_an_empty_description_for_other(home, tty):
    keys = base_keys("other", "mpls")
    keys[4] = ENTER + line("antena desalineada")  # Enter is refused: the question stays
    r = run_open([*keys, *rest_keys("mpls"), SAVE])
    assert r.exit_code == 0, r.output
    (doc,) = open_store(home=home).all_tickets()
    assert (doc["problem"], doc["description"]) == ("other", "antena desalineada")


def test_the_review_changing_the_problem_to_other_asks_the_description(home, tty):
    keys = base_keys("link_down", "mpls")
    keys[4] = ENTER  # optional for link_down: skipped
    to_other = select(1) + select(4) + select(PROBLEM["other"])  # change → problem (after the zone) → other
    r = run_open([*keys, *rest_keys("mpls"), to_other, line("antena desalineada"), SAVE])
    assert r.exit_code == 0, r.output
    (doc,) = open_store(home=home).all_tickets()
    assert (doc["problem"], doc["description"]) == ("other", "antena desalineada")
