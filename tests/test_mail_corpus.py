"""Every message of the corpus (tests/data/mail/) gives the outcome tests/data/mail/expected.toml
names: an incident with the right answers, one naming what it lacks, a duplicate, an SSR, not a
questionnaire. One `sdcli inbox` run over the whole corpus, on the real store."""

from __future__ import annotations

import shutil
import tomllib

import pytest
from conftest import DATA

MAIL = DATA / "mail"
EXPECTED = tomllib.loads((MAIL / "expected.toml").read_text(encoding="utf-8"))
NOW = {"SDCLI_NOW": "2026-03-02T16:30:00+00:00"}
SOURCE = (DATA.parent.parent / ".." / "shared" / "seed" / "service-desk-latam.txt").resolve()


@pytest.fixture
def corpus(tmp_path):
    """The corpus copied (file names are the sources the summary names), in order."""
    folder = tmp_path / "mail"
    folder.mkdir()
    for f in sorted(MAIL.glob("*.eml")):
        shutil.copy(f, folder / f.name)
    return [str(folder / n) for n in sorted(p.name for p in folder.glob("*.eml"))]


@pytest.fixture
def run(sdcli, corpus):
    """The corpus through one `sdcli inbox --json`: {file name: its outcome}."""
    r = sdcli("inbox", *corpus, "--json", env=NOW)
    assert r.exit_code == 0, r.output
    import json

    report = json.loads(r.stdout)
    return {m["source"].rsplit("/", 1)[-1]: m for m in report["messages"]}, report


def test_the_corpus_and_its_expectations_name_the_same_messages():
    files = {p.name for p in MAIL.glob("*.eml")}
    assert files == set(EXPECTED), files ^ set(EXPECTED)
    langs = {v.get("lang") for v in EXPECTED.values()}
    assert {"es", "pt", "en"} <= langs
    outcomes = {v["outcome"] for v in EXPECTED.values()}
    assert outcomes == {"created", "duplicate", "not_questionnaire"}


#: the labels of the source's "Cuestionario" (seed/service-desk-latam.txt), as it writes them
SOURCE_LABELS = [
    "Nombre del cliente:", "Sitio el cliente:",
    "Descripción del problema (enlace no disponible, servicio lento, degradado, etc.):",
    "Contactos para devolución / pruebas / cierre (nombre, correo electrónico y teléfono):",
    "Contactos locales (nombre, correo electrónico y teléfono):", "Horarios de apertura del lugar:",
    "Incidente interno:", "Tipo de servicio afectado (Satélite, Internet, MPLS, otros):",
    "¿Tiene una contingencia de BT?:", "¿Funciona la contingencia de BT?:",
    "¿Tiene energía en el sitio en este momento?:", "¿Hubo un corte de energía en el sitio?:",
    "¿Está lloviendo o ha llovido allí?:", "¿Están todos los equipos conectados?:",
    "¿Se realizó un reinicio en el (los) equipo (s)?",
]  # fmt: skip


def test_one_message_uses_the_source_questionnaire_labels_verbatim():
    if SOURCE.exists():  # the list above is the source's, word for word
        section = SOURCE.read_text(encoding="utf-8").split("Cuestionario", 1)[1].split("En caso de", 1)[0]
        found = [
            ln.strip().lstrip("•").strip().rstrip("*").strip() for ln in section.splitlines() if "•" in ln
        ]
        assert found == SOURCE_LABELS
    from email import policy
    from email.parser import BytesParser

    msg = BytesParser(policy=policy.default).parsebytes((MAIL / "01-es-cuestionario-fuente.eml").read_bytes())
    body = msg.get_body(("plain",)).get_content()
    for label in SOURCE_LABELS:
        assert f"  • {label}" in body, label


def test_every_corpus_message_gives_its_expected_outcome(run, sdcli):
    by_file, report = run
    assert set(by_file) == set(EXPECTED)
    for name, want in EXPECTED.items():
        got = by_file[name]
        assert got["outcome"] == want["outcome"], (name, got)
        if "reason" in want:
            assert got["reason"] == want["reason"], (name, got)
        if want["outcome"] == "duplicate":
            assert got["id"] == by_file[want["duplicate_of"]]["id"], (name, got)
            continue
        if want["outcome"] != "created":
            assert got["id"] is None, (name, got)
            continue
        assert got["kind"] == want["kind"] and got["lang"] == want["lang"], (name, got)
        doc = sdcli.json("show", got["id"], "--json", env=NOW)
        assert doc["channel"] == "email" and doc["message_id"] == got["message_id"], name
        for key, value in want["answers"].items():
            assert doc.get(key) == value, (name, key, doc.get(key))
        for key in want.get("absent", []):
            assert key not in doc, (name, key)
        for key, value in want.get("email", {}).items():
            assert doc["email"][key] == value, (name, key, doc["email"])
        if want["kind"] == "incident":
            assert got["missing"] == want["missing"], (name, got["missing"])
            entries = {e["key"]: e for e in doc.get("missing_answers", []) if isinstance(e, dict)}
            for key, why in want.get("invalid", {}).items():
                assert why in entries[key]["reason"], (name, entries)
            for key, text in want.get("invalid_text", {}).items():
                assert entries[key]["text"] == text, (name, entries)
            assert bool(doc.get("missing_answers")) == bool(want["missing"]), name
    counts = report["counts"]
    assert counts == {"created": 10, "duplicate": 1, "not_questionnaire": 2}


def test_the_corpus_read_again_creates_nothing(run, sdcli, corpus):
    by_file, _ = run
    before = sdcli.json("list", "--json", "--all", env=NOW)
    again = sdcli.json("inbox", *corpus, "--json", env=NOW)
    for m in again["messages"]:
        name = m["source"].rsplit("/", 1)[-1]
        if EXPECTED[name]["outcome"] in ("created", "duplicate"):
            assert m["outcome"] == "duplicate" and m["id"] == by_file[name]["id"], m
        else:
            assert m["outcome"] == "not_questionnaire", m
    assert sdcli.json("list", "--json", "--all", env=NOW) == before


def test_text_from_messages_is_shown_as_written_never_as_markup_or_escapes(run, sdcli):
    by_file, _ = run
    tid = by_file["13-en-markup.eml"]["id"]
    for args in (("show", tid), ("list",)):
        r = sdcli(*args, env={**NOW, "COLUMNS": "200"})
        assert r.exit_code == 0, r.output
        assert "\x1b" not in r.stdout
        assert "[bold red]MX[/bold red]" in r.stdout or "[bold" in r.stdout
    shown = sdcli("show", tid, env={**NOW, "COLUMNS": "200"}).stdout
    assert "[link=https://evil.example]click[/link]" in shown and "\\x1b[2J" in shown
