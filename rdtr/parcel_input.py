"""Reading parcel inputs (*persil*): GeoJSON documents over HTTP, any vector file on the command line.

Everything ends up as :class:`ParcelInput` in EPSG:4326 (longitude/latitude), checked and — when a ring
crosses itself — repaired with ``shapely.make_valid``. The checks say what is wrong in words a user can
act on: open rings, swapped axes, projected coordinates, a parcel larger than the configured maximum.

A single geometry or Feature that fails a check raises :class:`rdtr.errors.InvalidInput` (HTTP 422).
In a FeatureCollection each feature is checked on its own: a bad feature gets an ``error`` in its
result instead of failing the whole batch, so one broken parcel does not sink 10,000 good ones.
"""

from __future__ import annotations

import math
import struct
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon

from rdtr.config import get_settings
from rdtr.earth import metres_per_degree
from rdtr.errors import InvalidInput, LimitExceeded
from rdtr.geos_reasons import geos_reason
from rdtr.messages import Message
from rdtr.safe_open import check_driver, check_name, vector_source

#: Where RDTR parcels can be: Indonesia (≈ 95–141° E, 11° S–6° N) with a generous margin.
#: A parcel entirely outside it is almost always a coordinate mistake (projected metres, swapped
#: axes, a sign lost on the latitude), so it is refused with that reason rather than answered "not covered".
SERVICE_ENVELOPE = (90.0, -15.0, 145.0, 10.0)  # min lon, min lat, max lon, max lat

_GEOD = Geod(ellps="WGS84")
POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass
class ParcelInput:
    """One parcel as received. ``geom`` is a valid (Multi)Polygon in EPSG:4326, or ``None`` with ``error``."""

    index: int
    id: Any = None
    properties: dict | None = None
    geom: Polygon | MultiPolygon | None = None
    valid: bool = True  #: the geometry as sent was valid
    repaired: bool = False  #: it was not, and make_valid repaired it
    vertices: int = 0  #: coordinates in the geometry as sent
    error: str | None = None
    extra: dict = field(default_factory=dict)
    wkb: bytes | None = field(default=None, repr=False)  #: ``geom`` as 2-D WKB, when it was built from it
    _area_m2: float | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """True when the parcel is usable (it has no ``error``)."""
        return self.error is None

    @property
    def area_m2(self) -> float | None:
        """Geodesic area on WGS 84 (pyproj.Geod), m²; measured on first use (answers use PostGIS's, the same
        model)."""
        if self._area_m2 is None and self.geom is not None:
            self._area_m2 = geodesic_area(self.geom)
        return self._area_m2

    def wkb_hex(self) -> str:
        """``geom`` as hex 2-D WKB, EPSG:4326 implied: what the overlay query takes."""
        if self.wkb is not None:
            return self.wkb.hex()
        return shapely.to_wkb(self.geom, hex=True, output_dimension=2)


@dataclass
class ParcelBatch:
    """What a request or file held. ``collection`` is true for a FeatureCollection / multi-feature file."""

    parcels: list[ParcelInput]
    collection: bool


# --- GeoJSON -----------------------------------------------------------------------------------------


def parse_geojson(doc: Any, *, max_parcels: int | None = None) -> ParcelBatch:
    """A GeoJSON Polygon/MultiPolygon, Feature or FeatureCollection → checked parcels.

    Raises :class:`InvalidInput` when the document itself is unusable, or when a single parcel is.
    """
    if not isinstance(doc, dict):
        raise InvalidInput(Message("not_geojson", kind=_json_type(doc)))
    kind = doc.get("type")
    if kind == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, (list, tuple)):
            raise InvalidInput(Message("no_features_array"))
        limit = max_parcels if max_parcels is not None else get_settings().max_batch_parcels
        if len(features) > limit:
            raise InvalidInput(Message("too_many_features", count=str(len(features)), limit=str(limit)))
        if not features:
            raise InvalidInput(Message("no_features"))
        parcels = []
        for i, feature in enumerate(features):
            try:
                parcels.append(_parse_feature(feature, i))
            except InvalidInput as exc:
                fid, props = _feature_identity(feature)
                parcels.append(ParcelInput(index=i, id=fid, properties=props, error=exc.detail))
        check_request_vertices(parcels)
        return ParcelBatch(parcels, collection=True)
    if kind == "Feature":
        return ParcelBatch([_parse_feature(doc, 0)], collection=False)
    if kind in POLYGONAL:
        return ParcelBatch([check_geometry(doc, 0)], collection=False)
    if kind in ("Point", "MultiPoint", "LineString", "MultiLineString", "GeometryCollection"):
        raise InvalidInput(Message("not_a_parcel", kind=kind))
    raise InvalidInput(Message("unknown_geojson", kind=repr(kind)))


