"""The index framework and the unit data, in COINr's iMeta / iData layout.

iMeta has one row per indicator, aggregate, group column and denominator column
(columns ``Level, iCode, iName, Direction, Weight, Type, Parent`` and optionally ``Unit,
Target, Denominator``). iData has one row per unit (``uCode``, ``uName``, group and denominator
columns, one column per indicator). Both are checked row by row: every problem is collected
and :class:`FrameworkError` carries them all, so an import is all or nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

REQUIRED_META_COLUMNS = ("Level", "iCode", "iName", "Direction", "Weight", "Type", "Parent")
META_TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")


class FrameworkError(ValueError):
    """Invalid metadata or data. ``errors`` lists ``(row, message)``; row 0 is the header."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"row {row}: {msg}" if row else msg for row, msg in errors))


@dataclass(frozen=True)
class Node:
    """One indicator (level 1) or aggregate (level ≥ 2) of the framework."""

    code: str
    name: str
    level: int
    weight: float
    parent: str | None
    direction: int = 1
    target: float | None = None
    denominator: str | None = None
    unit: str = ""


@dataclass
class Framework:
    """The tree of indicators and aggregates, plus the names of group and denominator columns."""

    nodes: dict[str, Node]
    groups: list[str] = field(default_factory=list)
    denominators: list[str] = field(default_factory=list)

    @property
    def max_level(self) -> int:
        return max(n.level for n in self.nodes.values())

    def codes_at(self, level: int) -> list[str]:
        """Codes of one level, in iMeta order."""
        return [c for c, n in self.nodes.items() if n.level == level]

    @property
    def indicators(self) -> list[str]:
        return self.codes_at(1)

    def children(self, code: str) -> list[str]:
        return [c for c, n in self.nodes.items() if n.parent == code]

    @property
    def top(self) -> str:
        return self.codes_at(self.max_level)[0]

    def weights(self) -> dict[str, float]:
        return {c: n.weight for c, n in self.nodes.items()}

    def lineage(self, code: str) -> list[str]:
        """The code and its ancestors up to the top."""
        out = [code]
        while (parent := self.nodes[out[-1]].parent) is not None:
            out.append(parent)
        return out


@dataclass
class UnitData:
    """Indicator data: ``values`` has one row per unit (index uCode), one column per indicator."""

    codes: list[str]
    names: dict[str, str]
    values: pd.DataFrame
    groups: pd.DataFrame
    denominators: pd.DataFrame


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == ""


def _number(value: Any) -> float | None:
    if _blank(value):
        return None
    try:
        out = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return out if math.isfinite(out) else None


def _meta_row(
    i: int, row: dict[str, Any], errors: list[tuple[int, str]]
) -> Node | tuple[str, str] | None:
    """Check one iMeta row; return a Node, a (type, code) pair for groups/denominators, or None."""
    code = "" if _blank(row.get("iCode")) else str(row["iCode"]).strip()
    kind = "" if _blank(row.get("Type")) else str(row["Type"]).strip()
    if not code:
        errors.append((i, "iCode is empty"))
        return None
    if kind not in META_TYPES:
        errors.append((i, f"{code}: Type must be one of {', '.join(META_TYPES)}"))
        return None
    if kind in ("Group", "Denominator", "Other"):
        return (kind, code)
    level = _number(row.get("Level"))
    if level is None or level < 1 or level != int(level):
        errors.append((i, f"{code}: Level must be a whole number ≥ 1"))
        return None
    weight = _number(row.get("Weight"))
    if weight is None or weight < 0:
        errors.append((i, f"{code}: Weight must be a number ≥ 0"))
        return None
    direction = _number(row.get("Direction"))
    if level == 1 and direction not in (1.0, -1.0):
        errors.append((i, f"{code}: Direction must be 1 or -1"))
        return None
    if (kind == "Indicator") != (level == 1):
        errors.append((i, f"{code}: indicators are level 1 and aggregates above it"))
        return None
    parent = None if _blank(row.get("Parent")) else str(row["Parent"]).strip()
    denom = None if _blank(row.get("Denominator")) else str(row["Denominator"]).strip()
    return Node(
        code=code,
        name="" if _blank(row.get("iName")) else str(row["iName"]),
        level=int(level),
        weight=weight,
        parent=parent,
        direction=int(direction or 1),
        target=_number(row.get("Target")),
        denominator=denom,
        unit="" if _blank(row.get("Unit")) else str(row["Unit"]),
    )


