"""Parcel inputs over HTTP (issue #4 items 8 and 9): every kind of bad body or parameter answered with a
4xx that says why, a repaired parcel that says so, and the documented statuses of the analyze route (the
readers themselves: tests/unit/test_parcels_input.py)."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import Polygon, box, mapping

from rdtr.parcel_input import geodesic_area
from tests.support.ingest import to_lonlat

# A 30 m × 20 m block in Bontang, in UTM 50N (the sample's CRS) and in lon/lat.
UTM_BOX = box(551_000, 9_000, 551_030, 9_020)


BAD_BODIES = [
    (b"{not json", 400, "not valid JSON"),
    (b"", 422, "empty"),
    (json.dumps({"type": "Point", "coordinates": [117.5, 0.1]}).encode(), 422, "not a parcel"),
    (
        json.dumps(
            {"type": "Polygon", "coordinates": [[[117.5, 0.1], [117.51, 0.1], [117.51, 0.11], [117.5, 0.11]]]}
        ).encode(),
        422,
        "not closed",
    ),
    (
        json.dumps(
            {"type": "Polygon", "coordinates": [[[0.1, 117.5], [0.1, 117.5001], [0.1001, 117.5001], [0.1, 117.5]]]}
        ).encode(),
        422,
        "swapped",
    ),
    (
        json.dumps(
            {"type": "Polygon", "coordinates": [[[117.4, 0.1], [117.5, 0.1], [117.5, 0.2], [117.4, 0.2], [117.4, 0.1]]]}
        ).encode(),
        422,
        "larger than the maximum",
    ),
]


@pytest.mark.parametrize("body, status, needle", BAD_BODIES)
def test_bad_bodies_get_a_4xx_with_the_reason(client, body, status, needle):
    for path in ("/v1/parcels/analyze", "/v1/parcels/compare?from=2024-06-01&to=2025-01-01"):
        r = client.post(path, content=body, headers={"content-type": "application/json"})
        assert r.status_code == status, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert needle in r.json()["detail"]


def test_bad_query_parameters_get_a_4xx(client):
    g = mapping(to_lonlat(UTM_BOX))
    for qs, needle in [("sliver_share=2", "sliver_share"), ("at=2024-02-30", "at"), ("plan=BAD!", "plan")]:
        r = client.post(f"/v1/parcels/analyze?{qs}", json=g)
        assert r.status_code == 422 and needle in r.json()["detail"]
    r = client.post("/v1/parcels/compare?from=2024-01-01", json=g)
    assert r.status_code == 422 and "to" in r.json()["detail"]


def test_the_repaired_parcel_says_so_over_http(client, sample_plan):
    x0, y0 = 551_000, 9_000
    bowtie = to_lonlat(Polygon([(x0, y0), (x0 + 30, y0 + 30), (x0 + 30, y0), (x0, y0 + 30), (x0, y0)]))
    r = client.post("/v1/parcels/analyze", json=mapping(bowtie))
    assert r.status_code == 200, r.text
    parcel = r.json()["parcel"]
    assert parcel == {"area_m2": pytest.approx(450, rel=0.002), "valid": False, "repaired": True}
    assert geodesic_area(shapely.make_valid(bowtie)) == pytest.approx(parcel["area_m2"], rel=0.001)


def test_analyze_parameters_and_bodies_get_the_documented_statuses(client, sample_plan):
    """One route parses every parameter and body: each case gets its documented status and media type."""
    g = mapping(to_lonlat(UTM_BOX))
    cases = [
        ("plan=bontang", json.dumps(g).encode(), 200),
        ("plan=bontang&activity=A001&sliver_share=0.05&at=2025-01-01", json.dumps(g).encode(), 200),
        ("plan=bontang&activity=Rumah%20Tungal", json.dumps(g).encode(), 404),
        ("", json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": g}]}).encode(), 200),
        ("sliver_share=2", json.dumps(g).encode(), 422),
        ("unknown=1", json.dumps(g).encode(), 200),
        ("", b"{not json", 400),
        ("", b"", 422),
        ("", b"[1,2]", 422),
        ("at=2024-02-30", json.dumps(g).encode(), 422),
    ]
    for qs, body, status in cases:
        r = client.post(f"/v1/parcels/analyze?{qs}", content=body, headers={"content-type": "application/json"})
        assert r.status_code == status, (qs, body[:40], r.text)
        expected = "application/json" if status == 200 else "application/problem+json"
        assert r.headers["content-type"] == expected, qs
