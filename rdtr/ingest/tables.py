"""Reading rule tables (CSV or Excel) as text, with the line number a spreadsheet shows for each row."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from rdtr.messages import Message
from rdtr.package import TableSpec


class TableError(Exception):
    pass


@dataclass
class Table:
    file: str  # relative to the package
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]  # (line number, cells), cells padded to the header's width

    def index(self, name: str | None) -> int | None:
        """The position of column ``name`` in the header (exact, else by :func:`header_key`), or None."""
        if name is None:
            return None
        for i, h in enumerate(self.header):
            if h == name:
                return i
        key = header_key(name)
        for i, h in enumerate(self.header):
            if header_key(h) == key:
                return i
        return None


def header_key(name: str) -> str:
    """Headers compared without case, spaces or punctuation: ``"KDB Maks (%)"`` → ``"kdbmaks"``."""
    return re.sub(r"[^0-9a-z]+", "", str(name).casefold())


def read_table(root: Path, spec: TableSpec, path: str | None = None) -> Table:
    """Read the CSV or Excel table ``path`` (default ``spec.path``, relative to the package ``root``) from its
    header row on, skipping blank rows. Raises :class:`TableError`."""
    rel = path or spec.path
    full = (root / rel).resolve()
    if not full.is_relative_to(root.resolve()):
        raise TableError(Message("table_outside", path=repr(rel)))
    if not full.is_file():
        raise TableError(Message("file_not_found"))
    if full.suffix.lower() in (".xlsx", ".xlsm"):
        lines = _read_xlsx(full, spec.sheet)
    else:
        lines = _read_csv(full, spec.delimiter, spec.encoding)
    skip = set(spec.skip_rows)
    header, header_line, rows = None, None, []
    for line_no, cells in lines:
        if line_no < spec.header_row or line_no in skip:
            continue
        if header is None:
            header, header_line = [c.strip() for c in cells], line_no
            continue
        if not any(c.strip() for c in cells):
            continue
        cells = [c if c is not None else "" for c in cells]
        if len(cells) < len(header):
            cells = cells + [""] * (len(header) - len(cells))
        rows.append((line_no, cells))
    if header is None:
        raise TableError(Message("table_no_header", row=str(spec.header_row)))
    return Table(file=rel, header=header, header_line=header_line, rows=rows)


def _read_csv(path: Path, delimiter: str, encoding: str) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_text(encoding=encoding)
    except UnicodeDecodeError:
        try:
            text = path.read_text(encoding="cp1252")
        except UnicodeDecodeError as exc:
            raise TableError(Message("table_not_text", encoding=encoding, why=str(exc))) from exc
    except LookupError as exc:
        raise TableError(Message("table_encoding", encoding=repr(encoding))) from exc
    if "\x00" in text[:4096]:
        raise TableError(Message("table_binary"))
    if delimiter == "auto":
        try:
            delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out, last = [], 0
    try:
        for cells in reader:
            start = last + 1
            last = reader.line_num
            out.append((start, cells))
    except csv.Error as exc:
        raise TableError(Message("table_bad_csv", line=str(reader.line_num), why=str(exc))) from exc
    return out


def _read_xlsx(path: Path, sheet: str | None) -> list[tuple[int, list[str]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001
        raise TableError(Message("table_not_xlsx", why=str(exc))) from exc
    try:
        if sheet:
            if sheet not in wb.sheetnames:
                raise TableError(Message("table_no_sheet", sheet=repr(sheet), sheets=", ".join(wb.sheetnames)))
            ws = wb[sheet]
        else:
            ws = wb.worksheets[0]
        out = []
        for i, row in enumerate(ws.iter_rows(values_only=True), 1):
            out.append((i, ["" if v is None else _cell_text(v) for v in row]))
        return out
    finally:
        wb.close()


def _cell_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
