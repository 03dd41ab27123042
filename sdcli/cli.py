"""The sdcli command line: the root command, the one error boundary, and the command list."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from sdcli import __version__
from sdcli.errors import SdcliError
from sdcli.ui import App, env_no_input, one_line


def _crash_report(exc: BaseException) -> Path:
    import tempfile
    import traceback

    from sdcli import clock

    body = "".join(traceback.format_exception(exc))
    argv = " ".join(sys.argv)
    name = f"crash-{clock.now().strftime('%Y%m%dT%H%M%S')}-{id(exc):x}.log"
    for folder in _crash_dirs():
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = folder / name
            path.write_text(f"sdcli {__version__}\nargv: {argv}\n\n{body}", encoding="utf-8")
            path.chmod(0o600)
            return path
        except OSError:
            continue
    return Path(tempfile.gettempdir()) / name


def _crash_dirs() -> list[Path]:
    import tempfile

    from sdcli.home import resolve_home

    dirs = []
    try:
        dirs.append(resolve_home() / "crash")
    except Exception:
        pass
    dirs.append(Path(tempfile.gettempdir()) / "sdcli-crash")
    return dirs


class SdcliGroup(TyperGroup):
    """The error boundary: domain errors become `Error: <one line>` and their exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SdcliError as e:
            _flush_warnings(ctx)
            typer.echo(f"Error: {one_line(e)}", err=True)
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("\nInterrupted.", err=True)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except BrokenPipeError:
            raise typer.Exit(1) from None
        except Exception as e:
            path = _crash_report(e)
            typer.echo(
                f"Error: unexpected {type(e).__name__}: {one_line(e)[:200]} "
                f"(a bug; the full report is in {path})",
                err=True,
            )
            raise typer.Exit(1) from None
        finally:
            _flush_warnings(ctx)


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
    from sdcli.home import agent_name, resolve_home

    ctx.obj = App(home=resolve_home(home), agent=agent_name(), no_input=no_input or env_no_input(), lang=lang,
                  store_url=store)  # fmt: skip


#: the commands, in the order --help lists them: (command name, module under sdcli/commands)
COMMANDS = [
    ("open", "open"), ("classify", "classify"), ("escalate", "escalate"), ("show", "show"),
    ("list", "list_"), ("shift", "shift"), ("note", "note"), ("ack", "ack"), ("hold", "hold"),
    ("resume", "resume"), ("resolve", "resolve"), ("close", "close"), ("reopen", "reopen"),
    ("import", "import_"), ("export", "export"), ("doctor", "doctor"),
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
GROUPS = [("ssr", "ssr"), ("change", "change"), ("customer", "customer"), ("store", "store_"), ("db", "db")]


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


def main() -> None:
    app(prog_name="sdcli")
