"""The plan package: ``plan.toml`` and the files it names, as a folder or a ``.zip`` of one.

A package is one version of one RDTR. This module opens it (unpacking a zip safely), computes its
checksum and parses ``plan.toml`` into typed specs; reading the files is :mod:`rdtr.ingest`'s job.

``plan.toml`` keys (everything not marked *required* is optional)::

    [plan]
    id = "bontang"                  # required, [a-z0-9-]+
    name = "RDTR Kota Bontang"      # required
    legal_basis = "Perwali …"       # required
    effective_from = 2024-05-01     # required (TOML date or "YYYY-MM-DD")
    region = "Kota Bontang"
    region_code = "64.74"
    synthetic = false               # true for made-up sample data
    boundary = "batas.gpkg"         # the planning area (a polygon layer): gaps open to its edge are found

    [zones]                         # required: the pola-ruang polygons
    path = "pola_ruang.gpkg"        # .gpkg .shp (or a folder / .zip of one) .geojson .kml .kmz .gdb (folder or .zip)
    layer = "pola_ruang"            # when the source has several layers
    crs = "EPSG:9480"               # used only when the file carries no CRS
    id_field = "OBJECTID"           # the delivered feature id column (default: the file's FID)
    [zones.fields]                  # canonical = source column (case-insensitive). Defaults: Permen 14/2021
    subzone_code = "KODSZN"         # (KODSZN, NAMSZN, KODZON, NAMZON, KODBLK, KODSBL, WADMKC, WADMKD, TPZ_00),
    subzone_name = "NAMSZN"         #  also found with a suffix: KODSZN_1
    [zones.provisions]              # extra special-provision columns: KIND = "column"
    # the standard ones (KKOP_1, LP2B_2, KRB_03, TOD_04, TEB_05, PUSLIT, CAGBUD, RESAIR, KSMPDN, HANKAM,
    # KKARST, PTBGMB, MGRSAT, RDBUMI) are recognised by name

    [subzones]                      # the plan's sub-zone table (default: derived from the zone layer)
    path = "subzona.csv"            # subzone_code, subzone_name, zone_code, zone_name[, aliases]
    [subzones.columns]              # canonical = source header; aliases = other names, ";"-separated

    [itbx]
    path = "itbx.csv"               # .csv or .xlsx (sheet = "…")
    codes = "itbx_codes.csv"        # legend: code,text[,rule columns] (rdtr.conditions; code/kode, text/meaning…)
    kbli = "kbli.csv"               # optional KBLI 2020 → activity table: kbli,activity_code (one row per pair)
    layout = "wide"                 # "wide" (activities × sub-zones) | "long" | "polygon-lists"
    columns = "auto"                # sub-zones (wide: the columns; long: the cells) are written as
                                    # "codes" | "names" (names and aliases of the sub-zone table) | "auto"
    header_row = 1                  # line of the header (1-based); rows before it are skipped
    skip_rows = []                  # further line numbers to skip
    delimiter = ","                 # csv only ("auto" sniffs)
    encoding = "utf-8-sig"
    exclude = []                    # wide: columns that are neither activity fields nor sub-zones
    [itbx.fields]                   # canonical = source header: activity_code, activity, kbli, group, and for
                                    # layout = "long": subzone, cell. Defaults found by name (activity_code,
                                    # activity_number, kode; activity, kegiatan; kbli; group, kelompok_kegiatan).
                                    # No code column: activities are numbered in file order (reported).
    [itbx.lists]                    # layout = "polygon-lists": zone-layer column = the cell it stands for
    # IZN = "I"; TBT = "T"; BST = "B"; TBS = "T,B"
    [itbx.codes_columns]            # legend headers: code = "…", text = "…", a rule column (hours = "Jam")

    [intensity]
    path = "intensitas.csv"         # .csv or .xlsx
    source = "file"                 # "file" | "zones": per-polygon columns of the zone layer (Jakarta)
    layout = "rows"                 # "rows": one row per sub-zone [and lot class, variant]
                                    # "parameter-rows": one row per (lot class, parameter), sub-zones as columns
    subzones = "auto"               # rows layout: the sub-zone column holds "codes" | "names" | "auto"
    header_row = 1; skip_rows = []; delimiter = ","; encoding = "utf-8-sig"; sheet = "…"
    exclude = []                    # parameter-rows: columns that are not sub-zones (e.g. "kelas")
    [intensity.columns]             # canonical = source header: subzone, lot_area_min_m2, lot_area_max_m2,
                                    # block, tpz, variant, kdb_max, klb_max, kdh_min, ktb_max, height_max_m,
                                    # floors_max, gsb_min_m, lot_min_m2, note; parameter (parameter-rows).
                                    # Unmapped columns are kept verbatim in intensity.extra.
    [intensity.parameters]          # parameter-rows: canonical = value of the parameter column (KDB, KLB, KDH,
                                    # KTB, Tinggi, Lantai, GSB are known)

    [tpz]
    path = "tpz.csv"                # code,text
    [tpz.columns]

    [[overlays]]                    # repeatable: separate polygon layers of special provisions
    kind = "KKOP"                   # required
    path = "kkop.gpkg"              # required
    layer = "…"; crs = "EPSG:…"
    name = "KKOP Bandara PT Badak"  # or name_field = "column"
    text = "Building height limited…"  # or text_field = "column"
    max_height_m = 45               # structured height limit (m, > 0, ≤ 1000) for every polygon, or
    height_field = "TINGGI_MAX"     # a column holding each polygon's limit in metres (not both)

    [[parcels]]                     # repeatable: land parcels, found by number (GET /v1/places, /v1/parcels/…)
    path = "persil.gpkg"            # required: polygons, any format [zones] takes
    id_field = "NIB"                # required: the parcel number column (BPN NIB, PBB NOP); unique, never empty
    label_field = "ALAMAT"          # an address or name shown with it, searchable too
    layer = "…"; crs = "EPSG:…"
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import tomllib
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from rdtr.conditions import BY_NAME, parse_rule_value
from rdtr.errors import PackageError
from rdtr.messages import Message, reason
from rdtr.package_spec import (  # noqa: F401 - the specs are part of this module's interface
    IntensitySpec,
    ItbxSpec,
    OverlaySpec,
    Package,
    ParcelLayerSpec,
    PlanSpec,
    TableSpec,
    ZonesSpec,
    parse_parcel_layers,
)
from rdtr.safe_open import TEMP_PREFIX, safe_extract
from rdtr.text import PLAN_ID

#: Files that are not part of a package's content (OS litter), ignored by the checksum.
IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
IGNORED_DIRS = {"__MACOSX", ".git"}


# --- opening -------------------------------------------------------------------------------------
class OpenedPackage:
    """Context manager: the package folder (unzipped to a temporary folder when needed)."""

    def __init__(self, source: str | Path):
        self.source = Path(source)
        self._tmp: str | None = None
        self.root: Path | None = None

    def __enter__(self) -> Path:
        src = self.source
        if not src.exists():
            raise PackageError(Message("package_not_found", path=str(src)), None)
        if src.is_dir():
            self.root = _package_root(src)
            return self.root
        if not zipfile.is_zipfile(src):
            raise PackageError(Message("package_kind", name=src.name), None)
        self._tmp = tempfile.mkdtemp(prefix=TEMP_PREFIX)
        try:
            safe_extract(src, Path(self._tmp))
            self.root = _package_root(Path(self._tmp), label=src.name)
        except BaseException:
            # __exit__ does not run when __enter__ fails: a bad package must not leave its files behind.
            self.__exit__()
            raise
        return self.root

    def __exit__(self, *exc) -> None:
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def _package_root(folder: Path, label: str | None = None) -> Path:
    """The folder holding plan.toml: the folder itself or its single sub-folder (zips often wrap one).
    ``label`` names the package in the error (never the temporary folder it was unpacked to)."""
    if (folder / "plan.toml").is_file():
        return folder
    entries = [p for p in folder.iterdir() if p.name not in IGNORED_DIRS and p.name not in IGNORED_NAMES]
    if len(entries) == 1 and entries[0].is_dir() and (entries[0] / "plan.toml").is_file():
        return entries[0]
    raise PackageError(Message("no_plan_toml", name=str(label or folder.name or folder)), None)


def package_files(root: Path) -> list[Path]:
    """Every content file of the package, sorted by relative path."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS)
        for name in filenames:
            if name in IGNORED_NAMES:
                continue
            out.append(Path(dirpath) / name)
    return sorted(out, key=lambda p: p.relative_to(root).as_posix())


