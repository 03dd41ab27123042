"""Small declarative shapes of plain data (parsed TOML or JSON), checked with the key path of
the first value that does not fit. No CLI imports, no dependency.

One engine for every shape sdcli checks: the desk's data files (sdcli/config.py) and the
structured fields a ticket stores (sdcli/stored.py). A shape names what it expects; a value
that does not fit raises ShapeError("level[2].contacts[0].phone", Message("shape.expected", ...)):
its reason is a catalogue message ("expected text, got 12", "se esperaba texto, se recibió 12"),
rendered in the session's language where it is shown; str() is English. The key path is shown
as it is (the file's own keys).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from sdcli.i18n import Either, Joined, Literal, Message

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def W(key: str) -> Message:
    """What a shape expects, or what a value is, as the catalogue names it (shape.what.<key>)."""
    return Message(f"shape.what.{key}")


def R(key: str, /, **params: Any) -> Message:
    """A reason a value does not fit (shape.<key>), with its values."""
    return Message(f"shape.{key}", **params)


#: what a reason or a shape's `what` may be: a catalogue message, or a text shown as it is
Said = Message | Literal | Joined | str


def said(text: Said) -> Message | Literal | Joined:
    return Literal(text) if isinstance(text, str) else text


class ShapeError(ValueError):
    "A value does not have the shape it should"

    def __init__(self, path: str, reason: Said) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, said(reason)

    def __str__(self) -> str:  # English, made when asked (a OneOf tries shapes that fail, unseen)
        return f"{self.path}: {self.reason}" if self.path else str(self.reason)

    @property
    def message(self) -> Message | Literal | Joined:
        """The key path and the reason, to be shown in the session's language."""
        return R("at", path=self.path, reason=self.reason) if self.path else self.reason


def key_path(parent: str, key: object) -> str:
    """a.b, a[2], a."2 - Medium": where a value sits, as the error names it."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    text = str(key)
    part = text if _PLAIN_KEY.match(text) else '"' + text.replace('"', '\\"') + '"'
    return f"{parent}.{part}" if parent else part


def shown(value: Any, table: Said | None = None) -> Any:
    """A value as an error message shows it: scalars as written, containers by their kind (a
    Message: "a list", "una lista")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return repr(value) if value.bit_length() < 200 else W("very_large_number")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return repr(text).encode("ascii", "backslashreplace").decode("ascii")
    if isinstance(value, dict):
        return W("object") if table is None else said(table)
    if isinstance(value, list | tuple):
        return W("list")
    if isinstance(value, datetime | date | time):
        return W("date_time")
    return type(value).__name__


class Shape:
    """What a value must be. Subclasses implement `fit` (return the value, or raise ShapeError)."""

    what: Said = W("value")

    def fit(self, value: Any, path: str, ctx: Ctx) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def refuse(self, value: Any, path: str, ctx: Ctx, what: Said | None = None) -> ShapeError:
        return ShapeError(path, R("expected", what=said(what or self.what), got=shown(value, ctx.table)))


class Ctx:
    def __init__(self, table: Said | None = None) -> None:
        #: how a dict is named in messages ("an object"; "a table" for TOML files)
        self.table = W("object") if table is None else said(table)
        #: normal forms shapes computed, {kind: {value as written: normal form}} (a cache of the
        #: checked data keeps them, so that a later run need not compute them again: config.py)
        self.normals: dict[str, dict[str, str]] = {}


def check(shape: Shape, value: Any, path: str = "", *, table: Said | None = None) -> Any:
    """The value if it fits the shape; else ShapeError naming the path of the first misfit."""
    return shape.fit(value, path, Ctx(table))


