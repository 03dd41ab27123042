"""Drafts of an intake in progress: every answer is saved as it is given (0600, atomic).

A draft is read back only through `read`, which checks its shape: a corrupt or hand-edited
draft is a one-line refusal naming the file, never a crash of `open --resume`.

A run that walks or resumes a draft holds it (`claim`, `take`): a lock on `<id>.lock` beside it,
so one run at a time uses a draft (three scripts resuming it file one ticket). The system frees
the lock when the run ends, however it ends: a killed run leaves nothing to free by hand. Who
holds it and since when is written beside it (`<id>.held`), read only while the lock is held
(`holder`: `drafts list` and a second run's refusal say it).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sdcli import clock
from sdcli.errors import DraftDamaged, DraftInUse, RefusedTransition, UnknownDraft
from sdcli.store import atomic_write, dumps

_ID = re.compile(r"^D\d{14}[0-9a-f]{4}$")
#: the forms a draft can belong to (options.form; none: the incident questionnaire, as before)
FORMS = ("incident", "ssr", "change")
#: the command that resumes a form's draft (sdcli COMMAND --resume --draft ID)
COMMANDS = {"incident": "open", "ssr": "ssr", "change": "change"}


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
    def form(self) -> str:
        return str(self.options.get("form") or "incident")

    @property
    def title(self) -> str:
        who = self.answers.get("customer") or "?"
        site = self.answers.get("site") or "?"
        from sdcli.dates import When
        from sdcli.i18n import t

        return t("draft.title", id=self.id, customer=who, site=site, n=len(self.answers),
                 updated=When(self.updated_at, compact=True))  # fmt: skip


@cache
def _shape() -> Any:
    from sdcli.intake import LANGS
    from sdcli.shapes import Anything, Bool, IsoTime, ListOf, Table, Text, map_of, nullable

    name = Text(limit=200)
    contact = Table({"name": name, "email": name, "phone": name}, required=["name", "email", "phone"])
    options = Table({"lang": nullable(Text(choices=LANGS)), "channel": nullable(Text(limit=40)),
                     "country": nullable(Text(limit=10)), "tz": nullable(Text(limit=100)),
                     "received_at": nullable(IsoTime()), "received_text": nullable(Text(limit=100)),
                     "dayfirst": nullable(Bool()), "form": nullable(Text(choices=FORMS))})  # fmt: skip
    return Table(
        {"id": Text(limit=40), "agent": name, "started_at": IsoTime(), "updated_at": IsoTime(),
         "answers": map_of(Anything()), "options": options, "pending": map_of(ListOf(contact))},
        required=["id", "agent", "started_at", "updated_at"],
    )  # fmt: skip


def _dir(home: Path) -> Path:
    return home / "drafts"


def new(home: Path, agent: str, options: dict[str, Any]) -> Draft:
    stamp = clock.iso(clock.now())
    did = "D" + clock.now().strftime("%Y%m%d%H%M%S") + secrets.token_hex(2)
    return Draft(id=did, agent=agent, started_at=stamp, updated_at=stamp, options=dict(options))


def save(home: Path, draft: Draft) -> Path:
    from sdcli.home import private_dir

    d = private_dir(_dir(home))  # the home too, 0700 whatever the umask
    draft.updated_at = clock.iso(clock.now())
    path = d / f"{draft.id}.json"
    atomic_write(path, dumps(asdict(draft)))
    return path


def read(path: Path) -> Draft:
    """The draft in path, checked. Raises DraftDamaged naming the file and what is wrong."""
    from sdcli.errors import StoreDamaged
    from sdcli.inputs import parse_json
    from sdcli.shapes import ShapeError, check
    from sdcli.store.files import read_bytes

    try:
        raw = read_bytes(path)  # never through a link, only a regular file
    except StoreDamaged as e:
        raise DraftDamaged("error.draft_unreadable", path=str(path), reason=e.message) from None
    if raw is None:
        raise UnknownDraft("error.draft_missing", id=repr(path.stem), where=str(path.parent))
    try:
        data = check(_shape(), parse_json(raw))
    except ShapeError as e:
        raise DraftDamaged("error.draft_damaged", path=str(path), reason=e.message) from None
    except ValueError as e:  # not JSON, not UTF-8, beyond bounds
        raise DraftDamaged("error.draft_not_json", path=str(path), reason=str(e)[:80]) from None
    if data["id"] != path.stem:
        raise DraftDamaged("error.draft_other", path=str(path), other=repr(data["id"]))
    return Draft(**data)


def load(home: Path, draft_id: str, *, form: str | None = None) -> Draft:
    """The draft of that id; with `form`, refused when it is a draft of another form (naming its
    kind and the command that resumes it): `open --resume --draft` of an SSR's draft."""
    did = draft_id.strip()
    if not _ID.fullmatch(did):
        raise UnknownDraft("error.draft_id", text=repr(draft_id))
    draft = read(_dir(home) / f"{did}.json")
    if form is not None and draft.form != form:
        raise UnknownDraft("error.draft_of_kind", id=draft.id, form=draft.form, command=COMMANDS[draft.form])
    return draft


