"""The shapes of sdcli's language files: the message catalogues (messages-<lang>.toml, each held
to the English one) and the command reference's translations (help-<lang>.toml). Split from
schemas.py, whose SCHEMAS names them. No CLI imports."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from sdcli.i18n import Message
from sdcli.shapes import Check, OneOf, R, Shape, ShapeError, Table, Text, W, map_of


def catalogue(lang: str) -> Callable[[], Shape]:
    """A message catalogue (messages-<lang>.toml): tables of texts, one key per message. Every key
    must be one the English catalogue has, using no placeholder its English text does not use."""

    def shape() -> Shape:
        from sdcli.i18n import flatten, placeholders

        def text(value: str) -> Message | None:
            import string

            try:
                list(string.Formatter().parse(value))
            except ValueError as e:
                return R("bad_template", reason=str(e))
            return None

        inner = Table(what=W("messages_table"))
        inner.rest = OneOf((Check(Text(empty=True, limit=2000), text), inner), what=W("text_or_table"))
        node = Table(rest=inner.rest, what=W("messages_table"))

        def agree(data: dict[str, Any], path: str) -> None:
            english = _english()
            for key, value in flatten(data).items():
                if key not in english:
                    raise ShapeError(key, R("unknown_message"))
                extra = sorted(placeholders(value) - placeholders(english[key]))
                if extra:
                    names = ", ".join(sorted(placeholders(english[key])))
                    raise ShapeError(key, R("not_placeholder", name=extra[0], names=names) if names
                                     else R("no_placeholder", name=extra[0]))  # fmt: skip

        node.then = agree
        return node

    return shape


def english() -> dict[str, str]:
    """The packaged English catalogue, flat (the English words of other programs: foreign.py)."""
    return _english()


@cache
def _english() -> dict[str, str]:
    """The packaged English catalogue, flat, as written (what every other catalogue is held to)."""
    import tomllib
    from importlib import resources

    from sdcli.i18n import flatten

    return flatten(
        tomllib.loads(resources.files("sdcli.data").joinpath("messages-en.toml").read_text("utf-8"))
    )


def reference() -> Shape:
    """The command reference in a language (help-es.toml, help-pt.toml): per command path, its texts."""
    text = Text(limit=4000)
    return map_of(Table({"help": text, "short": text, "epilog": text, "params": map_of(text)}))