class Text(Shape):
    """A string: not empty (unless empty=True), at most `limit` characters, no NUL, no lone
    surrogate (text that is not valid Unicode), one of `choices` if given."""

    what = W("text")

    def __init__(
        self, *, empty: bool = False, limit: int = 10_000, choices: tuple[str, ...] | None = None
    ) -> None:
        self.empty, self.limit, self.choices = empty, limit, choices

    def fit(self, value: Any, path: str, ctx: Ctx) -> Any:
        if not isinstance(value, str):
            raise self.refuse(value, path, ctx)
        if not self.empty and not value.strip():
            raise ShapeError(path, R("not_empty"))
        if len(value) > self.limit:
            raise ShapeError(path, R("too_long", limit=self.limit))
        if bad_char(value):
            raise ShapeError(path, R("bad_char"))
        if self.choices is not None and value not in self.choices:
            raise ShapeError(path, R("one_of", choices=", ".join(self.choices), got=shown(value)))
        return value


def valid_unicode(text: str) -> bool:
    """False for text holding a lone surrogate (what invalid UTF-8 becomes in Python: it cannot
    be written as UTF-8, so a store, a file or a terminal would refuse it later)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def bad_char(text: str) -> bool:
    """Whether text holds a NUL or a lone surrogate."""
    return "\x00" in text or not valid_unicode(text)


#: the instants sdcli accepts: deadlines and business days are counted from them
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC)
RANGE = "is out of the range sdcli accepts (the years 1900 to 2999)"  # English, as instants.py says it


def in_range(dt: datetime) -> bool:
    """Whether an aware instant is within the years sdcli counts in."""
    return EARLIEST <= dt < LATEST


class IsoTime(Shape):
    """A date and time in ISO 8601 with its UTC offset (how sdcli stores instants)."""

    what = W("iso_time")

    def fit(self, value: Any, path: str, ctx: Ctx) -> Any:
        if not isinstance(value, str) or len(value) > 64:
            raise self.refuse(value, path, ctx)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise self.refuse(value, path, ctx) from None
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            raise ShapeError(path, R("no_offset", value=shown(value)))
        if not in_range(parsed):
            raise ShapeError(path, R("out_of_range", value=shown(value)))
        return value


class Int(Shape):
    """A whole number (not a boolean), within [min, max]."""

    what = W("whole_number")

    def __init__(self, min: int | None = None, max: int | None = None) -> None:
        self.min, self.max = min, max

    def fit(self, value: Any, path: str, ctx: Ctx) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.refuse(value, path, ctx)
        _bounds(self, value, path)
        return value


class Number(Shape):
    """A finite number, whole or not (not a boolean), within [min, max]."""

    what = W("number")

    def __init__(self, min: float | None = None, max: float | None = None) -> None:
        self.min, self.max = min, max

    def fit(self, value: Any, path: str, ctx: Ctx) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.refuse(value, path, ctx)
        if isinstance(value, float) and not math.isfinite(value):
            raise self.refuse(value, path, ctx, W("finite_number"))
        if isinstance(value, int) and value.bit_length() > 64:
            raise ShapeError(path, R("too_large"))
        _bounds(self, value, path)
        return value


def _bounds(shape: Int | Number, value: float, path: str) -> None:
    if shape.min is not None and value < shape.min:
        raise ShapeError(path, R("at_least", limit=shape.min, got=shown(value)))
    if shape.max is not None and value > shape.max:
        raise ShapeError(path, R("at_most", limit=shape.max, got=shown(value)))


class Bool(Shape):
    what = W("true_false")

    def fit(self, value: Any, path: str, ctx: Ctx) -> Any:
        if not isinstance(value, bool):
            raise self.refuse(value, path, ctx)
        return value


class Null(Shape):
    what = W("null")

    def fit(self, value: Any, path: str, ctx: Ctx) -> Any:
        if value is not None:
            raise self.refuse(value, path, ctx)
        return value


class Anything(Shape):
    """Any plain value (its depth and size are bounded where it was read)."""

    def fit(self, value: Any, path: str, ctx: Ctx) -> Any:
        return value


class OneOf(Shape):
    """The first of several shapes that fits; else a refusal naming them all."""

    def __init__(self, shapes: tuple[Shape, ...], *, what: Said = "") -> None:
        self.shapes, self.what = shapes, what

    def fit(self, value: Any, path: str, ctx: Ctx) -> Any:
        for s in self.shapes:
            try:
                return s.fit(value, path, ctx)
            except ShapeError:
                continue
        raise self.refuse(value, path, ctx, self.what or Either([s.what or ctx.table for s in self.shapes]))


class Nullable(Shape):
    """null, or a value of the shape (whose own refusal names what is wrong inside it)."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.what = Either([shape.what, W("null")])

    def fit(self, value: Any, path: str, ctx: Ctx) -> Any:
        return None if value is None else self.shape.fit(value, path, ctx)


