"""A session in Spanish or Portuguese shows no English, errors included: every command's and
sub-command's --help, and bad input to each of them (a flag that does not exist, a missing
argument, a ticket that does not exist, a bad value for each of its options), a desk file or a
config file that is not right, a file that is not there, a store that is locked, in es and pt
(--lang and SDCLI_LANG). What a person reads is held to a list of English marker words: Click's
and Typer's own words, the glue of an English sentence, Python's literals, the OS's and the JSON
and TOML parsers' reasons. Flags, commands, stored keys, paths and quoted values stay as typed."""

from __future__ import annotations

import json
import os
import re

import pytest
from conftest import BACKEND, err

from sdcli.cli import every_command

LANGS = ("es", "pt")
#: words no Spanish or Portuguese text has (Error is Spanish too; true/false are TOML's own words
#: a desk file's message may name): Click's and Typer's, the glue of English prose, the OS's and
#: the parsers' reasons, Python's None/True/False
MARKERS = frozenset(
    {"usage", "options", "arguments", "commands", "try", "help", "aborted", "such", "missing", "required",
     "default", "invalid", "expected", "expecting", "got", "must", "cannot", "unknown", "the", "and", "of",
     "with", "is", "are", "not", "only", "when", "from", "should", "none", "line", "column", "char", "directory",
     "permission", "denied", "unclosed", "extra", "nested", "deep", "too", "large", "value", "empty", "file"}
)  # fmt: skip
PYTHON = frozenset({"None", "True", "False"})
#: what is not language: a command to run, a flag, a stored key, a quoted value, a path, a URL, an
#: address, an id, an IANA zone, a key path of a desk file
NOT_WORDS = re.compile(
    r"sdcli(?: [a-z_|-]+)*|--?[a-z][a-z-]*|\b\w+_\w+\b|'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`"
    r"|\b(?:tinydb|postgresql)://\S*|(?:/[\w.+-]+)+|[\w.+-]+@[\w.-]+|\b(?:INC|SSR|CHG)\d+\b"
    r"|\b(?:America|Europe)/\w+|\b[a-z]+\.toml\b"
)
OPEN = ["open", "--no-input", "--customer", "Minera Sur", "--site", "Antofagasta", "--country", "CL",
        "--tz", "America/Santiago", "--problem", "link_down", "--service-type", "internet",
        "--callback", "Rosa Vera <rosa@minera.cl> +56 2 2345 6789"]  # fmt: skip
BAD = "32/13/2026 25:99"  # no date, no number, no choice, no country: each option's own refusal


def english(text: str) -> list[str]:
    """The English marker words in text, each with its line."""
    found = []
    for line in text.splitlines():
        plain = NOT_WORDS.sub(" ", line)
        for word in re.findall(r"[A-Za-z]+", plain):
            if word.lower() in MARKERS or word in PYTHON:
                found.append(f"{word!r} in {line.strip()[:150]!r}")
    return found


