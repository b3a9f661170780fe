"""Code tables of a plan package: the legend of the ITBX condition codes and the TPZ codes."""

from __future__ import annotations

from rdtr.ingest.report import Report
from rdtr.ingest.rule_tables import Rules, _columns, _read
from rdtr.ingest.tables import Table
from rdtr.ingest.values import clean_text


def read_legend(pkg, report: Report, rules: Rules) -> None:
    """Read the legend of the ITBX condition codes (``[itbx] codes``) into ``rules.codes``."""
    spec = pkg.itbx
    from rdtr.package import TableSpec

    tspec = TableSpec(path=spec.codes, delimiter=spec.delimiter, encoding=spec.encoding)
    table = _read(pkg, tspec, spec.codes, report, "ITBX code legend")
    if table is None:
        return
    rows = _code_rows(
        table,
        spec.codes_columns,
        {
            "code": ["code", "kode"],
            "text": ["text", "meaning", "keterangan", "arti", "definisi", "deskripsi", "description"],
        },
        report,
        "itbx.codes_columns",
        "the legend",
    )
    if rows is None:
        return
    for line, code, text in rows:
        code = code.upper() if len(code) <= 4 else code
        if code in rules.codes:
            report.error("duplicate", f"code {code!r} is defined twice", file=table.file, row=line)
            continue
        if text is None:
            report.warning("missing_value", f"code {code!r} has no text", file=table.file, row=line)
            text = ""
        rules.codes[code] = text
    report.count("itbx_codes", len(rules.codes))


def read_tpz(pkg, report: Report, rules: Rules) -> None:
    """Read the TPZ codes (``[tpz]``) into ``rules.tpz``."""
    spec = pkg.tpz
    table = _read(pkg, spec, spec.path, report, "TPZ table")
    if table is None:
        return
    rows = _code_rows(
        table,
        spec.columns,
        {"code": ["code", "kode", "tpz"], "text": ["text", "keterangan", "meaning", "arti", "deskripsi"]},
        report,
        "tpz.columns",
        "the TPZ table",
    )
    if rows is None:
        return
    for line, code, text in rows:
        if code in rules.tpz:
            report.error("duplicate", f"TPZ code {code!r} is defined twice", file=table.file, row=line)
            continue
        rules.tpz[code] = text or ""
    report.count("tpz_codes", len(rules.tpz))


def _code_rows(
    table: Table, overrides: dict[str, str], defaults: dict[str, list[str]], report: Report, section: str, what: str
) -> list[tuple[int, str, str | None]] | None:
    """(row, code, text) of each row of a code table that has a code: the columns found by name, else the
    first two; None (reported) when there is no text column."""
    idx = _columns(table, overrides, defaults, report, section)
    ci = idx.get("code") if idx.get("code") is not None else 0
    ti = idx.get("text") if idx.get("text") is not None else (1 if len(table.header) > 1 else None)
    if ti is None:
        report.error("missing_column", f"{what} needs a code and a text column", file=table.file)
        return None
    rows = []
    for line, cells in table.rows:
        code, text = clean_text(cells[ci]), clean_text(cells[ti])
        if code is not None:
            rows.append((line, code, text))
    return rows