def checksum(root: Path) -> str:
    """sha256 over the package's files (relative path and content of each), so a folder and its zip
    have the same checksum and any change to any file changes it."""
    h = hashlib.sha256()
    for path in package_files(root):
        rel = path.relative_to(root).as_posix().encode()
        h.update(len(rel).to_bytes(4, "big") + rel)
        h.update(path.stat().st_size.to_bytes(8, "big"))
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


# --- plan.toml -----------------------------------------------------------------------------------
class SpecErrors(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _choice(field: str, options: tuple[str, ...], value: Any) -> Message:
    """``field must be "a", "b" or "c", got 'x'`` in the reader's language (the options are plan.toml words)."""
    quoted = [f'"{o}"' for o in options]
    return Message("toml_choice", field=field, choices=", ".join(quoted[:-1]), last=quoted[-1], value=repr(value))


def _str_map(value: Any, where: str, problems: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Message("toml_map", where=where))
        return {}
    out = {}
    for k, v in value.items():
        if not isinstance(v, str):
            problems.append(Message("toml_map_value", where=where, name=str(k), value=repr(v)))
            continue
        out[str(k)] = v
    return out


def _table_spec(cls, section: dict, where: str, problems: list[str], **extra):
    path = section.get("path")
    if extra.pop("path_optional", False) and not path:
        path = ""
    elif not isinstance(path, str) or not path:
        problems.append(Message("toml_needs_path", where=where))
        path = ""
    skip = section.get("skip_rows", [])
    if not isinstance(skip, list) or not all(isinstance(i, int) for i in skip):
        problems.append(Message("toml_skip_rows", where=where))
        skip = []
    header_row = section.get("header_row", 1)
    if not isinstance(header_row, int) or header_row < 1:
        problems.append(Message("toml_header_row", where=where))
        header_row = 1
    return cls(
        path=path,
        columns=_str_map(section.get("columns"), f"[{where}.columns]", problems),
        header_row=header_row,
        skip_rows=skip,
        delimiter=str(section.get("delimiter", ",")),
        encoding=str(section.get("encoding", "utf-8-sig")),
        sheet=section.get("sheet"),
        exclude=[str(e) for e in section.get("exclude", [])],
        **extra,
    )


def parse_plan_toml(
    doc: dict,
) -> tuple[
    PlanSpec, ZonesSpec, TableSpec | None, ItbxSpec | None, IntensitySpec | None, TableSpec | None, list[OverlaySpec]
]:
    """Typed specs from a parsed ``plan.toml``; raises :class:`SpecErrors` listing every problem."""
    problems: list[str] = []
    p = doc.get("plan")
    if not isinstance(p, dict):
        raise SpecErrors([Message("toml_no_plan")])
    for key in ("id", "name", "legal_basis", "effective_from"):
        if p.get(key) in (None, ""):
            problems.append(Message("toml_required", field=f"[plan].{key}"))
    plan_id = str(p.get("id", ""))
    if plan_id and not PLAN_ID.match(plan_id):
        problems.append(Message("toml_plan_id", id=repr(plan_id)))
    eff = p.get("effective_from")
    if isinstance(eff, str):
        try:
            eff = date.fromisoformat(eff)
        except ValueError:
            problems.append(Message("toml_date", field="[plan].effective_from", raw=repr(eff)))
            eff = None
    elif eff is not None and not isinstance(eff, date):
        problems.append(Message("toml_date", field="[plan].effective_from", raw=repr(eff)))
        eff = None
    synthetic = p.get("synthetic", False)
    if not isinstance(synthetic, bool):
        problems.append(Message("toml_synthetic"))
        synthetic = False
    boundary = p.get("boundary")
    if boundary is not None and (not isinstance(boundary, str) or not boundary.strip()):
        problems.append(Message("toml_boundary", value=repr(boundary)))
        boundary = None
    plan = PlanSpec(
        id=plan_id,
        name=str(p.get("name", "")),
        legal_basis=str(p.get("legal_basis", "")),
        effective_from=eff,
        region=p.get("region"),
        region_code=None if p.get("region_code") is None else str(p.get("region_code")),
        synthetic=synthetic,
        boundary=boundary,
    )

    z = doc.get("zones")
    zones = ZonesSpec(path="")
    if not isinstance(z, dict) or not z.get("path"):
        problems.append(Message("toml_zones"))
    else:
        zones = ZonesSpec(
            path=str(z["path"]),
            layer=z.get("layer"),
            crs=z.get("crs"),
            id_field=z.get("id_field"),
            fields=_str_map(z.get("fields"), "[zones.fields]", problems),
            provisions=_str_map(z.get("provisions"), "[zones.provisions]", problems),
        )

    subzones = None
    if isinstance(doc.get("subzones"), dict):
        subzones = _table_spec(TableSpec, doc["subzones"], "subzones", problems)

    itbx = None
    if isinstance(doc.get("itbx"), dict):
        s = doc["itbx"]
        layout = s.get("layout", "wide")
        if layout not in ("wide", "long", "polygon-lists"):
            problems.append(_choice("[itbx].layout", ("wide", "long", "polygon-lists"), layout))
        cols = s.get("columns", "auto")
        # [itbx].columns is the sub-zone column kind; [itbx.columns] (a table) maps headers.
        mapping = cols if isinstance(cols, dict) else s.get("fields")
        kind = cols if isinstance(cols, str) else s.get("subzone_columns", "auto")
        if kind not in ("auto", "codes", "names"):
            problems.append(_choice("[itbx].columns", ("codes", "names", "auto"), kind))
        section = dict(s, columns=mapping)
        itbx = _table_spec(
            ItbxSpec,
            section,
            "itbx",
            problems,
            path_optional=(layout == "polygon-lists"),
            codes=s.get("codes"),
            kbli=s.get("kbli"),
            codes_columns=_str_map(s.get("codes_columns"), "[itbx.codes_columns]", problems),
            layout=layout,
            subzone_columns=kind,
            lists=_str_map(s.get("lists"), "[itbx.lists]", problems),
        )
        if layout == "polygon-lists" and not itbx.lists:
            problems.append(Message("toml_itbx_lists"))

    intensity = None
    if isinstance(doc.get("intensity"), dict):
        s = doc["intensity"]
        source = s.get("source", "file")
        if source not in ("file", "zones"):
            problems.append(_choice("[intensity].source", ("file", "zones"), source))
        layout = s.get("layout", "rows")
        if layout not in ("rows", "parameter-rows"):
            problems.append(_choice("[intensity].layout", ("rows", "parameter-rows"), layout))
        kind = s.get("subzones", "auto")
        if kind not in ("auto", "codes", "names"):
            problems.append(_choice("[intensity].subzones", ("codes", "names", "auto"), kind))
        intensity = _table_spec(
            IntensitySpec,
            s,
            "intensity",
            problems,
            path_optional=(source == "zones"),
            source=source,
            layout=layout,
            subzone_kind=kind,
            parameters=_str_map(s.get("parameters"), "[intensity.parameters]", problems),
        )

    tpz = None
    if isinstance(doc.get("tpz"), dict):
        tpz = _table_spec(TableSpec, doc["tpz"], "tpz", problems)

    overlays = []
    raw_overlays = doc.get("overlays", [])
    if not isinstance(raw_overlays, list):
        problems.append(Message("overlays_not_array"))
        raw_overlays = []
    for i, o in enumerate(raw_overlays, 1):
        if not isinstance(o, dict) or not o.get("kind") or not o.get("path"):
            problems.append(Message("overlays_needs", number=i))
            continue
        overlays.append(
            OverlaySpec(
                kind=str(o["kind"]),
                path=str(o["path"]),
                layer=o.get("layer"),
                crs=o.get("crs"),
                name=o.get("name"),
                text=o.get("text"),
                name_field=o.get("name_field"),
                text_field=o.get("text_field"),
                max_height_m=_overlay_height(o, i, problems),
                height_field=o.get("height_field"),
            )
        )
    if problems:
        raise SpecErrors(problems)
    return plan, zones, subzones, itbx, intensity, tpz, overlays


def _overlay_height(o: dict, i: int, problems: list[str]) -> float | None:
    """``[[overlays]] max_height_m`` (metres, > 0, ≤ 1000) or None; checks ``height_field`` beside it."""
    value, field_name = o.get("max_height_m"), o.get("height_field")
    if field_name is not None and (not isinstance(field_name, str) or not field_name.strip()):
        problems.append(Message("overlay_height_field", number=i))
    elif field_name is not None and value is not None:
        problems.append(Message("overlay_height_both", number=i))
    if value is None:
        return None
    try:
        return parse_rule_value(BY_NAME["max_height_m"], str(value))
    except ValueError as exc:
        problems.append(Message("overlay_height", number=i, kind=str(o.get("kind")), why=reason(exc)))
        return None


def load_package(root: Path, source: str) -> Package:
    """Parse ``root/plan.toml``; raises :class:`SpecErrors` or :class:`PackageError`."""
    toml_path = root / "plan.toml"
    try:
        doc = tomllib.loads(toml_path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise SpecErrors([Message("toml_invalid", why=str(exc))]) from exc
    except UnicodeDecodeError as exc:
        raise SpecErrors([Message("toml_not_utf8")]) from exc
    problems: list[str] = []
    parcels = parse_parcel_layers(doc.get("parcels"), problems)
    try:
        plan, zones, subzones, itbx, intensity, tpz, overlays = parse_plan_toml(doc)
    except SpecErrors as exc:
        raise SpecErrors(exc.problems + problems) from None
    if problems:
        raise SpecErrors(problems)
    return Package(
        root=root,
        source=source,
        plan=plan,
        zones=zones,
        subzones=subzones,
        itbx=itbx,
        intensity=intensity,
        tpz=tpz,
        overlays=overlays,
        checksum=checksum(root),
        raw=doc,
        parcels=parcels,
    )
