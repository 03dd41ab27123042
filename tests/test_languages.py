"""Languages (issue 15): the catalogue is whole in es/en/pt, and a Spanish and a Portuguese session
(prompt_toolkit pipe input, and a real terminal) show none of the English sdcli showed before it."""

from __future__ import annotations

import ast
import io
import json
import re
import sys
import tomllib
from importlib import resources

import pexpect
import pytest
from conftest import ROOT, err, subprocess_env
from languages import NOW, english_in, english_words, flows
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput
from typer.testing import CliRunner

import sdcli.ui as ui
from sdcli.i18n import LANGS, flatten, placeholders
from sdcli.store import open_store


def catalogue(lang: str) -> dict[str, str]:
    return flatten(
        tomllib.loads(resources.files("sdcli.data").joinpath(f"messages-{lang}.toml").read_text("utf-8"))
    )


def test_every_key_is_in_every_language_with_the_same_placeholders():
    english = catalogue("en")
    assert len(english) > 400
    for lang in LANGS:
        other = catalogue(lang)
        assert set(other) == set(english), (lang, set(other) ^ set(english))
        wrong = [k for k in english if placeholders(other[k]) != placeholders(english[k])]
        assert wrong == [], (lang, wrong)
        assert all(v.strip() for v in other.values()), lang


def test_every_key_the_code_names_is_in_the_catalogue():
    """A key a Message or a domain error names is in the English catalogue (so in all)."""
    english = catalogue("en")
    key = re.compile(r"^(?:error|invalid|note|prompt|review|yesno|date|list|show|open|config|draft|sla|classify|"
                     r"escalate|rule|shift|ticket|ack|accept|route|change|customer|export|import|ssr|inbox|incomplete|complete|"
                     r"reply|update|outbox|mail|doctor|store)\.[a-z0-9_.-]+$")  # fmt: skip
    named = set()
    for path in (ROOT / "sdcli").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and key.match(node.value) \
                    and not node.value.endswith((".toml", ".json")):  # fmt: skip
                named.add(node.value)
    assert len(named) > 300
    assert sorted(named - set(english)) == []


def test_the_frozen_english_is_the_list_extracted_before_the_catalogue():
    words = english_words()
    for word in (
        "customer",
        "required",
        "escalation",
        "breached",
        "timeline",
        "interrupted",
        "true",
        "false",
    ):
        assert word in words, word
    assert english_in("Error: cannot close INC1: it is open") and english_in("has_contingency=False")
    assert (
        english_in("Sitio del cliente: Antofagasta, sdcli open --resume, ana@acme.pe, America/Santiago") == []
    )


def _run_piped(lang: str, args: list[str], keys: list[tuple[str | None, str]]) -> tuple[str, object]:
    from sdcli.cli import app

    screen = io.StringIO()
    with create_pipe_input() as inp:
        for _wait, k in keys:
            inp.send_text(k)
        with create_app_session(input=inp, output=PlainTextOutput(screen)):
            r = CliRunner().invoke(app, ["--lang", lang, *args], env={"SDCLI_NOW": NOW, "COLUMNS": "120"})
    return r.stdout + err(r) + screen.getvalue(), r


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_a_whole_session_piped_shows_no_english(lang, home, monkeypatch):
    monkeypatch.setattr(ui, "stdin_is_tty", lambda: True)
    monkeypatch.setattr("sdcli.views.output.stdout_is_tty", lambda: True)  # a terminal's views, not TSV
    seen: list[str] = []
    for args, keys, expected in flows(lang):
        text, r = _run_piped(lang, args, keys)
        assert r.exit_code == expected, (args, r.exit_code, text[-2000:])
        seen.append(f"$ sdcli {' '.join(args)}\n{text}")
    _check_session(lang, home, "\n".join(seen))