def commands() -> list[tuple[list[str], object]]:
    """Every command and sub-command of the app, by its path (["ssr", "ack"]), with its Click command."""
    found = []

    def walk(command, path):
        found.append((path, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(every_command(), [])
    return found


def bad_inputs(path: list[str], command) -> list[list[str]]:
    """What a person gets wrong with a command: a flag it does not have, its arguments left out, a
    ticket that does not exist, a bad value for each option that takes one."""
    if not path:
        return [["--help"], ["--no-such-flag"], ["lista"]]
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    cases = [[*path, "--help"], [*path, "--no-such-flag"]]
    if getattr(command, "commands", None):
        return cases
    given = ["INC1"] * len(arguments)
    if arguments:
        cases += [path, [*path, "INC999", *(["x"] * (len(arguments) - 1))]]
    for p in command.params:
        if p.param_type_name == "option" and not p.is_flag and p.name not in ("lang", "json_fields"):
            cases.append([*path, *given, p.opts[0], BAD])
    return cases


def _check(sdcli, lang: str, args: list[str], shown: list[str], env: dict | None = None) -> None:
    """A help page (stdout), or what a bad input is told (stderr: stdout is the data a script reads,
    a CSV's English column names included)."""
    r = sdcli("--lang", lang, *args, env=env) if env is None else sdcli(*args, env=env)
    text = r.stdout if "--help" in args else err(r)
    assert text.strip() or r.exit_code == 0, f"{args}: nothing said, exit {r.exit_code}"
    shown.extend(f"{' '.join(args)[:60]}: {w}" for w in english(text))


@pytest.mark.parametrize("lang", LANGS)
def test_every_help_and_bad_input_of_every_command_is_said_in_the_language(sdcli, home, tmp_path, lang):
    assert sdcli(*OPEN).exit_code == 0  # INC1, open: a state that refuses close, execute...
    shown: list[str] = []
    walked = commands()
    assert len(walked) > 60
    cwd = os.getcwd()
    os.chdir(tmp_path)  # an option whose value names a file to write (--output BAD) writes it here
    try:
        for path, command in walked:
            for args in bad_inputs(path, command):
                _check(sdcli, lang, args, shown)
    finally:
        os.chdir(cwd)
    assert shown == [], "\n".join(shown[:40])


@pytest.mark.parametrize("lang", LANGS)
def test_a_usage_error_is_said_in_the_language_by_flag_and_by_variable(sdcli, lang):
    for env in (None, {"SDCLI_LANG": lang}):
        r = sdcli("--lang", lang, "show", env=env) if env is None else sdcli("show", env=env)
        assert r.exit_code == 2
        assert {"es": "Uso: sdcli show", "pt": "Uso: sdcli show"}[lang] in r.stderr
        assert {"es": "falta el argumento 'ID'", "pt": "falta o argumento 'ID'"}[lang] in r.stderr
        assert english(r.stderr) == []
    r = sdcli("--lang", lang, "import")
    assert {"es": "'ARCHIVO|-'", "pt": "'ARQUIVO|-'"}[lang] in r.stderr, r.stderr


def test_the_check_finds_the_english_it_is_for(sdcli):
    """The markers are not vacuous: the English session of the same inputs is caught."""
    for args in (["show"], ["import", "--no-such-flag"], ["open", "--from-file", "/no/such/file.json"]):
        r = sdcli(*args)
        assert english(r.stdout + err(r)), (args, r.output)
    assert english("only if has_contingency=True")
    assert english("no es JSON válido (Expecting value: line 1 column 1 (char 0))")


DESK_FILES = [  # (file in the home, its text, the command that reads it)
    ("severity.toml", "business_hours = 12\n", ["classify", "INC1", "--severity", "2", "--reason", "x"]),
    ("severity.toml", 'bogus = 1\n', ["classify", "INC1", "--severity", "2", "--reason", "x"]),
    ("severity.toml", '[[level]]\nlevel = "x"\n', ["classify", "INC1", "--severity", "2", "--reason", "x"]),
    ("escalation.toml", "max_failed_attempts = [1]\n", ["escalate", "INC1"]),
    ("escalation.toml", "max_failed_attempts = -1\n", ["escalate", "INC1"]),
    ("countries.toml", "countries = {}\n", [*OPEN[:-2]]),
    ("countries.toml", 'countries = { pe = { name = "Peru", tz = "America/Lima" } }\n', [*OPEN[:-2]]),
    ("questionnaire.toml", "x = [1,2\n", [*OPEN[:-2]]),
    ("workflow.toml", "incident = 1\n", ["list"]),
    ("config.toml", "nope = 1\n", ["list"]),
    ("config.toml", "country = 12\n", ["list"]),
    ("config.toml", "lang = \n", ["list"]),
    ("config.toml", 'smtp_password = "x"\n', ["list"]),
    ("messages-es.toml", '[error]\nno_ticket = "{nope}"\n', ["list"]),
]  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_a_desk_file_or_a_config_that_is_wrong_is_told_in_the_language(sdcli, home, lang):
    assert sdcli(*OPEN).exit_code == 0
    home.mkdir(mode=0o700, exist_ok=True)  # on PostgreSQL the home holds no store
    shown: list[str] = []
    for name, text, args in DESK_FILES:
        path = home / name
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)
        for env in (None, {"SDCLI_LANG": lang}):
            r = sdcli("--lang", lang, *args) if env is None else sdcli(*args, env=env)
            assert r.exit_code == 1 and str(path) in err(r), (name, text, r.output)
            shown.extend(f"{name} {text!r}: {w}" for w in english(err(r)))
        path.unlink()
    assert shown == [], "\n".join(shown)


@pytest.mark.parametrize("lang", LANGS)
def test_files_that_are_missing_or_broken_are_told_in_the_language(sdcli, home, tmp_path, lang):
    assert sdcli(*OPEN).exit_code == 0
    broken = tmp_path / "broken.json"
    broken.write_text('{"customer": [1,}', encoding="utf-8")
    extra = tmp_path / "extra.json"
    extra.write_text('{"customer": "x"} 2', encoding="utf-8")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 70 + "]" * 70, encoding="utf-8")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text("fields = { customer = \n", encoding="utf-8")
    missing = str(tmp_path / "missing.csv")
    shown: list[str] = []
    for args in (["open", "--from-file", str(broken)], ["open", "--from-file", str(extra)],
                 ["open", "--from-file", str(deep)], ["open", "--from-file", missing], ["import", missing],
                 ["inbox", missing], ["import", str(broken)], ["import", str(broken), "--mapping", str(mapping)],
                 ["ssr", "--from-file", str(broken)], ["list", "--limit", "99999999999999999999999"]):  # fmt: skip
        r = sdcli("--lang", lang, *args)
        assert r.exit_code in (1, 2), (args, r.output)
        shown.extend(f"{' '.join(args)}: {w}" for w in english(r.stdout + err(r)))
    assert shown == [], "\n".join(shown)


