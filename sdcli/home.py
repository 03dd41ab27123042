"""Where sdcli keeps its store, drafts and the desk's configuration."""

from __future__ import annotations

import getpass
import os
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sdcli.errors import ConfigError

HOME_ENV = "SDCLI_HOME"
AGENT_ENV = "SDCLI_AGENT"


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--home`, else $SDCLI_HOME, else the platform's user data directory."""
    value = explicit or os.environ.get(HOME_ENV)
    if value:
        return Path(value).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("sdcli", appauthor=False))


def agent_name() -> str:
    """$SDCLI_AGENT, else the OS user."""
    name = os.environ.get(AGENT_ENV, "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return f"uid{os.getuid()}"


@cache
def _packaged(name: str) -> dict[str, Any]:
    text = resources.files("sdcli.data").joinpath(f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def load_data(name: str, home: Path | None = None) -> dict[str, Any]:
    """Desk configuration `name`.toml: the desk's copy under home if present, else the packaged one."""
    if home is not None:
        override = home / f"{name}.toml"
        if override.is_file():
            try:
                return tomllib.loads(override.read_text("utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
                raise ConfigError(f"{override}: {e}") from None
    return _packaged(name)