def _json_type(value: Any) -> str:
    return {list: "array", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _feature_identity(feature: Any) -> tuple[Any, dict | None]:
    if not isinstance(feature, dict):
        return None, None
    props = feature.get("properties")
    fid = feature.get("id")
    if isinstance(fid, (dict, list)):
        fid = None
    return fid, props if isinstance(props, dict) else None


def _parse_feature(feature: Any, index: int) -> ParcelInput:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise InvalidInput(Message("expected_feature", where=Message("feature", index=str(index))))
    fid, props = _feature_identity(feature)
    geometry = feature.get("geometry")
    if geometry is None:
        raise InvalidInput(Message("no_geometry", where=Message("feature", index=str(index))))
    parcel = check_geometry(geometry, index, where=Message("feature", index=str(index)))
    parcel.id, parcel.properties = fid, props
    return parcel


def _positions(ring: Any, where: str) -> list[tuple[float, float]]:
    if not isinstance(ring, (list, tuple)):
        raise InvalidInput(Message("ring_not_array", where=where))
    out = []
    for pos in ring:
        if (
            not isinstance(pos, (list, tuple))
            or len(pos) < 2
            or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in pos[:2])
        ):
            raise InvalidInput(Message("position_not_numbers", where=where, value=_short(pos)))
        x, y = float(pos[0]), float(pos[1])
        if not (math.isfinite(x) and math.isfinite(y)):
            raise InvalidInput(Message("coords_not_finite", where=where))
        out.append((x, y))
    return out


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _rings(coords: Any, where: str) -> list[list[tuple[float, float]]]:
    if not isinstance(coords, (list, tuple)) or not coords:
        raise InvalidInput(Message("polygon_no_ring", where=where))
    rings = []
    for r, ring in enumerate(coords):
        pts = _positions(ring, where)
        label = Message("outer_ring") if r == 0 else Message("hole", number=str(r))
        if len(pts) < 4:
            raise InvalidInput(Message("ring_short", where=where, label=label, count=str(len(pts))))
        if pts[0] != pts[-1]:
            raise InvalidInput(
                Message("ring_open", where=where, label=label, first=str(list(pts[0])), last=str(list(pts[-1])))
            )
        rings.append(pts)
    return rings


def check_geometry(geometry: Any, index: int = 0, where: str = "") -> ParcelInput:
    """Check a GeoJSON geometry dict and turn it into a valid parcel; raises :class:`InvalidInput`."""
    if not isinstance(geometry, dict):
        raise InvalidInput(Message("geometry_not_object", where=where))
    kind = geometry.get("type")
    if kind not in POLYGONAL:
        what = kind if isinstance(kind, str) else Message("geometry_unknown_type")
        raise InvalidInput(Message("geometry_not_parcel", where=where, kind=what))
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        polys = [_rings(coords, where)]
    else:
        if not isinstance(coords, (list, tuple)) or not coords:
            raise InvalidInput(Message("multipolygon_no_polygons", where=where))
        polys = [_rings(p, where) for p in coords]
    xs = [x for rings in polys for ring in rings for x, _ in ring]
    ys = [y for rings in polys for ring in rings for _, y in ring]
    check_extent(min(xs), min(ys), max(xs), max(ys), where)
    wkb = _polygon_wkb(polys[0]) if kind == "Polygon" else _multipolygon_wkb(polys)
    try:
        geom = shapely.from_wkb(wkb)
    except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
        raise InvalidInput(Message("polygon_unusable", where=where, why=str(exc))) from None
    return finish(geom, index, where, wkb=wkb, vertices=len(xs))


