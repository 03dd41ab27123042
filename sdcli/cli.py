"""The sdcli command line: the root command, the one error boundary, and the command list."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from sdcli import __version__
from sdcli.errors import SdcliError
from sdcli.ui import App, env_no_input, one_line


def _crash_report(exc: BaseException, home: Path | None) -> str:
    """The full report of an unexpected error, written 0600 under <home>/crash/ (it holds the
    arguments, so contact data: never in a shared temporary directory). Where it is, or why
    there is none: the reporter itself never fails."""
    import traceback

    from sdcli import i18n

    try:
        from sdcli import clock
        from sdcli.home import private_dir, resolve_home

        folder = private_dir((home or resolve_home()) / "crash")
        body = "".join(traceback.format_exception(exc))
        text = f"sdcli {__version__}\nargv: {' '.join(sys.argv)}\n\n{body}"
        name = f"crash-{clock.now().strftime('%Y%m%dT%H%M%S')}-{id(exc):x}.log"
        path = folder / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as f:
            f.write(text)
        return i18n.t("error.report_in", path=str(path))
    except Exception as e:  # a home that cannot be written, a clock that cannot be read...
        return i18n.t("error.no_report", text=one_line(e)[:120])


class SdcliGroup(TyperGroup):
    """The error boundary: domain errors become `Error: <one line>` and their exit code."""

    def invoke(self, ctx: Any) -> Any:
        from sdcli import i18n

        i18n.use(i18n.resolve_quietly())  # until the root command knows the session's language
        try:
            return self._run(ctx)
        except SdcliError as e:
            _flush_warnings(ctx)
            typer.echo(error_line(e), err=True)
            raise typer.Exit(e.exit_code) from None
        except (KeyboardInterrupt, EOFError):  # Ctrl-C, or Ctrl-D at a prompt
            typer.echo("\n" + i18n.t("error.interrupted"), err=True)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except BrokenPipeError:
            raise typer.Exit(1) from None
        except OverflowError as e:  # a number too large for a date or a count, wherever it was typed
            typer.echo(
                i18n.t("error.prefix", text=i18n.t("error.overflow", text=one_line(e)[:120])), err=True
            )
            raise typer.Exit(1) from None
        except Exception as e:
            where = _crash_report(e, ctx.obj.home if isinstance(ctx.obj, App) else None)
            bug = i18n.t("error.bug", kind=type(e).__name__, text=one_line(e)[:200], where=where)
            typer.echo(i18n.t("error.prefix", text=bug), err=True)
            raise typer.Exit(1) from None
        finally:
            _flush_warnings(ctx)

    def _run(self, ctx: Any) -> Any:
        result = super().invoke(ctx)
        sys.stdout.flush()  # a full disk under `> file` is told here, while it can be an error
        return result


def error_line(e: SdcliError) -> str:
    """`Error: <one line>` in the session's language."""
    from sdcli import i18n

    try:
        return i18n.t("error.prefix", text=one_line(e.render()))
    except Exception:  # a catalogue that cannot be read must not hide the error itself
        return f"Error: {one_line(e.args[0] if e.args else type(e).__name__)}"


def _flush_warnings(ctx: Any) -> None:
    if isinstance(ctx.obj, App):
        ctx.obj.flush_warnings()
        store = getattr(ctx.obj, "_store", None)
        if store is not None:
            store.close()  # a database connection ends with the command


