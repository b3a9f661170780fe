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
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import text

from rdtr.conditions import RULE_NAMES
from rdtr.ingest.zones import ZONE_FIELDS, attributes_json
from rdtr.messages import dumps
from rdtr.text import kbli_key, name_key

CHUNK_ROWS = 20_000


def pg_array(items: Sequence[str] | None) -> str | None:
    """A text[] literal: ``["b", "l"]`` → ``{"b","l"}``."""
    if items is None:
        return None
    return "{" + ",".join('"' + str(i).replace("\\", "\\\\").replace('"', '\\"') + '"' for i in items) + "}"


def ewkb_hex(geoms: np.ndarray) -> np.ndarray:
    """Shapely geometries as hex EWKB with SRID 4326 (EPSG:4326 lon/lat), the form COPY writes into PostGIS.

    The SRID goes into each little-endian WKB's header as text (the type's SRID flag, then the SRID) rather
    than through ``set_srid``, which would copy every geometry first; None stays None."""
    wkb = shapely.to_wkb(geoms, hex=True)
    heads: dict[str, str] = {}
    out = np.empty(len(wkb), dtype=object)
    for i, h in enumerate(wkb):
        if h is None:
            out[i] = None
            continue
        head = heads.get(h[:10])
        if head is None:
            if not h.startswith("01"):  # big-endian: not what GEOS writes here, but never guess
                return shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True)
            head = heads[h[:10]] = f"{h[:8]}{int(h[8:10], 16) | 0x20:02X}E6100000"
        out[i] = head + h[10:]
    return out


def copy_rows(
    cur, table: str, columns: Sequence[str], rows: Iterable[Sequence], on_chunk: Callable[[int], None] | None = None
) -> int:
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
    if kind == "text":
        # Zones repeat their codes and names: each distinct value is escaped once. Only strings are
        # factorised (1, 1.0 and True would be one value); anything else is said as str().
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        if not all(isinstance(u, str) for u in uniques):
            codes, uniques = pd.factorize(s.where(s.isna(), s.astype(str)), use_na_sentinel=True)
        fields = [_escape(u) for u in uniques]
        return np.array([*fields, "\\N"], dtype=object)[codes]  # code -1 (NULL) takes the last
    na = s.isna().to_numpy()
    if kind == "float":
        out = np.array([repr(float(x)) for x in values], dtype=object)
    else:
        out = s.astype(str).to_numpy(dtype=object)
    out[na] = "\\N"
    return out


