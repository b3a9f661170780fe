"""A building proposal as an applicant states it (footprint, floor area, floors, height, green area,
setback, opening hours, documents held): the one parser and its bounds, for HTTP, CLI and batches.

Every field is optional; a field that is missing leaves the checks that need it ``not_checked``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdtr.conditions import format_hours, parse_hours
from rdtr.errors import InvalidInput
from rdtr.messages import Message


@dataclass(frozen=True)
class Field:
    """One proposal field: its kind (``number``, ``integer``), unit and the largest sane value."""

    name: str
    kind: str
    unit: str
    high: float
    description: str


#: The numeric fields: ≥ 0 and at most ``high`` (beyond that the value is a typo, not a building).
NUMBERS: tuple[Field, ...] = (
    Field("footprint_m2", "number", "m2", 10_000_000, "ground floor area the building covers (m²)"),
    Field("floor_area_m2", "number", "m2", 100_000_000, "total floor area of every storey (m²)"),
    Field("floors", "integer", "floors", 300, "number of storeys above ground"),
    Field("height_m", "number", "m", 1_000, "building height (m)"),
    Field("green_area_m2", "number", "m2", 10_000_000, "green, unbuilt area of the lot (m²)"),
    Field("setback_m", "number", "m", 1_000, "distance of the building from the road line (m)"),
)
FIELDS = {f.name: f for f in NUMBERS}
NAMES = (*FIELDS, "hours", "documents")
MAX_DOCUMENTS = 50
MAX_DOCUMENT_CHARS = 200


def parse_proposal(value, where: str = "proposal") -> dict:
    """The proposal as ``{field: value}`` (only the fields given; ``hours`` as ``HH:MM-HH:MM``, ``documents`` a
    list of names), or :class:`InvalidInput` naming the field (``proposal.floors``) and what is wrong."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(Message("proposal_object", where=where))
    unknown = sorted(set(value) - set(NAMES))
    if unknown:
        raise InvalidInput(Message("proposal_unknown", here=f"{where}.{unknown[0]}", fields=", ".join(NAMES)))
    out: dict = {}
    for name, raw in value.items():
        if raw is None:
            continue
        here = f"{where}.{name}"
        if name == "hours":
            if not isinstance(raw, str):
                raise InvalidInput(Message("proposal_hours", here=here))
            try:
                out[name] = format_hours(parse_hours(raw))
            except ValueError as exc:
                why = exc.args[0] if exc.args and isinstance(exc.args[0], Message) else str(exc)
                raise InvalidInput(Message("proposal_hours_bad", here=here, why=why)) from None
        elif name == "documents":
            out[name] = _documents(raw, here)
        else:
            out[name] = _number(FIELDS[name], raw, here)
    return out


def _number(field: Field, raw, here: str):
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise InvalidInput(Message("proposal_number", here=here, unit=field.unit, raw=repr(raw)))
    if raw != raw or raw in (float("inf"), float("-inf")):
        raise InvalidInput(Message("proposal_finite", here=here))
    if raw < 0:
        raise InvalidInput(Message("proposal_negative", here=here, raw=f"{raw:g}"))
    if raw > field.high:
        raise InvalidInput(
            Message("proposal_implausible", here=here, raw=f"{raw:g}", high=f"{field.high:,g}", unit=field.unit)
        )
    if field.kind == "integer":
        if not float(raw).is_integer():
            raise InvalidInput(Message("proposal_whole", here=here, raw=f"{raw:g}"))
        return int(raw)
    return float(raw)


def _documents(raw, here: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(d, str) for d in raw):
        raise InvalidInput(Message("proposal_documents", here=here))
    if len(raw) > MAX_DOCUMENTS:
        raise InvalidInput(
            Message("proposal_too_many_documents", here=here, count=str(len(raw)), limit=str(MAX_DOCUMENTS))
        )
    names = [d.strip() for d in raw if d.strip()]
    if any(len(d) > MAX_DOCUMENT_CHARS or "\x00" in d for d in names):
        raise InvalidInput(Message("proposal_document_long", here=here, limit=str(MAX_DOCUMENT_CHARS)))
    return list(dict.fromkeys(names))


def proposal_schema() -> dict:
    """The proposal's JSON Schema (OpenAPI), from the same table the parser uses."""
    props: dict = {
        f.name: {
            "type": "integer" if f.kind == "integer" else "number",
            "minimum": 0,
            "maximum": f.high,
            "description": f.description,
        }
        for f in NUMBERS
    }
    props["hours"] = {
        "type": "string",
        "pattern": r"^\s*([01]?\d|2[0-4])[:.][0-5]\d\s*-\s*([01]?\d|2[0-4])[:.][0-5]\d\s*$",
        "description": "opening hours, HH:MM-HH:MM (may pass midnight)",
        "example": "08:00-21:00",
    }
    props["documents"] = {
        "type": "array",
        "items": {"type": "string", "minLength": 1, "maxLength": MAX_DOCUMENT_CHARS},
        "maxItems": MAX_DOCUMENTS,
        "description": "approvals and documents the applicant holds (e.g. UKL-UPL, persetujuan warga sekitar)",
    }
    return {"type": "object", "additionalProperties": False, "properties": props}
