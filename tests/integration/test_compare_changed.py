"""Compare means "what changed for this parcel" (issue #12): ``changed`` only when something the parcel's
answer depends on changed; a new version that changes nothing for it says ``changed: false`` and still
names both versions."""

from __future__ import annotations

import pytest
import shapely

from tests.support.ingest import ORIGIN, grid_zones, make_package, to_lonlat

CODES_V1 = ["R-2", "K-1", "R-3", "RTH-2", "R-2", "K-1", "R-3", "RTH-2", "R-2", "K-1", "R-3", "RTH-2"]
CODES_V2 = list(CODES_V1)
CODES_V2[6] = "K-1"  # zone 6 (i=2, j=1) recoded R-3 → K-1


def parcel(i: int, j: int) -> dict:
    """A 20 m square in the middle of grid cell (i, j) of the 100 m grid, as lon/lat GeoJSON."""
    x, y = ORIGIN[0] + i * 100 + 40, ORIGIN[1] + j * 100 + 40
    return shapely.geometry.mapping(to_lonlat(shapely.box(x, y, x + 20, y + 20)))


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory, fresh_database):
    from rdtr.ingest import ingest_package

    root = tmp_path_factory.mktemp("cmp")
    make_package(root / "v1", "cmpplan", effective_from="2024-01-01", zones=grid_zones(codes=CODES_V1))
    ingest_package(fresh_database, root / "v1")
    make_package(root / "v2", "cmpplan", effective_from="2025-01-01", zones=grid_zones(codes=CODES_V2))
    ingest_package(fresh_database, root / "v2")
    fresh_database.versions.clear()


def compare(client, geometry, **params):
    query = {"from": "2024-06-01", "to": "2025-06-01", "plan": "cmpplan", **params}
    r = client.post("/v1/parcels/compare", params=query, json=geometry)
    assert r.status_code == 200, r.text
    return r.json()


def test_an_untouched_parcel_did_not_change_but_both_versions_are_named(two_versions, fresh_client):
    a = compare(fresh_client, parcel(0, 0), activity="A001")
    assert a["changed"] is False and a["what_changed"] == []
    assert a["versions_differ"] is True
    assert [p["version"] for p in a["from"]["plans"]] == [1] and [p["version"] for p in a["to"]["plans"]] == [2]
    assert all(s["change"] == "unchanged" for s in a["subzones"])


def test_a_recoded_zone_changes_the_parcel_with_the_details(two_versions, fresh_client):
    a = compare(fresh_client, parcel(2, 1), activity="A001")
    assert a["changed"] is True
    assert {"subzones", "limits", "activity"} <= set(a["what_changed"])
    changes = {s["subzone_code"]: s["change"] for s in a["subzones"]}
    assert changes == {"R-3": "removed", "K-1": "added"}
    assert (a["activity"]["from"], a["activity"]["to"]) == ("I", "T")  # A001: I in R-3, T1 in K-1


def test_a_batch_tells_the_affected_apart(two_versions, fresh_client):
    features = [
        {"type": "Feature", "id": f"{i},{j}", "properties": {}, "geometry": parcel(i, j)}
        for j in range(3)
        for i in range(4)
    ]
    a = compare(fresh_client, {"type": "FeatureCollection", "features": features})
    assert [r["id"] for r in a["results"] if r["changed"]] == ["2,1"]
