"""What other programs say in English, said in the session's language where sdcli shows it: the
operating system's reasons ("No such file or directory", os.strerror), Python's JSON and TOML
parsers' reasons and their positions ("Expecting value: line 1 column 1 (char 0)"), Python's and
SQLite's limits of a number, PostgreSQL's most frequent refusals ("role "x" does not exist"). No
CLI imports.

sdcli's messages carry those texts as values (a path and its OS reason, a desk file and what its
parser said), often from modules that only hold the English words (the store's files, a draft's
reader). They are translated once, here, in the line as it is shown (cli.error_line, ui.warn,
doctor's and inbox's lines): the gettext way, the English text is the key. The English phrases
are the catalogue's [foreign.*] tables (English catalogue as packaged: what Python says), the OS
reasons os.strerror's own words for the errno names of [foreign.os]. A text no table names is
left as it is (a later Python may word it otherwise), its position still translated.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from functools import cache
from typing import Any

#: the tables of the catalogue whose English texts are other programs' words
TABLES = ("foreign.json", "foreign.toml", "foreign.bounds", "foreign.python", "foreign.postgres")
#: where Python's parsers say a fault is: JSON ": line 1 column 1 (char 0)", TOML " (at line 1,
#: column 3)" and " (at end of document)"
_POSITIONS = (
    (re.compile(r": line (?P<line>\d+) column (?P<column>\d+) \(char (?P<char>\d+)\)"), "foreign.json_at"),
    (re.compile(r" \(at line (?P<line>\d+), column (?P<column>\d+)\)"), "foreign.toml_at"),
    (re.compile(r" \(at end of document\)"), "foreign.toml_end"),
)
_PLACEHOLDER = re.compile(r"\\\{(\w+)\\\}")
#: what a program puts in its words: a repr ('x', "x"), a key's tuple (('a', 'b')), or one token
_VALUE = r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\([^()]*\)|[^\s()]+"""


@cache
def _phrases() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(the English words as a pattern, their catalogue key), longest first; a {placeholder} of
    the English text matches what the program put there, and is kept in the translation."""
    from sdcli.schemas_texts import english

    found: list[tuple[str, str]] = []
    for key, text in english().items():
        if key.startswith("foreign.os."):
            code = getattr(errno, key.rsplit(".", 1)[1], None)
            if code is not None:
                found.append((re.escape(os.strerror(code)), key))
        elif key.rsplit(".", 1)[0] in TABLES:
            found.append((_PLACEHOLDER.sub(lambda m: f"(?P<{m[1]}>{_VALUE})", re.escape(text)), key))
    found.sort(key=lambda p: -len(p[0]))
    return tuple((re.compile(pattern), key) for pattern, key in found)


def said(text: str, lang: str | None = None) -> str:
    """text with other programs' English said in a language (default: the session's); English
    leaves it as it is."""
    from sdcli import i18n

    code = lang or i18n.lang()
    if code == i18n.DEFAULT or not text:
        return text
    for pattern, key in (*_phrases(), *_POSITIONS):  # the reasons, then where the parser says they are
        text = pattern.sub(_put(key, code), text)
    return text


def _put(key: str, code: str) -> Callable[[re.Match[str]], str]:
    from sdcli.i18n import Message

    def put(m: re.Match[str]) -> str:
        params: dict[str, Any] = m.groupdict()
        return Message(key, **params).render(code)

    return put