def _escape(text: str) -> str:
    """One COPY text-format field: backslash, tab, newline and CR escaped."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class _Feeder(io.RawIOBase):
    """A file for ``copy_expert`` whose chunks a background thread produces, so building the next rows
    (Python) overlaps sending and parsing the previous ones (libpq releases the GIL; the server parses)."""

    def __init__(self, chunks: Iterable[tuple[bytes, int]], on_chunk=None):
        self._q: queue.Queue = queue.Queue(maxsize=4)
        self._buf = b""
        self._done = False
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._on_chunk = on_chunk

        def put(item) -> bool:
            while not self._stop.is_set():
                try:
                    self._q.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def run():
            try:
                for chunk in chunks:
                    if not put(chunk):
                        return
            except BaseException as exc:  # noqa: BLE001 - re-raised in the reader
                self._error = exc
            finally:
                put(None)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        """Stop the producer (also when the COPY failed half-way)."""
        self._stop.set()
        self._thread.join(timeout=5)
        super().close()

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


def copy_text(
    cur,
    table: str,
    columns: Sequence[str],
    n: int,
    build: Callable[[int, int], list[np.ndarray]],
    on_chunk=None,
    chunk_rows: int = CHUNK_ROWS,
) -> int:
    """COPY ``n`` rows whose text-format columns ``build(a, b)`` makes for rows a..b (see
    :func:`text_column`). Chunks are built in a background thread while earlier ones are sent and parsed."""

    def chunks():
        for a in range(0, n, chunk_rows):
            b = min(n, a + chunk_rows)
            text = "\n".join(["\t".join(row) for row in zip(*build(a, b))]) + "\n"
            yield text.encode("utf-8"), b - a

    if n:
        feeder = _Feeder(chunks(), on_chunk)
        try:
            cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", feeder, size=1 << 20)
        finally:
            feeder.close()
    return n


def reserve_ids(cur, table: str, n: int) -> np.ndarray:
    """``n`` consecutive fresh ids from ``table``'s id sequence. A short session advisory lock keeps two
    concurrent loads from drawing interleaved ids (sequences are not transactional: a rollback leaves a gap)."""
    if n == 0:
        return np.empty(0, dtype=np.int64)
    seq = f"pg_get_serial_sequence('{table}', 'id')"
    cur.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"rdtr-ids:{table}",))
    try:
        cur.execute(f"SELECT nextval({seq})", ())
        lo = cur.fetchone()[0]
        cur.execute(f"SELECT setval({seq}, %s)", (lo + n - 1,))
    finally:
        cur.execute("SELECT pg_advisory_unlock(hashtext(%s))", (f"rdtr-ids:{table}",))
    return np.arange(lo, lo + n, dtype=np.int64)


#: The zone's plain text columns, in the COPY's order.
ZONE_TEXT = ("feature_id", *ZONE_FIELDS)
ZONE_COLUMNS = ["id", "plan_version_id", *ZONE_TEXT, "tpz", "special_provisions", "attributes", "area_m2", "geom"]


def load_zones(cur, version_id: int, gdf, raw, on_chunk=None, max_vertices: int = 64) -> tuple[int, int]:
    """COPY the zones (``raw``: their delivered attributes, same rows, made JSON chunk by chunk), then cut them
    into their look-up pieces; returns (zones, pieces).

    ``zone`` and ``zone_part`` are partitioned by plan version: the zones go into a fresh table
    ``zone_v<id>`` and their pieces (``ST_Subdivide(geom, max_vertices)``) into ``zone_part_v<id>``, both
    without indexes, then attached — their indexes are built in bulk, far faster than growing the shared
    ones row by row. The partitions are made by a definer function (``rdtr_app`` may not run DDL)."""
    n = len(gdf)
    geoms = np.asarray(gdf.geometry.values)
    ids = reserve_ids(cur, "zone", n)
    text_cols = {c: gdf[c].to_numpy() for c in ZONE_TEXT}
    sp, tpz, area = gdf["special_provisions"].to_numpy(), gdf["tpz"].to_numpy(), gdf["area_m2"].to_numpy()
    version = str(version_id)

    def build(a: int, b: int) -> list[np.ndarray]:
        return (
            [text_column(ids[a:b], "raw"), np.full(b - a, version, dtype=object)]
            + [text_column(text_cols[c][a:b]) for c in ZONE_TEXT]
            + [
                text_column([pg_array(x) for x in tpz[a:b]]),
                text_column(sp[a:b]),
                text_column(attributes_json(raw.iloc[a:b])),
                text_column(area[a:b], "float"),
                text_column(ewkb_hex(geoms[a:b]), "raw"),
            ]
        )

    cur.execute("SELECT rdtr_version_partition('zone', %s)", (int(version_id),))
    zones = cur.fetchone()[0]
    copy_text(cur, zones, ZONE_COLUMNS, n, build, on_chunk)
    cur.execute("SELECT rdtr_version_partition('zone_part', %s)", (int(version_id),))
    part = cur.fetchone()[0]
    cur.execute(
        f"""
        INSERT INTO {part} (zone_id, plan_version_id, geom)
        SELECT id, plan_version_id, piece
        FROM (SELECT id, plan_version_id, ST_Subdivide(geom, %s) AS piece FROM {zones}) s
        WHERE GeometryType(piece) = 'POLYGON'
        """,
        (max_vertices,),
    )
    n_parts = cur.rowcount
    cur.execute("SELECT rdtr_attach_partition('zone', %s)", (int(version_id),))
    cur.execute("SELECT rdtr_attach_partition('zone_part', %s)", (int(version_id),))
    return n, n_parts


def load_subzones(cur, version_id: int, table) -> int:
    """COPY the sub-zone table (sub-zona: code, name, zone code, zone name) of ``version_id``; returns the row count."""
    rows = ((version_id, r.code, r.name, r.zone_code, r.zone_name) for r in table.rows.values())
    return copy_rows(
        cur, "subzone", ["plan_version_id", "subzone_code", "subzone_name", "zone_code", "zone_name"], rows
    )


def load_rules(cur, version_id: int, rules) -> dict[str, int]:
    """COPY the rules of version ``version_id``: activities (kegiatan), ITBX matrix cells and codes (with the
    legend's rule columns), intensity rows (KDB = building coverage %, KLB = floor-area ratio, KDH = green %,
    height m, GSB = setback m, …) and TPZ codes; returns the row count per table."""
    counts = {}
    counts["activities"] = copy_rows(
        cur,
        "activity",
        ["plan_version_id", "activity_code", "activity_name", "name_key", "kbli", "activity_group"],
        (
            (
                version_id,
                a["activity_code"],
                a["activity_name"],
                a["name_key"],
                pg_array(a["kbli"]),
                a["activity_group"],
            )
            for a in rules.activities
        ),
    )
    if rules.cells:
        cur.execute("SELECT activity_code, id FROM activity WHERE plan_version_id = %s", (version_id,))
        ids = dict(cur.fetchall())
        counts["itbx_cells"] = copy_rows(
            cur,
            "itbx",
            ["activity_id", "subzone_code", "plan_version_id", "class", "codes"],
            ((ids[code], sub, version_id, cls, pg_array(codes)) for code, sub, cls, codes in rules.cells),
        )
    counts["itbx_codes"] = copy_rows(
        cur,
        "itbx_code",
        ["plan_version_id", "code", "text", *RULE_NAMES],
        ((version_id, c, t, *_rule_cells(rules.code_rules.get(c) or {})) for c, t in rules.codes.items()),
    )
    icols = [
        "subzone_code",
        "lot_area_min_m2",
        "lot_area_max_m2",
        "block",
        "tpz",
        "variant",
        "kdb_max",
        "klb_max",
        "kdh_min",
        "ktb_max",
        "height_max_m",
        "floors_max",
        "gsb_min_m",
        "lot_min_m2",
        "note",
    ]
    counts["intensity_rows"] = copy_rows(
        cur,
        "intensity",
        ["plan_version_id", *icols, "extra"],
        (
            (version_id, *[r[c] for c in icols], json.dumps(r["extra"], ensure_ascii=False) if r.get("extra") else None)
            for r in rules.intensity
        ),
    )
    counts["tpz_codes"] = copy_rows(
        cur, "tpz_code", ["plan_version_id", "code", "text"], ((version_id, c, t) for c, t in rules.tpz.items())
    )
    return counts


def _rule_cells(rule: dict) -> list:
    """A legend row's rule columns in :data:`RULE_NAMES` order, as COPY fields (``requires`` a text[] literal)."""
    return [pg_array(rule.get(n)) if n == "requires" else rule.get(n) for n in RULE_NAMES]


