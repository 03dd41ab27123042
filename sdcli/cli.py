"""The sdcli command line: the root command, the one error boundary, and the command list."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from sdcli import __version__, help_display
from sdcli.commands import COMMANDS
from sdcli.errors import SdcliError
from sdcli.ui import Run, env_no_input, flush_after, one_line


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


#: the program (cli.main), not a test calling the app in-process, freezes what a command loaded
_FREEZE = False


class SdcliGroup(TyperGroup):
    """The root: the error boundary (domain errors become `Error: <one line>` and their exit
    code), and a lazy group (Click's documented pattern: list_commands and get_command): the
    commands are named by the COMMANDS table and each module is imported when it is needed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _hook_ticket_ids(self)

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(n for n in super().list_commands(ctx) if n not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            self.add_command(load(cmd_name), cmd_name)
            if _FREEZE:  # the modules just loaded live as long as the process: no collection scans them again
                import gc

                gc.freeze()
        return super().get_command(ctx, cmd_name)

    def _summaries(self, ctx: Any, start: str = "") -> list[tuple[str, str]]:
        """(name, line) of each command starting with `start`, read from the table while the
        command is not loaded (the root's --help and the completion of a command's name)."""
        got, said = [], ctx.meta.get("sdcli.summaries") or {}  # translated (helptext.translated)
        for name in self.list_commands(ctx):
            cmd = self.commands.get(name)
            if name.startswith(start) and not (cmd is not None and cmd.hidden):
                line = COMMANDS[name][1] if cmd is None else cmd.get_short_help_str()
                got.append((name, said.get(name) or line))
        return got

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        from gettext import gettext

        rows = self._summaries(ctx)
        if rows:
            with formatter.section(gettext("Commands")):
                formatter.write_dl(rows)

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        from typer.core import CompletionItem

        items = [CompletionItem(name, help=line) for name, line in self._summaries(ctx, incomplete)]
        return items + super(TyperGroup, self).shell_complete(ctx, incomplete)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return self._click_resolve_command(ctx, args)
        except typer.TyperException as e:  # UsageError: the table's nearest names, as TyperGroup's
            from difflib import get_close_matches

            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches:
                e.message = f"{e.message.rstrip('.')}. Did you mean {', '.join(repr(m) for m in matches)}?"
            if args:  # said in the session's language (usage.py)
                e.sdcli_unknown_command = (args[0], [repr(m) for m in matches])  # type: ignore[attr-defined]
            raise

    def make_context(self, info_name: Any, args: list[str], *rest: Any, **kwargs: Any) -> Any:
        from sdcli import i18n

        asked = i18n.asked(list(args))  # `sdcli --lang es --no-such-flag`: before the root parsed --lang
        try:
            return super().make_context(info_name, args, *rest, **kwargs)
        except typer.TyperException as e:  # the root's own options: before its callback knows the language
            i18n.use(asked or i18n.resolve_quietly())
            from sdcli.usage import show

            show(e)
            raise

    def invoke(self, ctx: Any) -> Any:
        from sdcli import i18n

        # until the root command knows the session's language: this command line's --lang, else
        # the settings' (SDCLI_LANG when a config file cannot be read, so its error is told in it)
        i18n.use(ctx.meta.get("sdcli.lang") or i18n.resolve_quietly())
        ok = False
        try:
            result = self._run(ctx)
            ok = True
            return result
        except SdcliError as e:
            _flush_warnings(ctx)
            typer.echo(error_line(e), err=True)
            raise typer.Exit(e.exit_code) from None
        except (KeyboardInterrupt, EOFError):  # Ctrl-C, or Ctrl-D at a prompt
            typer.echo("\n" + i18n.t("error.interrupted"), err=True)
            raise typer.Exit(130) from None
        except typer.Abort:  # Click's own prompt interrupted: said as sdcli says it, not "Aborted!"
            typer.echo("\n" + i18n.t("error.interrupted"), err=True)
            raise typer.Exit(1) from None
        except typer.Exit as e:
            ok = e.exit_code == 0
            raise
        except typer.TyperException as e:
            from sdcli.usage import show

            show(e)
            raise
        except BrokenPipeError:
            raise typer.Exit(1) from None
        except OverflowError as e:  # a number too large for a date or a count, wherever it was typed
            from sdcli.foreign import said

            typer.echo(
                said(i18n.t("error.prefix", text=i18n.t("error.overflow", text=one_line(e)[:120]))), err=True
            )
            raise typer.Exit(1) from None
        except Exception as e:
            where = _crash_report(e, ctx.obj.home if isinstance(ctx.obj, Run) else None)
            bug = i18n.t("error.bug", kind=type(e).__name__, text=one_line(e)[:200], where=where)
            typer.echo(i18n.t("error.prefix", text=bug), err=True)
            raise typer.Exit(1) from None
        finally:
            flush_after(ok)  # how a flag's date was read: said after a success only
            _flush_warnings(ctx)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if ctx.parent is None:  # the root: `--json FIELDS` read once for every command
            from sdcli import i18n
            from sdcli.views.output import take_json_fields

            args = take_json_fields(list(args))
            ctx.meta["sdcli.lang"] = i18n.asked(args)  # the language of this invocation's --help
        return super().parse_args(ctx, args)

    def _run(self, ctx: Any) -> Any:
        result = super().invoke(ctx)
        sys.stdout.flush()  # a full disk under `> file` is told here, while it can be an error
        return result


def _hook_ticket_ids(command: Any) -> None:
    """Every ID argument (a parameter named ticket_id, in any command or group) resolves
    references the one way (ui.ticket_argument → lookup.resolve); ids, states, contacts,
    countries and choices complete in the shell (completion.BY_NAME)."""
    from sdcli.completion import BY_NAME
    from sdcli.ui import ticket_argument

    for param in command.params:
        if param.name == "ticket_id":
            param.callback = ticket_argument
        if param.name in BY_NAME and getattr(param, "_custom_shell_complete", None) is None:
            param._custom_shell_complete = BY_NAME[param.name]
    for sub in getattr(command, "commands", {}).values():
        _hook_ticket_ids(sub)


def error_line(e: SdcliError) -> str:
    """`Error: <one line>` in the session's language."""
    from sdcli import i18n
    from sdcli.foreign import said

    try:
        return said(i18n.t("error.prefix", text=one_line(e.render())))  # an OS's, a parser's English too
    except Exception:  # a catalogue that cannot be read must not hide the error itself
        return f"Error: {one_line(e.args[0] if e.args else type(e).__name__)}"


def _flush_warnings(ctx: Any) -> None:
    if isinstance(ctx.obj, Run):
        ctx.obj.flush_warnings()
        store = getattr(ctx.obj, "_store", None)
        if store is not None:
            store.close()  # a database connection ends with the command


help_display.install(SdcliGroup)

ENVIRONMENT = """\b
Environment:
  SDCLI_HOME        the store, drafts and desk configuration (else the user data dir)
  SDCLI_STORE       the store's URL (tinydb://... or postgresql://...)
  SDCLI_AGENT       the agent's name recorded in every change (else the login)
  SDCLI_LANG        es, en or pt
  SDCLI_NO_INPUT    1: never prompt
  SDCLI_TZ          the agent's time zone; SDCLI_COUNTRY the default country
  SDCLI_DAYFIRST    0: read 02/12 as February 12
  SDCLI_CONFIG      the user's config file
  PAGER             the pager of long views on a terminal (SDCLI_PAGER wins; --no-pager)
  NO_COLOR          no colour"""

app = typer.Typer(
    name="sdcli",
    epilog=ENVIRONMENT,
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
    no_pager: bool = typer.Option(
        False, "--no-pager", help="Never page long views (else $PAGER on a terminal)."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Terminal tool of a network-services service desk.

    Example: sdcli open    (walks the intake questionnaire)
    """
    from sdcli import config, i18n
    from sdcli.home import agent_name, check_home, resolve_home
    from sdcli.views.output import set_no_pager

    set_no_pager(no_pager)
    where = resolve_home(home)
    check_home(where)
    config.activate(config.settings(where))  # the config files, once: language, country, day order...
    code = i18n.resolve(lang)
    i18n.use(code, where)
    ctx.obj = Run(home=where, agent=agent_name(), no_input=no_input or env_no_input(), lang=code,
                  store_url=store, home_typed=getattr(ctx.get_parameter_source("home"), "name", None) == "COMMANDLINE")  # fmt: skip
    i18n.check(code, where)


class _LazyEpilog(TyperCommand):
    make_epilog: Any = None

    @property  # type: ignore[override]
    def epilog(self) -> str | None:
        return self.make_epilog() if self.make_epilog else None

    @epilog.setter
    def epilog(self, value: str | None) -> None:
        pass


def load(name: str) -> Any:
    """The Click command (or group) of COMMANDS[name], its module imported now, its ID
    arguments hooked (_hook_ticket_ids)."""
    import importlib

    from typer.main import get_command_from_info, get_group_from_info
    from typer.models import CommandInfo, TyperInfo

    module_name, summary = COMMANDS[name]
    module = importlib.import_module(f"sdcli.commands.{module_name}")
    command: Any
    if hasattr(module, "app"):
        command = get_group_from_info(TyperInfo(module.app, name=name, short_help=summary),
                                      pretty_exceptions_short=app.pretty_exceptions_short,
                                      suggest_commands=app.suggest_commands, rich_markup_mode=app.rich_markup_mode)  # fmt: skip
    else:
        settings = dict(getattr(module, "SETTINGS", {}))
        settings.setdefault("short_help", summary)  # the root's --help never cuts it
        if hasattr(module, "_epilog"):  # built when --help asks for it, not at every start
            bases = (_LazyEpilog, *([settings["cls"]] if "cls" in settings else []))  # its own parsing kept
            settings["cls"] = type(f"{name}Command", bases, {"make_epilog": staticmethod(module._epilog)})
        command = get_command_from_info(CommandInfo(name=name, callback=module.command, **settings),
                                        pretty_exceptions_short=app.pretty_exceptions_short,
                                        rich_markup_mode=app.rich_markup_mode)  # fmt: skip
    _hook_ticket_ids(command)
    return command


def every_command() -> Any:
    """The root group with every command loaded (what tests and documentation walk)."""
    root = typer.main.get_command(app)
    for name in COMMANDS:
        root.add_command(load(name), name)  # type: ignore[attr-defined]
    return root


def main() -> None:
    """The `sdcli` program: argv and environment checked, stdin read as strict UTF-8, stdout
    failures turned into one-line errors (see ui.GuardedOutput)."""
    global _FREEZE
    _FREEZE = True
    import gc

    gc.set_threshold(10_000, 10, 10)
    from sdcli import i18n
    from sdcli.ui import GuardedInput, GuardedOutput, bad_text, discard_stdout, flush_out

    problem = bad_text(sys.argv, os.environ)
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
        late = flush_out(out)  # output a command left buffered when it exited early (exit 1 with --json)
        sys.stdout = original
        if out.failed:  # what is still buffered goes nowhere, instead of failing again at exit
            discard_stdout(original)
    if late:
        typer.echo(i18n.t("error.prefix", text=late), err=True)
        code = code or 1
    sys.exit(code)
