"""The plan's sub-zone table: the one place sub-zone names become codes and a sub-zone's zone is found.

The zone is always taken from this table (``subzone_code → zone_code``), never by splitting a code on
"-": cities code their sub-zones differently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdtr.ingest.report import Report
from rdtr.ingest.tables import Table
from rdtr.ingest.values import clean_text, loose_key, split_list
from rdtr.messages import Message

SUBZONE_COLUMNS = {
    "subzone_code": ["subzone_code", "kodszn", "kode_subzona", "kode", "code"],
    "subzone_name": ["subzone_name", "namszn", "nama_subzona", "subzona", "name", "nama"],
    "zone_code": ["zone_code", "kodzon", "kode_zona"],
    "zone_name": ["zone_name", "namzon", "nama_zona", "zona"],
    "aliases": ["aliases", "alias", "nama_lain"],
}


@dataclass
class Subzone:
    code: str
    name: str | None = None
    zone_code: str | None = None
    zone_name: str | None = None
    aliases: list[str] = field(default_factory=list)


class SubzoneTable:
    def __init__(self, rows: list[Subzone], source: str):
        self.source = source  # "subzona.csv" or "derived from the zone layer"
        self.rows = {r.code: r for r in rows}
        self._ci = {r.code.casefold(): r.code for r in rows}
        self._names: dict[str, set[str]] = {}
        for r in rows:
            for label in [r.name, *r.aliases]:
                if label:
                    self._names.setdefault(loose_key(label), set()).add(r.code)

    def __contains__(self, code: str) -> bool:
        return code in self.rows

    def __len__(self) -> int:
        return len(self.rows)

    def code_of(self, label: str, kind: str = "auto") -> tuple[str | None, str | None]:
        """``(code, problem)`` for a column header or cell naming a sub-zone.

        ``kind``: "codes" (only codes), "names" (names and aliases first, then codes), "auto" (codes
        first, then names). Codes match exactly, then case-insensitively."""
        text = (label or "").strip()
        if not text:
            return None, Message("subzone_empty")

        def by_code():
            if text in self.rows:
                return text
            return self._ci.get(text.casefold())

        def by_name():
            codes = self._names.get(loose_key(text))
            if codes and len(codes) == 1:
                return next(iter(codes))
            if codes:
                raise _Ambiguous(sorted(codes))
            return None

        order = {"codes": [by_code], "names": [by_name, by_code], "auto": [by_code, by_name]}[kind]
        try:
            for f in order:
                code = f()
                if code:
                    return code, None
        except _Ambiguous as amb:
            return None, Message("subzone_ambiguous", text=repr(text), codes=", ".join(amb.codes))
        key = "subzone_unknown_code" if kind == "codes" else "subzone_unknown_code_or_name"
        return None, Message(key, text=repr(text), source=self.source)


class _Ambiguous(Exception):
    def __init__(self, codes):
        self.codes = codes


def table_from_file(table: Table, columns: dict[str, str], report: Report) -> SubzoneTable | None:
    """The :class:`SubzoneTable` in ``table``, its columns taken from ``[subzones.columns]`` or the usual names
    (KODSZN, NAMSZN, …); bad rows are reported and skipped, and None when there is no sub-zone code column."""
    idx = {}
    for canon, candidates in SUBZONE_COLUMNS.items():
        name = columns.get(canon)
        if name is not None:
            i = table.index(name)
            if i is None:
                report.error(
                    "unknown_column",
                    Message("subzones_no_column", setting=canon, column=repr(name), columns=", ".join(table.header)),
                    file=table.file,
                    row=table.header_line,
                )
            idx[canon] = i
            continue
        idx[canon] = next((table.index(c) for c in candidates if table.index(c) is not None), None)
    if idx.get("subzone_code") is None:
        report.error(
            "missing_column",
            Message("subzones_no_code_column"),
            file=table.file,
            row=table.header_line,
        )
        return None
    rows, seen = [], {}
    for line, cells in table.rows:

        def get(canon, cells=cells):
            i = idx.get(canon)
            return clean_text(cells[i]) if i is not None and i < len(cells) else None

        code = get("subzone_code")
        if code is None:
            report.error(
                "missing_value",
                Message("subzone_code_empty"),
                file=table.file,
                row=line,
                column=table.header[idx["subzone_code"]],
            )
            continue
        if code in seen:
            report.error(
                "duplicate", Message("subzone_twice", code=repr(code), row=str(seen[code])), file=table.file, row=line
            )
            continue
        seen[code] = line
        aliases = split_list(get("aliases"), ";|") if idx.get("aliases") is not None else []
        rows.append(Subzone(code, get("subzone_name"), get("zone_code"), get("zone_name"), aliases))
    return SubzoneTable(rows, table.file)


def derive_table(out, report: Report, file: str) -> SubzoneTable:
    """The sub-zone table from the zone layer's distinct KODSZN/NAMSZN/KODZON/NAMZON (canonical columns)."""
    import pandas as pd

    df = pd.DataFrame({k: out[k] for k in ("subzone_code", "subzone_name", "zone_code", "zone_name")})
    df = df[df["subzone_code"].notna()]
    rows = []
    for code, grp in df.groupby("subzone_code", sort=True):
        vals = {}
        for col in ("subzone_name", "zone_code", "zone_name"):
            counts = grp[col].dropna().value_counts()
            vals[col] = counts.index[0] if len(counts) else None
            if len(counts) > 1:
                report.warning(
                    "inconsistent_subzone",
                    Message(
                        "subzone_inconsistent",
                        code=repr(code),
                        column=str(col),
                        values=", ".join(map(repr, counts.index[:5])),
                        chosen=repr(counts.index[0]),
                    ),
                    file=file,
                )
        rows.append(Subzone(code, vals["subzone_name"], vals["zone_code"], vals["zone_name"]))
    missing_zone = [r.code for r in rows if r.zone_code is None]
    if missing_zone:
        report.warning(
            "no_zone",
            Message("subzones_no_zone", codes=", ".join(missing_zone[:20])),
            file=file,
        )
    report.info.setdefault("notes", []).append(Message("note_subzone_table_derived"))
    return SubzoneTable(rows, Message("subzone_table_derived"))