def parse_meta(meta: pd.DataFrame) -> Framework:
    """Build the framework from an iMeta table; raise FrameworkError listing every bad row."""
    missing = [c for c in REQUIRED_META_COLUMNS if c not in meta.columns]
    if missing:
        raise FrameworkError([(0, f"missing column(s): {', '.join(missing)}")])
    errors: list[tuple[int, str]] = []
    nodes: dict[str, Node] = {}
    groups: list[str] = []
    denoms: list[str] = []
    seen: set[str] = set()
    for i, row in enumerate(meta.to_dict("records"), start=2):
        got = _meta_row(i, row, errors)
        if got is None:
            continue
        code = got.code if isinstance(got, Node) else got[1]
        if code in seen:
            errors.append((i, f"{code}: duplicate iCode"))
            continue
        seen.add(code)
        if isinstance(got, Node):
            nodes[code] = got
        elif got[0] == "Group":
            groups.append(code)
        elif got[0] == "Denominator":
            denoms.append(code)
    errors.extend(_check_tree(nodes, denoms))
    if not errors and not nodes:
        errors.append((0, "no indicators"))
    if errors:
        raise FrameworkError(errors)
    return Framework(nodes=nodes, groups=groups, denominators=denoms)


def _check_tree(nodes: dict[str, Node], denoms: list[str]) -> list[tuple[int, str]]:
    errors: list[tuple[int, str]] = []
    if not nodes:
        return errors
    top_level = max(n.level for n in nodes.values())
    tops = [c for c, n in nodes.items() if n.level == top_level]
    if len(tops) != 1 or top_level < 2:
        errors.append((0, "the framework needs exactly one aggregate at the highest level"))
    for code, node in nodes.items():
        if node.level == top_level:
            continue
        parent = nodes.get(node.parent or "")
        if parent is None:
            errors.append(
                (0, f"{code}: parent {node.parent!r} is not an aggregate of the framework")
            )
        elif parent.level != node.level + 1:
            errors.append((0, f"{code}: parent {parent.code} must be one level up"))
        if node.denominator and node.denominator not in denoms:
            errors.append(
                (0, f"{code}: denominator {node.denominator} is not a Denominator column")
            )
    for code, node in nodes.items():
        if node.level > 1 and not any(n.parent == code for n in nodes.values()):
            errors.append((0, f"{code}: aggregate without children"))
    return errors


def parse_data(data: pd.DataFrame, framework: Framework) -> UnitData:
    """Check an iData table against the framework; numbers only in indicator columns."""
    needed = ["uCode", *framework.indicators, *framework.groups, *framework.denominators]
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise FrameworkError([(0, f"missing column(s): {', '.join(missing)}")])
    errors: list[tuple[int, str]] = []
    codes: list[str] = []
    rows: list[list[float]] = []
    numeric_cols = [*framework.indicators, *framework.denominators]
    for i, row in enumerate(data.to_dict("records"), start=2):
        code = "" if _blank(row.get("uCode")) else str(row["uCode"]).strip()
        if not code:
            errors.append((i, "uCode is empty"))
            continue
        if code in codes:
            errors.append((i, f"{code}: duplicate uCode"))
            continue
        values: list[float] = []
        for col in numeric_cols:
            cell = row.get(col)
            num = _number(cell)
            if num is None and not _blank(cell):
                errors.append((i, f"{code}: {col} is not a number ({cell!r})"))
            values.append(np.nan if num is None else num)
        codes.append(code)
        rows.append(values)
    if not codes and not errors:
        errors.append((0, "no units"))
    if errors:
        raise FrameworkError(errors)
    frame = pd.DataFrame(rows, index=pd.Index(codes, name="uCode"), columns=numeric_cols)
    names_col = data["uName"] if "uName" in data.columns else data["uCode"]
    names = {str(c).strip(): str(n) for c, n in zip(data["uCode"], names_col, strict=True)}
    groups = data.set_index(data["uCode"].astype(str).str.strip())[framework.groups]
    return UnitData(
        codes=codes,
        names=names,
        values=frame[framework.indicators].astype(float),
        groups=groups.astype(object).where(groups.notna(), None),
        denominators=frame[framework.denominators].astype(float),
    )


def read_table(path: str) -> pd.DataFrame:
    """Read a CSV or XLSX file (first sheet) as strings and numbers, no index."""
    if path.lower().endswith((".xlsx", ".xlsm")):
        return pd.read_excel(path, sheet_name=0, dtype=object)
    return pd.read_csv(path, dtype=object, keep_default_na=True)


def load(meta_path: str, data_path: str) -> tuple[Framework, UnitData]:
    framework = parse_meta(read_table(meta_path))
    return framework, parse_data(read_table(data_path), framework)
