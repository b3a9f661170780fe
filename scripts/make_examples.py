"""Make the example files of README's "A short tour" in data/examples/, from the synthetic Bontang sample.

    .venv/bin/python scripts/make_examples.py            # writes data/examples/
    .venv/bin/python scripts/make_examples.py --check    # only checks that the committed files are current

Writes (small, committed):

- ``parcel.geojson``  one parcel (a Feature with an id) inside the C-1 zone at lon 117.4709, lat 0.0968;
- ``parcel.kml``      the same parcel as KML;
- ``parcels.geojson`` four parcels with ids: the C-1 one, one in R-2, one in K-1, one across a C-1 / R-2 edge;
- ``proposal.json``   a building proposal for ``rdtr check`` / ``rdtr extract --proposal``;

and (copies of the sample, 2.5 MB, git-ignored — made by this command):

- ``bontang-v2/``     the sample's second plan version: the same files, ``effective_from`` 2026-06-01 and ONE
                      change: the KDB of sub-zone C-1 lowered from 70 % to 60 %;
- ``bontang-v2.zip``  the same package zipped, for ``POST /v1/plans``.

Deterministic: the parcels are rectangles placed from the sample's own zones (coordinates rounded to 7
decimals, ≈ 1 cm), so a second run writes the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import shutil
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "zoning" / "bontang"
OUT = REPO / "data" / "examples"
METRIC = 32750  # WGS 84 / UTM 50S: metres for placing the rectangles

#: The README's point: lon, lat inside a C-1 zone of the sample (BTG-000880, Bontang Baru).
TOUR_POINT = (117.4709, 0.0968)
#: The one change of the second version: sub-zone, intensity column, old value, new value.
V2_CHANGE = ("C-1", "kdb_max", "70", "60")
V2_EFFECTIVE_FROM = "2026-06-01"
V2_LEGAL_BASIS = "Perwali Kota Bontang No. 7 Tahun 2026 tentang Perubahan RDTR (sampel sintetis, bukan dokumen hukum)"

PROPOSAL = {
    "footprint_m2": 120,
    "floor_area_m2": 240,
    "floors": 2,
    "height_m": 8,
    "green_area_m2": 150,
    "setback_m": 6,
    "hours": "08:00-21:00",
    "documents": [],
}


def _zones():
    import geopandas as gpd

    return gpd.read_file(SAMPLE / "pola_ruang.gpkg", layer="pola_ruang").to_crs(METRIC)


def _to_lonlat(geom):
    import geopandas as gpd

    return gpd.GeoSeries([geom], crs=METRIC).to_crs(4326).iloc[0]


def _ring(geom) -> list[list[float]]:
    """The exterior ring of a lon/lat polygon, counter-clockwise, rounded to 7 decimals."""
    from shapely.geometry import polygon

    ring = polygon.orient(geom, 1.0).exterior.coords
    return [[round(x, 7), round(y, 7)] for x, y in ring]


def _inside(zone, cx: float, cy: float, w: float, h: float, margin: float = 5.0):
    """A w × h m rectangle centred near (cx, cy) that lies at least ``margin`` m inside ``zone``."""
    from shapely.geometry import box

    for step in range(0, 200):
        for dx, dy in ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1)):
            x, y = cx + dx * step, cy + dy * step
            rect = box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)
            if zone.contains(rect.buffer(margin)):
                return rect
    raise SystemExit(f"no {w} x {h} m rectangle fits inside the zone near {cx}, {cy}")


def parcels() -> list[dict]:
    """The four example parcels as GeoJSON Features (id, properties, lon/lat polygon)."""
    import geopandas as gpd
    from shapely.geometry import Point, box

    zones = _zones()
    point = gpd.GeoSeries([Point(*TOUR_POINT)], crs=4326).to_crs(METRIC).iloc[0]
    c1 = zones[zones.contains(point)].iloc[0]
    main = _inside(c1.geometry, point.x, point.y, 25, 30)

    def biggest(code: str):
        sub = zones[zones.KODSZN == code]
        return sub.loc[sub.geometry.area.idxmax()]

    r2, k1 = biggest("R-2"), biggest("K-1")
    in_r2 = _inside(r2.geometry, *r2.geometry.representative_point().coords[0], 20, 25)
    in_k1 = _inside(k1.geometry, *k1.geometry.representative_point().coords[0], 30, 40)
    # Across the edge between the C-1 zone and its R-2 neighbour: a parcel with two sub-zones.
    neighbour = zones[(zones.KODSZN == "R-2") & zones.geometry.intersects(c1.geometry.buffer(0.5))].iloc[0]
    edge = c1.geometry.buffer(0.5).intersection(neighbour.geometry.buffer(0.5)).centroid
    across = box(edge.x - 12, edge.y - 12, edge.x + 12, edge.y + 12)
    rows = [
        ("P-001", main, c1, "Persil contoh di zona C-1 (Bontang Baru)"),
        ("P-002", in_r2, r2, "Persil contoh di zona R-2"),
        ("P-003", in_k1, k1, "Persil contoh di zona K-1"),
        ("P-004", across, c1, "Persil contoh di batas zona C-1 / R-2"),
    ]
    out = []
    for pid, geom, zone, name in rows:
        out.append(
            {
                "type": "Feature",
                "id": pid,
                "properties": {"id": pid, "name": name, "kelurahan": zone.WADMKD},
                "geometry": {"type": "Polygon", "coordinates": [_ring(_to_lonlat(geom))]},
            }
        )
    return out


def _kml(feature: dict) -> str:
    coords = " ".join(f"{x},{y}" for x, y in feature["geometry"]["coordinates"][0])
    name = feature["properties"]["name"]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2">\n'
        "  <Document>\n"
        f"    <name>{feature['id']}</name>\n"
        f'    <Placemark id="{feature["id"]}">\n'
        f"      <name>{feature['id']}</name>\n"
        f"      <description>{name}</description>\n"
        "      <Polygon><outerBoundaryIs><LinearRing>\n"
        f"        <coordinates>{coords}</coordinates>\n"
        "      </LinearRing></outerBoundaryIs></Polygon>\n"
        "    </Placemark>\n"
        "  </Document>\n"
        "</kml>\n"
    )


def _dump(doc) -> str:
    """JSON with two-space indents and each coordinate pair on one line."""
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return re.sub(r"\[\s+(-?[\d.]+),\s+(-?[\d.]+)\s+\]", r"[\1, \2]", text) + "\n"


def small_files() -> dict[str, str]:
    """The committed example files: name → text."""
    features = parcels()
    one = features[0]
    return {
        "parcel.geojson": _dump(one),
        "parcel.kml": _kml(one),
        "parcels.geojson": _dump({"type": "FeatureCollection", "features": features}),
        "proposal.json": _dump(PROPOSAL),
    }


def _changed_intensity(text: str) -> str:
    code, column, old, new = V2_CHANGE
    rows = list(csv.reader(io.StringIO(text)))
    col = rows[0].index(column)
    hits = [r for r in rows[1:] if r and r[0] == code]
    if len(hits) != 1 or hits[0][col] != old:
        raise SystemExit(f"intensitas.csv: expected one {code} row with {column} = {old}")
    hits[0][col] = new
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _changed_toml(text: str) -> str:
    out = []
    for line in text.splitlines():
        if line.startswith("effective_from"):
            line = f"effective_from = {V2_EFFECTIVE_FROM}"
        elif line.startswith("legal_basis"):
            line = f'legal_basis = "{V2_LEGAL_BASIS}"'
        out.append(line)
    return "\n".join(out) + "\n"


def make_v2(out: Path) -> Path:
    """``out/bontang-v2/`` (the sample with the one change) and ``out/bontang-v2.zip``; returns the folder."""
    folder = out / "bontang-v2"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for src in sorted(SAMPLE.iterdir()):
        if src.name == "plan.toml":
            (folder / src.name).write_text(_changed_toml(src.read_text(encoding="utf-8")), encoding="utf-8")
        elif src.name == "intensitas.csv":
            (folder / src.name).write_text(_changed_intensity(src.read_text(encoding="utf-8")), encoding="utf-8")
        elif src.is_file():
            shutil.copyfile(src, folder / src.name)
    with zipfile.ZipFile(out / "bontang-v2.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.iterdir()):
            info = zipfile.ZipInfo(f"bontang-v2/{path.name}", date_time=(2026, 6, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    return folder


def main(argv: list[str] | None = None) -> int:
    """Write (or ``--check``) the example files."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT, help="where to write (default data/examples)")
    ap.add_argument("--check", action="store_true", help="only check that the committed small files are current")
    args = ap.parse_args(argv)
    files = small_files()
    if args.check:
        stale = [n for n, t in files.items() if not (args.out / n).is_file() or (args.out / n).read_text() != t]
        if stale:
            print(f"stale or missing in {args.out}: {', '.join(stale)} (run scripts/make_examples.py)", file=sys.stderr)
            return 1
        print(f"{args.out}: example files current")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out / name).write_text(text, encoding="utf-8")
    folder = make_v2(args.out)
    print(f"wrote {', '.join(files)} and {folder.name}/ (+ .zip) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
