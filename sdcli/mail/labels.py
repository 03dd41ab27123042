"""Questionnaire labels found in a message's text, and the raw answer after each. No CLI imports.

A label is matched at the start of a line whatever its accents, case, punctuation, spacing or
bullet ("• ¿Se realizó un reinicio en el (los) equipo (s)?" and "se realizo un reinicio en el los
equipo(s)" are one label), with or without the parenthesis it carries; the answer follows a
':' or '?' on the same line, or the label has three words or more, or it is on the next lines
(an answer goes on over the lines that follow it until a blank line, the next label or a
closing such as "Saludos"). Each label belongs to the languages it is written in, and the
language most of the matched labels share is the message's.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sdcli.store.query import fold

_WORD = re.compile(r"\w+")
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}|[a-zA-Z])[.)]\s+")
_SEPARATOR = re.compile(r"^[\s:?¿¡!*=.\-–—)\]]+")
_PAREN = re.compile(r"^\s*\([^)]*\)")
_CLOSINGS = frozenset(fold(w) for w in (
    "saludos", "atentamente", "cordialmente", "gracias", "muchas gracias", "att", "atte", "regards", "best regards",
    "kind regards", "thanks", "thank you", "obrigado", "obrigada", "abraços", "atenciosamente", "un saludo",
))  # fmt: skip
#: a message with fewer labels than this is not a questionnaire (a label or two can be prose)
MIN_LABELS = 3


#: a word folded once per run (the words of labels recur in every message)
_fold_word = functools.lru_cache(maxsize=65536)(fold)


def tokens(text: str) -> list[tuple[str, int]]:
    """The words of a text, folded, each with where it ends in the text."""
    return [(_fold_word(m.group()), m.end()) for m in _WORD.finditer(text)]


def variants(label: str) -> set[tuple[str, ...]]:
    """A label's word sequences: as written, and without its parentheses or a trailing '*'."""
    bare = re.sub(r"\([^)]*\)", " ", label).replace("*", " ")
    return {tuple(w for w, _ in tokens(v)) for v in (label, bare)} - {()}


@dataclass
class Found:
    """What a text answers: raw text per key, in the order found, and the languages of the labels."""

    answers: dict[str, str] = field(default_factory=dict)
    langs: Counter[str] = field(default_factory=Counter)

    @property
    def lang(self) -> str | None:
        """The language most labels share (None when no one language has the most)."""
        ranked = self.langs.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]


class Labels:
    """The labels of a form (key → language → spellings), ready to be matched in text."""

    def __init__(self, spellings: Iterable[tuple[str, str, str]]) -> None:
        by_words: dict[tuple[str, ...], tuple[str, set[str]]] = {}
        for key, lang, label in spellings:
            for words in variants(label):
                owner, langs = by_words.setdefault(words, (key, set()))
                if owner == key:
                    langs.add(lang)
        self.first: dict[str, list[tuple[tuple[str, ...], str, frozenset[str]]]] = {}
        for words, (key, langs) in by_words.items():
            self.first.setdefault(words[0], []).append((words, key, frozenset(langs)))
        for entries in self.first.values():
            entries.sort(key=lambda e: -len(e[0]))
        self.longest = max((len(words) for words in by_words), default=0)

    def match(self, line: str) -> tuple[str, frozenset[str], str] | None:
        """(key, languages, the answer on the line) when the line starts with a label."""
        line = _NUMBERING.sub("", line, count=1)
        first = _WORD.search(line)
        entries = self.first.get(_fold_word(first.group())) if first else None
        if not entries:  # most lines of an answer: no label starts with their first word
            return None
        words = [
            (_fold_word(m.group()), m.end()) for m in itertools.islice(_WORD.finditer(line), self.longest)
        ]
        for label, key, langs in entries:
            n = len(label)
            if len(words) < n or tuple(w for w, _ in words[:n]) != label:
                continue
            rest = line[words[n - 1][1] :]
            stripped = _PAREN.sub("", rest, count=1)
            separated = not stripped.strip() or bool(re.match(r"^[\s)\]]*[:?=\-–—]", stripped))
            if not separated and n < 3:
                continue
            return key, langs, _SEPARATOR.sub("", stripped, count=1).strip()
        return None

    def scan(self, text: str) -> Found:
        found = Found()
        key: str | None = None
        parts: list[str] = []

        def close() -> None:
            if key is not None and key not in found.answers:
                found.answers[key] = "\n".join(parts).strip()

        for line in text.split("\n"):
            hit = self.match(line)
            if hit is not None:
                close()
                key, langs, answer = hit
                if key not in found.answers:
                    found.langs.update(langs)
                parts = [answer] if answer else []
                continue
            if key is None:
                continue
            if fold(line.strip().rstrip(",.!")) in _CLOSINGS:
                break
            if not line.strip():
                if parts:  # a blank line ends an answer that has begun
                    close()
                    key, parts = None, []
                continue
            parts.append(line.strip())
        close()
        return found


def question_labels(questions: Iterable[object]) -> Labels:
    """The labels of the incident questionnaire: each question's label and email_labels."""
    out = []
    for q in questions:
        for lang, text in q.label.items():  # type: ignore[attr-defined]
            out.append((q.key, lang, text))  # type: ignore[attr-defined]
        for lang, texts in q.email_labels.items():  # type: ignore[attr-defined]
            out.extend((q.key, lang, t) for t in texts)  # type: ignore[attr-defined]
    return Labels(out)


#: words that deny what follows in their clause ("el enlace no está caído", "não está lento")
_NEGATIONS = frozenset({"no", "nao", "not", "isnt", "ni", "nem", "nunca", "never"})


def pick_choice(choices: list[dict[str, object]], text: str) -> str | None:
    """The one choice an answer names by a label or an e-mail spelling; None when it names none,
    several ("no está caído, pero está lento": which one is not for sdcli to guess; the answer is
    then missing and `sdcli complete` asks it), or only denies one ("el enlace no está caído")."""
    words = [w for w, _ in tokens(text)]
    starts = [m.start() for m in _WORD.finditer(text)]  # the same words, where each begins
    named: dict[str, bool] = {}  # value -> affirmed somewhere (else only denied)
    for c in choices:
        spellings = [str(v) for k, v in c.items() if isinstance(v, str) and k != "value"]
        spellings.append(str(c["value"]).replace("_", " "))
        extra = c.get("email_labels")
        if isinstance(extra, dict):
            spellings.extend(str(s) for texts in extra.values() for s in texts)
        for s in spellings:
            want = [w for w, _ in tokens(s)]
            for i in range(len(words) - len(want) + 1):
                if want and words[i : i + len(want)] == want:
                    value = str(c["value"])
                    named[value] = named.get(value, False) or not _denied(text, words, starts, i)
    affirmed = [v for v, yes in named.items() if yes]
    return affirmed[0] if len(affirmed) == 1 and len(named) == 1 else None


def _denied(text: str, words: list[str], starts: list[int], i: int) -> bool:
    """Whether a negation stands within the two words before word i, in its clause (no , ; . between)."""
    for j in (i - 1, i - 2):
        if j >= 0 and words[j] in _NEGATIONS:
            return not re.search(r"[,;.:!?]", text[starts[j] : starts[i]])
    return False