def nullable(shape: Shape) -> Shape:
    return Nullable(shape)


class ListOf(Shape):
    def __init__(
        self, item: Shape, *, min: int = 0, max: int | None = None, what: Said | None = None
    ) -> None:
        self.item, self.min, self.max, self.what = item, min, max, W("list") if what is None else what

    def fit(self, value: Any, path: str, ctx: Ctx) -> Any:
        if not isinstance(value, list):
            raise self.refuse(value, path, ctx)
        if len(value) < self.min:
            raise ShapeError(path, R("not_empty") if self.min == 1 else R("min_items", n=self.min))
        if self.max is not None and len(value) > self.max:
            raise ShapeError(path, R("max_items", n=self.max))
        return [self.item.fit(v, key_path(path, i), ctx) for i, v in enumerate(value)]


class Table(Shape):
    """An object with known keys: `fields` (those in `required` must be there); a key not
    known is refused by name, unless `rest` gives the shape of any other key's value.
    `keys` checks the text of those other keys; `then` checks the whole once its parts fit."""

    def __init__(
        self,
        fields: dict[str, Shape] | None = None,
        *,
        required: Iterable[str] = (),
        rest: Shape | None = None,
        keys: Shape | None = None,
        then: Callable[[dict[str, Any], str], None] | None = None,
        min: int = 0,
        what: Said = "",
    ) -> None:
        self.fields, self.required, self.rest, self.keys = fields or {}, tuple(required), rest, keys
        self.then, self.min, self.what = then, min, what

    def fit(self, value: Any, path: str, ctx: Ctx) -> Any:
        if not isinstance(value, dict):
            raise self.refuse(value, path, ctx, self.what or ctx.table)
        if len(value) < self.min:
            raise ShapeError(path, R("not_empty"))
        out: dict[str, Any] = {}
        for k, v in value.items():
            where = key_path(path, k)
            shape = self.fields.get(k)
            if shape is None:
                if self.rest is None:
                    known = ", ".join(self.fields)
                    raise ShapeError(where, R("unknown_key", known=known) if known else R("unknown_key_none"))
                if self.keys is not None:
                    self.keys.fit(k, where, ctx)
                elif not isinstance(k, str) or bad_char(k):
                    raise ShapeError(where, R("bad_key"))
                shape = self.rest
            out[k] = shape.fit(v, where, ctx)
        for k in self.required:
            if k not in value:
                raise ShapeError(key_path(path, k), R("missing"))
        if self.then is not None:
            self.then(out, path)
        return out


def map_of(value: Shape, *, keys: Shape | None = None, min: int = 0) -> Table:
    """An object whose keys are free (checked by `keys`), every value of one shape."""
    return Table(rest=value, keys=keys, min=min)


class Check(Shape):
    """A shape, then a test of the value it gives: test(value) returns a reason to refuse (a
    Message of the catalogue), or None."""

    def __init__(self, shape: Shape, test: Callable[[Any], Said | None], *, what: Said = "") -> None:
        self.shape, self.test, self.what = shape, test, what or shape.what

    def fit(self, value: Any, path: str, ctx: Ctx) -> Any:
        out = self.shape.fit(value, path, ctx)
        reason = self.test(out)
        if reason:
            raise ShapeError(path, reason)
        return out
