"""CLI-side helpers shared by the commands: context, output, safe text, interactivity."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from sdcli.store import Store

NO_INPUT_ENV = "SDCLI_NO_INPUT"

#: shown escaped: C0 and C1 controls (ANSI escapes, NUL...), bidi overrides and isolates, marks and
#: separators that reorder or break a line (a name could otherwise display as another), and lone
#: surrogates (invalid UTF-8, which a terminal cannot show)
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


@dataclass
class Run:
    """What the root command resolved for this run."""

    home: Path
    agent: str
    no_input: bool
    lang: str | None = None
    store_url: str | None = None  # --store (else SDCLI_STORE, else the embedded store in home)
    home_typed: bool = False  # --home on the command line (a typo there is told as such)
    _store: Store | None = None

    def store(self) -> Store:
        """The run's store, opened once (its warnings are printed when the command ends)."""
        if self._store is None:
            from sdcli.store import default_url, open_store, resolve_url

            self._store = open_store(self.store_url, home=self.home)
            if resolve_url(self.store_url, self.home) != default_url(
                self.home
            ):  # say which, when not the default
                from sdcli.i18n import t

                info(t("error.store_used", where=self._store.describe()))
        return self._store

    def flush_warnings(self) -> None:
        """What a store write finished in spite of a fault (it was saved), told on stderr."""
        if self._store is not None:
            for line in self._store.warnings:
                warn(line)
            self._store.warnings.clear()


def app_of(ctx: typer.Context) -> Run:
    root = ctx.find_root()
    if not isinstance(root.obj, Run):  # invoked without the root callback (tests of a sub-app)
        from sdcli.home import agent_name, resolve_home

        root.obj = Run(home=resolve_home(), agent=agent_name(), no_input=env_no_input())
    return root.obj


def app_reading(ctx: typer.Context) -> Run:
    """The Run of a command that only reads and would print an empty result: a --home
    that does not exist (an embedded store never created there) is a typo, said as such (exit
    1), not "No tickets match". Shared by every read-only listing (list, ssr/change list,
    shift, search, customer list, drafts list, export)."""
    from sdcli.errors import UnknownTicket
    from sdcli.store import default_url, resolve_url

    app = app_of(ctx)
    if (
        app.home_typed
        and not app.home.exists()
        and resolve_url(app.store_url, app.home) == default_url(app.home)
    ):
        raise UnknownTicket("error.no_store_there", where=str(app.home))
    return app


def env_no_input() -> bool:
    return os.environ.get(NO_INPUT_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def interactive(app: Run, *, no_input: bool = False) -> bool:
    """May sdcli prompt? Never under --no-input / SDCLI_NO_INPUT, never without a TTY on stdin."""
    return not (no_input or app.no_input) and stdin_is_tty()


def clean(text: Any) -> str:
    """User or file text made safe to show: control, bidi-override and invalid characters made
    visible (\\x1b, \\u202e, \\udcff) instead of acting on the terminal."""
    return _CONTROL.sub(_escape, str(text))


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: Any) -> str:
    return clean(str(text).replace("\n", " ").replace("\r", " "))


def console(*, stderr: bool = False) -> Console:
    """A Rich console: colour only on a terminal and without NO_COLOR (Rich honours both)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False, soft_wrap=False)


def text(value: Any, style: str = "", *, no_wrap: bool | None = None) -> Any:
    """A literal Rich Text: never parsed as markup, control characters shown escaped."""
    from rich.text import Text

    return Text("" if value is None else clean(value), style=style, no_wrap=no_wrap)


def emit_json(data: Any) -> None:
    """Machine output: plain json.dumps to stdout, never through Rich; `--json FIELDS` keeps only
    those keys (of the object, or of each object of a list)."""
    import json  # deferred: only with --json (not before open's first prompt)

    from sdcli.views.output import select

    data = select(data)
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def info(message: Any) -> None:
    """A diagnostic line for the human, on stderr (keeps stdout clean for pipes); a Message is
    rendered in the session's language."""
    from sdcli.i18n import render

    typer.echo(on_terminal(clean(render(message))), err=True)


#: what is said once the command has succeeded (how a flag's date was read): a refusal stays one line
_AFTER: list[Any] = []


def after_success(message: Any) -> None:
    """Say `message` on stderr once the command succeeds (cli.py); never before its one-line error."""
    _AFTER.append(message)


def flush_after(ok: bool) -> None:
    """The messages kept for a success: said when the command succeeded, dropped otherwise."""
    kept, _AFTER[:] = list(_AFTER), []
    for message in kept if ok else ():
        info(message)


def warn(message: Any) -> None:
    from sdcli.foreign import said
    from sdcli.i18n import render, t

    typer.echo(on_terminal(clean(said(t("error.warning", text=render(message))))), err=True)


def on_terminal(line: str) -> str:
    """A diagnostic line as stderr shows it: on a terminal, a line longer than it folded between
    words with the rest indented (the terminal's wrap cut "[24x7, 24" / " h]" mid-word); anywhere
    else one line, as scripts read it."""
    if len(line) < 40 or not _stderr_is_tty():
        return line
    import shutil

    from sdcli.folding import GLUE, glued, hanging

    width = shutil.get_terminal_size((80, 24)).columns
    glue = glued(line)  # "24 h", "+55 81 99876-5432" are not parted (glued, given back after)
    kept = line if glue is None else glue
    folded = "\n".join(part for one in kept.split("\n") for part in hanging(one, width, indent=2))
    return folded if glue is None else folded.replace(GLUE, " ")


