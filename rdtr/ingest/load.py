"""Writing one plan version with COPY (psycopg2 ``copy_expert``, CSV with hex EWKB geometries).

Everything happens on the caller's connection, inside its transaction: the caller commits or rolls
back the whole version.
"""

from __future__ import annotations

import csv
import io
import json
import queue
import threading
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
import shapely

CHUNK_ROWS = 20_000


def pg_array(items: Sequence[str] | None) -> str | None:
    """A text[] literal: ``["b", "l"]`` → ``{"b","l"}``."""
    if items is None:
        return None
    return "{" + ",".join('"' + str(i).replace("\\", "\\\\").replace('"', '\\"') + '"' for i in items) + "}"


def ewkb_hex(geoms: np.ndarray) -> np.ndarray:
    return shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True)


def copy_rows(cur, table: str, columns: Sequence[str], rows: Iterable[Sequence],
              on_chunk: Callable[[int], None] | None = None) -> int:
    """COPY ``rows`` into ``table`` in chunks; None is NULL. Returns the number of rows."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    n = pending = 0
    for row in rows:
        writer.writerow(row)
        n += 1
        pending += 1
        if pending >= CHUNK_ROWS:
            buf.seek(0)
            cur.copy_expert(sql, buf)
            if on_chunk:
                on_chunk(pending)
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            pending = 0
    if pending:
        buf.seek(0)
        cur.copy_expert(sql, buf)
        if on_chunk:
            on_chunk(pending)
    return n


def text_column(values, kind: str = "text") -> np.ndarray:
    """Values as COPY text-format fields: None → \\N; backslash, tab, newline and CR escaped (vectorised).

    ``kind``: "text" (escaped), "raw" (digits, hex: no escaping needed), "float" (repr, exact)."""
    s = pd.Series(values, dtype=object)
    na = s.isna().to_numpy()
    if kind == "float":
        out = np.array([repr(float(x)) for x in values], dtype=object)
    else:
        t = s.astype(str)
        if kind == "text" and t.str.contains(r"[\\\t\n\r]", regex=True).any():
            t = (t.str.replace("\\", "\\\\", regex=False).str.replace("\t", "\\t", regex=False)
                 .str.replace("\n", "\\n", regex=False).str.replace("\r", "\\r", regex=False))
        out = t.to_numpy(dtype=object)
    out[na] = "\\N"
    return out


class _Feeder(io.RawIOBase):
    """A file for ``copy_expert`` whose chunks a background thread produces, so building the next rows
    (Python) overlaps sending and parsing the previous ones (libpq releases the GIL; the server parses)."""

    def __init__(self, chunks: Iterable[tuple[bytes, int]], on_chunk=None):
        self._q: queue.Queue = queue.Queue(maxsize=4)
        self._buf = b""
        self._done = False
        self._error: BaseException | None = None
        self._on_chunk = on_chunk

        def run():
            try:
                for chunk in chunks:
                    self._q.put(chunk)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the reader
                self._error = exc
            finally:
                self._q.put(None)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buf) < size):
            item = self._q.get()
            if item is None:
                self._done = True
                if self._error:
                    raise self._error
                break
            self._buf += item[0]
            if self._on_chunk:
                self._on_chunk(item[1])
        if size < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:size], self._buf[size:]
        return out


def copy_text(cur, table: str, columns: Sequence[str], cols: list[np.ndarray], on_chunk=None,
              chunk_rows: int = CHUNK_ROWS) -> int:
    """COPY columns already in text format (see :func:`text_column`), streamed in chunks."""
    n = len(cols[0]) if cols else 0

    def chunks():
        for a in range(0, n, chunk_rows):
            b = min(n, a + chunk_rows)
            part = [c[a:b] for c in cols]
            text = "\n".join(["\t".join(row) for row in zip(*part)]) + "\n"
            yield text.encode("utf-8"), b - a

    if n:
        feeder = _Feeder(chunks(), on_chunk)
        cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", feeder, size=1 << 20)
    return n


def reserve_ids(cur, table: str, n: int) -> np.ndarray:
    """``n`` fresh ids from ``table``'s id sequence (safe with concurrent loads)."""
    if n == 0:
        return np.empty(0, dtype=np.int64)
    cur.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", (n,))
    return np.fromiter((r[0] for r in cur.fetchall()), dtype=np.int64, count=n)


