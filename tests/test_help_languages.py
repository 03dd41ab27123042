"""--help (the command reference) in the session's language: the commands' English texts stay in the
code, their Spanish and Portuguese are sdcli/data/help-es.toml and help-pt.toml (held here to the
command tree), and Click's and Typer's own words come from the message catalogues."""

from __future__ import annotations

import inspect
import re
import subprocess

import pytest
from conftest import PY, err, subprocess_env

from sdcli import helptext, i18n
from sdcli.cli import _LazyEpilog, every_command

LANGS = ("es", "pt")
#: Click's and Typer's English on a help page, as it is printed
ENGLISH_CHROME = ("Usage:", "Options:", "Commands:", "Arguments:", "[env var:", "[default:", "[required]",
                  "Show this message and exit.", "Show the version and exit.", "Install completion",
                  "Show completion", "[OPTIONS]", "COMMAND [ARGS]...")  # fmt: skip
#: words of English prose that no Spanish or Portuguese sentence has (values shown as data aside)
ENGLISH_GLUE = frozenset(
    {"the", "and", "of", "to", "with", "is", "are", "for", "when", "this", "from", "by", "its", "an", "be",
     "not", "only", "each", "every", "else", "what", "which", "that", "or", "it", "on", "if", "one"}
)  # fmt: skip
#: what a translation keeps as the English has it: flags, `commands`, data files, variables
KEPT = re.compile(r"--[a-z][a-z-]*|`[^`]+`|\b[a-z_]+\.toml\b|\bSDCLI_[A-Z_]+\b")
#: the pages checked whole: the root, three commands, two sub-commands
PAGES = [[], ["open"], ["list"], ["import"], ["ssr", "ack"], ["change", "cost"]]


def tree() -> dict[str, object]:
    """Every command of the app by its path ("sdcli", "sdcli ssr ack")."""
    found: dict[str, object] = {}

    def walk(command, path):
        found[path] = command
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(every_command(), helptext.ROOT)
    return found


def first_paragraph(text: str) -> str:
    return " ".join(inspect.cleandoc(text).split("\n\n", 1)[0].split())


def english_texts(command) -> list[str]:
    """The English texts of a command that its help page shows."""
    texts = [command.help or ""]
    if command.epilog and not isinstance(command, _LazyEpilog):
        texts.append(command.epilog)
    return texts + [p.help for p in command.params if getattr(p, "help", None)]


def prose(text: str) -> set[str]:
    """The words of English prose in a text: commands, flags, stored keys and quoted values aside."""
    text = re.sub(r"sdcli(?: [a-z_|-]+)*|--[a-z][a-z-]*|\b\w+_\w+\b|'[^']*'|\"[^\"]*\"", " ", text)
    return {w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH_GLUE}


def sentences(text: str) -> list[str]:
    """The sentences of English prose of a text (examples and lists of values aside)."""
    text = re.sub(r"(?ms)^Example:.*?(?:\n\s*\n|\Z)", "\n\n", inspect.cleandoc(text))
    parts = (" ".join(p.split()) for p in re.split(r"(?<=[.;:?])\s+|\n\s*\n|\(|\)", text))
    return [p for p in parts if prose(p) and len(p.split()) >= 3]