def _check_session(lang: str, home, transcript: str, *, terminal: bool = False) -> None:
    assert english_in(transcript, lang) == [], "\n".join(english_in(transcript, lang)[:40])
    store = open_store(home=home)
    inc = store.get("INC1")
    assert inc["country"] == "CL" and inc["timezone"] == "America/Santiago"
    assert inc["has_contingency"] is None and inc["unknown_answers"] == ["has_contingency"]
    assert inc["failed_calls"] == ["2026-12-01T09:40:00-03:00"]  # day first, site time
    assert inc["opening_hours"] == "Mon-Fri 08:00-18:00" and inc["severity"] == 2
    assert inc["escalation_attempts"][0]["outcome"] == "no-answer"
    ssr = store.get("SSR1")
    assert ssr["window_start"] == "2026-12-07T09:00:00-03:00" and ssr["timezone"] == "America/Sao_Paulo"
    chg = store.get("CHG1")
    assert chg["window_start"] == "2026-12-10T22:00:00-03:00" and chg["timezone"] == "America/Santiago"
    words = {"es": ("Revisión del incidente", "no sabe", "1 dic 2026 09:40", "Historial", "Lun-Vie 08:00-18:00",
                    "+56 2 2345 6789", "no se puede cerrar INC1", "Santiago -03"),
             "pt": ("Revisão do incidente", "não sabe", "1 dez 2026 09:40", "Histórico", "Seg-Sex 08:00-18:00",
                    "+56 2 2345 6789", "não é possível encerrar INC1", "Santiago -03")}[lang]  # fmt: skip
    if terminal:  # what a prompt's validation shows under the line (a pipe renders no toolbar)
        words += {"es": ("está en el futuro", "no es una dirección de correo válida", "(s/n, ? no sabe)"),
                  "pt": ("está no futuro", "não é um endereço de e-mail válido", "(s/n, ? não sabe)")}[lang]  # fmt: skip
    for w in words:
        assert w in transcript, w


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
@pytest.mark.parametrize("lang", ["es", "pt"])
def test_a_whole_session_in_a_terminal_shows_no_english(lang, home):
    env = subprocess_env(
        home, TERM="xterm", COLUMNS="120", LINES="50", PROMPT_TOOLKIT_NO_CPR="1", SDCLI_NOW=NOW
    )
    seen: list[str] = []
    for args, keys, expected in flows(lang):
        child = pexpect.spawn(sys.executable, ["-m", "sdcli", "--lang", lang, *args], env=env, encoding="utf-8",
                              timeout=20, dimensions=(50, 120))  # fmt: skip
        log = io.StringIO()
        child.logfile_read = log
        for wait, k in keys:
            if wait is not None:
                child.expect_exact(wait)
            child.send(k)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == expected, (args, log.getvalue()[-1500:])
        seen.append(f"$ sdcli {' '.join(args)}\n{log.getvalue()}")
    _check_session(lang, home, "\n".join(seen), terminal=True)


def test_errors_of_the_domain_in_the_sessions_language(sdcli, home):
    r = sdcli("--lang", "pt", "show", "INC9")
    assert r.exit_code == 1 and err(r).startswith("Erro: não há nenhum ticket INC9 em ")
    r = sdcli("--lang", "es", "open", "--no-input", "--customer", "A")
    assert err(r).strip() == (
        "Error: faltan respuestas obligatorias: --site, --country, --problem, --callback, --service-type "
        "(sin terminal no se pregunta)"
    )
    r = sdcli("open", "--no-input", "--customer", "A", env={"SDCLI_LANG": "pt"})
    assert err(r).startswith("Erro: faltam respostas obrigatórias: --site")


def test_a_desk_overrides_a_message_and_a_wrong_key_is_named(sdcli, home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "messages-es.toml").write_text('[open]\nack = "Hola: su incidente es {id}."\n', encoding="utf-8")
    r = sdcli("--lang", "es", "open", "--no-input", "--customer", "A", "--site", "B", "--country", "PE", "--problem",
              "other", "--description", "x", "--service-type", "mpls", "--callback", "Ana <ana@acme.pe> 01 4117000")  # fmt: skip
    assert r.exit_code == 0 and r.stdout.splitlines()[1] == "Hola: su incidente es INC1."
    assert "Faltan" not in r.stdout
    (home / "messages-es.toml").write_text('[open]\nakc = "x"\n', encoding="utf-8")
    r = sdcli("list")
    assert r.exit_code == 1 and f"{home / 'messages-es.toml'}: open.akc: unknown key" in err(r)
    (home / "messages-es.toml").unlink()
    (home / "messages.toml").write_text('[ack]\nes = "x"\n', encoding="utf-8")
    r = sdcli("list")
    assert r.exit_code == 1 and "messages-es.toml" in err(r) and str(home / "messages.toml") in err(r)