def load_zones(cur, version_id: int, gdf, on_chunk=None, max_vertices: int = 64) -> tuple[int, int]:
    """COPY the zones and their look-up pieces (zone_part); returns (zones, parts).

    zone_part holds ``ST_Subdivide(geom, max_vertices)``: a polygon of at most ``max_vertices`` vertices is
    its own piece (what ST_Subdivide returns for it), so those pieces are written here directly and only
    zones with bigger polygons are cut in SQL."""
    n = len(gdf)
    geoms = np.asarray(gdf.geometry.values)
    ids = reserve_ids(cur, "zone", n)
    v = np.full(n, str(version_id), dtype=object)
    sp = [json.dumps(x, ensure_ascii=False) if x else "[]" for x in gdf["special_provisions"].to_numpy()]
    tpz = [pg_array(x) for x in gdf["tpz"].to_numpy()]
    cols = [text_column(ids, "raw"), v] + [text_column(gdf[c].to_numpy()) for c in (
        "feature_id", "subzone_code", "subzone_name", "zone_code", "zone_name", "block", "subblock", "kecamatan",
        "kelurahan")] + [text_column(tpz), text_column(sp), text_column(gdf["attributes"].to_numpy()),
                         text_column(gdf["area_m2"].to_numpy(), "float"), text_column(ewkb_hex(geoms), "raw")]
    copy_text(cur, "zone", ["id", "plan_version_id", "feature_id", "subzone_code", "subzone_name", "zone_code",
                            "zone_name", "block", "subblock", "kecamatan", "kelurahan", "tpz", "special_provisions",
                            "attributes", "area_m2", "geom"], cols, on_chunk)
    parts, owner = shapely.get_parts(geoms, return_index=True)
    big = shapely.get_num_coordinates(parts) > max_vertices
    big_zones = np.unique(owner[big])
    small = ~np.isin(owner, big_zones)
    p_ids = ids[owner[small]]
    copy_text(cur, "zone_part", ["zone_id", "plan_version_id", "geom"],
              [text_column(p_ids, "raw"), np.full(len(p_ids), str(version_id), dtype=object),
               text_column(ewkb_hex(parts[small]), "raw")])
    n_parts = int(small.sum())
    if len(big_zones):
        cur.execute(
            """
            INSERT INTO zone_part (zone_id, plan_version_id, geom)
            SELECT id, plan_version_id, part
            FROM (SELECT id, plan_version_id, ST_Subdivide(geom, %s) AS part FROM zone
                  WHERE id = ANY(%s)) s
            WHERE GeometryType(part) = 'POLYGON'
            """,
            (max_vertices, [int(i) for i in ids[big_zones]]),
        )
        n_parts += cur.rowcount
    return n, n_parts


def load_subzones(cur, version_id: int, table) -> int:
    rows = ((version_id, r.code, r.name, r.zone_code, r.zone_name) for r in table.rows.values())
    return copy_rows(cur, "subzone", ["plan_version_id", "subzone_code", "subzone_name", "zone_code", "zone_name"], rows)


def load_rules(cur, version_id: int, rules) -> dict[str, int]:
    counts = {}
    counts["activities"] = copy_rows(
        cur, "activity", ["plan_version_id", "activity_code", "activity_name", "name_key", "kbli", "activity_group"],
        ((version_id, a["activity_code"], a["activity_name"], a["name_key"], pg_array(a["kbli"]), a["activity_group"])
         for a in rules.activities))
    if rules.cells:
        cur.execute("SELECT activity_code, id FROM activity WHERE plan_version_id = %s", (version_id,))
        ids = dict(cur.fetchall())
        counts["itbx_cells"] = copy_rows(
            cur, "itbx", ["activity_id", "subzone_code", "plan_version_id", "class", "codes"],
            ((ids[code], sub, version_id, cls, pg_array(codes)) for code, sub, cls, codes in rules.cells))
    counts["itbx_codes"] = copy_rows(cur, "itbx_code", ["plan_version_id", "code", "text"],
                                     ((version_id, c, t) for c, t in rules.codes.items()))
    icols = ["subzone_code", "lot_area_min_m2", "lot_area_max_m2", "block", "tpz", "variant", "kdb_max", "klb_max",
             "kdh_min", "ktb_max", "height_max_m", "floors_max", "gsb_min_m", "lot_min_m2", "note"]
    counts["intensity_rows"] = copy_rows(
        cur, "intensity", ["plan_version_id", *icols, "extra"],
        ((version_id, *[r[c] for c in icols],
          json.dumps(r["extra"], ensure_ascii=False) if r.get("extra") else None) for r in rules.intensity))
    counts["tpz_codes"] = copy_rows(cur, "tpz_code", ["plan_version_id", "code", "text"],
                                    ((version_id, c, t) for c, t in rules.tpz.items()))
    return counts


def load_overlays(cur, version_id: int, overlays) -> int:
    n = 0
    for ov in overlays:
        geoms = ewkb_hex(np.asarray(ov.gdf.geometry.values))
        rows = ((version_id, ov.kind, name, text, attrs, geom)
                for name, text, attrs, geom in zip(ov.names, ov.texts, ov.attributes, geoms))
        n += copy_rows(cur, "overlay", ["plan_version_id", "kind", "name", "text", "attributes", "geom"], rows)
    return n
