"""Code tables of a plan package: the legend of the ITBX condition codes (with its optional rule columns,
:mod:`rdtr.conditions`) and the TPZ codes."""

from __future__ import annotations

from rdtr.conditions import BY_NAME, RULE_NAMES, parse_rule_value
from rdtr.ingest.report import Report
from rdtr.ingest.rule_tables import Rules, _columns, _read
from rdtr.ingest.tables import Table, header_key
from rdtr.ingest.values import clean_text
from rdtr.messages import Message, reason
from rdtr.text import kbli_key

#: Header names of the legend's code and text columns (besides ``[itbx.codes_columns]``).
LEGEND_COLUMNS = {
    "code": ["code", "kode"],
    "text": ["text", "meaning", "keterangan", "arti", "definisi", "deskripsi", "description"],
}
#: Header names of the KBLI table's columns.
KBLI_COLUMNS = {
    "kbli": ["kbli", "kode_kbli", "kbli_2020"],
    "activity_code": ["activity_code", "activity", "kode_kegiatan", "kegiatan", "code", "kode"],
}
#: Row-number columns cities put first ("No", "No.", "Nomor", "No urut"): carry no rule, ignored.
NUMBERING_COLUMNS = {"no", "nomor", "nourut", "urut"}
#: Rows of some legends that explain the ITBX classes themselves, not conditions (Bintan).
CLASS_ROWS = {"I", "T", "B", "X"}


def read_legend(pkg, report: Report, rules: Rules) -> None:
    """Read the legend of the ITBX condition codes (``[itbx] codes``) into ``rules.codes`` and its rule
    columns (:data:`rdtr.conditions.RULE_NAMES`) into ``rules.code_rules``."""
    spec = pkg.itbx
    from rdtr.package import TableSpec

    tspec = TableSpec(path=spec.codes, delimiter=spec.delimiter, encoding=spec.encoding)
    table = _read(pkg, tspec, spec.codes, report, Message("what_itbx_legend"))
    if table is None:
        return
    defaults = dict(LEGEND_COLUMNS, **{n: [n] for n in RULE_NAMES})
    idx = _columns(table, spec.codes_columns, defaults, report, "itbx.codes_columns")
    rule_idx = {n: idx[n] for n in RULE_NAMES if idx.get(n) is not None}
    rows = _code_rows(table, idx, report, Message("what_the_legend"), avoid=set(rule_idx.values()))
    if rows is None:
        return
    _unknown_columns(table, idx, spec.codes_columns, rows, report)
    for line, code, text, cells in rows:
        code = code.upper() if len(code) <= 4 else code
        if code in rules.codes:
            report.error("duplicate", Message("legend_code_twice", code=repr(code)), file=table.file, row=line)
            continue
        if text is None:
            report.warning("missing_value", Message("legend_code_no_text", code=repr(code)), file=table.file, row=line)
            text = ""
        rules.codes[code] = text
        rules.code_rules[code] = _rule_values(table, line, code, cells, rule_idx, report)
    structured = [c for c, r in rules.code_rules.items() if r]
    text_only = sorted(c for c, r in rules.code_rules.items() if not r and c not in CLASS_ROWS)
    report.count("itbx_codes", len(rules.codes))
    report.count("itbx_codes_structured", len(structured))
    if text_only:
        report.warning(
            "text_only_conditions",
            Message("legend_text_only", codes=", ".join(text_only)),
            file=table.file,
        )


def _rule_values(table: Table, line: int, code: str, cells: list[str], rule_idx: dict, report: Report) -> dict:
    """The rule columns set on one legend row, parsed; bad values (and min > max lot area) reported."""
    out = {}
    for name, i in rule_idx.items():
        try:
            value = parse_rule_value(BY_NAME[name], cells[i])
        except ValueError as exc:
            why = Message("legend_bad_rule", code=repr(code), why=reason(exc))
            report.error("bad_rule_value", why, file=table.file, row=line, column=table.header[i])
            continue
        if value is not None:
            out[name] = value
    lo, hi = out.get("min_lot_area_m2"), out.get("max_lot_area_m2")
    if lo is not None and hi is not None and lo > hi:
        report.error(
            "bad_rule_value",
            Message("legend_lot_min_max", code=repr(code), low=f"{lo:g}", high=f"{hi:g}"),
            file=table.file,
            row=line,
        )
    return out


