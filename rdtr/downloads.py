"""Bulk downloads of a plan version: GeoPackage, GeoJSON, FlatGeobuf, CSV tables, a QGIS project and the
vector tiles as a PMTiles archive (:mod:`rdtr.render.tile_archive`).

Versions never change after their load, so each file is built once per version and kept in the cache folder
(``RDTR_DOWNLOADS_DIR``, default ``<RDTR_HOME>/downloads``), named from the version's database id and the
format alone (``pv12-gpkg.gpkg``) — nothing a request says reaches a file name. Next to each file a sidecar
(``….json``) holds its sha256 (the strong ETag), its size, the version's source checksum and the builder's
version: a file whose sidecar disagrees (another database in the same folder, an older builder) is rebuilt.
Builds run under a lock (a thread lock and an ``flock`` on ``….lock``), so concurrent requests in one or
several processes build a file once; the file is written under a temporary name and renamed into place.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from rdtr.config import get_settings
from rdtr.errors import NoPublicURL, NotFound, UnknownPlan
from rdtr.messages import Message
from rdtr.render import qgis_project
from rdtr.text import is_plan_id

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: the thread lock alone (one process)
    fcntl = None  # type: ignore[assignment]

#: Bumped whenever what a builder writes changes: every cached file of an older builder is rebuilt.
BUILD_VERSION = 1


@dataclass(frozen=True)
class Kind:
    """One downloadable file of a version: its URL tail, media type, the name it is saved as, a title."""

    key: str
    tail: str
    media_type: str
    suffix: str
    title: str


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "gpkg",
            "download.gpkg",
            "application/geopackage+sqlite3",
            "zones.gpkg",
            "GeoPackage: zones and overlays, ITBX, intensity and conditions tables, styled in the Permen 14/2021 "
            "palette",
        ),
        Kind("geojson", "download.geojson", "application/geo+json", "zones.geojson", "Zones as GeoJSON"),
        Kind("fgb", "download.fgb", "application/flatgeobuf", "zones.fgb", "Zones as FlatGeobuf"),
        Kind("csv", "download.csv", "text/csv", "zones.csv", "Zone attributes as CSV (a point on each zone)"),
        Kind("itbx", "itbx.csv", "text/csv", "itbx.csv", "ITBX matrix as CSV: activity × sub-zone × class × codes"),
        Kind("intensity", "intensity.csv", "text/csv", "intensity.csv", "Intensity rules as CSV"),
        Kind("qgs", "project.qgs", "application/x-qgis-project", "qgs", "QGIS project: zones styled and labelled"),
        Kind(
            "pmtiles",
            "tiles.pmtiles",
            "application/vnd.pmtiles",
            "tiles.pmtiles",
            "Vector tiles of the zones as a PMTiles archive, for static hosting",
        ),
    )
}
#: The ``download.{format}`` formats (the path parameter's enum).
FORMATS = ("gpkg", "geojson", "fgb", "csv")
#: Builds done by this process, per kind (tests read it: a second request must not build again).
BUILDS: Counter = Counter()

_LOCKS: dict[tuple, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@dataclass(frozen=True)
class Built:
    """A built file: where it is, its sha256 (the ETag), size, media type and the name it is offered as."""

    path: Path
    sha256: str
    size: int
    media_type: str
    filename: str

    @property
    def etag(self) -> str:
        """The strong entity tag: the quoted sha256 of the file."""
        return f'"{self.sha256}"'


def cache_dir() -> Path:
    """The folder downloads are built in (created when missing)."""
    s = get_settings()
    folder = s.downloads_dir.expanduser().resolve() if s.downloads_dir else s.resolved_home() / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _base_or_none() -> str | None:
    from rdtr.extract_records import public_base

    try:
        return public_base()
    except NoPublicURL:
        return None


def version_url(plan_id: str, version: int, base: str | None = None) -> str:
    """``{base}/v1/plans/{plan_id}/versions/{version}`` (root-relative without a base)."""
    return f"{(base or '').rstrip('/')}/v1/plans/{plan_id}/versions/{version}"


def download_links(plan_id: str, version: int) -> list[dict]:
    """``rel: "enclosure"`` links (href, type, title) to every download of the version and its QGIS project;
    absolute under the configured public URL, root-relative when none is configured."""
    root = version_url(plan_id, version, _base_or_none())
    return [
        {"rel": "enclosure", "href": f"{root}/{k.tail}", "type": k.media_type, "title": k.title} for k in KINDS.values()
    ]


def find_version(db, plan_id: str, version: int) -> dict:
    """The version's row (id, plan_id, version, name, source_checksum, bbox); :class:`UnknownPlan` or
    :class:`NotFound` (404) when the plan or the version does not exist."""
    if not is_plan_id(plan_id):
        raise UnknownPlan(plan_id[:80])
    rows = db.fetch_sql(
        """SELECT p.id, pv.id, pv.version, pv.name, pv.source_checksum,
                  ST_XMin(pv.bbox), ST_YMin(pv.bbox), ST_XMax(pv.bbox), ST_YMax(pv.bbox)
           FROM plan p LEFT JOIN plan_version pv ON pv.plan_id = p.id AND pv.version = %s
           WHERE p.id = %s""",
        (version, plan_id),
    )
    if not rows:
        raise UnknownPlan(plan_id)
    pid, pv_id, number, name, checksum, *bbox = rows[0]
    if pv_id is None:
        raise NotFound(Message("no_such_version", plan=repr(plan_id), version=str(version)), plan=plan_id)
    box = tuple(bbox) if bbox[0] is not None else (95.0, -11.0, 141.0, 6.0)
    return {"plan_id": pid, "id": pv_id, "version": number, "name": name, "source_checksum": checksum, "bbox": box}


def offered_name(ver: dict, kind: Kind) -> str:
    """The download's file name: ``bontang-v1-zones.gpkg`` (``bontang-v1.qgs`` for the project)."""
    stem = f"{ver['plan_id']}-v{ver['version']}"
    return f"{stem}.{kind.suffix}" if kind.key == "qgs" else f"{stem}-{kind.suffix}"


