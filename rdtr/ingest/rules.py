"""The Peraturan Zonasi tables: ITBX matrix (ketentuan kegiatan), its code legend, intensity
(ketentuan intensitas) and TPZ codes.

ITBX layouts (``[itbx] layout``):

* ``"wide"`` — one row per activity, one column per sub-zone (``columns = "codes"`` or ``"names"``;
  ``"auto"`` tries codes, then names and aliases from the sub-zone table);
* ``"long"`` — one row per (activity, sub-zone) with the cell in its own column;
* ``"polygon-lists"`` — per-polygon lists of activity names in zone-layer columns (Jakarta's IZN/TBT/
  BST/TBS), ``[itbx.lists]`` saying which cell each column stands for.

A cell is parsed by :func:`rdtr.itbx.parse_cell` (the one place that ranks classes). An unknown
sub-zone or class is an error naming the file, row and column.

Intensity layouts (``[intensity] layout``): ``"rows"`` — one row per sub-zone [and lot class, variant];
``"parameter-rows"`` — one row per (lot class, parameter) with sub-zones as columns (Yogyakarta).
``source = "zones"`` takes the values from columns of the zone layer (Jakarta's KDB/KLB/KDH/KTB).
KDB, KDH, KTB are percent; KLB a ratio (a KLB written as a percent is divided by 100 and reported);
free text is kept verbatim in ``note`` and flagged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field


from rdtr.ingest.report import Report
from rdtr.ingest.subzones import SubzoneTable
from rdtr.ingest.tables import Table, TableError, header_key, read_table
from rdtr.ingest.values import clean_text, is_none, parse_number, split_list
from rdtr.itbx import CellError, parse_cell
from rdtr.text import name_key

ACTIVITY_COLUMNS = {
    "activity_code": ["activity_code", "kode_kegiatan", "kode", "activity_number", "code", "no_kegiatan"],
    "activity": ["activity", "activity_name", "kegiatan", "nama_kegiatan", "jenis_kegiatan"],
    "kbli": ["kbli", "kode_kbli"],
    "group": ["group", "activity_group", "kelompok", "kelompok_kegiatan"],
    "subzone": ["subzone", "subzone_code", "sub_zona", "subzona", "kodszn"],
    "cell": ["cell", "class", "itbx", "ketentuan", "klasifikasi"],
}
INTENSITY_FIELDS = ["kdb_max", "klb_max", "kdh_min", "ktb_max", "height_max_m", "floors_max", "gsb_min_m",
                    "lot_min_m2"]
INTENSITY_COLUMNS = {
    "subzone": ["subzone", "subzone_code", "sub_zona", "subzona", "kodszn", "zona"],
    "lot_area_min_m2": ["lot_area_min_m2", "luas_min_m2", "luas_min"],
    "lot_area_max_m2": ["lot_area_max_m2", "luas_max_m2", "luas_max"],
    "block": ["block", "blok", "kodblk"],
    "tpz": ["tpz"],
    "variant": ["variant", "jenis"],
    "kdb_max": ["kdb_max", "kdb", "kdb_maks", "kdb_maks_%"],
    "klb_max": ["klb_max", "klb", "klb_maks"],
    "kdh_min": ["kdh_min", "kdh"],
    "ktb_max": ["ktb_max", "ktb", "ktb_maks"],
    "height_max_m": ["height_max_m", "tinggi_maks", "tinggi_bangunan_maks", "ketinggian"],
    "floors_max": ["floors_max", "lantai_maks", "jumlah_lantai"],
    "gsb_min_m": ["gsb_min_m", "gsb"],
    "lot_min_m2": ["lot_min_m2", "luas_kavling_min", "luas_kavling_min_m2"],
    "note": ["note", "keterangan", "catatan"],
    "parameter": ["parameter"],
}
DEFAULT_PARAMETERS = {
    "kdb_max": ["KDB"], "klb_max": ["KLB"], "kdh_min": ["KDH"], "ktb_max": ["KTB"],
    "height_max_m": ["Tinggi", "Ketinggian", "Height"], "floors_max": ["Lantai", "Floors"],
    "gsb_min_m": ["GSB"], "lot_min_m2": ["Luas Kavling Min", "Lot min"],
}
PERCENT_FIELDS = ("kdb_max", "kdh_min", "ktb_max")


@dataclass
class Rules:
    activities: list[dict] = field(default_factory=list)
    cells: list[tuple[str, str, str, list[str]]] = field(default_factory=list)  # (activity_code, subzone, class, codes)
    codes: dict[str, str] = field(default_factory=dict)
    intensity: list[dict] = field(default_factory=list)
    tpz: dict[str, str] = field(default_factory=dict)


def _columns(table: Table, overrides: dict[str, str], defaults: dict[str, list[str]], report: Report,
             section: str) -> dict[str, int | None]:
    idx: dict[str, int | None] = {}
    for canon, name in overrides.items():
        if canon not in defaults:
            report.warning("unknown_key", f"[{section}] {canon} is not a column rdtr knows "
                           f"({', '.join(defaults)}): ignored", file="plan.toml")
            continue
        i = table.index(name)
        if i is None:
            report.error("unknown_column", f"[{section}] {canon} = {name!r}: no such column "
                         f"(columns: {', '.join(table.header)})", file=table.file, row=table.header_line)
        idx[canon] = i
    for canon, candidates in defaults.items():
        if canon in idx:
            continue
        idx[canon] = next((table.index(c) for c in candidates if table.index(c) is not None), None)
    return idx


def _read(pkg, spec, path, report: Report, what: str) -> Table | None:
    try:
        return read_table(pkg.root, spec, path)
    except TableError as exc:
        report.error("unreadable", f"cannot read the {what}: {exc}", file=path)
        return None


# --- ITBX ----------------------------------------------------------------------------------------
def read_itbx(pkg, subzones: SubzoneTable, zones, report: Report, rules: Rules) -> None:
    spec = pkg.itbx
    if spec.codes:
        read_legend(pkg, report, rules)
    if spec.layout == "polygon-lists":
        _itbx_polygon_lists(spec, subzones, zones, report, rules)
    else:
        table = _read(pkg, spec, spec.path, report, "ITBX table")
        if table is None:
            return
        if spec.layout == "wide":
            _itbx_wide(table, spec, subzones, report, rules)
        else:
            _itbx_long(table, spec, subzones, report, rules)
    _check_codes(rules, report, spec)
    report.count("activities", len(rules.activities))
    report.count("itbx_cells", len(rules.cells))


def _activity(cells, idx, line, table, report, generated: str | None) -> dict | None:
    def get(canon):
        i = idx.get(canon)
        return clean_text(cells[i]) if i is not None else None

    code = generated if idx.get("activity_code") is None else get("activity_code")
    name = get("activity")
    if code is None:
        report.error("missing_value", "activity code is empty", file=table.file, row=line,
                     column=table.header[idx["activity_code"]])
        return None
    if name is None:
        report.error("missing_value", "activity name is empty", file=table.file, row=line,
                     column=table.header[idx["activity"]] if idx.get("activity") is not None else None)
        return None
    kbli = split_list(get("kbli"), ",;/ ") if idx.get("kbli") is not None else []
    return {"activity_code": code, "activity_name": name, "name_key": name_key(name),
            "kbli": kbli or None, "activity_group": get("group")}


def _parse(cell: str, table: Table, line: int, column: str, report: Report):
    try:
        return parse_cell(cell)
    except CellError as exc:
        report.error("unknown_class", str(exc), file=table.file, row=line, column=column)
        return None


def _itbx_wide(table: Table, spec, subzones: SubzoneTable, report: Report, rules: Rules) -> None:
    idx = _columns(table, spec.columns, {k: v for k, v in ACTIVITY_COLUMNS.items() if k not in ("subzone", "cell")},
                   report, "itbx.fields")
    if idx.get("activity") is None:
        report.error("missing_column", "no activity name column: name it activity (or kegiatan) or map it with "
                     "[itbx.fields] activity = \"…\"", file=table.file, row=table.header_line)
        return
    used = {i for i in idx.values() if i is not None}
    excluded = {header_key(e) for e in spec.exclude}
    sub_cols: list[tuple[int, str]] = []
    seen: dict[str, str] = {}
    for i, h in enumerate(table.header):
        if i in used or header_key(h) in excluded or not h:
            continue
        code, problem = subzones.code_of(h, spec.subzone_columns)
        if code is None:
            report.error("unknown_subzone", f"column {problem}; map it in the sub-zone table (aliases) or list it "
                         "in [itbx].exclude", file=table.file, row=table.header_line, column=h)
            continue
        if code in seen:
            report.error("duplicate", f"columns {seen[code]!r} and {h!r} are both sub-zone {code}",
                         file=table.file, row=table.header_line, column=h)
            continue
        seen[code] = h
        sub_cols.append((i, code))
    report.info["itbx_columns"] = {h: c for c, h in seen.items()}
    if idx.get("activity_code") is None:
        report.warning("generated_codes", f"no activity code column: activities are numbered 1–{len(table.rows)} "
                       "in file order", file=table.file)
    width = len(str(len(table.rows)))
    codes_seen: dict[str, int] = {}
    empty = 0
    for n, (line, cells) in enumerate(table.rows, 1):
        act = _activity(cells, idx, line, table, report, f"{n:0{width}d}")
        if act is None:
            continue
        if act["activity_code"] in codes_seen:
            report.error("duplicate", f"activity code {act['activity_code']!r} also on row "
                         f"{codes_seen[act['activity_code']]}", file=table.file, row=line)
            continue
        codes_seen[act["activity_code"]] = line
        rules.activities.append(act)
        for i, code in sub_cols:
            parsed = _parse(cells[i], table, line, table.header[i], report)
            if parsed is None:
                empty += is_none(cells[i])
                continue
            rules.cells.append((act["activity_code"], code, parsed[0], parsed[1]))
    if empty:
        report.warning("empty_cells", f"{empty} empty ITBX cells (no rule for that activity and sub-zone)",
                       file=table.file)


def _itbx_long(table: Table, spec, subzones: SubzoneTable, report: Report, rules: Rules) -> None:
    idx = _columns(table, spec.columns, ACTIVITY_COLUMNS, report, "itbx.fields")
    for need in ("activity", "subzone", "cell"):
        if idx.get(need) is None:
            report.error("missing_column", f"long ITBX needs a {need} column: map it with [itbx.fields] "
                         f"{need} = \"…\"", file=table.file, row=table.header_line)
            return
    if idx.get("activity_code") is None:
        report.warning("generated_codes", "no activity code column: activities numbered in order of first "
                       "appearance", file=table.file)
    by_code: dict[str, dict] = {}
    by_name: dict[str, str] = {}
    cells_at: dict[tuple[str, str], tuple[int, str, list[str]]] = {}
    for line, cells in table.rows:
        generated = None
        if idx.get("activity_code") is None:
            key = name_key(cells[idx["activity"]] or "")
            generated = by_name.get(key) or f"{len(by_name) + 1:04d}"
            by_name[key] = generated
        act = _activity(cells, idx, line, table, report, generated)
        if act is None:
            continue
        prev = by_code.get(act["activity_code"])
        if prev is None:
            by_code[act["activity_code"]] = act
            rules.activities.append(act)
        elif prev["name_key"] != act["name_key"]:
            report.error("duplicate", f"activity code {act['activity_code']!r} names both "
                         f"{prev['activity_name']!r} and {act['activity_name']!r}", file=table.file, row=line)
            continue
        sub_label = cells[idx["subzone"]]
        code, problem = subzones.code_of(sub_label, spec.subzone_columns)
        if code is None:
            report.error("unknown_subzone", problem, file=table.file, row=line, column=table.header[idx["subzone"]])
            continue
        parsed = _parse(cells[idx["cell"]], table, line, table.header[idx["cell"]], report)
        if parsed is None:
            continue
        key = (act["activity_code"], code)
        if key in cells_at and cells_at[key][1:] != parsed:
            report.error("duplicate", f"activity {key[0]} in sub-zone {code} is also on row {cells_at[key][0]} "
                         "with another cell", file=table.file, row=line)
            continue
        if key not in cells_at:
            cells_at[key] = (line, *parsed)
            rules.cells.append((key[0], code, parsed[0], parsed[1]))


def _itbx_polygon_lists(spec, subzones: SubzoneTable, zones, report: Report, rules: Rules) -> None:
    """Activity-name lists per polygon (Jakarta: IZN = diizinkan, TBT = terbatas, BST = bersyarat,
    TBS = terbatas dan bersyarat). Lists of one sub-zone are merged; polygons that disagree are reported."""
    file = zones.file
    raw = zones.raw
    codes_of_zone = zones.gdf["subzone_code"].to_numpy()
    per_sub: dict[tuple[str, str], set[str]] = {}
    per_sub_features: dict[tuple[str, str], dict[tuple, list[str]]] = {}
    names: dict[str, str] = {}
    order: list[str] = []
    truncated = 0
    for col_name, cell in spec.lists.items():
        col = next((c for c in raw.columns if str(c).casefold() == col_name.casefold()), None)
        if col is None:
            report.error("unknown_column", f"[itbx.lists] {col_name} = {cell!r}: the zone layer has no column "
                         f"{col_name!r}", file=file)
            continue
        try:
            parsed = parse_cell(cell)
        except CellError as exc:
            report.error("unknown_class", f"[itbx.lists] {col_name}: {exc}", file="plan.toml")
            continue
        if parsed is None:
            continue
        values = raw[col].to_numpy()
        for i, value in enumerate(values):
            items = split_list(value, ",")
            text = clean_text(value)
            if text and len(text) in (254, 255) and items:
                # Shapefile (dBase) text fields stop at 254 characters: the last item is cut off.
                truncated += 1
                report.warning("truncated_list", f"{col} is {len(text)} characters long, the dBase limit: its last "
                               f"item {items[-1]!r} is probably cut off and was left out", file=file,
                               feature=str(raw.index[i]), column=col)
                items = items[:-1]
            sub = codes_of_zone[i]
            if sub is None:
                continue
            for item in items:
                key = name_key(item)
                if key not in names:
                    names[key] = item
                    order.append(key)
                per_sub.setdefault((key, sub), set()).update(parsed[1])
                per_sub_features.setdefault((key, sub), {}).setdefault(tuple(parsed[1]), []).append(str(raw.index[i]))
    width = max(4, len(str(len(order))))
    code_of = {key: f"{n:0{width}d}" for n, key in enumerate(order, 1)}
    for key in order:
        rules.activities.append({"activity_code": code_of[key], "activity_name": names[key], "name_key": key,
                                 "kbli": None, "activity_group": None})
    conflicts = 0
    for (key, sub), cell_codes in per_sub.items():
        ordered = sorted(cell_codes, key=lambda c: "ITBX".index(c[0]))
        cls, codes = parse_cell(",".join(ordered))
        rules.cells.append((code_of[key], sub, cls, codes))
        if len(per_sub_features[(key, sub)]) > 1:
            conflicts += 1
    if conflicts:
        report.warning("list_conflicts", f"{conflicts} activity/sub-zone pairs carry more than one class (listed "
                       "in several lists, e.g. both TBT and BST, or differently by polygons of one sub-zone): "
                       "their codes are merged and the most restrictive class applies", file=file)
    report.info["itbx_activity_codes"] = "generated in order of first appearance (the lists carry names only)"


def read_legend(pkg, report: Report, rules: Rules) -> None:
    spec = pkg.itbx
    from rdtr.package import TableSpec

    tspec = TableSpec(path=spec.codes, delimiter=spec.delimiter, encoding=spec.encoding)
    table = _read(pkg, tspec, spec.codes, report, "ITBX code legend")
    if table is None:
        return
    idx = _columns(table, spec.codes_columns, {"code": ["code", "kode"],
                                               "text": ["text", "meaning", "keterangan", "arti", "definisi",
                                                        "deskripsi", "description"]}, report, "itbx.codes_columns")
    ci = idx.get("code") if idx.get("code") is not None else 0
    ti = idx.get("text") if idx.get("text") is not None else (1 if len(table.header) > 1 else None)
    if ti is None:
        report.error("missing_column", "the legend needs a code and a text column", file=table.file)
        return
    for line, cells in table.rows:
        code, text = clean_text(cells[ci]), clean_text(cells[ti])
        if code is None:
            continue
        code = code.upper() if len(code) <= 4 else code
        if code in rules.codes:
            report.error("duplicate", f"code {code!r} is defined twice", file=table.file, row=line)
            continue
        if text is None:
            report.warning("missing_value", f"code {code!r} has no text", file=table.file, row=line)
            text = ""
        rules.codes[code] = text
    report.count("itbx_codes", len(rules.codes))


def _check_codes(rules: Rules, report: Report, spec) -> None:
    if not rules.codes:
        return
    used = {c for _, _, _, codes in rules.cells for c in codes}
    missing = sorted(c for c in used if c not in rules.codes and c not in ("I", "T", "B", "X"))
    if missing:
        report.warning("undefined_code", f"condition codes used in the ITBX but not in the legend: "
                       f"{', '.join(missing)}", file=spec.codes)


# --- intensity -----------------------------------------------------------------------------------
def _value(canon: str, raw, report: Report, where: dict, notes: list[str], header: str) -> float | None:
    num, unit, ok = parse_number(raw)
    if not ok:
        notes.append(f"{header}: {clean_text(raw)}")
        report.warning("free_text_intensity", f"{canon} is free text, kept verbatim in the note: "
                       f"{_short(clean_text(raw))}", **where)
        return None
    if num is None:
        return None
    if canon == "klb_max" and (unit == "%" or num > 20):
        report.repair("klb_percent", f"KLB {clean_text(raw)!r} read as a percent: {num / 100:g}", **where)
        num = num / 100
    elif canon in PERCENT_FIELDS and unit != "%" and 0 < num < 1:
        report.repair("fraction_percent", f"{canon} {clean_text(raw)!r} read as a fraction: {num * 100:g} %",
                      **where)
        num = num * 100
    if canon == "floors_max":
        return int(round(num))
    return num


def _short(text: str | None, n: int = 80) -> str:
    text = text or ""
    return repr(text if len(text) <= n else text[: n - 1] + "…")


def read_intensity(pkg, subzones: SubzoneTable, zones, report: Report, rules: Rules) -> None:
    spec = pkg.intensity
    if spec.source == "zones":
        _intensity_from_zones(spec, zones, report, rules)
    else:
        table = _read(pkg, spec, spec.path, report, "intensity table")
        if table is None:
            return
        if spec.layout == "rows":
            _intensity_rows(table, spec, subzones, report, rules)
        else:
            _intensity_parameter_rows(table, spec, subzones, report, rules)
    _close_lot_classes(rules.intensity, report)
    report.count("intensity_rows", len(rules.intensity))


def _empty_row(sub: str) -> dict:
    row = {"subzone_code": sub, "lot_area_min_m2": None, "lot_area_max_m2": None, "block": None, "tpz": None,
           "variant": None, "note": None, "extra": None}
    row.update({f: None for f in INTENSITY_FIELDS})
    return row


def _intensity_rows(table: Table, spec, subzones: SubzoneTable, report: Report, rules: Rules) -> None:
    idx = _columns(table, spec.columns, INTENSITY_COLUMNS, report, "intensity.columns")
    if idx.get("subzone") is None:
        report.error("missing_column", "no sub-zone column in the intensity table: map it with "
                     "[intensity.columns] subzone = \"…\"", file=table.file, row=table.header_line)
        return
    used = {i for i in idx.values() if i is not None}
    excluded = {header_key(e) for e in spec.exclude}
    kind = spec.subzone_kind
    for line, cells in table.rows:
        sub_label = cells[idx["subzone"]]
        code, problem = subzones.code_of(sub_label, kind)
        if code is None:
            report.error("unknown_subzone", problem, file=table.file, row=line, column=table.header[idx["subzone"]])
            continue
        row = _empty_row(code)
        notes: list[str] = []
        for canon in ("lot_area_min_m2", "lot_area_max_m2", *INTENSITY_FIELDS):
            i = idx.get(canon)
            if i is None:
                continue
            where = {"file": table.file, "row": line, "column": table.header[i]}
            row[canon] = _value(canon, cells[i], report, where, notes, table.header[i])
        for canon in ("block", "tpz", "variant"):
            i = idx.get(canon)
            if i is not None:
                row[canon] = clean_text(cells[i])
        i = idx.get("note")
        if i is not None and clean_text(cells[i]):
            notes.append(clean_text(cells[i]))
        row["note"] = "\n".join(notes) or None
        extra = {table.header[i]: clean_text(c) for i, c in enumerate(cells)
                 if i < len(table.header) and i not in used and header_key(table.header[i]) not in excluded
                 and clean_text(c) is not None}
        row["extra"] = extra or None
        row["_where"] = (table.file, line)
        rules.intensity.append(row)
    _check_duplicates(rules.intensity, report)


def _intensity_parameter_rows(table: Table, spec, subzones: SubzoneTable, report: Report, rules: Rules) -> None:
    idx = _columns(table, spec.columns, INTENSITY_COLUMNS, report, "intensity.columns")
    if idx.get("parameter") is None:
        report.error("missing_column", "layout = \"parameter-rows\" needs the parameter column: "
                     "[intensity.columns] parameter = \"…\"", file=table.file, row=table.header_line)
        return
    params: dict[str, str] = {}
    for canon, labels in DEFAULT_PARAMETERS.items():
        for label in labels:
            params[header_key(label)] = canon
    for canon, label in spec.parameters.items():
        if canon not in INTENSITY_FIELDS:
            report.warning("unknown_key", f"[intensity.parameters] {canon} is not an intensity field "
                           f"({', '.join(INTENSITY_FIELDS)}): ignored", file="plan.toml")
            continue
        params[header_key(label)] = canon
    used = {i for i in idx.values() if i is not None}
    excluded = {header_key(e) for e in spec.exclude}
    sub_cols = []
    for i, h in enumerate(table.header):
        if i in used or header_key(h) in excluded or not h:
            continue
        code, problem = subzones.code_of(h, "auto")
        if code is None:
            report.error("unknown_subzone", f"column {problem}; list it in [intensity].exclude if it is not a "
                         "sub-zone", file=table.file, row=table.header_line, column=h)
            continue
        sub_cols.append((i, code))
    key_cols = [c for c in ("lot_area_min_m2", "lot_area_max_m2", "block", "tpz", "variant") if idx.get(c) is not None]
    rows: dict[tuple, dict] = {}
    for line, cells in table.rows:
        p_label = clean_text(cells[idx["parameter"]])
        canon = params.get(header_key(p_label or ""))
        if canon is None:
            report.error("unknown_parameter", f"parameter {p_label!r} is not known: map it with "
                         "[intensity.parameters] kdb_max = \"…\"", file=table.file, row=line,
                         column=table.header[idx["parameter"]])
            continue
        keys = []
        for c in key_cols:
            v = cells[idx[c]]
            if c.startswith("lot_area"):
                num, _, ok = parse_number(v)
                if not ok:
                    report.error("not_a_number", f"{c} {v!r} is not a number", file=table.file, row=line,
                                 column=table.header[idx[c]])
                keys.append(num)
            else:
                keys.append(clean_text(v))
        for i, code in sub_cols:
            key = (code, *keys)
            row = rows.get(key)
            if row is None:
                row = _empty_row(code)
                row.update(dict(zip(key_cols, keys)))
                row["_where"] = (table.file, line)
                row["_notes"] = []
                rows[key] = row
            where = {"file": table.file, "row": line, "column": table.header[i]}
            row[canon] = _value(canon, cells[i], report, where, row["_notes"], f"{p_label} ({table.header[i]})")
    for row in rows.values():
        row["note"] = "\n".join(row.pop("_notes")) or None
        rules.intensity.append(row)


def _intensity_from_zones(spec, zones, report: Report, rules: Rules) -> None:
    """Intensity written on the polygons (Jakarta: KDB, KLB, KDH, KTB columns): one row per sub-zone,
    per block where the sub-zone's polygons disagree; polygons without values are ignored."""
    raw = zones.raw
    file = zones.file
    cols: dict[str, str] = {}
    defaults = {"kdb_max": "KDB", "klb_max": "KLB", "kdh_min": "KDH", "ktb_max": "KTB"}
    for canon, name in {**defaults, **spec.columns}.items():
        if canon not in INTENSITY_FIELDS and canon != "note":
            continue
        col = next((c for c in raw.columns if str(c).casefold() == name.casefold()), None)
        if col is None:
            if canon in spec.columns:
                report.error("unknown_column", f"[intensity.columns] {canon} = {name!r}: the zone layer has no "
                             "such column", file=file)
            continue
        cols[canon] = col
    if not cols:
        report.error("missing_column", "[intensity] source = \"zones\" but the zone layer has none of the "
                     "intensity columns (KDB, KLB, KDH, KTB): map them with [intensity.columns]", file=file)
        return
    subs = zones.gdf["subzone_code"].to_numpy()
    blocks = zones.gdf["block"].to_numpy()
    parsed: list[tuple[str, str | None, tuple, str | None, str]] = []
    for i in range(len(raw)):
        fid = str(raw.index[i])
        notes: list[str] = []
        vals = []
        for canon in INTENSITY_FIELDS:
            if canon not in cols:
                vals.append(None)
                continue
            where = {"file": file, "feature": fid, "column": cols[canon]}
            vals.append(_value(canon, raw[cols[canon]].iloc[i], report, where, notes, cols[canon]))
        if "note" in cols and clean_text(raw[cols["note"]].iloc[i]):
            notes.append(clean_text(raw[cols["note"]].iloc[i]))
        note = "\n".join(notes) or None
        if all(v is None for v in vals) and note is None:
            continue
        parsed.append((subs[i], blocks[i], tuple(vals), note, fid))
    by_sub: dict[str, dict[tuple, list]] = {}
    for sub, block, vals, note, fid in parsed:
        by_sub.setdefault(sub, {}).setdefault((vals, note), []).append((block, fid))
    for sub, sets in by_sub.items():
        if len(sets) == 1:
            (vals, note), members = next(iter(sets.items()))
            rules.intensity.append(_from_vals(sub, None, vals, note, file, members))
            continue
        # disagreeing polygons: one row per block if that separates them, else one row per value set
        by_block: dict[str | None, set] = {}
        for key, members in sets.items():
            for block, _ in members:
                by_block.setdefault(block, set()).add(key)
        if all(len(v) == 1 for v in by_block.values()) and None not in by_block:
            for block, keys in by_block.items():
                vals, note = next(iter(keys))
                rules.intensity.append(_from_vals(sub, block, vals, note, file, sets[(vals, note)]))
        else:
            for (vals, note), members in sets.items():
                row = _from_vals(sub, None, vals, note, file, members)
                row["variant"] = "features " + ", ".join(f for _, f in members[:20])
                rules.intensity.append(row)
            report.warning("inconsistent_intensity", f"the polygons of sub-zone {sub} carry {len(sets)} different "
                           "intensity values (not separated by block): each is kept with the features it comes "
                           "from as its variant", file=file)
    report.info["intensity_from_zones"] = cols