def test_json_stays_language_free(sdcli, home):
    args = ["open", "--no-input", "--customer", "A", "--site", "B", "--country", "PE", "--problem", "link_down",
            "--service-type", "mpls", "--callback", "Ana <ana@acme.pe> 01 4117000", "--contingency-unknown", "--json"]  # fmt: skip
    es = sdcli.json("--lang", "es", *args)
    en = sdcli.json("--lang", "en", *args)
    same = {
        k: v for k, v in es.items() if k not in ("id", "history", "opened_at", "received_at", "updated_at")
    }
    assert same == {k: v for k, v in en.items() if k in same} and es["status"] == "open"
    c = sdcli.json("--lang", "pt", "classify", es["id"], "--accept-suggestion", "--json")
    assert c["classification"]["reasons"][0].startswith(
        "link down; whether there is a contingency is not known"
    )
    assert json.dumps(c, ensure_ascii=False).count("contingência") == 0


USAGE_ERRORS = [  # (argv, what the reason says in es) — Click's own errors, every kind of them
    (["list", "--limit", "abc"], "valor no válido para '--limit': 'abc'; se espera un número entero"),
    (["list", "--limit", "0"], "valor no válido para '--limit': '0'; se espera 1 o más"),
    (["list", "--nope"], "no existe la opción --nope"),
    (["list", "--limit"], "la opción --limit necesita un valor"),
    (["list", "xyz"], "argumentos de más: xyz"),
    (["note"], "falta el argumento 'ID'"),
    (["lista"], "no existe el comando 'lista'; ¿quiso decir 'list'?"),
    (["--bogus", "list"], "no existe la opción --bogus"),
]


@pytest.mark.parametrize("lang", ["es", "pt"])
def test_a_usage_error_is_said_in_the_sessions_language_with_exit_2(sdcli, home, lang):
    """Click's usage errors (a value of the wrong type, an unknown option or command, a missing
    argument) were English in a Spanish or Portuguese session; the reason, the usage line and the
    hint are the session's now, by --lang and by SDCLI_LANG alike, and the exit code stays 2."""
    shown = []
    for argv, spanish in USAGE_ERRORS:
        for r in (sdcli("--lang", lang, *argv) if "--bogus" not in argv else sdcli(*argv, env={"SDCLI_LANG": lang}),
                  sdcli(*argv, env={"SDCLI_LANG": lang})):  # fmt: skip
            assert r.exit_code == 2, (argv, r.output)
            text = err(r)
            assert text.rstrip().splitlines()[-1].startswith("Error: " if lang == "es" else "Erro: "), text
            if lang == "es":
                assert spanish in text, (argv, text)
            shown.append(_notation_aside(text))
    assert english_in("\n".join(shown), lang) == [], english_in("\n".join(shown), lang)
    # a language and no command: the root's help, in that language (its notation included)
    r = sdcli("--lang", lang)
    assert r.exit_code == 2 and english_in(err(r), lang) == []
    r = sdcli("--lang", "en", "list", "--limit", "abc")
    assert err(r).rstrip().endswith("Error: invalid value for '--limit': 'abc'; a whole number is expected")


def _notation_aside(text: str) -> str:
    """A usage line's metavars (OPTIONS, ID, TEXT: the notation the help shows too) and the command
    names quoted (what the agent types) are not English shown to the agent."""
    return re.sub(r"'(?:list|lista)'|\b[A-Z]{2,}\b", " ", text)