app = typer.Typer(
    name="sdcli",
    cls=SdcliGroup,
    help="sdcli: the service desk's terminal tool — incidents, escalation, SSRs and changes.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sdcli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    home: Path | None = typer.Option(
        None,
        "--home",
        envvar="SDCLI_HOME",
        help="Directory of the store, drafts and desk configuration.",
        show_envvar=True,
    ),
    no_input: bool = typer.Option(
        False,
        "--no-input",
        help="Never prompt (also SDCLI_NO_INPUT=1); missing answers are errors.",
    ),
    store: str | None = typer.Option(
        None,
        "--store",
        envvar="SDCLI_STORE",
        show_envvar=True,
        help="The store's URL (default: tinydb://HOME/store, the embedded store).",
    ),
    lang: str | None = typer.Option(None, "--lang", help="Language of prompts and texts: es, en or pt."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Terminal tool of a network-services service desk.

    Example: sdcli open    (walks the intake questionnaire)
    """
    from sdcli import config, i18n
    from sdcli.home import agent_name, check_home, resolve_home

    where = resolve_home(home)
    check_home(where)
    config.activate(config.settings(where))  # the config files, once: language, country, day order...
    code = i18n.resolve(lang)
    i18n.use(code, where)
    ctx.obj = App(home=where, agent=agent_name(), no_input=no_input or env_no_input(), lang=code,
                  store_url=store)  # fmt: skip
    i18n.check(code, where)


#: the commands, in the order --help lists them: (command name, module under sdcli/commands)
COMMANDS = [
    ("open", "open"), ("classify", "classify"), ("escalate", "escalate"), ("show", "show"),
    ("list", "list_"), ("shift", "shift"), ("note", "note"), ("ack", "ack"), ("hold", "hold"),
    ("resume", "resume"), ("resolve", "resolve"), ("close", "close"), ("reopen", "reopen"),
    ("import", "import_"), ("export", "export"), ("doctor", "doctor"), ("inbox", "inbox"),
    ("complete", "complete"),
]  # fmt: skip


class _LazyEpilog(TyperCommand):
    make_epilog: Any = None

    @property  # type: ignore[override]
    def epilog(self) -> str | None:
        return self.make_epilog() if self.make_epilog else None

    @epilog.setter
    def epilog(self, value: str | None) -> None:
        pass


#: command groups: (name, module whose `app` is a Typer with subcommands)
GROUPS = [
    ("ssr", "ssr"),
    ("change", "change"),
    ("customer", "customer"),
    ("config", "config"),
    ("store", "store_"),
    ("db", "db"),
    ("outbox", "outbox"),
]


def _register() -> None:
    import importlib

    for name, module_name in COMMANDS:
        module = importlib.import_module(f"sdcli.commands.{module_name}")
        settings = dict(getattr(module, "SETTINGS", {}))
        if hasattr(module, "_epilog"):  # built when --help asks for it, not at every start
            settings["cls"] = type(
                f"{name}Command", (_LazyEpilog,), {"make_epilog": staticmethod(module._epilog)}
            )
        app.command(name, **settings)(module.command)
    for name, module_name in GROUPS:
        app.add_typer(importlib.import_module(f"sdcli.commands.{module_name}").app, name=name)


_register()


def _bad_text(argv: list[str], environ: Any) -> str | None:
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


def main() -> None:
    """The `sdcli` program: argv and environment checked, stdin read as strict UTF-8, stdout
    failures turned into one-line errors (see ui.GuardedOutput)."""
    from sdcli import i18n
    from sdcli.ui import GuardedInput, GuardedOutput

    problem = _bad_text(sys.argv, os.environ)
    if problem:
        typer.echo(i18n.t("error.prefix", text=problem), err=True)
        sys.exit(1)
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(encoding="utf-8", errors="strict")
    original = sys.stdout
    out = GuardedOutput(original)
    sys.stdout, sys.stdin = out, GuardedInput(sys.stdin)  # type: ignore[assignment]
    try:
        app(prog_name="sdcli")
    except SystemExit as e:
        code = e.code
    else:
        code = 0
    finally:
        late = _flush(out)  # output a command left buffered when it exited early (exit 1 with --json)
        sys.stdout = original
        if out.failed:  # what is still buffered goes nowhere, instead of failing again at exit
            _discard_stdout(original)
    if late:
        typer.echo(i18n.t("error.prefix", text=late), err=True)
        code = code or 1
    sys.exit(code)


def _flush(out: Any) -> str | None:
    """Flush stdout; the one-line reason when that fails (a closed pipe needs none)."""
    try:
        out.flush()
    except BrokenPipeError:
        return None
    except SdcliError as e:
        return one_line(e.render())
    return None


def _discard_stdout(stream: Any) -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
