"""The message catalogue: every text an agent reads, in Spanish, English and Portuguese. No CLI imports.

The catalogue is data: ``sdcli/data/messages-es.toml``, ``messages-en.toml`` and
``messages-pt.toml``, one key per message (nested tables give dotted keys: ``[error]
no_ticket = ...`` is ``error.no_ticket``). A desk's copy in SDCLI_HOME overrides the keys it
gives (and only those); a key the English catalogue does not have, or a placeholder it does
not use, is refused naming the file and the key.

Code never holds the text, only the key and the values:

    Message("error.no_ticket", id="INC9")        # rendered when shown, in the session's language
    raise UnknownTicket("error.no_ticket", id="INC9")   # domain errors carry a key and parameters

A placeholder may name a vocabulary after a colon: ``{status:status}`` shows the value through
the catalogue's ``status.<value>`` entry (``open`` → ``abierto``), falling back to the value.
Values that are Messages (or anything with ``render(lang)``) are rendered in the same language;
lists are joined. The session's language is set once per run (``use``); ``str()`` of a Message
is English, for logs, crash reports and tests.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LANGS = ("es", "en", "pt")
DEFAULT = "en"
#: the vocabularies a placeholder may name: {value:status} reads catalogue key status.<value>
VOCABULARIES = frozenset(
    {"field", "status", "kind", "channel", "outcome", "action", "yesno", "section", "clock", "method",
     "route", "acceptor", "team", "column", "setting", "source", "weekday", "month", "about"}
)  # fmt: skip

_session: dict[str, Any] = {"lang": DEFAULT, "home": None}


def use(lang: str | None, home: Path | None = None) -> None:
    """Set the session's language (and the home whose catalogue overrides apply)."""
    _session["lang"] = lang if lang in LANGS else DEFAULT
    if home is not None:
        _session["home"] = home


def lang() -> str:
    """The session's language."""
    return str(_session["lang"])


def home() -> Path | None:
    return _session["home"]  # type: ignore[return-value]


# --------------------------------------------------------------------------- the catalogue


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"error": {"no_ticket": "..."}} → {"error.no_ticket": "..."}."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        key = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, Mapping):
            out.update(flatten(v, key))
        else:
            out[key] = v
    return out


_CATALOGUES: dict[tuple[str, str | None], tuple[int, dict[str, str]]] = {}


def catalogue(code: str, where: Path | None = None) -> dict[str, str]:
    """The flat catalogue of a language: the packaged one, with a desk's keys over it."""
    from sdcli import config
    from sdcli.errors import ConfigError

    packaged = config.packaged(f"messages-{code}")
    try:
        desk = config.load(f"messages-{code}", where) if where is not None else packaged
    except ConfigError:  # told where the run starts (check); a message is still shown in the packaged words
        desk = packaged
    key = (code, str(where) if where is not None else None)
    hit = _CATALOGUES.get(key)
    if hit is not None and hit[0] == id(desk):
        return hit[1]
    flat = flatten(packaged)
    if desk is not packaged:
        flat = {**flat, **flatten(desk)}
    _CATALOGUES[key] = (id(desk), flat)
    return flat


def check(code: str, where: Path | None) -> None:
    """Refuse a desk's catalogue that is not valid (ConfigError naming the file and the key)."""
    from sdcli import config
    from sdcli.errors import ConfigError

    if where is not None:
        old = Path(where) / "messages.toml"
        if old.is_file():
            raise ConfigError("error.messages_moved", path=str(old))
        for other in LANGS:  # a desk's catalogue that is wrong is told in every session, not only in its own
            if (Path(where) / f"messages-{other}.toml").exists():  # the packaged ones are sdcli's, checked
                config.load(f"messages-{other}", where)


def template(key: str, code: str | None = None) -> str | None:
    """The text of key in a language (else English); None for a key no catalogue has."""
    code = code or lang()
    where = home()
    for c in (code, DEFAULT):
        text = catalogue(c, where).get(key)
        if text is not None:
            return text
    return None


