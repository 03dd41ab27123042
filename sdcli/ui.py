"""CLI-side helpers shared by the commands: context, output, safe text, interactivity."""

from __future__ import annotations

import json
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

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class App:
    """What the root command resolved for this run."""

    home: Path
    agent: str
    no_input: bool
    lang: str | None = None
    store_url: str | None = None  # --store (else SDCLI_STORE, else the embedded store in home)
    _store: Store | None = None

    def store(self) -> Store:
        """The run's store, opened once (its warnings are printed when the command ends)."""
        if self._store is None:
            from sdcli.store import default_url, open_store, resolve_url

            self._store = open_store(self.store_url, home=self.home)
            if resolve_url(self.store_url, self.home) != default_url(
                self.home
            ):  # say which, when not the default
                info(f"store: {self._store.describe()}")
        return self._store

    def flush_warnings(self) -> None:
        """What a store write finished in spite of a fault (it was saved), told on stderr."""
        if self._store is not None:
            for line in self._store.warnings:
                warn(line)
            self._store.warnings.clear()


def app_of(ctx: typer.Context) -> App:
    root = ctx.find_root()
    if not isinstance(root.obj, App):  # invoked without the root callback (tests of a sub-app)
        from sdcli.home import agent_name, resolve_home

        root.obj = App(home=resolve_home(), agent=agent_name(), no_input=env_no_input())
    return root.obj


def env_no_input() -> bool:
    return os.environ.get(NO_INPUT_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def interactive(app: App, *, no_input: bool = False) -> bool:
    """May sdcli prompt? Never under --no-input / SDCLI_NO_INPUT, never without a TTY on stdin."""
    return not (no_input or app.no_input) and stdin_is_tty()


def clean(text: Any) -> str:
    """User or file text made safe to show: control characters (ANSI escapes, NUL...) made visible."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def one_line(text: Any) -> str:
    return clean(str(text).replace("\n", " ").replace("\r", " "))


def console(*, stderr: bool = False) -> Console:
    """A Rich console: colour only on a terminal and without NO_COLOR (Rich honours both)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False, soft_wrap=False)


def text(value: Any, style: str = "") -> Any:
    """A literal Rich Text: never parsed as markup, control characters shown escaped."""
    from rich.text import Text

    return Text("" if value is None else clean(value), style=style)


def emit_json(data: Any) -> None:
    """Machine output: plain json.dumps to stdout, never through Rich."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def info(message: str) -> None:
    """A diagnostic line for the human, on stderr (keeps stdout clean for pipes)."""
    typer.echo(clean(message), err=True)


def warn(message: str) -> None:
    typer.echo(f"Warning: {clean(message)}", err=True)


JSON_OPTION = typer.Option(False, "--json", help="Write the result as JSON to stdout.")
NO_INPUT_OPTION = typer.Option(
    False, "--no-input", help="Never prompt: a missing answer is an error naming its flag."
)
