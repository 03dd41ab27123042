"""What a ticket is, for every layer: id prefixes, ids, finished states, summary fields. No CLI imports.

The finished states of each kind come from the workflow data (`workflow.toml`, `finished`),
so that a desk that adds a state changes the open index, the listings and the shift view
with it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sdcli.errors import BadTicketId
from sdcli.pauses import escalation_from

PREFIXES = {"INC": "incident", "SSR": "ssr", "CHG": "change"}
KIND_PREFIX = {kind: prefix for prefix, kind in PREFIXES.items()}
#: fields copied into the open index, so listings and the shift view read one small file
SUMMARY_FIELDS = (
    "id", "kind", "status", "customer", "site", "severity", "opened_at", "channel",
    "service_type", "problem", "customer_reference", "ack_due", "acked_at", "recovery_due",
    "sla_paused_at", "escalation", "category", "type", "external_id", "timezone", "updated_at",
    "missing_answers", "escalation_from",
)  # fmt: skip


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Text as search compares it: case and accents dropped ('Telefónica' → 'telefonica')."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_key(text: object) -> str:
    """A customer's or a site's name as every match of one compares it (a contract, a price, the
    customer directory, an invoice): case, accents and runs of spaces dropped, as the listings'
    `--customer` drops them."""
    return " ".join(fold(str(text or "")).split())


_ID_RE = re.compile(r"^\s*(INC|SSR|CHG)-?0*(\d{1,12})\s*$", re.IGNORECASE)


def parse_id(text: str) -> tuple[str, int]:
    """'inc12' → ('INC', 12). Raises BadTicketId."""
    m = _ID_RE.match(text or "") if isinstance(text, str) else None
    if not m or int(m.group(2)) == 0:
        raise BadTicketId("error.bad_id", text=repr(text))
    return m.group(1).upper(), int(m.group(2))


def format_id(prefix: str, number: int) -> str:
    return f"{prefix}{number}"


def summary(doc: dict[str, Any]) -> dict[str, Any]:
    """A ticket's SUMMARY_FIELDS; an incident's escalation_from is made from its SLA pauses (set
    when completed ones moved its escalation clock's start past opened_at: pauses.escalation_from),
    a summary's own kept (summaries carry no pauses)."""
    out = {k: doc[k] for k in SUMMARY_FIELDS if k in doc}
    if "sla_pauses" in doc:
        start = escalation_from(doc)
        if start is None:
            out.pop("escalation_from", None)
        else:
            out["escalation_from"] = start
    return out


@dataclass(frozen=True)
class Vocabulary:
    """The states after which a ticket of each kind is finished (it leaves the open index)."""

    finished: dict[str, frozenset[str]]

    def is_finished(self, doc: dict[str, Any]) -> bool:
        return doc.get("status") in self.finished.get(str(doc.get("kind")), frozenset())

    def index_entry(self, doc: dict[str, Any]) -> dict[str, Any] | None:
        """A ticket's entry in the open index; None once it is finished (it leaves the index)."""
        return None if self.is_finished(doc) else summary(doc)

    @property
    def any_finished(self) -> frozenset[str]:
        """Every finished state of any kind (a status filter naming one needs a full scan)."""
        return frozenset().union(*self.finished.values())


def vocabulary(home: Path | None = None) -> Vocabulary:
    from sdcli.home import load_data

    flows = load_data("workflow", home)
    return Vocabulary(
        {kind: frozenset(flows[kind].get("finished", [])) for kind in PREFIXES.values() if kind in flows}
    )


def states(kind: str | None = None, home: Path | None = None) -> list[str]:
    """Every state of a kind (of every kind when None), as workflow.toml names them, in order."""
    from sdcli.home import load_data
    from sdcli.states import reached

    flows = load_data("workflow", home)
    out: dict[str, None] = {}
    for k in [kind] if kind else list(PREFIXES.values()):
        out.update(dict.fromkeys(reached(flows.get(k) or {})))
    return list(out)
