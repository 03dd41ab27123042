"""Where sdcli keeps its store, drafts and the desk's configuration."""

from __future__ import annotations

import os
import posixpath
import sys
from pathlib import Path
from typing import Any

HOME_ENV = "SDCLI_HOME"
AGENT_ENV = "SDCLI_AGENT"


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--home`, else $SDCLI_HOME, else the platform's user data directory."""
    value = explicit or os.environ.get(HOME_ENV)
    if value:
        return Path(value).expanduser()
    return user_dir("data")


#: the XDG variable and the default under the home of each user directory sdcli uses (Linux)
_XDG = {"data": ("XDG_DATA_HOME", "~/.local/share"), "config": ("XDG_CONFIG_HOME", "~/.config")}


def user_dir(kind: str) -> Path:
    """sdcli's user data or config directory, as platformdirs gives it. On Linux with an absolute
    $HOME it is the XDG rule ($XDG_..._HOME when absolute, else ~/.local/share or ~/.config, then
    sdcli), worked out here: importing platformdirs was a tenth of `open`'s start-up. Anywhere
    else (macOS, Windows, Android, a relative or missing $HOME) platformdirs decides."""
    var, default = _XDG[kind]
    home = os.environ.get("HOME", "")
    android = hasattr(sys, "getandroidapilevel") or (
        os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system"
    )
    if sys.platform == "linux" and not android and posixpath.isabs(home):
        base = os.environ.get(var, "")
        return Path(os.path.join(base if posixpath.isabs(base) else os.path.expanduser(default), "sdcli"))
    import platformdirs  # deferred: only where the XDG rule above is not the platform's

    found = platformdirs.user_data_dir if kind == "data" else platformdirs.user_config_dir
    return Path(found("sdcli", appauthor=False))


def check_home(home: Path) -> None:
    """Refuse a home that group or others may write: they could plant the desk's configuration
    (an escalation table that redirects calls), read drafts or replace the store."""
    from sdcli.config import check_private

    check_private(home, "home directory")


def private_dir(path: Path) -> Path:
    """A directory of the home (drafts, crash), created 0700 with every missing parent (the home
    itself included) whatever the umask."""
    from sdcli.store.files import private_dirs

    private_dirs(path)  # StoreUnwritable names what could not be created
    return path


def agent_name() -> str:
    """$SDCLI_AGENT, else the config files' agent, else the OS user."""
    from sdcli.config import current

    name = os.environ.get(AGENT_ENV, "").strip() or (current().agent or "")
    if name:
        return name
    import getpass  # deferred: only without SDCLI_AGENT or a configured agent (it imports termios)

    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return f"uid{os.getuid()}"


def _packaged(name: str) -> Any:
    """A data file as shipped, validated (cached)."""
    from sdcli.config import packaged

    return packaged(name)


def load_data(name: str, home: Path | None = None) -> Any:
    """Desk configuration `name`.toml, validated: the desk's copy under home if present, else
    the packaged one. Raises ConfigError naming the file and the key."""
    from sdcli.config import load

    return load(name, home)
