"""The desk's data files, loaded once through one typed, validated loader. No CLI imports.

Every file under sdcli/data/ (and its copy in the home, which replaces it), the home's
contracts.toml and an import's --mapping file is parsed and checked against its shape here:
a value of the wrong type, a required key missing or a key nothing reads (a typo) is a
ConfigError naming the file and the key path, e.g.
``/home/x/escalation.toml: level[2].contacts[0].phone: expected text, got 12``.
The rules of the domain (no sales contact, thresholds in order...) stay with the domain.

Files in the home are refused when the home or the file is writable by group or others:
another user could otherwise plant an escalation table and redirect escalation calls.
"""

from __future__ import annotations

import os
import stat
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sdcli.errors import ConfigError
from sdcli.i18n import Message
from sdcli.mail.settings import PASSWORD_KEYS
from sdcli.mail.settings import SETTINGS as MAIL_SETTINGS
from sdcli.mail.settings import value as mail_value
from sdcli.schemas import MAPPING, OPTIONAL, SCHEMAS, known, schema
from sdcli.shapes import Ctx, ShapeError, W

__all__ = ["MAPPING", "OPTIONAL", "SCHEMAS", "check_private", "known", "load", "load_file", "packaged", "parse",
           "schema"]  # fmt: skip


# --------------------------------------------------------------------------- loading


def parse(raw: bytes, path: Path | str, name: str) -> Any:
    """The validated data of a file's bytes (TOML, or JSON for a .json mapping)."""
    return _checked(raw, path, name)[0]


def _checked(raw: bytes, path: Path | str, name: str) -> tuple[Any, dict[str, dict[str, str]]]:
    """The validated data of a file's bytes, and the normal forms its shape computed."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        from sdcli.inputs import not_utf8

        raise ConfigError("error.config_file", file=str(path), reason=not_utf8(e)) from None
    if str(path).endswith(".json"):
        from sdcli.inputs import parse_json

        try:
            data = parse_json(text)
        except ValueError as e:
            raise ConfigError("error.config_not_json", file=str(path), reason=str(e)[:200]) from None
    else:
        import tomllib  # deferred: a file is parsed only when its checked data is not in the cache

        try:
            data = tomllib.loads(text)
        except (ValueError, RecursionError) as e:  # TOMLDecodeError, an integer of 5,000 digits, [[[[...]]]]
            reason = Message("error.config_nested") if isinstance(e, RecursionError) else str(e)[:200]
            raise ConfigError("error.config_not_toml", file=str(path), reason=reason) from None
    ctx = Ctx(W("object") if str(path).endswith(".json") else W("table"))
    try:
        return schema(name).fit(data, "", ctx), ctx.normals
    except ShapeError as e:
        raise ConfigError("shape.in_file", file=str(path), reason=e.message) from None


#: what check_private refuses, as a refusal names it
PRIVATE = {"home directory": "error.private_home", "desk configuration file": "error.private_desk_file",
           "configuration file": "error.private_config_file"}  # fmt: skip


def check_private(path: Path, what: str) -> os.stat_result | None:
    """Refuse a home, or a desk file in it, that group or others may write (they could plant
    a configuration); `what`: one of PRIVATE. None when it does not exist."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise unreadable(path, e) from None
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise ConfigError("error.config_not_private", file=str(path), what=Message(PRIVATE[what]),
                          mode=f"{stat.S_IMODE(st.st_mode):04o}")  # fmt: skip
    return st


def unreadable(path: Path, e: OSError) -> ConfigError:
    """A desk or configuration file that cannot be read, and the system's reason."""
    return ConfigError("error.config_unreadable", file=str(path), reason=e.strerror or str(e))


_FILES: dict[tuple[str, str], tuple[tuple[int, ...], bytes, Any]] = {}  # (name, path) -> (stat, bytes, data)


