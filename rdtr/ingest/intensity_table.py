"""The intensity table (ketentuan intensitas): KDB, KLB, KDH, KTB, height, floors, GSB and minimum lot
per sub-zone [and lot-size class, block, TPZ, variant].

Intensity layouts (``[intensity] layout``): ``"rows"`` — one row per sub-zone [and lot class, variant];
``"parameter-rows"`` — one row per (lot class, parameter) with sub-zones as columns (Yogyakarta).
``source = "zones"`` takes the values from columns of the zone layer (Jakarta's KDB/KLB/KDH/KTB).
KDB, KDH, KTB are percent; KLB a ratio (a KLB written as a percent is divided by 100 and reported);
free text is kept verbatim in ``note`` and flagged.
"""

from __future__ import annotations

import json

from rdtr.ingest.report import Report
from rdtr.ingest.rule_tables import Rules, _columns_needing, _read_layout, _subzone_columns
from rdtr.ingest.subzones import SubzoneTable
from rdtr.ingest.tables import Table, header_key
from rdtr.ingest.values import clean_text, parse_number
from rdtr.messages import Message

INTENSITY_FIELDS = ["kdb_max", "klb_max", "kdh_min", "ktb_max", "height_max_m", "floors_max", "gsb_min_m", "lot_min_m2"]
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
    "kdb_max": ["KDB"],
    "klb_max": ["KLB"],
    "kdh_min": ["KDH"],
    "ktb_max": ["KTB"],
    "height_max_m": ["Tinggi", "Ketinggian", "Height"],
    "floors_max": ["Lantai", "Floors"],
    "gsb_min_m": ["GSB"],
    "lot_min_m2": ["Luas Kavling Min", "Lot min"],
}
PERCENT_FIELDS = ("kdb_max", "kdh_min", "ktb_max")


def _value(canon: str, raw, report: Report, where: dict, notes: list[str], header: str) -> float | None:
    num, unit, ok = parse_number(raw)
    if not ok:
        notes.append(f"{header}: {clean_text(raw)}")
        report.warning(
            "free_text_intensity",
            Message("intensity_free_text", field=canon, text=_short(clean_text(raw))),
            **where,
        )
        return None
    if num is None:
        return None
    if canon == "klb_max" and (unit == "%" or num > 20):
        report.repair(
            "klb_percent", Message("intensity_klb_percent", raw=repr(clean_text(raw)), value=f"{num / 100:g}"), **where
        )
        num = num / 100
    elif canon in PERCENT_FIELDS and unit != "%" and 0 < num < 1:
        fraction = Message("intensity_fraction", field=canon, raw=repr(clean_text(raw)), value=f"{num * 100:g}")
        report.repair("fraction_percent", fraction, **where)
        num = num * 100
    if canon == "floors_max":
        return int(round(num))
    return num


def _short(text: str | None, n: int = 80) -> str:
    text = text or ""
    return repr(text if len(text) <= n else text[: n - 1] + "…")


def read_intensity(pkg, subzones: SubzoneTable, zones, report: Report, rules: Rules) -> None:
    """Read the intensity table of ``pkg`` (or the intensity columns of the zone layer) into ``rules``."""
    spec = pkg.intensity
    if spec.source == "zones":
        _intensity_from_zones(spec, zones, report, rules)
    elif not _read_layout(
        pkg,
        spec,
        Message("what_intensity_table"),
        {"rows": _intensity_rows, "parameter-rows": _intensity_parameter_rows},
        subzones,
        report,
        rules,
    ):
        return
    _close_lot_classes(rules.intensity, report)
    report.count("intensity_rows", len(rules.intensity))


def _empty_row(sub: str) -> dict:
    row = {
        "subzone_code": sub,
        "lot_area_min_m2": None,
        "lot_area_max_m2": None,
        "block": None,
        "tpz": None,
        "variant": None,
        "note": None,
        "extra": None,
    }
    row.update({f: None for f in INTENSITY_FIELDS})
    return row


def _intensity_rows(table: Table, spec, subzones: SubzoneTable, report: Report, rules: Rules) -> None:
    idx = _columns_needing(
        table,
        spec.columns,
        INTENSITY_COLUMNS,
        report,
        "intensity.columns",
        "subzone",
        Message("intensity_no_subzone_column"),
    )
    if idx is None:
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
        extra = {
            table.header[i]: clean_text(c)
            for i, c in enumerate(cells)
            if i < len(table.header)
            and i not in used
            and header_key(table.header[i]) not in excluded
            and clean_text(c) is not None
        }
        row["extra"] = extra or None
        row["_where"] = (table.file, line)
        rules.intensity.append(row)
    _check_duplicates(rules.intensity, report)


