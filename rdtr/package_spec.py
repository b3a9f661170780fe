"""The plan package's parts as ``plan.toml`` describes them (see :mod:`rdtr.package` for every key)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdtr.errors import InvalidInput
from rdtr.messages import Message


@dataclass
class TableSpec:
    """A rule table (csv/xlsx) and how to read it."""

    path: str
    columns: dict[str, str] = field(default_factory=dict)
    header_row: int = 1
    skip_rows: list[int] = field(default_factory=list)
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    sheet: str | None = None
    exclude: list[str] = field(default_factory=list)


@dataclass
class ZonesSpec:
    path: str
    layer: str | None = None
    crs: str | None = None
    id_field: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    provisions: dict[str, str] = field(default_factory=dict)


@dataclass
class ItbxSpec(TableSpec):
    codes: str | None = None
    kbli: str | None = None  #: a KBLI → activity table (kbli, activity_code), adding to the matrix's KBLI
    codes_columns: dict[str, str] = field(default_factory=dict)
    layout: str = "wide"
    subzone_columns: str = "auto"
    lists: dict[str, str] = field(default_factory=dict)


@dataclass
class IntensitySpec(TableSpec):
    source: str = "file"
    layout: str = "rows"
    subzone_kind: str = "auto"
    parameters: dict[str, str] = field(default_factory=dict)


@dataclass
class OverlaySpec:
    kind: str
    path: str
    layer: str | None = None
    crs: str | None = None
    name: str | None = None
    text: str | None = None
    name_field: str | None = None
    text_field: str | None = None
    max_height_m: float | None = None
    height_field: str | None = None


@dataclass
class ParcelLayerSpec:
    """A ``[[parcels]]`` layer: land parcels (BPN NIB, PBB NOP) a citizen can find by number."""

    path: str
    id_field: str
    label_field: str | None = None
    layer: str | None = None
    crs: str | None = None


def parse_parcel_layers(value, problems: list[str]) -> list[ParcelLayerSpec]:
    """The ``[[parcels]]`` tables of ``plan.toml`` (each needs ``path`` and ``id_field``); problems appended."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Message("parcels_not_array"))
        return []
    out = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str) or not item.get("path"):
            problems.append(Message("parcels_needs_path", number=str(i)))
            continue
        keys = {}
        for key in ("id_field", "label_field", "layer", "crs"):
            v = item.get(key)
            if v is not None and (not isinstance(v, str) or not v.strip()):
                problems.append(Message("parcels_not_string", number=str(i), setting=key, value=repr(v)))
                v = None
            keys[key] = v
        if not keys["id_field"]:
            problems.append(Message("parcels_needs_id_field", number=str(i)))
            continue
        unknown = sorted(set(item) - {"path", "id_field", "label_field", "layer", "crs"})
        if unknown:
            problems.append(Message("parcels_unknown_keys", number=str(i), keys=", ".join(unknown)))
        out.append(ParcelLayerSpec(path=item["path"], **keys))
    return out


@dataclass
class PlanSpec:
    id: str
    name: str
    legal_basis: str
    effective_from: date
    region: str | None = None
    region_code: str | None = None
    synthetic: bool = False
    boundary: str | None = None  #: the planning area's polygon layer (gaps open to the plan's edge)


@dataclass
class Package:
    """An opened package: ``root`` is a folder on disk (a temporary one for a zip)."""

    root: Path
    source: str
    plan: PlanSpec
    zones: ZonesSpec
    subzones: TableSpec | None
    itbx: ItbxSpec | None
    intensity: IntensitySpec | None
    tpz: TableSpec | None
    overlays: list[OverlaySpec]
    checksum: str
    raw: dict
    parcels: list[ParcelLayerSpec] = field(default_factory=list)

    def file(self, relative: str) -> Path:
        """A file named by ``plan.toml``, which must stay inside the package."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise InvalidInput(Message("path_outside_package", path=repr(relative)))
        return path