def load_file(path: Path, name: str) -> Any:
    """The validated data of one file, checked once per change of the file: in this process
    (a changed file is read again) and across runs (sdcli/data_cache.py, in the run's home)."""
    from sdcli import data_cache

    try:
        st = os.stat(path)
    except OSError as e:
        raise unreadable(path, e) from None
    stamp, settled = data_cache.stamp(st), data_cache.settled(st)
    hit = _FILES.get((name, str(path)))
    if hit is not None and settled and hit[0] == stamp:
        return hit[2]
    cache = data_cache.DataCache.of(_home())
    if settled and hit is None:
        data = cache.get(name, path, stamp)
        if data is not None:
            _remember(name, path, (stamp, b"", data))
            return data
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise unreadable(path, e) from None
    if hit is not None and hit[1] == raw:
        _remember(name, path, (stamp, raw, hit[2]))
        return hit[2]
    data, normals = _checked(raw, path, name)
    _remember(name, path, (stamp, raw, data))
    if settled:
        cache.put(name, path, stamp, data, normals)
    return data


def _remember(name: str, path: Path, entry: tuple[tuple[int, ...], bytes, Any]) -> None:
    if len(_FILES) > 256:
        _FILES.clear()
    _FILES[(name, str(path))] = entry


def _home() -> Path | None:
    """The home of this run (the root command activates its settings), where the cache lives."""
    return _ACTIVE[0].home if _ACTIVE else None


@cache
def packaged(name: str) -> Any:
    """A data file as sdcli ships it, validated (its check kept in the run's home: data_cache)."""
    source = resources.files("sdcli.data").joinpath(f"{name}.toml")
    if isinstance(source, Path) and source.is_file():
        return load_file(source, name)
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        if name in OPTIONAL:
            return {}
        raise
    return parse(raw, str(source), name)


def load(name: str, home: Path | None = None) -> Any:
    """Desk data `name`: <home>/<name>.toml when the desk has one (it must be private), else the
    packaged one; validated either way."""
    if not known(name):
        raise ConfigError("error.no_desk_file", name=name)
    if home is not None:
        override = Path(home) / f"{name}.toml"
        if check_private(Path(home), "home directory") is not None:
            st = check_private(override, "desk configuration file")
            if st is not None and stat.S_ISREG(st.st_mode):
                return load_file(override, name)
    return packaged(name)


# --------------------------------------------------------------------------- settings: the config file

#: the user's config file (default: config.toml in the platform's user config directory)
CONFIG_ENV = "SDCLI_CONFIG"
#: every setting: (its environment variable, what it is) — README: "Configuration"
SETTINGS = {
    "country": "SDCLI_COUNTRY",  # the default country of a site (no default unless set)
    "lang": "SDCLI_LANG",  # es, en or pt
    "tz": "SDCLI_TZ",  # the agent's own time zone (default: the machine's)
    "agent": "SDCLI_AGENT",  # the agent's name in history (default: the OS user)
    "dayfirst": "SDCLI_DAYFIRST",  # 02/12/2026 is 2 December (default true)
    "csv_delimiter": "SDCLI_CSV_DELIMITER",  # , ; | or tab (default ,)
    "store": "SDCLI_STORE",  # the store's URL (default: the embedded store in the home)
    **MAIL_SETTINGS,  # the desk's addresses and SMTP server (sdcli/mail/settings.py)
}
DEFAULTS: dict[str, Any] = {"dayfirst": True, "csv_delimiter": ","}
DELIMITERS = {
    ",": ",",
    ";": ";",
    "|": "|",
    "\t": "\t",
    "comma": ",",
    "semicolon": ";",
    "pipe": "|",
    "tab": "\t",
}


class Settings:
    """The settings in force for a run: each from a flag, else its environment variable, else the
    user's config file, else the desk's (config.toml in the home), else its default."""

    __slots__ = ("values", "sources", "home")

    def __init__(self, values: dict[str, Any], sources: dict[str, str], home: Path | None = None) -> None:
        self.values, self.sources, self.home = values, sources, home

    def __getattr__(self, name: str) -> Any:
        if name in SETTINGS:
            return self.values.get(name, DEFAULTS.get(name))
        raise AttributeError(name)

    def source(self, name: str) -> str:
        return self.sources.get(name, "default")