def load_overlays(cur, version_id: int, overlays) -> int:
    """COPY the features of the overlay layers (e.g. KKOP; EPSG:4326) of ``version_id``, each with its structured
    height limit (``max_height_m``, metres, or NULL); returns their count."""
    n = 0
    for ov in overlays:
        geoms = ewkb_hex(np.asarray(ov.gdf.geometry.values))
        heights = ov.heights if ov.heights is not None else [None] * len(geoms)
        rows = (
            (version_id, ov.kind, name, text, attrs, height, geom)
            for name, text, attrs, height, geom in zip(ov.names, ov.texts, ov.attributes, heights, geoms)
        )
        n += copy_rows(
            cur, "overlay", ["plan_version_id", "kind", "name", "text", "attributes", "max_height_m", "geom"], rows
        )
    return n


def load_parcels(cur, version_id: int, layers) -> int:
    """COPY the parcels of the package's ``[[parcels]]`` layers (EPSG:4326; id, label) of ``version_id``."""
    n = 0
    for layer in layers:
        geoms = ewkb_hex(np.asarray(layer.gdf.geometry.values))
        rows = ((version_id, pid, label, geom) for pid, label, geom in zip(layer.ids, layer.labels, geoms))
        n += copy_rows(cur, "parcel", ["plan_version_id", "parcel_id", "label", "geom"], rows)
    return n