def all_drafts(home: Path, damaged: list[Any] | None = None, *, form: str | None = None) -> list[Draft]:
    """The drafts that can be read (of `form` when given), newest first by the instant they
    were last saved; the others are named in `damaged`."""
    d = _dir(home)
    if not d.is_dir():
        return []
    out = []
    for path in sorted(d.glob("D*.json")):
        if not _ID.fullmatch(path.stem):
            continue
        try:
            out.append(read(path))
        except (DraftDamaged, UnknownDraft) as e:
            if damaged is not None:
                damaged.append(e.message)
    if form is not None:
        out = [d for d in out if d.form == form]
    return sorted(out, key=lambda x: (clock.from_iso(x.updated_at), x.id), reverse=True)


def remove(home: Path, draft: Draft) -> None:
    """The draft gone, then its lock: a run that claims it meanwhile finds no draft (`take`)."""
    try:
        (_dir(home) / f"{draft.id}.json").unlink()
    except FileNotFoundError:
        pass
    for name in (f"{draft.id}.held", f"{draft.id}.lock"):
        try:
            (_dir(home) / name).unlink()
        except OSError:  # gone already, or held open where a held file cannot be removed: harmless
            pass


class Claim:
    """This run's hold on a draft; `release` frees it (the run's end does anyway), its holder's
    record first."""

    def __init__(self, lock: Any, held: Path | None = None) -> None:
        self._lock, self._held = lock, held

    def release(self) -> None:
        if self._lock.is_locked:
            if self._held is not None:
                self._held.unlink(missing_ok=True)
            self._lock.release(force=True)


@dataclass(frozen=True)
class Holder:
    """The run holding a draft: its agent and since when (None when its record is not readable)."""

    by: str | None = None
    since: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"by": self.by, "since": self.since}


def claim(home: Path, draft_id: str, agent: str | None = None) -> Claim:
    """Hold the draft `draft_id` for this run (of `agent`: written beside it, for `holder`), or
    DraftInUse naming who holds it when another run does (it is freed when that run ends: never
    taken over while it lives, --force or not)."""
    from filelock import FileLock, Timeout

    from sdcli.home import private_dir
    from sdcli.store.files import unwritable

    if not _ID.fullmatch(draft_id):  # a lock and its record never outside the drafts folder
        raise UnknownDraft("error.draft_id", text=repr(draft_id))
    path = private_dir(_dir(home)) / f"{draft_id}.lock"
    lock = FileLock(str(path), timeout=0, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise _in_use(draft_id, _record(home, draft_id)) from None
    except OSError as e:
        raise unwritable(path, e) from None
    held = path.with_suffix(".held")
    try:
        atomic_write(held, dumps({"by": agent, "since": clock.iso(clock.now())}))
    except OSError:  # the hold stands without its record: said as "another run"
        held.unlink(missing_ok=True)
    return Claim(lock, held)


def holder(home: Path, draft_id: str) -> Holder | None:
    """Who holds the draft right now (a live run's claim), None when no run does. Asked by taking
    the lock for an instant: a run claiming it in that instant would be told it is in use."""
    from filelock import FileLock, Timeout

    if not _ID.fullmatch(draft_id):
        return None
    path = _dir(home) / f"{draft_id}.lock"
    if not path.exists():
        return None
    lock = FileLock(str(path), timeout=0, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        return _record(home, draft_id)
    except OSError:  # cannot be asked (a read-only drafts folder): said as not in use
        return None
    lock.release(force=True)
    return None


def _record(home: Path, draft_id: str) -> Holder:
    from sdcli.errors import StoreDamaged
    from sdcli.inputs import parse_json
    from sdcli.store.files import read_bytes

    try:
        data = parse_json(read_bytes(_dir(home) / f"{draft_id}.held") or b"{}")
    except (OSError, ValueError, StoreDamaged):  # a damaged or vanished record: still a run holding it
        return Holder()
    if not isinstance(data, dict):
        return Holder()
    by, since = data.get("by"), data.get("since")
    return Holder(by if isinstance(by, str) else None, since if clock.is_instant(since) else None)


def _in_use(draft_id: str, who: Holder) -> DraftInUse:
    from sdcli.dates import When

    if who.by and who.since:
        return DraftInUse("error.draft.in_use_by", id=draft_id, by=who.by, since=When(who.since))
    return DraftInUse("error.draft.in_use", id=draft_id)


def take(
    home: Path, draft_id: str, *, agent: str, force: bool = False, form: str | None = None
) -> tuple[Draft, Claim]:
    """The draft `draft_id` held by this run and read again under the hold (another run may have
    saved or discarded it meanwhile: refused, nothing to file), with its claim. Another agent's
    draft needs `force`, as `drafts discard` does."""
    held = claim(home, draft_id, agent)
    try:
        if not (_dir(home) / f"{draft_id}.json").exists():  # its lock made again here: gone with it
            remove(home, Draft(draft_id, agent, "", ""))
            raise UnknownDraft("error.draft.gone", id=draft_id)
        draft = load(home, draft_id, form=form)
        if draft.agent != agent and not force:
            raise RefusedTransition("error.draft.of_another", id=draft.id, owner=draft.agent)
        return draft, held
    except BaseException:
        held.release()
        raise
