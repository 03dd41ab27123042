"""What each state of a kind means, read from workflow.toml; the severity levels, from
severity.toml. No CLI imports.

Every list of statuses the domain keeps (which states run the SLA clock, which pause it, which
may be escalated, which are finished, where a ticket starts) and every list of severities comes
from here, so that a desk that adds a state in its workflow.toml (or a level in its
severity.toml) changes the open index, the SLA, escalation and the shift view with it.

A state's properties sit in its kind's `states` table (``[incident.states]``):

- ``clock``: "running" (the SLA clock counts: the deadline may breach, escalation comes due),
  "paused" (the deadline moves by the time spent there) or "stopped" (no SLA any more);
- ``escalable``: whether escalation calls may be recorded in it.

A state the desk's file does not describe takes the packaged file's properties for a state of
that name (so a desk's copy of an older workflow.toml keeps today's behaviour), else the
defaults: a finished state's clock is stopped and it is not escalable; any other state's clock
runs and it may be escalated. The clock is "active" (the desk still works on the ticket: it may
be classified, its deadlines are filled on import) while it runs or is paused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sdcli.home import load_data

CLOCKS = ("running", "paused", "stopped")


@dataclass(frozen=True)
class Flow:
    """A kind's states by what they mean."""

    kind: str
    initial: str
    names: tuple[str, ...]  # every state, in workflow.toml's order
    finished: frozenset[str]
    running: frozenset[str]
    paused: frozenset[str]
    escalable: frozenset[str]

    @property
    def active(self) -> frozenset[str]:
        """The states the desk still works on: the SLA clock runs or is paused."""
        return self.running | self.paused

    def clock(self, status: Any) -> str:
        """The clock of a state ("stopped" for one the workflow does not name)."""
        if status in self.running:
            return "running"
        return "paused" if status in self.paused else "stopped"


def reached(flow: dict[str, Any]) -> list[str]:
    """The states a kind's flow names: its initial state, then each action's ends, then finished."""
    out: dict[str, None] = dict.fromkeys([flow.get("initial", "")])
    for action in (flow.get("actions") or {}).values():
        out.update(dict.fromkeys([*action.get("from", []), action.get("to", "")]))
    out.update(dict.fromkeys(flow.get("finished", [])))
    return [s for s in out if s]


def _build(kind: str, flow: dict[str, Any], shipped: dict[str, Any]) -> Flow:
    finished = frozenset(flow.get("finished", []))
    names = tuple(reached(flow))
    own, packaged = flow.get("states") or {}, shipped.get("states") or {}
    props = {s: own.get(s, packaged.get(s, {})) for s in names}
    clocks = {s: p.get("clock", "stopped" if s in finished else "running") for s, p in props.items()}
    escalable = {s for s, p in props.items() if p.get("escalable", s not in finished)}
    return Flow(
        kind=kind,
        initial=str(flow.get("initial", "")),
        names=names,
        finished=finished,
        running=frozenset(s for s, c in clocks.items() if c == "running"),
        paused=frozenset(s for s, c in clocks.items() if c == "paused"),
        escalable=frozenset(escalable),
    )


#: id(workflow data) -> (the data, its flows): the loader hands back the same object while the
#: file is unchanged, so a listing asking per ticket builds the flows once
_FLOWS: dict[int, tuple[Any, dict[str, Flow]]] = {}
_LEVELS: dict[int, tuple[Any, tuple[int, ...]]] = {}


def flows(home: Path | None = None) -> dict[str, Flow]:
    """Every kind's Flow, from the desk's workflow.toml (else the packaged one)."""
    data = load_data("workflow", home)
    hit = _FLOWS.get(id(data))
    if hit is not None and hit[0] is data:
        return hit[1]
    shipped = load_data("workflow", None)
    built = {kind: _build(kind, flow, shipped.get(kind) or {}) for kind, flow in data.items()}
    if len(_FLOWS) > 64:
        _FLOWS.clear()
    _FLOWS[id(data)] = (data, built)
    return built


def flow(kind: str, home: Path | None = None) -> Flow:
    return flows(home)[kind]


def severities(home: Path | None = None) -> tuple[int, ...]:
    """The severity levels of severity.toml's [[level]] tables, in order (1, 2, 3, 4 as shipped)."""
    data = load_data("severity", home)
    hit = _LEVELS.get(id(data))
    if hit is not None and hit[0] is data:
        return hit[1]
    levels = tuple(sorted(int(lv["level"]) for lv in data.get("level", [])))
    if len(_LEVELS) > 64:
        _LEVELS.clear()
    _LEVELS[id(data)] = (data, levels)
    return levels


def levels_text(levels: tuple[int, ...]) -> Any:
    """Levels as a message shows them: "1, 2, 3 or 4" (in the session's language)."""
    from sdcli.i18n import Either, Joined

    if len(levels) < 2:
        return Joined(list(levels))
    return Either([Joined(list(levels[:-1])), levels[-1]])
