"""Drafts of an intake in progress: every answer is saved as it is given (0600, atomic)."""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sdcli import clock
from sdcli.errors import UnknownDraft
from sdcli.store import atomic_write, dumps


@dataclass
class Draft:
    id: str
    agent: str
    started_at: str
    updated_at: str
    answers: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)  # lang, country, tz, channel, received_at
    pending: dict[str, Any] = field(default_factory=dict)  # the contacts of a question not finished yet

    @property
    def title(self) -> str:
        who = self.answers.get("customer") or "?"
        site = self.answers.get("site") or "?"
        return f"{self.id}  {who} / {site}  ({len(self.answers)} answers, {self.updated_at})"


def _dir(home: Path) -> Path:
    return home / "drafts"


def new(home: Path, agent: str, options: dict[str, Any]) -> Draft:
    stamp = clock.iso(clock.now())
    did = "D" + clock.now().strftime("%Y%m%d%H%M%S") + secrets.token_hex(2)
    return Draft(id=did, agent=agent, started_at=stamp, updated_at=stamp, options=dict(options))


def save(home: Path, draft: Draft) -> Path:
    d = _dir(home)
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    draft.updated_at = clock.iso(clock.now())
    path = d / f"{draft.id}.json"
    atomic_write(path, dumps(asdict(draft)))
    return path


def load(home: Path, draft_id: str) -> Draft:
    path = _dir(home) / f"{draft_id.strip()}.json"
    if "/" in draft_id or not path.is_file():
        raise UnknownDraft(f"no draft {draft_id!r} in {_dir(home)}")
    return Draft(**json.loads(path.read_text("utf-8")))


def all_drafts(home: Path) -> list[Draft]:
    d = _dir(home)
    if not d.is_dir():
        return []
    out = []
    for path in sorted(d.glob("D*.json")):
        try:
            out.append(Draft(**json.loads(path.read_text("utf-8"))))
        except (ValueError, TypeError, OSError):
            continue
    return sorted(out, key=lambda x: x.updated_at, reverse=True)


def remove(home: Path, draft: Draft) -> None:
    try:
        (_dir(home) / f"{draft.id}.json").unlink()
    except FileNotFoundError:
        pass
