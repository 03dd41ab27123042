"""Freeze the English texts an agent saw before the catalogue (issue 15). Run ONCE, on the code
as it was before the translation (commit ce015de); its output is tests/data/english_messages.txt,
committed, which the language-session tests check against. Not part of the suite.

What it takes:
- every string literal and f-string of sdcli/**/*.py (an f-string's values become `{}`), except
  docstrings, --help texts, and strings that hold no word of three letters or more (file modes,
  formats, regular expressions, separators);
- the English texts of the data files an agent sees (questions, choices, severities, reasons,
  SSR categories, change types, workflow labels and rules, messages, the escalation table's
  level names and roles);
- the chrome of questionary an agent saw ("(Use arrow keys)") and Python reprs that leaked
  into texts (True, False, None).

Usage: python tests/tools/freeze_english.py > tests/data/english_messages.txt
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[A-Za-z]{3,}")
#: texts that are machinery, never shown: codecs, modules, zones, file names, formats, regexes
MACHINE = re.compile(
    r"^(?:utf-8(?:-sig)?|ascii|backslashreplace|surrogate\w*|strict|replace|"
    r"[\w.]+:[A-Z]\w+|sdcli\.[\w.]+|America/\w+|Europe/\w+|UTC|"
    r"[\w-]+\.(?:toml|json|sqlite|lock|log|tmp)|%[^ ]*|\\?[()\[\]^$|\\?*+{}.].*|"
    r"(?:SELECT|INSERT|CREATE|DELETE|PRAGMA|WHEN|LIMIT|BEGIN|COMMIT|DESC|AND)\b.*|"
    r".*(?:= \?|IN \(\{\}\)|= \{\}|= [01]|> 0|\{\}, number\{\}).*|"
    r"--[\w-]+(?:/--[\w-]+)?|_?[A-Z][a-z]+[A-Z]\w*|_\w+|[A-Z][A-Z_]+|class:\w+|[\w.-]+@[\w.-]+)$"
)
#: the store's contract suite is test code (its strings are test data)
NOT_SHOWN = ("store/contract.py",)


def _docstrings(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _skipped(tree: ast.AST) -> set[int]:
    """Nodes under help= / metavar= keywords and Typer(help=...)."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("help", "metavar", "envvar", "name"):
            ids.update(id(n) for n in ast.walk(node.value))
    return ids


def _template(node: ast.JoinedStr) -> str:
    out = []
    for part in node.values:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            out.append(part.value)
        else:
            out.append("{}")
    return "".join(out)


def from_code() -> set[str]:
    found: set[str] = set()
    for path in sorted((ROOT / "sdcli").rglob("*.py")):
        if path.as_posix().endswith(NOT_SHOWN):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree) | _skipped(tree)
        inner: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                inner.update(id(v) for v in node.values)
        for node in ast.walk(tree):
            if id(node) in skip or id(node) in inner:
                continue
            if isinstance(node, ast.JoinedStr):
                found.add(_template(node))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def _en(value: object) -> list[str]:
    if isinstance(value, dict):
        return [str(value["en"])] if "en" in value else []
    return [str(value)] if isinstance(value, str) else []


def from_data() -> set[str]:
    data = ROOT / "sdcli" / "data"
    load = lambda name: tomllib.loads((data / f"{name}.toml").read_text(encoding="utf-8"))  # noqa: E731
    out: set[str] = set()
    for q in load("questionnaire")["question"]:
        out.update(_en(q["label"]))
        for c in q.get("choices", []):
            out.update(_en(c))
    for lv in load("severity")["level"]:
        out.update(_en(lv.get("name")) + _en(lv.get("qualifies")))
    for rule in load("classification")["rule"]:
        out.update(_en(rule.get("reason")))
    ssr = load("ssr")
    for c in ssr["category"]:
        out.update(_en(c["label"]))
        out.update(f["key"] for f in c["fields"])
    out.update(_en(ssr["confirmation"]))
    out.update(str(t["en"]) for t in load("change")["type"])
    for kind in load("workflow").values():
        for a in kind["actions"].values():
            out.update(str(a[k]) for k in ("label", "rule") if k in a)
    messages = load("messages")
    out.update(_en(messages["ack"]))
    for entry in messages["ui"].values():
        out.update(_en(entry))
    for lv in load("escalation")["level"]:
        out.add(str(lv["name"]))
        out.update(str(c["role"]) for c in lv["contacts"] if c.get("role"))
    return out


CHROME = {"(Use arrow keys)", "True", "False", "None"}


def main() -> None:
    texts = {t for t in from_code() | from_data() | CHROME if t.strip()}
    normal = {" ".join(t.split()) for t in texts}
    kept = sorted(t for t in normal if (WORD.search(t) or t in CHROME) and not MACHINE.match(t))
    sys.stdout.write(
        "# The English texts an agent saw before issue 15 (extracted from commit ce015de by\n"
        "# tests/tools/freeze_english.py; frozen: do not regenerate). One text a line; {} stands for a\n"
        "# value. tests/test_languages.py checks that Spanish and Portuguese sessions show none of them.\n"
    )
    for t in kept:
        sys.stdout.write(t.replace("\n", " ") + "\n")


if __name__ == "__main__":
    main()
