"""Conditions as rules: the machine-readable constraints an ITBX condition code may carry (the legend's
optional rule columns), their units and bounds, and the one parser of opening hours.

The ingest validates a legend's rule columns with :func:`parse_rule_value`; answers read them back as
:class:`ConditionRule`; the conformity check (``rdtr.answers.check``) and the proposal parser use
:func:`parse_hours` and :func:`hours_within`. A condition with no rule column set stays text: any check it
governs needs an officer's review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdtr.messages import Message, reason


@dataclass(frozen=True)
class RuleColumn:
    """One optional rule column of the legend: its name, kind (``number``, ``integer``, ``hours``, ``list``),
    unit and the bounds of a sane value (inclusive)."""

    name: str
    kind: str
    unit: str | None
    low: float | None = None
    high: float | None = None
    label: str = ""


#: The legend's rule columns, in the order interface.md lists them.
RULE_COLUMNS: tuple[RuleColumn, ...] = (
    RuleColumn("max_footprint_share_pct", "number", "%", 0.0, 100.0, "maximum footprint, % of the lot"),
    RuleColumn("max_floor_area_m2", "number", "m2", 0.0, 10_000_000.0, "maximum floor area of the activity"),
    RuleColumn("max_floors", "integer", "floors", 1, 500, "maximum number of floors"),
    RuleColumn("max_height_m", "number", "m", 0.0, 1_000.0, "maximum building height"),
    RuleColumn("min_lot_area_m2", "number", "m2", 0.0, 100_000_000.0, "minimum lot area"),
    RuleColumn("max_lot_area_m2", "number", "m2", 0.0, 100_000_000.0, "maximum lot area"),
    RuleColumn("hours", "hours", "time", label="opening hours"),
    RuleColumn("requires", "list", None, label="required approvals or documents"),
)
RULE_NAMES = tuple(c.name for c in RULE_COLUMNS)
BY_NAME = {c.name: c for c in RULE_COLUMNS}

_TIME = r"([01]?\d|2[0-4])[:.]([0-5]\d)"
_HOURS = re.compile(rf"^\s*{_TIME}\s*(?:-|–|—|s/?d|sampai|to)\s*{_TIME}\s*$", re.IGNORECASE)


def parse_hours(value: str) -> tuple[int, int]:
    """``"07:00-22:00"`` (also ``07.00–22.00``, ``07:00 s/d 22:00``) as minutes since midnight ``(start, end)``;
    an end before the start passes midnight. :class:`ValueError` saying why when it is not a time range."""
    m = _HOURS.match(str(value))
    if not m:
        raise ValueError(Message("hours_not_range", value=repr(value)))
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start > 24 * 60 or end > 24 * 60:
        raise ValueError(Message("hours_out_of_day", value=repr(value)))
    if start == end or {start, end} == {0, 24 * 60}:
        if {start, end} == {0, 24 * 60}:
            return 0, 24 * 60
        raise ValueError(Message("hours_empty", value=repr(value)))
    return start % (24 * 60), end


def format_hours(hours: tuple[int, int]) -> str:
    """``(420, 1320)`` as ``"07:00-22:00"``."""
    return "-".join(f"{t // 60:02d}:{t % 60:02d}" for t in hours)


def _minutes(hours: tuple[int, int]) -> set[int]:
    start, end = hours
    if end > start:
        return set(range(start, end))
    return set(range(start, 24 * 60)) | set(range(0, end))


def hours_within(proposed: tuple[int, int], allowed: tuple[int, int]) -> bool:
    """True when every minute of ``proposed`` lies inside ``allowed`` (either may pass midnight)."""
    return _minutes(proposed) <= _minutes(allowed)


def parse_rule_value(column: RuleColumn, raw: str):
    """One cell of a rule column as its value (``None`` for an empty cell); :class:`ValueError` saying why
    for a bad one (the ingest names the row)."""
    text = str(raw).strip() if raw is not None else ""
    if not text:
        return None
    if column.kind == "hours":
        try:
            return format_hours(parse_hours(text))
        except ValueError as exc:
            raise ValueError(Message("rule_hours", why=reason(exc))) from None
    if column.kind == "list":
        items = [x.strip() for x in text.split(";")]
        items = [x for x in items if x]
        if not items:
            raise ValueError(Message("rule_list_empty", column=column.name))
        return items
    try:
        number = float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else float(text)
    except ValueError:
        raise ValueError(Message("rule_not_number", column=column.name, raw=repr(text))) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(Message("rule_not_number", column=column.name, raw=repr(text)))
    if column.kind == "integer":
        if not number.is_integer():
            raise ValueError(Message("rule_not_whole", column=column.name, raw=repr(text)))
        number = int(number)
    if column.low is not None and (number < column.low or (column.kind == "number" and number == column.low)):
        key = "rule_more_than" if column.kind == "number" else "rule_at_least"
        raise ValueError(Message(key, column=column.name, raw=repr(text), low=f"{column.low:g}"))
    if column.high is not None and number > column.high:
        high = f"{column.high:g}"
        raise ValueError(Message("rule_too_high", column=column.name, raw=repr(text), high=high, unit=column.unit))
    return number


@dataclass(frozen=True)
class ConditionRule:
    """One condition code of a version's legend: its text and the constraints it carries (``None`` = not
    set). Percent, m², floors, m; ``hours`` as ``"HH:MM-HH:MM"``; ``requires`` the approvals or documents."""

    code: str
    text: str
    max_footprint_share_pct: float | None = None
    max_floor_area_m2: float | None = None
    max_floors: int | None = None
    max_height_m: float | None = None
    min_lot_area_m2: float | None = None
    max_lot_area_m2: float | None = None
    hours: str | None = None
    requires: tuple[str, ...] = ()

    @property
    def structured(self) -> bool:
        """True when the condition carries at least one machine-readable constraint."""
        return any(getattr(self, n) not in (None, ()) for n in RULE_NAMES)
