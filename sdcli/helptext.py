"""The command reference (--help) and the completion's descriptions in the help's language. CLI
side: it reads Click's command tree.

The English texts stay where they are written (the commands' docstrings and options' help: the
code is the English catalogue). Their Spanish and Portuguese are data, sdcli/data/help-es.toml
and help-pt.toml: one table per command path ("sdcli ssr ack") with its help, its epilog and its
parameters' help by parameter name, read only when a help page or a completion is made in es or
pt. Click's and Typer's own words (Usage:, Options:, [required], "Show this message and exit.",
the usage line's [OPTIONS] COMMAND [ARGS]...) come from the message catalogues' [help] table.

While a page is made the command's texts are swapped for the translated ones (translated), and
put back after: the tree stays English for the next page and for the tests that walk it.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from typer._click.formatting import HelpFormatter

#: Click's and Typer's English words on a help page → their key in the message catalogues
CHROME = {
    "Usage:": "help.usage", "Options": "help.options", "Arguments": "help.arguments",
    "Commands": "help.commands", "env var: {var}": "help.env_var", "default: {default}": "help.default",
    "required": "help.required", "(dynamic)": "help.dynamic", "Show this message and exit.": "help.help_option",
    "Install completion for the current shell.": "help.install_completion",
    "Show completion for the current shell, to copy it or customize the installation.": "help.show_completion",
    "Install completion for the specified shell.": "help.install_completion_for",
    "Show completion for the specified shell, to copy it or customize the installation.": "help.show_completion_for",
}  # fmt: skip
#: a word of the usage notation: [OPTIONS], COMMAND, TEXT, <path> (help.metavar.<word>; ID, N stay)
_NOTATION = re.compile(r"<[a-z]+>|\b[A-Z][A-Z_]+\b")
#: ctx.meta: the language --lang named on the command line (the root's parse_args reads it)
ASKED = "sdcli.lang"
#: ctx.meta: the root's lines of its commands, translated (cli.SdcliGroup._summaries reads them)
SUMMARIES = "sdcli.summaries"
ROOT = "sdcli"

_active: set[int] = set()  # the commands being translated now (a call within a call leaves them)


def language(ctx: Any) -> str:
    """The help's language: --lang on this command line, else the session's (the root command's),
    else the one SDCLI_LANG, the config or the locale give (a help shown before the root ran)."""
    from sdcli import i18n
    from sdcli.ui import Run

    asked = ctx.meta.get(ASKED)
    if asked in i18n.LANGS:
        return str(asked)
    run = ctx.find_root().obj
    if isinstance(run, Run) and run.lang:
        return run.lang
    variable = os.environ.get("SDCLI_LANG", "").strip().lower()[:2]  # it wins over the config files:
    return variable if variable in i18n.LANGS else i18n.resolve_quietly(fresh=True)  # they need not be read


def command_path(ctx: Any) -> str:
    """The key of a command in help-<lang>.toml: "sdcli", "sdcli open", "sdcli ssr ack"."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return " ".join([ROOT, *reversed(names)])


def reference(code: str) -> dict[str, Any]:
    """The command reference of a language (help-es.toml, help-pt.toml), checked; {} for English."""
    from sdcli.home import load_data

    return dict(load_data(f"help-{code}")) if code in ("es", "pt") else {}


def short(texts: dict[str, Any]) -> str | None:
    """A command's line in its group's list: its own `short`, else its help's first paragraph (as
    the English line is the first paragraph of the English help)."""
    if texts.get("short"):
        return str(texts["short"])
    help_text = texts.get("help")
    return " ".join(inspect.cleandoc(help_text).split("\n\n", 1)[0].split()) if help_text else None


def chrome(text: Any) -> Any:
    """One of Click's or Typer's English words in the session's language (else as it is)."""
    from sdcli.i18n import t

    return t(CHROME[text]) if isinstance(text, str) and text in CHROME else text


def notation(text: str) -> str:
    """The usage notation in the session's language: [OPTIONS] COMMAND [ARGS]... → [OPCIONES]
    COMANDO [ARGS]..., TEXT → TEXTO; a word the catalogue does not name (ID, N) stays."""
    from sdcli.i18n import template

    def word(m: re.Match[str]) -> str:
        said = template(f"help.metavar.{m[0].strip('<>').lower()}")
        if said is None:
            return m[0]
        return f"<{said.lower()}>" if m[0].startswith("<") else said

    return _NOTATION.sub(word, text)


class Formatter(HelpFormatter):
    """Click's help formatter saying its own words (Usage:, the sections' headings, the notation of
    the usage line and of the options' column) in the session's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, notation(args), f"{chrome('Usage:')} " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(chrome(heading))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(notation(first), second) for first, second in rows], col_max, col_spacing)


@contextmanager
def translated(command: Any, ctx: Any) -> Iterator[None]:
    """While the block runs, `command` (its help, epilog, parameters' help, the lines of its
    sub-commands) and Click's words are in the help's language; English leaves everything as it is."""
    code = language(ctx)
    if code not in ("es", "pt") or id(command) in _active:
        yield
        return
    import typer.core

    from sdcli import i18n

    texts = reference(code)
    key = command_path(ctx)
    own = texts.get(key, {})
    undo: list[tuple[Any, str, Any]] = []

    def put(obj: Any, attr: str, value: Any) -> None:
        if value is not None:
            undo.append((obj, attr, getattr(obj, attr)))
            setattr(obj, attr, value)

    said = i18n.lang()
    i18n.use(code)  # the catalogue's texts of the page (open's epilog, Click's words) in this language
    _active.add(id(command))
    try:
        put(command, "help", own.get("help"))
        if command.short_help:
            put(command, "short_help", short(own))
        put(command, "epilog", own.get("epilog"))
        for param in command.get_params(ctx):  # the help option included
            put(param, "help", own.get("params", {}).get(param.name) or chrome(param.help))
        for name, sub in getattr(command, "commands", {}).items():
            theirs = texts.get(f"{key} {name}", {})
            put(sub, "help", theirs.get("help"))
            if sub.short_help:
                put(sub, "short_help", short(theirs))
        if ctx.parent is None:  # the root lists commands not loaded: their lines from the table's keys
            ctx.meta[SUMMARIES] = {
                k[len(ROOT) + 1 :]: short(v) for k, v in texts.items() if k.count(" ") == 1
            }
        put(ctx, "formatter_class", Formatter)
        put(typer.core, "_", chrome)  # Typer's [env var: X], [default: X], [required]
        yield
    finally:
        for obj, attr, value in reversed(undo):
            setattr(obj, attr, value)
        ctx.meta.pop(SUMMARIES, None)
        _active.discard(id(command))
        i18n.use(said)