@pytest.mark.parametrize("lang", LANGS)
def test_a_wrong_state_and_a_locked_store_are_told_in_the_language(sdcli, home, lang):
    assert sdcli(*OPEN).exit_code == 0
    r = sdcli("--lang", lang, "close", "INC1")
    assert r.exit_code == 1 and english(err(r)) == [], r.output
    if BACKEND != "tinydb":
        return  # the embedded store's lock file; PostgreSQL's locks are its own
    from filelock import FileLock

    with FileLock(str(home / "store" / ".lock")):
        r = sdcli("--lang", lang, "note", "INC1", "hola", env={"SDCLI_LOCK_TIMEOUT": "0.2"})
    assert r.exit_code == 1 and english(err(r)) == [], r.output
    assert json.loads(sdcli("show", "INC1", "--json").stdout)["status"] == "open"


def test_a_shape_error_is_english_as_text_and_in_the_language_where_it_is_shown():
    from sdcli.shapes import Int, ListOf, ShapeError, Table, check

    with pytest.raises(ShapeError) as e:
        check(Table({"level": ListOf(Int(1, 9))}), {"level": [3, "x"]})
    assert str(e.value) == "level[1]: expected a whole number, got 'x'"
    assert e.value.message.render("es") == "level[1]: se esperaba un número entero, se recibió 'x'"
    assert e.value.message.render("pt") == "level[1]: esperava-se um número inteiro, veio 'x'"
    with pytest.raises(ShapeError) as e:
        check(Table({"level": Int(1, 9)}), {"level": [1]})
    assert e.value.message.render("es") == "level: se esperaba un número entero, se recibió una lista"


@pytest.mark.parametrize(
    ("english_text", "lang", "said"),
    [
        ("cannot read it: No such file or directory", "es", "cannot read it: no existe el archivo o el directorio"),
        ("not valid JSON (Expecting ',' delimiter: line 2 column 5 (char 9))", "pt",
         "not valid JSON (esperava-se o separador ',': linha 2, coluna 5 (caractere 9))"),
        ("no es TOML válido (Cannot declare ('a', 'b') twice (at line 3, column 1))", "es",
         "no es TOML válido (no se puede declarar ('a', 'b') dos veces (en la línea 3, columna 1))"),
        ("falló: role \"INC9\" does not exist", "pt", "falló: não existe o usuário ou papel \"INC9\""),
        ("Too many open files in system", "es", "demasiados archivos abiertos en el sistema"),
        ("Some words no table names (at end of document)", "es", "Some words no table names (al final del documento)"),
    ],
)  # fmt: skip
def test_other_programs_english_is_said_in_the_language(english_text, lang, said):
    from sdcli import foreign

    assert foreign.said(english_text, lang) == said
    assert foreign.said(english_text, "en") == english_text