def on_screen(line: str) -> str:
    """A text for the customer as stdout shows it (the acknowledgement `open` prints): on a
    terminal folded between words, never inside a date or a phone number (the terminal's wrap cut
    "Portal B" / "T"); anywhere else one line, as scripts read it."""
    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        tty = False
    if len(line) < 40 or not tty:
        return line
    import shutil

    from sdcli.folding import kept

    return kept(line, shutil.get_terminal_size((80, 24)).columns)


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


def say(key: str, /, **params: Any) -> None:
    """A catalogue message on stderr, in the session's language."""
    from sdcli.i18n import Message

    info(Message(key, **params))


def ticket_argument(ctx: Any, param: Any, value: Any) -> Any:
    """The callback of every ID argument (cli.py hooks it on each parameter named ticket_id):
    an external number or a customer reference becomes the ticket's id (lookup.resolve), said on
    stderr; an ambiguity is refused naming the candidates."""
    if not isinstance(value, str) or ctx.resilient_parsing or not isinstance(ctx.find_object(Run), Run):
        return value
    from sdcli import lookup

    found = lookup.resolve(ctx.find_object(Run).store(), value)
    if found.via is not None and not found.also:
        said = {
            "external_id": "ticket.resolved_external_id",
            "customer_reference": "ticket.resolved_customer_reference",
        }
        say(said.get(found.via, "ticket.resolved_id"), text=value.strip(), id=found.id)
    also = {"external_id": "ticket.also_external_id", "customer_reference": "ticket.also_customer_reference"}
    for other, field in found.also:  # its own id won: the ticket whose reference matched too, named
        say(also.get(field, "ticket.also_external_id"), text=value.strip(), id=found.id, other=other)
    return found.id


def session_lang(app: Run, explicit: str | None) -> str:
    """The language of a command with its own --lang: it becomes the session's (errors included)."""
    from sdcli import i18n

    code = i18n.resolve(explicit) if explicit else (app.lang or i18n.resolve())
    app.lang = code
    i18n.use(code, app.home)
    return code


JSON_OPTION = typer.Option(False, "--json", help="Write the result as JSON to stdout.")
LANG_OPTION = typer.Option(
    None, "--lang", help="es, en or pt (else SDCLI_LANG, the config's lang, the locale)."
)
DAYFIRST_OPTION = typer.Option(
    None, "--dayfirst/--monthfirst", help="Read 02/12/2026 as 2 December (default) or as February 12."
)
NO_INPUT_OPTION = typer.Option(
    False, "--no-input", help="Never prompt: a missing answer is an error naming its flag."
)


class GuardedOutput:
    """The process's stdout, whose write failures are one-line errors (OutputUnwritable: a full
    disk, `> /dev/full`, an I/O error) instead of a crash; a closed pipe stays BrokenPipeError
    (`sdcli list | head` ends quietly). Installed by `cli.main` as sys.stdout."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.failed = False

    def _guard(self, method: str, *args: Any) -> Any:
        try:
            return getattr(self._stream, method)(*args)
        except BrokenPipeError:
            self.failed = True
            raise
        except OSError as e:
            from sdcli.errors import OutputUnwritable
            from sdcli.store.files import unwritable

            self.failed = True
            from sdcli.i18n import Message

            raise OutputUnwritable(unwritable(Message("store.standard_output"), e).what) from None

    def write(self, text: str) -> int:
        return self._guard("write", text)

    def writelines(self, lines: Any) -> None:
        self._guard("writelines", lines)

    def flush(self) -> None:
        self._guard("flush")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class GuardedInput:
    """The process's stdin as strict UTF-8: text that is not (a binary file piped in) is a
    one-line error, never text with lone surrogates that would fail later. Installed by
    `cli.main` as sys.stdin."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def _guard(self, method: str, *args: Any) -> Any:
        try:
            return getattr(self._stream, method)(*args)
        except UnicodeDecodeError as e:
            from sdcli.errors import InvalidValue
            from sdcli.inputs import not_utf8

            raise InvalidValue("stdin", "-", not_utf8(e)) from None

    def read(self, *args: Any) -> str:
        return self._guard("read", *args)

    def readline(self, *args: Any) -> str:
        return self._guard("readline", *args)

    def readlines(self, *args: Any) -> list[str]:
        return self._guard("readlines", *args)

    def __iter__(self) -> Any:
        return iter(self.readlines())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


# --------------------------------------------------------------------------- the program's streams (cli.main)


def bad_text(argv: list[str], environ: Any) -> str | None:
    """An argument or SDCLI_* variable that is not valid UTF-8 (Python hands it over with lone
    surrogates, which no file, store or terminal accepts later)."""
    from sdcli.i18n import t
    from sdcli.shapes import valid_unicode

    for i, arg in enumerate(argv[1:], start=1):
        if not valid_unicode(arg):
            return t("error.bad_argument", n=i, text=one_line(arg)[:80])
    for name, value in environ.items():
        if name.startswith("SDCLI_") and not valid_unicode(value):
            return t("error.bad_variable", name=name, text=one_line(value)[:80])
    return None


def flush_out(out: Any) -> str | None:
    """Flush stdout; the one-line reason when that fails (a closed pipe needs none)."""
    from sdcli.errors import SdcliError

    try:
        out.flush()
    except BrokenPipeError:
        return None
    except SdcliError as e:
        return one_line(e.render())
    return None


def discard_stdout(stream: Any) -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