# --- reading the version --------------------------------------------------------------------------------

ZONES_SQL = """
SELECT z.id, z.feature_id, z.subzone_code, z.subzone_name, z.zone_code, z.zone_name, z.block, z.subblock,
       z.kecamatan, z.kelurahan, array_to_string(z.tpz, ','), z.special_provisions::text, z.area_m2,
       ST_X(ST_PointOnSurface(z.geom)), ST_Y(ST_PointOnSurface(z.geom)), ST_AsBinary(z.geom)
FROM zone z WHERE z.plan_version_id = %s ORDER BY z.id"""
ZONE_COLUMNS = [
    "zone_id", "feature_id", "subzone_code", "subzone_name", "zone_code", "zone_name", "block", "subblock",
    "kecamatan", "kelurahan", "tpz", "special_provisions", "area_m2", "lon", "lat",
]  # fmt: skip
OVERLAYS_SQL = """SELECT id, kind, name, text, max_height_m, ST_AsBinary(geom) FROM overlay
WHERE plan_version_id = %s ORDER BY id"""
ITBX_SQL = """
SELECT a.activity_code, a.activity_name, array_to_string(a.kbli, ','), a.activity_group, i.subzone_code,
       i.class, array_to_string(i.codes, ',')
FROM itbx i JOIN activity a ON a.id = i.activity_id
WHERE i.plan_version_id = %s ORDER BY a.activity_code, i.subzone_code"""
ITBX_COLUMNS = ["activity_code", "activity_name", "kbli", "activity_group", "subzone_code", "class", "codes"]
INTENSITY_COLUMNS = [
    "subzone_code", "lot_area_min_m2", "lot_area_max_m2", "block", "tpz", "variant", "kdb_max", "klb_max",
    "kdh_min", "ktb_max", "height_max_m", "floors_max", "gsb_min_m", "lot_min_m2", "note",
]  # fmt: skip
INTENSITY_SQL = (
    f"SELECT {', '.join(INTENSITY_COLUMNS)}, extra::text FROM intensity WHERE plan_version_id = %s "
    "ORDER BY subzone_code, lot_area_min_m2 NULLS FIRST, block NULLS FIRST, variant NULLS FIRST, id"
)
CONDITION_COLUMNS = [
    "code", "text", "max_footprint_share_pct", "max_floor_area_m2", "max_floors", "max_height_m",
    "min_lot_area_m2", "max_lot_area_m2", "hours",
]  # fmt: skip
CONDITIONS_SQL = (
    f"SELECT {', '.join(CONDITION_COLUMNS)}, array_to_string(requires, '; ') FROM itbx_code "
    "WHERE plan_version_id = %s ORDER BY code"
)
SUBZONES_SQL = """
SELECT DISTINCT ON (z.subzone_code) z.subzone_code, coalesce(s.subzone_name, z.subzone_name),
       coalesce(s.zone_code, z.zone_code)
FROM zone z LEFT JOIN subzone s ON s.plan_version_id = z.plan_version_id AND s.subzone_code = z.subzone_code
WHERE z.plan_version_id = %s ORDER BY z.subzone_code"""