def user_config_path() -> Path:
    explicit = os.environ.get(CONFIG_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    from sdcli.home import user_dir

    return user_dir("config") / "config.toml"


def desk_config_path(home: Path) -> Path:
    return Path(home) / "config.toml"


def setting_value(name: str, raw: Any, home: Path | None = None) -> Any:
    """A setting's value from text (a flag, a variable, `config set`) or a file's value, checked.
    Raises InvalidValue naming the setting."""
    from sdcli import clock, validate
    from sdcli.errors import InvalidValue
    from sdcli.i18n import LANGS

    if name in PASSWORD_KEYS:
        raise InvalidValue("setting", name, "invalid.no_password")
    if name not in SETTINGS:
        raise InvalidValue("setting", name, "invalid.setting", known=", ".join(SETTINGS))
    if name in MAIL_SETTINGS:
        return mail_value(name, raw)
    if name == "dayfirst":
        return validate.yesno(name, raw)
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidValue(name, raw, "invalid.text")
    text = raw.strip()
    if name == "country":
        from sdcli.home import load_data

        return validate.country(name, text, load_data("countries", home)["countries"])
    if name == "lang":
        if text.lower()[:2] not in LANGS:
            raise InvalidValue(name, raw, "invalid.lang")
        return text.lower()[:2]
    if name == "tz":
        clock.get_tz(text)
        return text
    if name == "csv_delimiter":
        if raw not in DELIMITERS and text.lower() not in DELIMITERS:
            raise InvalidValue(name, raw, "invalid.delimiter")
        return DELIMITERS.get(raw) or DELIMITERS[text.lower()]
    if name == "store" and "://" not in text:
        raise InvalidValue(name, raw, "invalid.store_url")
    return validate.text(name, text, limit=1000)


def _file_settings(path: Path, home: Path | None, *, desk: bool) -> dict[str, Any]:
    from sdcli.errors import InvalidValue

    st = check_private(path, "desk configuration file" if desk else "configuration file")
    if st is None or not stat.S_ISREG(st.st_mode):
        return {}
    data = load_file(path, "config")
    out = {}
    for k, v in data.items():
        try:
            out[k] = setting_value(k, v, home)
        except InvalidValue as e:
            raise ConfigError("error.config_value", file=str(path), key=k, reason=e.reason) from None
    return out


_SETTINGS: dict[tuple[Any, ...], Settings] = {}
_ACTIVE: list[Settings] = []


def settings(home: Path | None = None) -> Settings:
    """The settings for a home: environment > the user's file > the desk's file > defaults."""
    from sdcli.errors import InvalidValue

    if home is None:
        from sdcli.home import resolve_home

        home = resolve_home()
    user, desk = user_config_path(), desk_config_path(home)
    env = tuple(os.environ.get(v) for v in SETTINGS.values())
    key = (str(home), str(user), env, _stamp(user), _stamp(desk))
    hit = _SETTINGS.get(key)
    if hit is not None:
        return hit
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for where, found in (
        (desk, _file_settings(desk, home, desk=True)),
        (user, _file_settings(user, home, desk=False)),
    ):
        for k, v in found.items():
            values[k], sources[k] = v, str(where)
    for name, var in SETTINGS.items():
        raw = os.environ.get(var, "")
        if not raw.strip():
            continue
        try:
            values[name], sources[name] = setting_value(name, raw, home), f"${var}"
        except InvalidValue as e:
            raise ConfigError("error.config_env", var=var, reason=e.reason) from None
    if len(_SETTINGS) > 64:
        _SETTINGS.clear()
    out = _SETTINGS[key] = Settings(values, sources, home)
    return out


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def activate(found: Settings) -> None:
    """The settings of this run (the root command sets them once)."""
    _ACTIVE[:] = [found]


def current() -> Settings:
    """The settings of this run: those the root command activated, else the environment's home's."""
    return _ACTIVE[0] if _ACTIVE else settings()


def write_setting(path: Path, name: str, value: Any) -> None:
    """Set (or, with None, remove) one setting in a config file, written whole, atomically, 0600."""
    from sdcli.store.files import atomic_write, private_dirs

    data = dict(load_file(path, "config")) if path.is_file() else {}
    if value is None:
        data.pop(name, None)
    else:
        data[name] = value
    private_dirs(path.parent)
    atomic_write(path, _toml(data).encode("utf-8"))


def _toml(data: dict[str, Any]) -> str:
    """A flat TOML text (a JSON string is a valid TOML basic string)."""
    import json

    lines = ["# sdcli settings (sdcli config set KEY VALUE; README: Configuration)"]
    for k, v in data.items():
        lines.append(
            f"{k} = {'true' if v is True else 'false' if v is False else json.dumps(v, ensure_ascii=False)}"
        )
    return "\n".join(lines) + "\n"
