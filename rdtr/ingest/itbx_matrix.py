"""The ITBX matrix (ketentuan kegiatan): which activity is allowed (I), limited (T), conditional (B) or
forbidden (X) in which sub-zone.

Layouts (``[itbx] layout``):

* ``"wide"`` — one row per activity, one column per sub-zone (``columns = "codes"`` or ``"names"``;
  ``"auto"`` tries codes, then names and aliases from the sub-zone table);
* ``"long"`` — one row per (activity, sub-zone) with the cell in its own column;
* ``"polygon-lists"`` — per-polygon lists of activity names in zone-layer columns (Jakarta's IZN/TBT/
  BST/TBS), ``[itbx.lists]`` saying which cell each column stands for.

A cell is parsed by :func:`rdtr.itbx.read_cell` (the one place that ranks classes). An unknown
sub-zone or class is an error naming the file, row and column; a cell whose codes are valid but separated
otherwise than by commas (``B1.B2``, ``T1 dan B2``) is repaired there and reported here: one
``repaired_cell`` warning per distinct cell text, with its count and first row and column.
"""

from __future__ import annotations

from rdtr.ingest.legend import read_kbli, read_legend
from rdtr.ingest.report import Report
from rdtr.ingest.rule_tables import Rules, _columns, _columns_needing, _read_layout, _subzone_columns
from rdtr.ingest.subzones import SubzoneTable
from rdtr.ingest.tables import Table
from rdtr.ingest.values import clean_text, is_none, split_list
from rdtr.itbx import CellError, canonical, parse_cell, read_cell
from rdtr.messages import Message
from rdtr.text import name_key

ACTIVITY_COLUMNS = {
    "activity_code": ["activity_code", "kode_kegiatan", "kode", "activity_number", "code", "no_kegiatan"],
    "activity": ["activity", "activity_name", "kegiatan", "nama_kegiatan", "jenis_kegiatan"],
    "kbli": ["kbli", "kode_kbli"],
    "group": ["group", "activity_group", "kelompok", "kelompok_kegiatan"],
    "subzone": ["subzone", "subzone_code", "sub_zona", "subzona", "kodszn"],
    "cell": ["cell", "class", "itbx", "ketentuan", "klasifikasi"],
}


def read_itbx(pkg, subzones: SubzoneTable, zones, report: Report, rules: Rules) -> None:
    """Read the ITBX matrix (and its legend, if any) of ``pkg`` into ``rules``."""
    spec = pkg.itbx
    if spec.codes:
        read_legend(pkg, report, rules)
    if spec.layout == "polygon-lists":
        _itbx_polygon_lists(spec, subzones, zones, report, rules)
    elif not _read_layout(
        pkg, spec, Message("what_itbx_table"), {"wide": _itbx_wide, "long": _itbx_long}, subzones, report, rules
    ):
        return
    _check_codes(rules, report, spec)
    if spec.kbli:
        read_kbli(pkg, report, rules)
    report.count("activities", len(rules.activities))
    report.count("itbx_cells", len(rules.cells))


def _activity(cells, idx, line, table, report, generated: str | None) -> dict | None:
    def get(canon):
        i = idx.get(canon)
        return clean_text(cells[i]) if i is not None else None

    code = generated if idx.get("activity_code") is None else get("activity_code")
    name = get("activity")
    if code is None:
        report.error(
            "missing_value",
            Message("activity_code_empty"),
            file=table.file,
            row=line,
            column=table.header[idx["activity_code"]],
        )
        return None
    if name is None:
        report.error(
            "missing_value",
            Message("activity_name_empty"),
            file=table.file,
            row=line,
            column=table.header[idx["activity"]] if idx.get("activity") is not None else None,
        )
        return None
    kbli = split_list(get("kbli"), ",;/ ") if idx.get("kbli") is not None else []
    return {
        "activity_code": code,
        "activity_name": name,
        "name_key": name_key(name),
        "kbli": kbli or None,
        "activity_group": get("group"),
    }


def _parse(cell: str, table: Table, line: int, column: str, report: Report, repaired: dict | None = None):
    try:
        parsed, was_repaired = read_cell(cell)
    except CellError:
        bad = Message("itbx_bad_cell", cell=repr(str(cell).strip()))
        report.error("unknown_class", bad, file=table.file, row=line, column=column)
        return None
    if was_repaired and repaired is not None:
        text = str(cell).strip()
        if text in repaired:
            repaired[text][0] += 1
        else:
            repaired[text] = [1, line, column, canonical(parsed[1])]
    return parsed


def _report_repaired(repaired: dict, table: Table, report: Report) -> None:
    """One ``repaired_cell`` warning per distinct cell text (its count, first row and column)."""
    for text, (n, line, column, fixed) in repaired.items():
        report.warning(
            "repaired_cell",
            Message(
                "itbx_repaired_cells" if n > 1 else "itbx_repaired_cell",
                count=str(n),
                cell=repr(text),
                fixed=repr(fixed),
            ),
            file=table.file,
            row=line,
            column=column,
            count=n,
            repaired_to=fixed,
        )
    if repaired:
        report.count("itbx_repaired_cells", sum(v[0] for v in repaired.values()))