def placeholders(text: str) -> set[str]:
    """The names a template uses ({id}, {status:status} → id, status)."""
    return {
        name.split(".")[0].split("[")[0]
        for _lit, name, _spec, _conv in string.Formatter().parse(text)
        if name
    }


# --------------------------------------------------------------------------- rendering


class Message:
    """A text to show: a catalogue key and its values, rendered when shown."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key, self.params = key, params

    def render(self, code: str | None = None) -> str:
        return render(self, code)

    def __str__(self) -> str:
        return self.render(DEFAULT)

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.key, self.params) == (other.key, other.params)

    def __hash__(self) -> int:
        return hash(self.key)


class Notice(Message):
    """A finding of `sdcli doctor` that is no fault of the store: data an older version stored that
    the desk corrects by hand or leaves (a currency no ISO code, a second spelling of a customer).
    Shown, never repaired by --fix, and it does not fail the check (exit 0)."""

    __slots__ = ()


class Literal:
    """A text that is not in the catalogue (a file's path, an OS reason, a desk's own words):
    shown as it is in every language."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def render(self, code: str | None = None) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


class Localized:
    """A text of the desk's data given per language ({es, en, pt}) or as one text."""

    __slots__ = ("texts",)

    def __init__(self, texts: Any) -> None:
        self.texts = texts

    def render(self, code: str | None = None) -> str:
        return pick(self.texts, code)

    def __str__(self) -> str:
        return self.render(DEFAULT)


class Joined:
    """Several texts (Messages or plain) shown one after the other with a separator."""

    __slots__ = ("items", "sep")

    def __init__(self, items: list[Any], sep: str = ", ") -> None:
        self.items, self.sep = list(items), sep

    def render(self, code: str | None = None) -> str:
        return self.sep.join(str(show(i, code)) for i in self.items)

    def __str__(self) -> str:
        return self.render(DEFAULT)


class Either(Joined):
    """Alternatives: "open or on_hold", "abierto o en espera" (the catalogue's list.or)."""

    def render(self, code: str | None = None) -> str:
        return (template("list.or", code) or " or ").join(str(show(i, code)) for i in self.items)


#: what a domain module hands the CLI to show: a Message, a Literal, or several joined
Shown = Message | Literal | Joined


def pick(texts: Any, code: str | None = None) -> str:
    """A data file's text in a language: a table {es, en, pt} gives that language's (else
    English, else any); a plain text is the same in every language."""
    if isinstance(texts, Mapping):
        code = code or lang()
        return str(texts.get(code) or texts.get(DEFAULT) or next(iter(texts.values()), ""))
    return "" if texts is None else str(texts)


def message(text: Any) -> Message | Literal:
    """A Message for a catalogue key, a Literal for any other text (what errors are built from)."""
    if isinstance(text, Message | Literal):
        return text
    text = str(text)
    return Message(text) if _looks_like_key(text) else Literal(text)


def _looks_like_key(text: str) -> bool:
    head, dot, rest = text.partition(".")
    return (
        bool(dot and rest)
        and head.isidentifier()
        and head.islower()
        and all(part.replace("-", "_").isidentifier() for part in rest.split("."))
        and template(text) is not None
    )


def word(group: str, value: Any, code: str | None = None) -> str:
    """A value through a vocabulary: the catalogue's `group.value`, else the value itself."""
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if value is None:
        value = "none"
    text = template(f"{group}.{value}", code)
    return str(value) if text is None else text


def show(value: Any, code: str | None = None) -> Any:
    """A parameter as a text shows it: Messages and localized texts rendered, lists joined."""
    if hasattr(value, "render") and not isinstance(value, type):
        return value.render(code)
    if isinstance(value, list | tuple):
        return (template("list.separator", code) or ", ").join(str(show(v, code)) for v in value)
    return value