def _geoms(rows: list, index: int) -> list:
    return [shapely.from_wkb(bytes(r[index])) for r in rows]


def zones_frame(db, pv_id: int) -> gpd.GeoDataFrame:
    """The version's zones: attributes, a point on each (``lon``, ``lat``) and the geometry (EPSG:4326)."""
    rows = db.fetch_sql(ZONES_SQL, (pv_id,))
    frame = pd.DataFrame([r[:-1] for r in rows], columns=ZONE_COLUMNS)
    frame["zone_id"] = frame["zone_id"].astype("int64")
    return gpd.GeoDataFrame(frame, geometry=_geoms(rows, -1), crs="EPSG:4326")


def overlays_frame(db, pv_id: int) -> gpd.GeoDataFrame:
    """The version's overlays (KKOP, KRB, …) with their kind, name, text and height limit."""
    rows = db.fetch_sql(OVERLAYS_SQL, (pv_id,))
    frame = pd.DataFrame([r[:-1] for r in rows], columns=["overlay_id", "kind", "name", "text", "max_height_m"])
    frame["max_height_m"] = frame["max_height_m"].astype("float64")
    return gpd.GeoDataFrame(frame, geometry=_geoms(rows, -1), crs="EPSG:4326")


def itbx_rows(db, pv_id: int) -> tuple[list[str], list[tuple]]:
    """The ITBX matrix in long form: one row per activity × sub-zone with its class and codes."""
    return ITBX_COLUMNS, db.fetch_sql(ITBX_SQL, (pv_id,))


def intensity_rows(db, pv_id: int) -> tuple[list[str], list[tuple]]:
    """The intensity rows as loaded (``extra``: other delivered columns as JSON)."""
    return [*INTENSITY_COLUMNS, "extra"], db.fetch_sql(INTENSITY_SQL, (pv_id,))


def condition_rows(db, pv_id: int) -> tuple[list[str], list[tuple]]:
    """The ITBX condition codes with their texts and rule columns."""
    return [*CONDITION_COLUMNS, "requires"], db.fetch_sql(CONDITIONS_SQL, (pv_id,))


def legend_entries(db, pv_id: int) -> list:
    """The sub-zones present on the version's zones as legend entries (code, name, zone, Permen colour)."""
    return qgis_project.entries_for(db.fetch_sql(SUBZONES_SQL, (pv_id,)))


# --- writing ---------------------------------------------------------------------------------------------


