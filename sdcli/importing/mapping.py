"""An import's mapping: which column each stored field is read from, the values it translates,
the defaults, and a preset (data: sdcli/data/preset-*.toml), a --mapping file and --map items. No CLI imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sdcli.errors import InvalidValue, UsageProblem
from sdcli.home import load_data


@dataclass
class Mapping:
    fields: dict[str, str] = field(default_factory=dict)  # field -> column
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ("",)
    not_required: frozenset[str] = frozenset()
    dayfirst: bool | None = None  # None: the settings' (day first unless configured otherwise)
    key: str | None = None
    on_conflict: str | None = None
    kind: str | None = None
    #: the columns rows of one key are merged in the order of (the first compared first), if any
    order: tuple[str, ...] = ()


def load_mapping(preset: str | None, mapping_file: str | None, maps: list[str], home: Path | None) -> Mapping:
    """A preset (data), a --mapping file (TOML or JSON, the same shape) and --map items, in that order."""
    from sdcli import config

    raw: dict[str, Any] = {}
    if preset:
        if not preset.replace("-", "").isalnum():
            raise InvalidValue("preset", preset, "invalid.preset")
        try:
            raw = dict(load_data(f"preset-{preset}", home))  # a copy: the loaded data is shared
        except FileNotFoundError:
            raise InvalidValue("preset", preset, "invalid.preset") from None
    if mapping_file:
        extra = config.load_file(Path(mapping_file), config.MAPPING)
        for k, v in extra.items():
            raw[k] = {**raw.get(k, {}), **v} if isinstance(v, dict) and isinstance(raw.get(k), dict) else v
    m = Mapping(
        fields=dict(raw.get("fields", {})), values={k: dict(v) for k, v in raw.get("values", {}).items()},
        defaults=dict(raw.get("defaults", {})), missing=tuple(raw.get("missing", [""])),
        not_required=frozenset(raw.get("not_required", [])), dayfirst=raw.get("dayfirst"),
        key=raw.get("key"), on_conflict=raw.get("on_conflict"), kind=raw.get("kind"),
        order=_columns(raw.get("order", ())),
    )  # fmt: skip
    for item in maps:
        target, eq, column = item.partition("=")
        if not eq or not target.strip() or not column.strip():
            raise UsageProblem("error.map_pair", text=repr(item))
        m.fields[target.strip()] = column.strip()
    return m


def _columns(order: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """A mapping's `order`: one column or a list of them."""
    return (order,) if isinstance(order, str) else tuple(order)