# WKB written here from the checked rings (little-endian, 2-D): a tenth of the CPU of building the shapely
# rings and writing WKB from them, for the one or 10,000 parcels of a request (measured, bench/parcel.md).
def _polygon_wkb(rings: list[list[tuple[float, float]]]) -> bytes:
    parts = [struct.pack("<BII", 1, 3, len(rings))]
    for ring in rings:
        parts.append(struct.pack(f"<I{2 * len(ring)}d", len(ring), *(c for xy in ring for c in xy)))
    return b"".join(parts)


def _multipolygon_wkb(polys: list[list[list[tuple[float, float]]]]) -> bytes:
    return struct.pack("<BII", 1, 6, len(polys)) + b"".join(_polygon_wkb(rings) for rings in polys)


def check_request_vertices(parcels: list[ParcelInput]) -> None:
    """Refuse a request whose parcels have more vertices together than ``RDTR_MAX_REQUEST_VERTICES``."""
    limit = get_settings().max_request_vertices
    total = sum(p.vertices for p in parcels)
    if total > limit:
        raise LimitExceeded(
            f"the parcels have {total:,} vertices together, more than the limit of {limit:,} "
            "(RDTR_MAX_REQUEST_VERTICES); split the request"
        )


def check_extent(minx: float, miny: float, maxx: float, maxy: float, where: str = "") -> None:
    """Refuse coordinates that cannot be EPSG:4326 lon/lat of an Indonesian parcel, saying why."""
    if max(abs(minx), abs(maxx)) > 180 and max(abs(miny), abs(maxy)) > 90:
        raise InvalidInput(Message("projected", where=where, x=f"{minx:.6g}", y=f"{miny:.6g}"))
    if abs(miny) > 90 or abs(maxy) > 90:
        bad = maxy if abs(maxy) > 90 else miny
        hint = Message("axes_swapped_hint") if abs(minx) <= 90 and abs(maxx) <= 90 else ""
        raise InvalidInput(Message("parcel_lat_beyond", where=where, value=f"{bad:.6g}", hint=hint))
    if abs(minx) > 180 or abs(maxx) > 180:
        bad = maxx if abs(maxx) > 180 else minx
        raise InvalidInput(Message("parcel_lon_beyond", where=where, value=f"{bad:.6g}"))
    e_minx, e_miny, e_maxx, e_maxy = SERVICE_ENVELOPE
    if maxx < e_minx or minx > e_maxx or maxy < e_miny or miny > e_maxy:
        swapped_inside = not (maxy < e_minx or miny > e_maxx or maxx < e_miny or minx > e_maxy)
        why = Message("axes_swapped") if swapped_inside else Message("check_order")
        raise InvalidInput(Message("far_outside", where=where, x=f"{minx:.6g}", y=f"{miny:.6g}", why=why))


def finish(geom, index: int, where: str = "", *, wkb: bytes | None = None, vertices: int | None = None) -> ParcelInput:
    """Validate (repairing when needed) a shapely geometry in EPSG:4326 and measure it. ``wkb``: ``geom``'s own
    2-D WKB when it was read from it, with its ``vertices``."""
    if vertices is None:
        vertices = int(shapely.get_num_coordinates(geom))
    limit = get_settings().max_parcel_vertices
    if vertices > limit:
        raise LimitExceeded(Message("too_many_vertices", where=where, count=vertices, limit=limit))
    if wkb is None:
        geom = shapely.force_2d(geom)
    valid = bool(geom.is_valid)
    repaired = False
    if not valid:
        fixed = _polygonal(shapely.make_valid(geom))
        if fixed is None or fixed.is_empty or fixed.area == 0:
            reason = geos_reason(shapely.is_valid_reason(geom))
            raise InvalidInput(Message("polygon_unrepairable_area", where=where, reason=reason))
        geom, repaired, wkb = fixed, True, None
    if geom.is_empty or geom.area == 0:
        raise InvalidInput(Message("no_area", where=where))
    parcel = ParcelInput(index=index, geom=geom, valid=valid, repaired=repaired, vertices=vertices, wkb=wkb)
    limit = get_settings().max_parcel_area_m2
    # The local-metric area is within a fraction of a per mille of the geodesic one at parcel sizes: only a
    # parcel near the limit needs the geodesic measure to be refused or not.
    if local_area(geom) > 0.99 * limit and parcel.area_m2 > limit:
        raise InvalidInput(Message("parcel_too_large", where=where, area=round(parcel.area_m2), limit=round(limit)))
    return parcel