# One row per place of a version: (kind, name, label, [other searchable texts], bbox, a point ON it). A place
# is the set of the zones sharing the attribute; kelurahan of the same name in two kecamatan are two places;
# a sub-block is named after its block ("I.A.1") unless its code already starts with the block's. Its point
# is the ST_PointOnSurface of the member zone whose own point is nearest the members' mean point — on the
# place, never a centroid outside it, and set-based (hash aggregates, no ST_Union: 100,000 zones took 37 s).
# ``k1``/``k2`` are the grouping keys (NULL kept apart from any text by the \x01 stand-in).
PLACE_SOURCES_SQL = """
WITH z AS MATERIALIZED (
  SELECT kelurahan, kecamatan, block, subblock, subzone_code, subzone_name, x0, y0, x1, y1, ST_X(p) AS px, ST_Y(p) AS py
    FROM (SELECT *, ST_XMin(geom) AS x0, ST_YMin(geom) AS y0, ST_XMax(geom) AS x1, ST_YMax(geom) AS y1,
                 ST_PointOnSurface(geom) AS p
            FROM zone WHERE plan_version_id = %(v)s) s
),
m AS MATERIALIZED (
  SELECT 'kelurahan' AS kind, kelurahan AS k1, coalesce(kecamatan, E'\\x01') AS k2, NULL AS kel, NULL AS szn,
         x0, y0, x1, y1, px, py FROM z WHERE kelurahan IS NOT NULL
  UNION ALL
  SELECT 'kecamatan', kecamatan, E'\\x01', NULL, NULL, x0, y0, x1, y1, px, py FROM z WHERE kecamatan IS NOT NULL
  UNION ALL
  SELECT 'block', block, E'\\x01', kelurahan, NULL, x0, y0, x1, y1, px, py FROM z WHERE block IS NOT NULL
  UNION ALL
  SELECT 'subblock', coalesce(block, E'\\x01'), subblock, kelurahan, NULL, x0, y0, x1, y1, px, py
    FROM z WHERE subblock IS NOT NULL
  UNION ALL
  SELECT 'subzone', coalesce(subzone_code, E'\\x01'), E'\\x01', NULL, subzone_name, x0, y0, x1, y1, px, py FROM z
),
g AS (
  SELECT kind, k1, k2, min(x0) AS x0, min(y0) AS y0, max(x1) AS x1, max(y1) AS y1, avg(px) AS cx, avg(py) AS cy,
         min(szn) AS szn
    FROM m GROUP BY kind, k1, k2
),
pick AS (  -- the lexicographic min of [squared distance, x, y]: the nearest member point, in a hash aggregate
  SELECT m.kind, m.k1, m.k2, min(ARRAY[(m.px - g.cx) ^ 2 + (m.py - g.cy) ^ 2, m.px, m.py]) AS best
    FROM m JOIN g USING (kind, k1, k2) GROUP BY m.kind, m.k1, m.k2
),
kel AS (
  SELECT kind, k1, k2, string_agg(kel, ', ' ORDER BY kel) AS kels
    FROM (SELECT DISTINCT kind, k1, k2, kel FROM m WHERE kel IS NOT NULL) d GROUP BY kind, k1, k2
),
p AS (
  SELECT g.kind, nullif(g.k1, E'\\x01') AS k1, nullif(g.k2, E'\\x01') AS k2, g.szn, kel.kels, g.x0, g.y0, g.x1, g.y1,
         pick.best[2] AS px, pick.best[3] AS py
    FROM g JOIN pick USING (kind, k1, k2) LEFT JOIN kel USING (kind, k1, k2)
)
SELECT kind,
       CASE kind WHEN 'subblock' THEN CASE WHEN k1 IS NULL OR k2 LIKE k1 || '%%' THEN k2 ELSE k1 || '.' || k2 END
                 WHEN 'subzone' THEN concat_ws(' ', k1, coalesce(s.subzone_name, p.szn))
                 ELSE k1 END,
       CASE kind WHEN 'kelurahan' THEN k2 WHEN 'block' THEN kels WHEN 'subblock' THEN kels END,
       CASE kind WHEN 'subzone' THEN ARRAY[k1, coalesce(s.subzone_name, p.szn)] END,
       x0, y0, x1, y1, px, py
  FROM p LEFT JOIN subzone s ON p.kind = 'subzone' AND s.plan_version_id = %(v)s AND s.subzone_code = p.k1
UNION ALL
SELECT 'parcel', parcel_id, label, ARRAY[label], ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom),
       ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))
  FROM parcel WHERE plan_version_id = %(v)s
"""


def place_keys(kind: str, name: str, alt) -> list[str]:
    """The searchable keys of a place (:func:`rdtr.text.name_key` of its name and other texts; a parcel number
    also as its bare digits, as people type NIB and NOP): distinct, the name's first."""
    keys = [name_key(name)]
    if kind == "parcel":
        digits = kbli_key(name)
        if len(digits) >= 4:
            keys.append(digits)
    keys += [name_key(t) for t in alt or () if t]
    return list(dict.fromkeys(k for k in keys if k))


def load_places(cur, version_id: int) -> int:
    """Fill ``place`` for ``version_id`` from its zones' kelurahan, kecamatan, block, sub-block and sub-zone and
    from its parcels: once per version, in the load's transaction (migration 0005 too, for older versions)."""
    cur.execute(PLACE_SOURCES_SQL, {"v": version_id})
    rows = []
    for kind, name, label, alt, x0, y0, x1, y1, x, y in cur.fetchall():
        if not name or x is None:
            continue
        keys = place_keys(kind, name, alt)
        point = f"SRID=4326;POINT({x!r} {y!r})"
        rows.append((version_id, kind, name, label, keys[0], pg_array(keys), " | ".join(keys), x0, y0, x1, y1, point))
    columns = ["plan_version_id", "kind", "name", "label", "name_key", "keys", "search"]
    return copy_rows(cur, "place", [*columns, "minlon", "minlat", "maxlon", "maxlat", "point"], rows)


def finish_version(conn, version_id: int, report: dict) -> None:
    """Store the version's validation report in English and in Indonesian (migration 0009), then ANALYZE its
    new partitions: ``rdtr_finish_version``, a definer function, for this transaction's version alone."""
    conn.execute(
        text("SELECT rdtr_finish_version(:id, CAST(:en AS jsonb), CAST(:id_ AS jsonb))"),
        {
            "id": version_id,
            "en": json.dumps(report, ensure_ascii=False, default=str),
            "id_": dumps(report, "id").decode(),
        },
    )