def _itbx_wide(table: Table, spec, subzones: SubzoneTable, report: Report, rules: Rules) -> None:
    idx = _columns_needing(
        table,
        spec.columns,
        {k: v for k, v in ACTIVITY_COLUMNS.items() if k not in ("subzone", "cell")},
        report,
        "itbx.fields",
        "activity",
        Message("itbx_no_activity_column"),
    )
    if idx is None:
        return
    sub_cols: list[tuple[int, str]] = []
    seen: dict[str, str] = {}
    for i, h, code in _subzone_columns(
        table,
        idx,
        spec.exclude,
        subzones,
        spec.subzone_columns,
        report,
        Message("itbx_hint_exclude"),
    ):
        if code in seen:
            report.error(
                "duplicate",
                Message("itbx_columns_same_subzone", first=repr(seen[code]), second=repr(h), code=code),
                file=table.file,
                row=table.header_line,
                column=h,
            )
            continue
        seen[code] = h
        sub_cols.append((i, code))
    report.info["itbx_columns"] = {h: c for c, h in seen.items()}
    if idx.get("activity_code") is None:
        report.warning(
            "generated_codes",
            Message("itbx_generated_codes", count=str(len(table.rows))),
            file=table.file,
        )
    width = len(str(len(table.rows)))
    codes_seen: dict[str, int] = {}
    repaired: dict = {}
    empty = 0
    for n, (line, cells) in enumerate(table.rows, 1):
        act = _activity(cells, idx, line, table, report, f"{n:0{width}d}")
        if act is None:
            continue
        if act["activity_code"] in codes_seen:
            report.error(
                "duplicate",
                Message(
                    "itbx_activity_twice", code=repr(act["activity_code"]), row=str(codes_seen[act["activity_code"]])
                ),
                file=table.file,
                row=line,
            )
            continue
        codes_seen[act["activity_code"]] = line
        rules.activities.append(act)
        for i, code in sub_cols:
            parsed = _parse(cells[i], table, line, table.header[i], report, repaired)
            if parsed is None:
                empty += is_none(cells[i])
                continue
            rules.cells.append((act["activity_code"], code, parsed[0], parsed[1]))
    _report_repaired(repaired, table, report)
    if empty:
        report.warning("empty_cells", Message("itbx_empty_cells", count=str(empty)), file=table.file)


def _itbx_long(table: Table, spec, subzones: SubzoneTable, report: Report, rules: Rules) -> None:
    idx = _columns(table, spec.columns, ACTIVITY_COLUMNS, report, "itbx.fields")
    for need in ("activity", "subzone", "cell"):
        if idx.get(need) is None:
            report.error(
                "missing_column",
                Message("itbx_long_needs", need=need),
                file=table.file,
                row=table.header_line,
            )
            return
    if idx.get("activity_code") is None:
        report.warning(
            "generated_codes",
            Message("itbx_generated_codes_long"),
            file=table.file,
        )
    by_code: dict[str, dict] = {}
    by_name: dict[str, str] = {}
    cells_at: dict[tuple[str, str], tuple[int, str, list[str]]] = {}
    repaired: dict = {}
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
            report.error(
                "duplicate",
                Message(
                    "itbx_code_two_names",
                    code=repr(act["activity_code"]),
                    first=repr(prev["activity_name"]),
                    second=repr(act["activity_name"]),
                ),
                file=table.file,
                row=line,
            )
            continue
        sub_label = cells[idx["subzone"]]
        code, problem = subzones.code_of(sub_label, spec.subzone_columns)
        if code is None:
            report.error("unknown_subzone", problem, file=table.file, row=line, column=table.header[idx["subzone"]])
            continue
        parsed = _parse(cells[idx["cell"]], table, line, table.header[idx["cell"]], report, repaired)
        if parsed is None:
            continue
        key = (act["activity_code"], code)
        if key in cells_at and cells_at[key][1:] != parsed:
            report.error(
                "duplicate",
                Message("itbx_pair_twice", activity=str(key[0]), code=code, row=str(cells_at[key][0])),
                file=table.file,
                row=line,
            )
            continue
        if key not in cells_at:
            cells_at[key] = (line, *parsed)
            rules.cells.append((key[0], code, parsed[0], parsed[1]))
    _report_repaired(repaired, table, report)


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
            report.error(
                "unknown_column",
                Message("itbx_lists_no_column", setting=col_name, cell=repr(cell), column=repr(col_name)),
                file=file,
            )
            continue
        try:
            parsed = parse_cell(cell)
        except CellError:
            bad = Message("itbx_bad_cell", cell=repr(str(cell).strip()))
            report.error("unknown_class", Message("itbx_list_bad_cell", column=col_name, problem=bad), file="plan.toml")
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
                report.warning(
                    "truncated_list",
                    Message("itbx_truncated_list", column=str(col), length=str(len(text)), item=repr(items[-1])),
                    file=file,
                    feature=str(raw.index[i]),
                    column=col,
                )
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
        rules.activities.append(
            {
                "activity_code": code_of[key],
                "activity_name": names[key],
                "name_key": key,
                "kbli": None,
                "activity_group": None,
            }
        )
    conflicts = 0
    for (key, sub), cell_codes in per_sub.items():
        ordered = sorted(cell_codes, key=lambda c: "ITBX".index(c[0]))
        cls, codes = parse_cell(",".join(ordered))
        rules.cells.append((code_of[key], sub, cls, codes))
        if len(per_sub_features[(key, sub)]) > 1:
            conflicts += 1
    if conflicts:
        report.warning(
            "list_conflicts",
            Message("itbx_list_conflicts", count=str(conflicts)),
            file=file,
        )
    report.info["itbx_activity_codes"] = Message("note_generated_codes")


def _check_codes(rules: Rules, report: Report, spec) -> None:
    if not rules.codes:
        return
    used = {c for _, _, _, codes in rules.cells for c in codes}
    missing = sorted(c for c in used if c not in rules.codes and c not in ("I", "T", "B", "X"))
    if missing:
        report.warning(
            "undefined_code",
            Message("itbx_undefined_codes", codes=", ".join(missing)),
            file=spec.codes,
        )