def _polygonal(geom):
    """The polygonal part of a make_valid result (which may mix in lines and points)."""
    if geom is None:
        return None
    if geom.geom_type in POLYGONAL:
        return geom
    if geom.geom_type == "GeometryCollection":
        polys = []
        for g in geom.geoms:
            if g.geom_type == "Polygon":
                polys.append(g)
            elif g.geom_type == "MultiPolygon":
                polys.extend(g.geoms)
        if not polys:
            return None
        return polys[0] if len(polys) == 1 else MultiPolygon(polys)
    return None


def geodesic_area(geom) -> float:
    """Area on the WGS 84 ellipsoid in m² (pyproj.Geod), the same model as PostGIS geography. The rings are
    oriented first: pyproj signs each ring's area by its orientation, and a hole wound like its shell (common
    in real files) would be added instead of taken away."""
    area, _ = _GEOD.geometry_area_perimeter(shapely.orient_polygons(geom))
    return abs(area)


def local_area(geom) -> float:
    """Area in m² by the WGS 84 metres per degree at the geometry's middle latitude (rdtr.earth): a quick
    estimate, good to well under 1 % for a parcel."""
    _, miny, _, maxy = geom.bounds
    kx, ky = metres_per_degree(math.radians((miny + maxy) / 2))
    return geom.area * kx * ky


# --- vector files -------------------------------------------------------------------------------------


def read_parcel_file(path: str | Path, layer: str | None = None, label: str | None = None) -> ParcelBatch:
    """Any vector file GDAL reads (GeoJSON, GPKG, Shapefile or a .zip of one, KML, …), any CRS → parcels.

    A file without a CRS is taken as EPSG:4326 when its coordinates look like degrees, else refused. Messages
    name the file ``label`` (an upload's own name), else ``path``.
    """
    import geopandas as gpd
    import pyogrio

    check_name(str(path))
    path = Path(path)
    label = label or str(path)
    if not path.exists():
        raise InvalidInput(Message("parcel_file_missing", path=label))
    source, driver = _parcel_source(path)
    if driver == "GeoJSON" and path.suffix.lower() in (".geojson", ".json"):
        import orjson

        try:
            doc = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError as exc:
            raise InvalidInput(Message("parcel_file_not_json", path=label, why=str(exc))) from None
        # The same checks as the HTTP API, unless a legacy "crs" member asks for reprojection by GDAL.
        if not (isinstance(doc, dict) and not _geojson_crs_is_4326(doc)):
            return parse_geojson(doc)
    check_driver(source, driver)
    try:
        kwargs = {"layer": layer} if layer else {}
        if layer is None and path.suffix.lower() in (".kml", ".kmz", ".gpkg"):
            layers = pyogrio.list_layers(source)
            if len(layers) > 1:
                # KML keeps each folder in a layer: read them all.
                frames = [gpd.read_file(source, layer=name) for name, _ in layers]
                import pandas as pd

                frames = [f for f in frames if len(f)]
                gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs) if frames else frames
            else:
                gdf = gpd.read_file(source, fid_as_index=True, **kwargs)
        else:  # the file's own feature ids (GPKG FID, a GeoJSON feature's integer id) become the parcels' ids
            gdf = gpd.read_file(source, fid_as_index=True, **kwargs)
    except Exception as exc:  # noqa: BLE001 - GDAL errors come in many types
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InvalidInput(Message("parcel_file_unreadable", path=label, why=why)) from None
    return frame_to_batch(gdf, label)


