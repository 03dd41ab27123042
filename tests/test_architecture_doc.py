"""The README's architecture section names every module of the tree, and no module that is gone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sdcli"
#: packages whose modules the section describes together (one thin file per command)
AS_A_WHOLE = {"commands"}


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Architecture\n")
    block = re.search(r"```\n(sdcli/\n.*?)```", text[start:], re.S)
    assert block, "the architecture section starts with the tree of sdcli/"
    return block.group(1)


def _named(section: str) -> set[str]:
    """The modules the tree names, as paths under sdcli/: a name under a package's line is in it."""
    named: set[str] = set()
    package = ""
    for line in section.splitlines()[1:]:
        head = re.match(r"  (\S+/)", line)
        if head:
            package = head.group(1)
        elif re.match(r"  \S", line):
            package = ""
        for name in re.findall(r"\b([a-z0-9_]+\.py)\b", line):
            named.add(package + name)
        named.update(d for d in re.findall(r"\b([a-z_]+/)", line) if d != "sdcli/")
    return named


def test_every_module_is_in_the_readme_and_every_named_module_exists() -> None:
    named = _named(_section())
    modules = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        top = rel.split("/")[0]
        if top in AS_A_WHOLE:
            modules.add(top + "/")
        elif path.name == "__init__.py" and rel != "__init__.py":
            modules.add(rel.rsplit("/", 1)[0] + "/")
        elif rel not in ("__init__.py", "__main__.py"):
            modules.add(rel)
    missing = sorted(modules - named)
    gone = sorted(n for n in named - modules if not (PACKAGE / n).exists() and n.endswith(".py"))
    assert not missing, f"modules the README's architecture section does not name: {missing}"
    assert not gone, f"modules the README's architecture section names that are not in the tree: {gone}"