def _intensity_parameter_rows(table: Table, spec, subzones: SubzoneTable, report: Report, rules: Rules) -> None:
    idx = _columns_needing(
        table,
        spec.columns,
        INTENSITY_COLUMNS,
        report,
        "intensity.columns",
        "parameter",
        Message("intensity_no_parameter_column"),
    )
    if idx is None:
        return
    params: dict[str, str] = {}
    for canon, labels in DEFAULT_PARAMETERS.items():
        for label in labels:
            params[header_key(label)] = canon
    for canon, label in spec.parameters.items():
        if canon not in INTENSITY_FIELDS:
            report.warning(
                "unknown_key",
                Message("intensity_unknown_key", setting=canon, known=", ".join(INTENSITY_FIELDS)),
                file="plan.toml",
            )
            continue
        params[header_key(label)] = canon
    sub_cols = [
        (i, code)
        for i, _, code in _subzone_columns(
            table, idx, spec.exclude, subzones, "auto", report, Message("intensity_hint_exclude")
        )
    ]
    key_cols = [c for c in ("lot_area_min_m2", "lot_area_max_m2", "block", "tpz", "variant") if idx.get(c) is not None]
    rows: dict[tuple, dict] = {}
    for line, cells in table.rows:
        p_label = clean_text(cells[idx["parameter"]])
        canon = params.get(header_key(p_label or ""))
        if canon is None:
            report.error(
                "unknown_parameter",
                Message("intensity_unknown_parameter", label=repr(p_label)),
                file=table.file,
                row=line,
                column=table.header[idx["parameter"]],
            )
            continue
        keys = []
        for c in key_cols:
            v = cells[idx[c]]
            if c.startswith("lot_area"):
                num, _, ok = parse_number(v)
                if not ok:
                    report.error(
                        "not_a_number",
                        Message("intensity_not_a_number", field=c, value=repr(v)),
                        file=table.file,
                        row=line,
                        column=table.header[idx[c]],
                    )
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
                report.error(
                    "unknown_column",
                    Message("intensity_zones_no_column", setting=canon, column=repr(name)),
                    file=file,
                )
            continue
        cols[canon] = col
    if not cols:
        report.error(
            "missing_column",
            Message("intensity_zones_none"),
            file=file,
        )
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
            report.warning(
                "inconsistent_intensity",
                Message("intensity_inconsistent", code=str(sub), count=str(len(sets))),
                file=file,
            )
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
        key = (
            row["subzone_code"],
            row["lot_area_min_m2"],
            row["lot_area_max_m2"],
            row["block"],
            row["tpz"],
            row["variant"],
        )
        if key in seen:
            f, line = row["_where"]
            report.warning(
                "duplicate_intensity",
                Message("intensity_duplicate", code=row["subzone_code"], row=str(seen[key][1])),
                file=f,
                row=line,
            )
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
        grp.sort(key=lambda r: r["lot_area_min_m2"] if r["lot_area_min_m2"] is not None else -1)
        for a, b in zip(grp, grp[1:]):
            if a["lot_area_max_m2"] is not None and b["lot_area_min_m2"] is not None:
                gap = b["lot_area_min_m2"] - a["lot_area_max_m2"]
                if 0 < gap <= 1:
                    a["lot_area_max_m2"] = b["lot_area_min_m2"]
                    closed += 1
                elif gap < 0:
                    f, line = b["_where"]
                    report.error(
                        "overlapping_lot_classes",
                        Message(
                            "intensity_lot_overlap",
                            code=b["subzone_code"],
                            first=f"{a['lot_area_min_m2']:g}–{a['lot_area_max_m2']:g}",
                            second=f"{b['lot_area_min_m2']:g}–{b['lot_area_max_m2'] or 0:g}",
                        ),
                        file=f,
                        row=line,
                    )
    if closed:
        report.info["lot_classes"] = Message("note_lot_classes_closed")


def intensity_extra_json(row: dict) -> str | None:
    """The ``extra`` columns of an intensity row as JSON, or None when it has none."""
    extra = dict(row.get("extra") or {})
    return json.dumps(extra, ensure_ascii=False) if extra else None