def _unknown_columns(table: Table, idx: dict, overrides: dict[str, str], rows, report: Report) -> None:
    """Every legend column that is neither the code or text column (or an alias of them), nor mapped in
    ``[itbx.codes_columns]``, nor a rule column is an error: a misspelt rule must not be silently dropped."""
    used = {i for i in idx.values() if i is not None}
    known = {header_key(n) for names in LEGEND_COLUMNS.values() for n in names}
    known |= {header_key(n) for n in RULE_NAMES} | {header_key(v) for v in overrides.values()}
    for i, h in enumerate(table.header):
        if i in used or header_key(h) in known or header_key(h) in NUMBERING_COLUMNS:
            continue
        if not h and not any(cells[i].strip() for *_, cells in rows):
            continue  # an empty trailing column (a stray delimiter)
        name = repr(h) if h else f"#{i + 1} (no header)"
        report.error(
            "unknown_column",
            Message("legend_unknown_column", name=str(name), rules=", ".join(RULE_NAMES)),
            file=table.file,
            row=table.header_line,
            column=h or None,
        )


def read_kbli(pkg, report: Report, rules: Rules) -> None:
    """Read the KBLI 2020 → activity table (``[itbx] kbli``) into the activities' KBLI codes: an activity
    the matrix does not list, or a code that is not five digits, is an error naming the row."""
    spec = pkg.itbx
    from rdtr.package import TableSpec

    tspec = TableSpec(path=spec.kbli, delimiter=spec.delimiter, encoding=spec.encoding)
    table = _read(pkg, tspec, spec.kbli, report, Message("what_kbli_table"))
    if table is None:
        return
    idx = _columns(table, {}, KBLI_COLUMNS, report, "itbx.kbli")
    if idx.get("kbli") is None or idx.get("activity_code") is None:
        report.error("missing_column", Message("kbli_columns"), file=table.file)
        return
    by_code = {a["activity_code"].upper(): a for a in rules.activities}
    pairs = 0
    for line, cells in table.rows:
        kbli, code = clean_text(cells[idx["kbli"]]), clean_text(cells[idx["activity_code"]])
        if kbli is None and code is None:
            continue
        digits = kbli_key(kbli or "")
        if len(digits) != 5:
            report.error("bad_value", Message("kbli_bad", kbli=repr(kbli)), file=table.file, row=line)
            continue
        activity = by_code.get((code or "").upper())
        if activity is None:
            report.error(
                "unknown_activity", Message("kbli_unknown_activity", code=repr(code)), file=table.file, row=line
            )
            continue
        known = activity["kbli"] or []
        if digits not in {kbli_key(k) for k in known}:
            activity["kbli"] = [*known, digits]
            pairs += 1
    report.count("kbli_pairs", pairs)


def read_tpz(pkg, report: Report, rules: Rules) -> None:
    """Read the TPZ codes (``[tpz]``) into ``rules.tpz``."""
    spec = pkg.tpz
    table = _read(pkg, spec, spec.path, report, Message("what_tpz_table"))
    if table is None:
        return
    defaults = {"code": ["code", "kode", "tpz"], "text": ["text", "keterangan", "meaning", "arti", "deskripsi"]}
    rows = _code_rows(
        table, _columns(table, spec.columns, defaults, report, "tpz.columns"), report, Message("what_the_tpz_table")
    )
    if rows is None:
        return
    for line, code, text, _ in rows:
        if code in rules.tpz:
            report.error("duplicate", Message("tpz_code_twice", code=repr(code)), file=table.file, row=line)
            continue
        rules.tpz[code] = text or ""
    report.count("tpz_codes", len(rules.tpz))


def _code_rows(
    table: Table, idx: dict[str, int | None], report: Report, what: str, avoid: set[int] = frozenset()
) -> list[tuple[int, str, str | None, list[str]]] | None:
    """(row, code, text, cells) of each row of a code table that has a code: the columns found by name (``idx``),
    else the first two columns not in ``avoid``; None (reported) when there is no text column."""
    free = [i for i in range(len(table.header)) if i not in avoid]
    ci = idx.get("code") if idx.get("code") is not None else (free[0] if free else 0)
    rest = [i for i in free if i != ci]
    ti = idx.get("text") if idx.get("text") is not None else (rest[0] if rest else None)
    if ti is None:
        report.error("missing_column", Message("code_table_columns", what=what), file=table.file)
        return None
    idx["code"], idx["text"] = ci, ti
    rows = []
    for line, cells in table.rows:
        code, text = clean_text(cells[ci]), clean_text(cells[ti])
        if code is not None:
            rows.append((line, code, text, cells))
    return rows
