"""Response models shared by the HTTP API and the CLI: the documented shape of every answer.

The library builds answers as plain dicts (cheap, and the CLI prints the very same document); these
models are their contract — the OpenAPI schema is generated from them and the tests validate answers
against them. Units: areas m², distances m, KDB/KDH/KTB percent, KLB a ratio, dates ISO ``YYYY-MM-DD``.
Fields the interface (docs/interface.md) names are required; the rest are extensions.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ItbxClass = Literal["I", "T", "B", "X"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Location(_Model):
    lon: float = Field(description="longitude, EPSG:4326")
    lat: float = Field(description="latitude, EPSG:4326")


class PlanRef(_Model):
    """The plan version an answer comes from — always cited."""

    id: str = Field(description="plan id, e.g. 'bontang'")
    version: int = Field(description="version number within the plan")
    name: str
    legal_basis: str = Field(
        description="the instrument the answer rests on, e.g. 'Perwali Kota Bontang No. 12 Tahun 2024'"
    )
    effective_from: str = Field(description="date the version took effect (YYYY-MM-DD)")


class SpecialProvision(_Model):
    """A *ketentuan khusus* attribute of the zone polygon (KKOP, KRB, LP2B, …)."""

    kind: str | None = None
    value: str | None = None


class TpzText(_Model):
    code: str
    text: str | None = Field(None, description="the plan's text for the TPZ code, when it has one")


class Overlay(_Model):
    """A separate special-provision layer (e.g. KKOP) that contains the point / touches the parcel."""

    kind: str | None = None
    name: str | None = None
    text: str | None = None
    plan: str | None = Field(None, description="plan id of the overlay")
    max_height_m: float | None = Field(
        None, description="its structured height limit (m), where the plan gives one (e.g. KKOP)"
    )


class IntensityClass(_Model):
    lot_area_min_m2: float | None = None
    lot_area_max_m2: float | None = None
    kdb_max: float | None = None
    klb_max: float | None = None
    kdh_min: float | None = None
    ktb_max: float | None = None
    height_max_m: float | None = None
    floors_max: int | None = None
    gsb_min_m: float | None = None
    lot_min_m2: float | None = None


class Intensity(_Model):
    """*Ketentuan intensitas*. ``null`` = not regulated (or, at a point, depends on the lot size)."""

    kdb_max: float | None = Field(None, description="KDB, max building coverage, percent")
    klb_max: float | None = Field(None, description="KLB, max floor-area ratio")
    kdh_min: float | None = Field(None, description="KDH, min green area, percent")
    ktb_max: float | None = Field(None, description="KTB, max basement coverage, percent")
    height_max_m: float | None = None
    floors_max: int | None = None
    gsb_min_m: float | None = Field(None, description="GSB, min setback from the road, m")
    lot_min_m2: float | None = Field(None, description="minimum lot size, m²")
    lot_area_min_m2: float | None = Field(None, description="the lot-size class chosen: [min, max) m²")
    lot_area_max_m2: float | None = None
    note: str | None = None
    by_lot_size: list[IntensityClass] | None = Field(
        None, description="at a point, when intensity depends on the lot size: every lot-size class"
    )


class ActivityAtZone(_Model):
    """The ITBX cell of the asked activity in this sub-zone. ``class`` is null when the matrix has no cell."""

    code: str
    name: str
    klass: ItbxClass | None = Field(None, alias="class", description="I, T, B or X (X > B > T > I)")
    codes: list[str] = Field(default_factory=list, description="condition codes as written, e.g. T1, B3")
    conditions: list[str] = Field(default_factory=list, description="texts of the condition codes")
    class_name: str | None = None


class ZoneFields(_Model):
    plan: PlanRef
    zone_code: str | None = None
    zone_name: str | None = None
    subzone_code: str
    subzone_name: str | None = None
    block: str | None = None
    subblock: str | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None
    tpz: list[str] = Field(default_factory=list, description="TPZ (teknik pengaturan zonasi) codes")
    tpz_texts: list[TpzText] = Field(default_factory=list)
    special_provisions: list[SpecialProvision] = Field(default_factory=list)
    intensity: Intensity
    activity: ActivityAtZone | None = Field(
        None, description="present when an activity was asked for; null when this plan does not list it"
    )


class ZoneAtPoint(ZoneFields):
    boundary_distance_m: float | None = Field(
        None, description="distance from the point to the edge of its zone, m (WGS 84 ellipsoid, local metric)"
    )
    near_boundary: bool = Field(
        description="the point is within the map's positional tolerance (boundary_tolerance_m) of the zone edge: "
        "a 1:5.000 map cannot say on which side it lies"
    )


class ZoningAnswer(_Model):
    """``GET /v1/zoning``: every zone covering the point in every plan in force on ``at``."""

    location: Location
    at: str
    covered: bool
    message: str | None = Field(None, description="why nothing covers the location (the RTRW applies)")
    zones: list[ZoneAtPoint]
    overlays: list[Overlay] = Field(default_factory=list)
    boundary_tolerance_m: float | None = None


class ParcelInfo(_Model):
    area_m2: float = Field(description="geodesic area of the parcel (as repaired), m²")
    valid: bool = Field(description="the geometry as sent was valid")
    repaired: bool = Field(description="it was invalid and was repaired with make_valid")


class ParcelZone(ZoneFields):
    """One sub-zone piece of the parcel (the parcel ∩ one zone polygon)."""

    area_m2: float = Field(description="geodesic area of the piece, m²")
    share: float = Field(description="area_m2 ÷ parcel area")
    boundary_distance_m: float | None = Field(
        None, description="distance between the parcel and this zone's edge (0 when the edge crosses the parcel)"
    )
    near_boundary: bool = Field(description="boundary_distance_m ≤ the tolerance")
    boundary_length_m: float | None = Field(None, description="length of this zone's edge inside the parcel")
    uncertain_area_m2: float | None = Field(
        None,
        description="≈ boundary_length_m × tolerance: the strip of the piece along its zone edge that the "
        "map cannot attribute",
    )
    within_tolerance: bool = Field(
        False,
        description="the whole piece is thinner than the tolerance (area ≤ boundary_length_m × tolerance): "
        "it may be an artefact of the map's resolution",
    )
    sliver: bool = Field(
        False,
        description="its sub-zone (all pieces together) covers less than sliver_share of the "
        "parcel: listed under slivers, no say in the verdict",
    )
    lot_min_breach: bool = Field(False, description="the parcel is below this sub-zone's minimum lot size")


class Limits(_Model):
    """Σ coefficient × piece area over the pieces; height, floors and setback from the most restrictive
    non-sliver piece. ``null`` where no piece regulates it."""

    max_footprint_m2: float | None = Field(None, description="Σ KDB × piece area")
    max_floor_area_m2: float | None = Field(None, description="Σ KLB × piece area")
    min_green_area_m2: float | None = Field(None, description="Σ KDH × piece area")
    max_height_m: float | None = None
    max_floors: int | None = None
    max_basement_area_m2: float | None = Field(None, description="Σ KTB × piece area")
    min_setback_m: float | None = Field(None, description="the largest GSB of the pieces")
    notes: list[str] | None = None


class LotBreach(_Model):
    subzone_code: str
    lot_min_m2: float | None = None
    detail: str


class LotSize(_Model):
    area_m2: float | None = None
    breach: bool = Field(description="the parcel is below a minimum lot size (or the smallest lot-size class)")
    breaches: list[LotBreach] = Field(default_factory=list)


class BoundarySummary(_Model):
    """How far the answer rests on zone edges the 1:5.000 map cannot place closer than ``tolerance_m``."""

    tolerance_m: float
    near_boundary: bool = Field(description="some zone edge runs within the tolerance of (or through) the parcel")
    crosses_boundary: bool = Field(description="the parcel lies in more than one zone polygon")
    boundary_distance_m: float | None = None
    uncertain_area_m2: float | None = None
    pieces_within_tolerance: list[str] = Field(default_factory=list)


class ActivityByZone(_Model):
    plan: str | None = None
    subzone_code: str
    klass: ItbxClass | None = Field(None, alias="class")
    codes: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)
    share: float | None = None
    area_m2: float | None = None
    sliver: bool = False
    within_tolerance: bool = False


class ActivityVerdict(_Model):
    code: str
    name: str | None = None
    klass: ItbxClass | None = Field(
        None, alias="class", description="the most restrictive class over the non-sliver pieces"
    )
    class_name: str | None = None
    by_zone: list[ActivityByZone]
    depends_on_boundary: bool = Field(
        False, description="the class would differ without the pieces thinner than the map tolerance"
    )


class ProblemDetail(_Model):
    status: int
    title: str
    detail: str


class ParcelAnswer(_Model):
    """``POST /v1/parcels/analyze`` for one parcel."""

    index: int | None = Field(None, description="position in the FeatureCollection")
    id: Any = Field(None, description="the feature's id")
    properties: dict | None = None
    parcel: ParcelInfo | None = None
    at: str | None = None
    covered: bool | None = None
    covered_share: float | None = Field(None, description="share of the parcel inside a plan's zones")
    message: str | None = None
    zones: list[ParcelZone] | None = None
    slivers: list[ParcelZone] | None = None
    sliver_share: float | None = None
    limits: Limits | None = None
    lot_size: LotSize | None = None
    boundary: BoundarySummary | None = None
    special_provisions: list[SpecialProvision] | None = None
    overlays: list[Overlay] | None = None
    activity: ActivityVerdict | None = None
    error: ProblemDetail | None = Field(None, description="why this feature of a collection was not analysed")


class ParcelBatchAnswer(_Model):
    at: str
    count: int
    results: list[ParcelAnswer]


class SubzoneChange(_Model):
    plan: str
    subzone_code: str
    subzone_name: str | None = None
    from_: dict | None = Field(None, alias="from")
    to: dict | None = None
    change: Literal["added", "removed", "changed", "unchanged"]


class CompareAnswer(_Model):
    """``POST /v1/parcels/compare``: the parcel under the versions in force on two dates."""

    index: int | None = None
    id: Any = None
    properties: dict | None = None
    parcel: ParcelInfo | None = None
    from_: dict | None = Field(None, alias="from")
    to: dict | None = None
    changed: bool | None = None
    subzones: list[SubzoneChange] | None = None
    intensity: list[dict] | None = None
    limits: dict | None = None
    activity: dict | None = None
    before: ParcelAnswer | None = None
    after: ParcelAnswer | None = None
    error: ProblemDetail | None = None


class CompareBatchAnswer(_Model):
    from_: str = Field(alias="from")
    to: str
    count: int
    results: list[CompareAnswer]


class PlanShort(_Model):
    id: str
    version: int


class ActivityRef(_Model):
    code: str
    name: str
    kbli: list[str] = Field(default_factory=list)
    group: str | None = None
    plan: PlanShort


class ActivitySearchAnswer(_Model):
    q: str | None = None
    at: str
    count: int
    activities: list[ActivityRef]


class AllowedZone(_Model):
    plan: PlanRef
    subzone_code: str
    subzone_name: str | None = None
    klass: ItbxClass = Field(alias="class")
    codes: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)


class WhereAllowedAnswer(_Model):
    """``GET /v1/activities/{code}/zones``."""

    activity: ActivityRef
    at: str | None = None
    zones: list[AllowedZone]


class CheckSource(_Model):
    """Where a check's limit comes from: plan, version, sub-zone (``subzones`` and ``parts`` for a sum over
    pieces) and what decided it (``by``: intensity with its ``field``, condition with its ``code`` and
    ``text``, itbx, or overlay)."""

    plan: str | None = None
    version: int | None = None
    subzone_code: str | None = None
    subzones: list[str] | None = None
    by: str | None = None
    field: str | None = None
    code: str | None = None
    text: str | None = None


class Check(_Model):
    """One rule applied to the proposal."""

    rule: str = Field(
        description="footprint, floor_area, floors, height, green_area, setback, lot_area, hours, "
        "activity_class, condition, or <kind>_height for a structured special provision"
    )
    limit: Any = None
    proposed: Any = None
    unit: str | None = None
    result: Literal["pass", "fail", "not_checked"]
    source: CheckSource


class Requirement(_Model):
    name: str = Field(description="the approval or document, as the plan's legend names it")
    code: str | None = Field(None, description="the condition code that requires it")
    subzone_code: str | None = None
    provided: bool = Field(description="the proposal's documents list it")


class CheckAnswer(_Model):
    """``POST /v1/parcels/check`` for one parcel."""

    index: int | None = Field(None, description="position in the FeatureCollection")
    id: Any = None
    properties: dict | None = None
    verdict: Literal["conforms", "conforms_with_conditions", "does_not_conform", "needs_review"] | None = None
    activity: dict | None = None
    proposal: dict | None = None
    checks: list[Check] | None = None
    requirements: list[Requirement] | None = None
    reasons: list[str] | None = None
    analysis: ParcelAnswer | None = None
    error: ProblemDetail | None = Field(None, description="why this feature of a collection was not checked")


class CheckBatchAnswer(_Model):
    at: str
    count: int
    results: list[CheckAnswer]


# --- places and parcels by number (rdtr.answers.places) ----------------------------------------------------


class Place(_Model):
    """A kelurahan, kecamatan, block, sub-block, sub-zone or parcel found by name or number."""

    kind: Literal["kelurahan", "kecamatan", "block", "subblock", "subzone", "parcel"]
    name: str = Field(description="as the plan writes it; a sub-zone 'R-2 Perumahan …'; a parcel its number")
    label: str | None = Field(
        None, description="a parcel's label (e.g. its address); a kelurahan's kecamatan; a block's kelurahan"
    )
    plan: str = Field(description="the plan id")
    bbox: list[float] = Field(min_length=4, max_length=4, description="[minlon, minlat, maxlon, maxlat]")
    point: list[float] = Field(min_length=2, max_length=2, description="[lon, lat] of a point on the place")
    match: Literal["exact", "prefix", "word", "substring"] | None = Field(
        None, description="how the name matched q: the whole of it, its start, a word's start, or anywhere"
    )


class PlacesAnswer(_Model):
    """``GET /v1/places``: the places best first."""

    query: str | None = None
    at: str | None = None
    places: list[Place]


class ParcelRef(_Model):
    """Which stored parcel an answer is about."""

    plan: str
    version: int | None = None
    parcel_id: str = Field(description="the parcel number ([[parcels]] id_field: NIB, NOP)")
    label: str | None = Field(None, description="[[parcels]] label_field, e.g. the address")


class ParcelByIdAnswer(ParcelAnswer):
    """``GET /v1/parcels/{plan}/{parcel_id}``: the analysis of the parcel's polygon, its reference and shape."""

    parcel_ref: ParcelRef
    geometry: dict = Field(description="the parcel's GeoJSON MultiPolygon (EPSG:4326)")


class ChangesAnswer(_Model):
    """``GET /v1/plans/{id}/changes``: what changed between two versions of a plan (areas m², geodesic)."""

    plan: str = Field(description="the plan id")
    from_: dict = Field(alias="from", description="{version, effective_from, name, legal_basis}")
    to: dict = Field(description="{version, effective_from, name, legal_basis}")
    matched_by: Literal["id_field", "geometry"] = Field(description="[zones] id_field, or geometry (≥ 90 % of both)")
    summary: dict[Literal["added", "removed", "reshaped", "recoded", "unchanged"], int]
    by_subzone: list[dict] = Field(description="[{subzone_code, area_before_m2, area_after_m2, change_m2}]")
    by_kelurahan: list[dict] = Field(description="[{kelurahan, area_before_m2, area_after_m2, change_m2}]")
    rules: dict = Field(description="itbx, intensity, conditions ({added, removed, changed} each), overlays")
    zones: dict | None = Field(description="FeatureCollection of the changed zones (change, before, after, …)")
