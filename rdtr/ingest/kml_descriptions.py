"""KML description tables as attributes.

ArcGIS ("Layer to KML") and Google Earth put a placemark's attributes in its HTML ``<description>``: a table
of ``<td>NAME</td><td>VALUE</td>`` rows, with no ExtendedData. Those rows become columns here (the stdlib's
``html.parser``; sizes bounded) where the layer has no column of that name already; the report says how
many placemarks and which columns (``kml_description_columns``).
"""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd

from rdtr.messages import Message

#: Longest description parsed (characters); longer ones are left as they are.
MAX_DESCRIPTION_CHARS = 200_000
#: Most NAME/VALUE rows taken from one description, and most columns added to a layer.
MAX_PAIRS = 200
MAX_COLUMNS = 200


class _Rows(HTMLParser):
    """The two-cell rows (``td``/``th``) of every table in an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if len(self._row) == 2 and self._row[0] and len(self.pairs) < MAX_PAIRS:
                self.pairs.append((self._row[0], self._row[1]))
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def description_pairs(html: str | None) -> list[tuple[str, str]]:
    """``[(name, value), …]`` from the two-cell rows of the tables in ``html`` (empty when there are none)."""
    if not isinstance(html, str) or "<t" not in html.lower() or len(html) > MAX_DESCRIPTION_CHARS:
        return []
    parser = _Rows()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - not HTML we can read: no attributes from it
        return []
    return parser.pairs


def description_columns(gdf, report=None, file: str | None = None):
    """The layer with its description tables' NAME/VALUE rows as columns (where it lacks them); reported."""
    col = next((c for c in gdf.columns if str(c).casefold() == "description"), None)
    if col is None:
        return gdf
    existing = {str(c).casefold() for c in gdf.columns}
    values: dict[str, dict] = {}
    placemarks = 0
    for idx, html in zip(gdf.index, gdf[col]):
        pairs = description_pairs(html)
        placemarks += bool(pairs)
        for name, value in pairs:
            key = name.strip()
            if key.casefold() in existing:
                continue
            if key not in values:
                if len(values) >= MAX_COLUMNS:
                    continue
                values[key] = {}
            values[key].setdefault(idx, value if value not in ("", "&lt;Null&gt;", "<Null>") else None)
    if not values:
        return gdf
    out = gdf.copy()
    for key, by_index in values.items():
        out[key] = pd.Series(by_index, dtype=object).reindex(out.index)
    if report is not None:
        names = list(values)
        report.warning(
            "kml_description_columns",
            Message(
                "kml_description_columns",
                count=str(placemarks),
                columns=str(len(names)),
                names=", ".join(names[:20]) + (", …" if len(names) > 20 else ""),
            ),
            file=file,
            count=placemarks,
        )
        report.info["kml_description_columns"] = names
    return out