def _from_vals(sub, block, vals, note, file, members) -> dict:
    row = _empty_row(sub)
    row.update(dict(zip(INTENSITY_FIELDS, vals)))
    row["block"] = block
    row["note"] = note
    row["_where"] = (file, f"feature {members[0][1]}")
    return row


def _check_duplicates(rows: list[dict], report: Report) -> None:
    seen: dict[tuple, tuple] = {}
    for row in rows:
        key = (row["subzone_code"], row["lot_area_min_m2"], row["lot_area_max_m2"], row["block"], row["tpz"],
               row["variant"])
        if key in seen:
            f, line = row["_where"]
            report.warning("duplicate_intensity", f"sub-zone {row['subzone_code']} has a second intensity row for "
                           f"the same lot class/variant (first on row {seen[key][1]}): both kept", file=f, row=line)
        else:
            seen[key] = row["_where"]


def _close_lot_classes(rows: list[dict], report: Report) -> None:
    """Lot-size classes written as inclusive integers (40–100, 101–200) become half-open [40, 101)."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["lot_area_min_m2"] is not None or r["lot_area_max_m2"] is not None:
            groups.setdefault((r["subzone_code"], r["block"], r["tpz"], r["variant"]), []).append(r)
    closed = 0
    for grp in groups.values():
        grp.sort(key=lambda r: (r["lot_area_min_m2"] if r["lot_area_min_m2"] is not None else -1))
        for a, b in zip(grp, grp[1:]):
            if a["lot_area_max_m2"] is not None and b["lot_area_min_m2"] is not None:
                gap = b["lot_area_min_m2"] - a["lot_area_max_m2"]
                if 0 < gap <= 1:
                    a["lot_area_max_m2"] = b["lot_area_min_m2"]
                    closed += 1
                elif gap < 0:
                    f, line = b["_where"]
                    report.error("overlapping_lot_classes", f"lot-size classes of sub-zone {b['subzone_code']} "
                                 f"overlap ({a['lot_area_min_m2']:g}–{a['lot_area_max_m2']:g} and "
                                 f"{b['lot_area_min_m2']:g}–{b['lot_area_max_m2'] or 0:g} m²)", file=f, row=line)
    if closed:
        report.info["lot_classes"] = ("lot-size classes written as inclusive whole numbers (e.g. 40–100, 101–200 m²) "
                                      "stored half-open: [40, 101), [101, 201) …")


# --- TPZ -----------------------------------------------------------------------------------------
def read_tpz(pkg, report: Report, rules: Rules) -> None:
    spec = pkg.tpz
    table = _read(pkg, spec, spec.path, report, "TPZ table")
    if table is None:
        return
    idx = _columns(table, spec.columns, {"code": ["code", "kode", "tpz"],
                                         "text": ["text", "keterangan", "meaning", "arti", "deskripsi"]},
                   report, "tpz.columns")
    ci = idx.get("code") if idx.get("code") is not None else 0
    ti = idx.get("text") if idx.get("text") is not None else 1
    if ti >= len(table.header):
        report.error("missing_column", "the TPZ table needs a code and a text column", file=table.file)
        return
    for line, cells in table.rows:
        code, text = clean_text(cells[ci]), clean_text(cells[ti])
        if code is None:
            continue
        if code in rules.tpz:
            report.error("duplicate", f"TPZ code {code!r} is defined twice", file=table.file, row=line)
            continue
        rules.tpz[code] = text or ""
    report.count("tpz_codes", len(rules.tpz))


def intensity_extra_json(row: dict) -> str | None:
    extra = dict(row.get("extra") or {})
    return json.dumps(extra, ensure_ascii=False) if extra else None