def _table(columns: list[str], rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([list(r) for r in rows], columns=columns, dtype=object)


def _write_csv(path: Path, columns: list[str], rows: list[tuple]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(columns)
        w.writerows(["" if v is None else v for v in r] for r in rows)


def _layer_styles(entries: list) -> pd.DataFrame:
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        ("zones", "geom", "rdtr Permen 14/2021", qgis_project.zones_qml(entries), qgis_project.zones_sld(entries),
         "Sub-zones in the Permen ATR/BPN 14/2021 palette, labelled with subzone_code"),
        ("overlays", "geom", "rdtr overlays", qgis_project.overlays_qml(), qgis_project.overlays_sld(),
         "Overlays (KKOP, KRB, …), hatched"),
    ]  # fmt: skip
    return pd.DataFrame(
        {
            "f_table_catalog": ["" for _ in rows],
            "f_table_schema": ["" for _ in rows],
            "f_table_name": [r[0] for r in rows],
            "f_geometry_column": [r[1] for r in rows],
            "styleName": [r[2] for r in rows],
            "styleQML": [r[3] for r in rows],
            "styleSLD": [r[4] for r in rows],
            "useAsDefault": [True for _ in rows],
            "description": [r[5] for r in rows],
            "owner": ["rdtr" for _ in rows],
            "ui": [None for _ in rows],
            "update_time": [now for _ in rows],
        }
    )


def _write_gpkg(db, ver: dict, path: Path) -> None:
    pv = ver["id"]
    common = {"driver": "GPKG", "promote_to_multi": True, "geometry_type": "MultiPolygon"}
    pyogrio.write_dataframe(zones_frame(db, pv), path, layer="zones", **common)
    pyogrio.write_dataframe(overlays_frame(db, pv), path, layer="overlays", **common)
    for name, (columns, rows) in (
        ("itbx", itbx_rows(db, pv)),
        ("intensity", intensity_rows(db, pv)),
        ("conditions", condition_rows(db, pv)),
    ):
        pyogrio.write_dataframe(_table(columns, rows), path, layer=name, driver="GPKG")
    pyogrio.write_dataframe(
        _layer_styles(legend_entries(db, pv)), path, layer="layer_styles", driver="GPKG", layer_options={"FID": "id"}
    )


def _write_geojson(db, ver: dict, path: Path) -> None:
    pyogrio.write_dataframe(
        zones_frame(db, ver["id"]), path, layer="zones", driver="GeoJSON", promote_to_multi=True,
        layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": "7"},
    )  # fmt: skip


def _write_fgb(db, ver: dict, path: Path) -> None:
    pyogrio.write_dataframe(
        zones_frame(db, ver["id"]), path, layer="zones", driver="FlatGeobuf", promote_to_multi=True,
        geometry_type="MultiPolygon",
    )  # fmt: skip


def _write_zones_csv(db, ver: dict, path: Path) -> None:
    rows = db.fetch_sql(ZONES_SQL, (ver["id"],))
    _write_csv(path, ZONE_COLUMNS, [r[:-1] for r in rows])


def _write_itbx(db, ver: dict, path: Path) -> None:
    _write_csv(path, *itbx_rows(db, ver["id"]))


def _write_intensity(db, ver: dict, path: Path) -> None:
    _write_csv(path, *intensity_rows(db, ver["id"]))


def _write_pmtiles(db, ver: dict, path: Path) -> None:
    from rdtr.render import tiles  # the renderer imports this module (through the archive reader)

    tiles.write_version_archive(db, ver, path)


def _write_qgs(db, ver: dict, path: Path) -> None:
    from rdtr.extract_records import public_base  # the configured base only, never a request's Host

    gpkg_url = f"{version_url(ver['plan_id'], ver['version'], public_base())}/{KINDS['gpkg'].tail}"
    text = qgis_project.project_qgs(
        title=f"{ver['name']} (versi {ver['version']})",
        gpkg_url=gpkg_url,
        entries=legend_entries(db, ver["id"]),
        bbox=ver["bbox"],
        layer_key=f"{ver['plan_id'].replace('-', '_')}_v{ver['version']}",
    )
    path.write_text(text, encoding="utf-8")


BUILDERS: dict[str, Callable[[object, dict, Path], None]] = {
    "gpkg": _write_gpkg,
    "geojson": _write_geojson,
    "fgb": _write_fgb,
    "csv": _write_zones_csv,
    "itbx": _write_itbx,
    "intensity": _write_intensity,
    "qgs": _write_qgs,
    "pmtiles": _write_pmtiles,
}
EXTENSIONS = {"gpkg": "gpkg", "geojson": "geojson", "fgb": "fgb", "csv": "csv", "itbx": "csv",
              "intensity": "csv", "qgs": "qgs", "pmtiles": "pmtiles"}  # fmt: skip


# --- the cache -------------------------------------------------------------------------------------------


def _identity(ver: dict, key: str) -> dict:
    """What a cached file must have been built from to be served for this version."""
    ident = {"build": BUILD_VERSION, "plan_version_id": ver["id"], "source_checksum": ver["source_checksum"]}
    if key == "qgs":  # the project names the service's address: a new RDTR_PUBLIC_URL makes a new project
        ident["base"] = _base_or_none()
    if key == "pmtiles":  # the tiles' style and zoom range are part of what the archive holds
        from rdtr.render import tile_archive, tiles

        ident["tiles"] = [tiles.STYLE_VERSION, tiles.MIN_ZOOM, tile_archive.archive_max_zoom()]
    return ident


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _cached(target: Path, sidecar: Path, ident: dict) -> tuple[str, int] | None:
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        size = target.stat().st_size
    except (OSError, ValueError):
        return None
    if any(meta.get(k) != v for k, v in ident.items()) or meta.get("size") != size:
        return None
    return meta["sha256"], size


def cached_path(ver: dict, key: str) -> Path | None:
    """The built file of kind ``key`` for ``ver`` when it is in the cache and current, else ``None`` (never
    builds)."""
    folder = cache_dir()
    name = f"pv{int(ver['id'])}-{key}.{EXTENSIONS[key]}"
    target = folder / name
    return target if _cached(target, folder / f"{name}.json", _identity(ver, key)) is not None else None


@contextlib.contextmanager
def _build_lock(folder: Path, name: str):
    key = (str(folder), name)
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock, open(folder / f"{name}.lock", "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)  # other worker processes building the same file wait here
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _remove(path: Path) -> None:
    for p in (path, *path.parent.glob(path.name + "-*")):  # GeoPackage side files (-journal, -wal, -shm)
        with contextlib.suppress(OSError):
            p.unlink()


def ensure(db, ver: dict, key: str) -> Built:
    """The file of kind ``key`` for the version ``ver`` (:func:`find_version`): from the cache, or built now
    (once, under the lock) and kept."""
    kind = KINDS[key]
    folder = cache_dir()
    name = f"pv{int(ver['id'])}-{key}.{EXTENSIONS[key]}"
    target, sidecar = folder / name, folder / f"{name}.json"
    ident = _identity(ver, key)
    found = _cached(target, sidecar, ident)
    if found is None:
        with _build_lock(folder, name):
            found = _cached(target, sidecar, ident)  # built by another request while this one waited
            if found is None:
                found = _build(db, ver, key, target, sidecar, ident)
    sha, size = found
    return Built(target, sha, size, kind.media_type, offered_name(ver, kind))


def _build(db, ver: dict, key: str, target: Path, sidecar: Path, ident: dict) -> tuple[str, int]:
    part = target.with_name(f"{target.stem}.part{os.getpid()}-{threading.get_ident()}.{EXTENSIONS[key]}")
    _remove(part)
    try:
        BUILDERS[key](db, ver, part)
        sha, size = _sha256(part), part.stat().st_size
        sidecar.unlink(missing_ok=True)  # never a sidecar that vouches for the file being replaced
        os.replace(part, target)
    finally:
        _remove(part)
    meta = {**ident, "sha256": sha, "size": size, "built_at": datetime.now(UTC).isoformat()}
    tmp = sidecar.with_name(sidecar.name + f".part{os.getpid()}")
    tmp.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp, sidecar)
    BUILDS[key] += 1
    return sha, size


def download(db, plan_id: str, version: int, key: str) -> Built:
    """The built file of kind ``key`` (``gpkg``, ``geojson``, ``fgb``, ``csv``, ``itbx``, ``intensity``,
    ``qgs``, ``pmtiles``) for ``plan_id``'s version ``version``; 404 errors for an unknown plan or version."""
    return ensure(db, find_version(db, plan_id, version), key)