def _geojson_crs_is_4326(doc: dict) -> bool:
    crs = doc.get("crs")
    if not crs:
        return True
    name = str(((crs.get("properties") or {}).get("name")) or "")
    return name.endswith(("CRS84", "4326"))


def _parcel_source(path: Path) -> tuple[str, str]:
    """The checked GDAL source of a parcel file (rdtr.safe_open): a zip's Shapefile (or its one vector
    file), a KMZ's KML, or the file itself."""
    suffix = path.suffix.lower()
    if suffix not in (".zip", ".kmz"):
        return vector_source(path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile as exc:
        raise InvalidInput(Message("parcel_zip_unreadable", name=path.name, why=str(exc))) from None
    wanted = (".kml",) if suffix == ".kmz" else (".shp",)
    members = [n for n in names if n.lower().endswith(wanted)]
    if not members and suffix == ".zip":
        members = [n for n in names if n.lower().endswith((".geojson", ".json", ".gpkg", ".kml"))]
    if not members:
        raise InvalidInput(Message("parcel_zip_empty", name=path.name))
    main = "doc.kml" if "doc.kml" in members else members[0]
    return vector_source(path, main)


def frame_to_batch(gdf, label: str = "input") -> ParcelBatch:
    """A GeoDataFrame (any CRS) → checked parcels in EPSG:4326, one per row, in row order."""
    if gdf is None or len(gdf) == 0:
        raise InvalidInput(Message("parcel_file_no_features", label=label))
    limit = get_settings().max_batch_parcels
    if len(gdf) > limit:
        raise InvalidInput(Message("parcel_file_too_many", label=label, count=str(len(gdf)), limit=str(limit)))
    if gdf.crs is None:
        minx, miny, maxx, maxy = gdf.total_bounds
        if max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90:
            raise InvalidInput(Message("parcel_file_no_crs", label=label))
        gdf = gdf.set_crs(4326)
    elif not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs(4326)
    props_cols = [c for c in gdf.columns if c != gdf.geometry.name]
    records = gdf[props_cols].to_dict("records") if props_cols else [{} for _ in range(len(gdf))]
    parcels = []
    fids = gdf.index.tolist() if gdf.index.name == "fid" else list(range(len(gdf)))
    for i, (geom, props) in enumerate(zip(gdf.geometry.values, records)):
        props = {k: _plain(v) for k, v in props.items()}
        fid = props.get("id", _plain(fids[i]))
        try:
            where = Message("feature", index=str(i))
            if geom is None or geom.is_empty:
                raise InvalidInput(Message("no_geometry", where=where))
            if geom.geom_type not in POLYGONAL:
                raise InvalidInput(Message("feature_not_parcel", where=where, kind=geom.geom_type))
            minx, miny, maxx, maxy = geom.bounds
            check_extent(minx, miny, maxx, maxy, where)
            parcel = finish(geom, i, where)
        except InvalidInput as exc:
            parcel = ParcelInput(index=i, error=exc.detail)
        parcel.id, parcel.properties = fid, props
        parcels.append(parcel)
    if len(parcels) == 1 and parcels[0].error:
        raise InvalidInput(Message("labelled", label=label, message=parcels[0].error))
    check_request_vertices(parcels)
    return ParcelBatch(parcels, collection=len(parcels) > 1)


def _plain(value: Any) -> Any:
    """A value fit for JSON: numpy scalars → Python, NaN/NaT → None, dates → ISO strings."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        try:
            import pandas as pd

            if pd.isna(value):
                return None
        except (TypeError, ValueError):
            pass
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def to_feature_collection(parcels: Iterable[ParcelInput]) -> dict:
    """The parcels back as a GeoJSON FeatureCollection (for previews and file output)."""
    feats = []
    for p in parcels:
        feats.append(
            {
                "type": "Feature",
                "id": p.id,
                "properties": p.properties or {},
                "geometry": shapely.geometry.mapping(p.geom) if p.geom is not None else None,
            }
        )
    return {"type": "FeatureCollection", "features": feats}