@pytest.mark.parametrize("lang", LANGS)
def test_every_command_option_and_argument_has_its_translation_and_no_other(lang):
    """Each command of the app has its help (and epilog) in the language, each option and argument
    with a help its text, keyed by the command's path and the parameter's name; no key names a
    command or a parameter that does not exist; flags, `commands`, data files and variables are kept."""
    reference = helptext.reference(lang)
    commands = tree()
    assert len(commands) > 60 and "sdcli ssr ack" in commands and "sdcli change cost" in commands
    assert set(reference) - set(commands) == set(), "keys naming no command"
    for path, command in commands.items():
        own = reference.get(path)
        assert own is not None and own.get("help"), (lang, path, "no help")
        if command.short_help and command.short_help != first_paragraph(command.help):
            assert own.get("short"), (lang, path, "its line in the list differs from its help: give `short`")
        lazy = isinstance(command, _LazyEpilog)  # open's list of questionnaire flags: the catalogue's
        assert ("epilog" in own) == bool(command.epilog and not lazy), (lang, path, "epilog")
        wanted = {p.name for p in command.params if p.help and p.help not in helptext.CHROME}
        assert set(own.get("params", {})) == wanted, (lang, path, set(own.get("params", {})) ^ wanted)
        pairs = [(command.help, own["help"]), (command.epilog if not lazy else None, own.get("epilog"))]
        pairs += [(p.help, own["params"][p.name]) for p in command.params if p.name in wanted]
        for english, translated in pairs:
            if english:
                kept = sorted(KEPT.findall(english)), sorted(KEPT.findall(translated))
                assert kept[0] == kept[1], (lang, path, translated)
                assert english.startswith("\b") == translated.startswith("\b"), path  # Click's "as is" mark
                assert translated != english or not prose(english), (lang, path, english)  # values alone stay


def test_click_s_words_are_the_english_catalogue_s_and_every_catalogue_has_them():
    english = i18n.catalogue("en")
    for text, key in helptext.CHROME.items():
        assert english[key] == text, key
        for lang in LANGS:
            said = i18n.catalogue(lang)[key]
            assert said != text and i18n.placeholders(said) == i18n.placeholders(text), (lang, key)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("argv", PAGES, ids=lambda a: " ".join(a) or "root")
def test_a_help_page_in_spanish_or_portuguese_shows_no_english(sdcli, home, lang, argv):
    r = sdcli(*argv, "-h", env={"SDCLI_LANG": lang})
    assert r.exit_code == 0, r.output
    page = r.stdout
    assert [c for c in ENGLISH_CHROME if c in page] == [] and not re.search(r"\b(?:TEXT|PATH|FILE)\b", page)
    flat = " ".join(page.split())
    command = tree()[" ".join([helptext.ROOT, *argv])]
    english = [s for text in english_texts(command) for s in sentences(text)]
    assert len(english) >= 3 and [s for s in english if s in flat] == []
    assert prose(page) == set()
    usage = {"es": "Uso: sdcli", "pt": "Uso: sdcli"}[lang]
    assert page.startswith(usage) and ({"es": "Opciones:", "pt": "Opções:"}[lang] in page)
    assert {"es": "Mostrar esta ayuda y salir.", "pt": "Mostrar esta ajuda e sair."}[lang] in page
    if argv in (["ssr", "ack"], ["change", "cost"], ["import"]):
        assert {"es": "Argumentos:", "pt": "Argumentos:"}[lang] in page
        assert {"es": "[obligatorio]", "pt": "[obrigatório]"}[lang] in page


def test_the_root_s_page_lists_every_command_with_its_translated_line(sdcli, home):
    r = sdcli("-h", env={"SDCLI_LANG": "es"})
    listed = " ".join(r.stdout.partition("Comandos:")[2].split())
    reference = helptext.reference("es")
    for path, own in reference.items():
        if path.count(" ") == 1:
            assert f"{path.split()[1]} {helptext.short(own)}" in listed, path
    assert "[OPCIONES] COMANDO [ARGUMENTOS]..." in r.stdout
    assert "[variable de entorno: SDCLI_HOME]" in " ".join(r.stdout.split())
    assert "Entorno:" in r.stdout and "SDCLI_NO_INPUT    1: nunca preguntar" in r.stdout  # the epilog, as is