class _Formatter(string.Formatter):
    def __init__(self, code: str) -> None:
        self.code = code

    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        if isinstance(key, str) and key not in kwargs:
            return "{" + key + "}"  # a placeholder a desk's text uses but this message has no value for
        return super().get_value(key, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec in VOCABULARIES:
            if format_spec == "field":
                return field_name(value, self.code)
            return word(format_spec, value, self.code)
        return super().format_field(show(value, self.code), format_spec)


def field_name(path: Any, code: str | None = None) -> str:
    """A field, or a key path of fields (callback_contacts.email), in a language."""
    parts = str(path).split(".")
    sep = template("field.separator", code) or "."
    return sep.join(word("field", p, code) for p in parts)


def render(msg: Any, code: str | None = None) -> str:
    """A Message (or Literal, or plain text) in a language (default: the session's)."""
    code = code or lang()
    if isinstance(msg, Literal):
        return msg.text
    if not isinstance(msg, Message):
        return str(show(msg, code))
    text = template(msg.key, code)
    if text is None:
        return msg.key
    try:
        return _Formatter(code).vformat(text, (), msg.params)
    except (ValueError, IndexError, AttributeError, TypeError, KeyError):
        return text


def t(key: str, /, **params: Any) -> str:
    """The text of key in the session's language."""
    return render(Message(key, **params))


def t_in(code: str | None, key: str, /, **params: Any) -> str:
    """The text of key in a given language (None: the session's)."""
    return render(Message(key, **params), code)


# --------------------------------------------------------------------------- the session's language


def resolve(explicit: str | None = None, *, fresh: bool = False) -> str:
    """--lang, else SDCLI_LANG, else the config files' `lang`, else the locale, else English.
    Raises InvalidValue for a language sdcli does not speak. `fresh`: the settings read now, not
    those a run activated (a help shown before this run's root command did)."""
    import locale
    import os

    from sdcli import config
    from sdcli.errors import InvalidValue

    if explicit:
        code = explicit.strip().lower()[:2]
        if code not in LANGS:
            raise InvalidValue("lang", explicit, "invalid.lang")
        return code
    configured = (config.settings() if fresh else config.current()).lang
    if configured:
        return str(configured)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value[:2].lower() in LANGS:
            return value[:2].lower()
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return loc[:2].lower() if loc[:2].lower() in LANGS else DEFAULT


def asked(args: list[str]) -> str | None:
    """The language a command line names with `--lang X` (the last one, on the root or a command),
    read before any command parsed it: what that invocation's --help is shown in."""
    code = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = arg[7:] if arg[:7] == "--lang=" else ""
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        if value.strip().lower()[:2] in LANGS:
            code = value.strip().lower()[:2]
    return code


def resolve_quietly(*, fresh: bool = False) -> str:
    """The session's language before the root command ran (a setting file that cannot be read:
    SDCLI_LANG's, else English, so that its error is still told in the language asked for)."""
    import os

    from sdcli.errors import SdcliError

    try:
        return resolve(fresh=fresh)
    except SdcliError:
        env = os.environ.get("SDCLI_LANG", "").strip().lower()[:2]
        return env if env in LANGS else DEFAULT


# --------------------------------------------------------------------------- messages kept as data


def as_data(value: Any) -> Any:
    """A Message as data a document can store ({key, params}), to be shown later in any language
    (the reason an e-mail's answer was refused, why the mail server refused an update)."""
    if isinstance(value, Message):
        return {"key": value.key, "params": {k: as_data(v) for k, v in value.params.items()}}
    if isinstance(value, list | tuple):
        return [as_data(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def from_data(value: Any) -> Any:
    """What as_data stored, as Messages again (a text that is no Message shows as it is)."""
    if isinstance(value, dict) and set(value) == {"key", "params"} and isinstance(value["params"], dict):
        return Message(str(value["key"]), **{k: from_data(v) for k, v in value["params"].items()})
    if isinstance(value, list):
        return [from_data(v) for v in value]
    return Literal(value) if isinstance(value, str) else value
