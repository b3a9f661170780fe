"""The shared pieces of reading a plan package's rule tables (the Peraturan Zonasi): the :class:`Rules`
they fill, and reading a table and finding its columns through the ``plan.toml`` mappings.

The tables themselves: :mod:`rdtr.ingest.itbx_matrix` (ITBX matrix), :mod:`rdtr.ingest.legend` (its
condition codes, TPZ codes), :mod:`rdtr.ingest.intensity_table` (KDB, KLB, KDH … per sub-zone).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from rdtr.ingest.report import Report
from rdtr.ingest.subzones import SubzoneTable
from rdtr.ingest.tables import Table, TableError, header_key, read_table
from rdtr.messages import Message, reason


@dataclass
class Rules:
    """What the rule tables of one plan hold, as rows ready to load."""

    activities: list[dict] = field(default_factory=list)
    cells: list[tuple[str, str, str, list[str]]] = field(default_factory=list)  # (activity_code, subzone, class, codes)
    codes: dict[str, str] = field(default_factory=dict)
    # code → {rule column: value} of the legend's rule columns set on its row (rdtr.conditions); {} = text only
    code_rules: dict[str, dict] = field(default_factory=dict)
    intensity: list[dict] = field(default_factory=list)
    tpz: dict[str, str] = field(default_factory=dict)


def _columns(
    table: Table, overrides: dict[str, str], defaults: dict[str, list[str]], report: Report, section: str
) -> dict[str, int | None]:
    idx: dict[str, int | None] = {}
    for canon, name in overrides.items():
        if canon not in defaults:
            report.warning(
                "unknown_key",
                Message("section_unknown_key", section=section, setting=canon, known=", ".join(defaults)),
                file="plan.toml",
            )
            continue
        i = table.index(name)
        if i is None:
            report.error(
                "unknown_column",
                Message(
                    "section_no_column",
                    section=section,
                    setting=canon,
                    column=repr(name),
                    columns=", ".join(table.header),
                ),
                file=table.file,
                row=table.header_line,
            )
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
        report.error("unreadable", Message("cannot_read", what=what, why=reason(exc)), file=path)
        return None


def _columns_needing(
    table: Table,
    overrides: dict[str, str],
    defaults: dict[str, list[str]],
    report: Report,
    section: str,
    need: str,
    missing: str,
) -> dict[str, int | None] | None:
    """:func:`_columns`, or None (``missing`` reported) when the column ``need`` is not found."""
    idx = _columns(table, overrides, defaults, report, section)
    if idx.get(need) is None:
        report.error("missing_column", missing, file=table.file, row=table.header_line)
        return None
    return idx


def _read_layout(
    pkg, spec, what: str, readers: dict[str, Callable], subzones: SubzoneTable, report: Report, rules: Rules
) -> bool:
    """Read the table ``spec.path`` into ``rules`` with the reader of its ``spec.layout``; False when the table
    cannot be read (reported)."""
    table = _read(pkg, spec, spec.path, report, what)
    if table is None:
        return False
    readers[spec.layout](table, spec, subzones, report, rules)
    return True


def _subzone_columns(
    table: Table,
    idx: dict[str, int | None],
    exclude: list[str],
    subzones: SubzoneTable,
    kind: str,
    report: Report,
    hint: str,
) -> Iterator[tuple[int, str, str]]:
    """(index, header, sub-zone code) of the columns of a table with a column per sub-zone: every header
    not mapped in ``idx``, not in ``exclude`` and not empty; one naming no sub-zone is reported with ``hint``."""
    used = {i for i in idx.values() if i is not None}
    excluded = {header_key(e) for e in exclude}
    for i, h in enumerate(table.header):
        if i in used or header_key(h) in excluded or not h:
            continue
        code, problem = subzones.code_of(h, kind)
        if code is None:
            report.error(
                "unknown_subzone",
                Message("column_not_subzone", problem=problem, hint=hint),
                file=table.file,
                row=table.header_line,
                column=h,
            )
            continue
        yield i, h, code