def test_lang_on_the_command_line_is_the_help_s_language(sdcli, home):
    """--lang is read before the help option fires: on the root (before or after -h) and on a
    command with its own --lang; it wins over SDCLI_LANG, the last one given wins."""
    cases = [
        (["--lang", "es", "open", "-h"], "Abrir un incidente"),
        (["--lang=pt", "open", "-h"], "Abrir um incidente"),
        (["open", "--lang", "pt", "-h"], "Abrir um incidente"),
        (["--lang", "es", "-h"], "Uso: sdcli [OPCIONES]"),
        (["-h", "--lang", "pt"], "Uso: sdcli [OPÇÕES]"),
        (["--lang", "es", "ssr", "ack", "-h"], "Registrar que se envió al cliente la confirmación"),
        (["--lang", "es", "open", "--lang", "pt", "-h"], "Abrir um incidente"),
        (["--lang", "en", "open", "-h"], "Open an incident"),
    ]
    for argv, said in cases:
        r = sdcli(*argv, env={"SDCLI_LANG": "en" if "es" in argv or "pt" in argv else "es"})
        assert r.exit_code == 0 and said in " ".join(r.stdout.split()), (argv, r.stdout[:300])
    r = sdcli("--lang", "es", "open", "-h")
    assert "Opciones del cuestionario" in r.stdout and "(obligatoria)" in r.stdout  # open's epilog too
    r = sdcli("open", "--lang", "pt", "-h", env={"SDCLI_LANG": "es"})
    assert "Opções do questionário" in r.stdout and "Opciones" not in r.stdout


def test_english_help_is_click_s_own(sdcli, home):
    r = sdcli("ssr", "ack", "-h", env={"SDCLI_LANG": "en"})
    assert r.stdout.startswith("Usage: sdcli ssr ack [OPTIONS] ID\n")
    for text in ("Arguments:", "[required]", "Options:", "Show this message and exit.", "--note TEXT"):
        assert text in r.stdout, text
    r = sdcli("-h", env={"SDCLI_LANG": "en"})
    assert "Install completion for the current shell." in r.stdout and "[env var: SDCLI_HOME]" in r.stdout


def test_a_translated_page_leaves_the_command_tree_english(home):
    """The texts are swapped while a page is made and put back after, whatever the page raised."""
    root = every_command()
    ctx = root.make_context("sdcli", ["ssr", "ack", "SSR1"], resilient_parsing=True)
    ssr = root.commands["ssr"]
    sub = ssr.make_context("ssr", ["ack", "SSR1"], parent=ctx, resilient_parsing=True)
    ack = ssr.commands["ack"]
    before = (ssr.help, [p.help for p in ssr.params], ack.help, ack.short_help)
    ctx.meta[helptext.ASKED], session = "pt", i18n.lang()
    with pytest.raises(RuntimeError), helptext.translated(ssr, sub):
        assert ssr.help.startswith("Solicitações de serviço simples") and i18n.lang() == "pt"
        assert ssr.commands["ack"].get_short_help_str().startswith("Registrar que a confirmação")
        raise RuntimeError
    after = (ssr.help, [p.help for p in ssr.params], ack.help, ack.short_help)
    assert after == before and i18n.lang() == session and helptext.SUMMARIES not in ctx.meta


def test_a_usage_error_s_notation_is_the_help_s(sdcli, home):
    r = sdcli("--lang", "es", "note")
    assert r.exit_code == 2 and err(r).startswith("Uso: sdcli note [OPCIONES] ID [TEXTO]\n")
    r = sdcli("note", env={"SDCLI_LANG": "pt"})
    assert err(r).startswith("Uso: sdcli note [OPÇÕES] ID [TEXTO]\n")
    r = sdcli("--lang", "en", "note")
    assert err(r).startswith("Usage: sdcli note [OPTIONS] ID [TEXT]\n")


def complete(home, words: str, **env: str) -> str:
    r = subprocess.run([PY, "-m", "sdcli"], env=subprocess_env(home, _SDCLI_COMPLETE="complete_zsh",
                       _TYPER_COMPLETE_ARGS=words, **env), capture_output=True, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_completion_describes_commands_and_options_in_the_language(home):
    assert '"classify":"Clasificar la severidad' in complete(home, "sdcli cl", SDCLI_LANG="es")
    assert '"cancel":"Cancelar uma SSR' in complete(home, "sdcli --lang pt ssr c", SDCLI_LANG="es")
    assert '"--reply":"Escribir la respuesta' in complete(home, "sdcli ack INC1 --re", SDCLI_LANG="es")
    assert '"classify":"Classify an incident' in complete(home, "sdcli cl", SDCLI_LANG="en")
