"""One place per rule, seen from outside: limits that name their setting, bounded bodies, exports of the
library reached over HTTP, and the one table of intensity labels on the page, the preview and the PDF."""

from __future__ import annotations

import csv
import io
import json

import pytest

BOX = {
    "type": "Polygon",
    "coordinates": [
        [[117.4700, 0.0960], [117.4706, 0.0960], [117.4706, 0.0966], [117.4700, 0.0966], [117.4700, 0.0960]]
    ],
}


def test_a_parcel_with_too_many_vertices_is_a_422_naming_the_limit(client, sample_plan, settings):
    settings.max_parcel_vertices = 8
    ring = [[117.47 + 0.0005 * i / 10, 0.096 + (0.0004 if i % 2 else 0)] for i in range(10)]
    ring = [[117.47, 0.0955]] + ring + [[117.4705, 0.0955], [117.47, 0.0955]]
    r = client.post("/v1/parcels/analyze", json={"type": "Polygon", "coordinates": [ring]})
    assert r.status_code == 422
    assert "RDTR_MAX_PARCEL_VERTICES" in r.json()["detail"] and "vertices" in r.json()["detail"]


def test_too_many_pieces_is_a_422_naming_the_limit(client, sample_plan, settings):
    settings.max_pieces = 1
    big = {
        "type": "Polygon",
        "coordinates": [[[117.465, 0.092], [117.472, 0.092], [117.472, 0.098], [117.465, 0.098], [117.465, 0.092]]],
    }
    r = client.post("/v1/parcels/analyze", json=big)
    assert r.status_code == 422 and "RDTR_MAX_PIECES" in r.json()["detail"]


def test_a_body_above_the_json_limit_is_a_413_before_it_is_parsed(client, sample_plan, settings):
    settings.max_json_bytes = 2048
    body = json.dumps({"type": "Polygon", "coordinates": [[[117.47, 0.096]] * 400]}).encode()
    r = client.post("/v1/parcels/analyze", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    assert "RDTR_MAX_JSON_BYTES" in r.json()["detail"]


def test_an_answer_above_the_response_limit_says_split_the_batch(client, sample_plan, settings):
    settings.max_response_bytes = 1024
    fc = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": BOX, "properties": {"n": i}} for i in range(3)],
    }
    r = client.post("/v1/parcels/analyze", json=fc)
    assert r.status_code == 422 and "RDTR_MAX_RESPONSE_BYTES" in r.json()["detail"]


def test_csv_and_geojson_exports_over_http_match_the_json_answer(client, sample_plan):
    fc = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "id": "p1", "geometry": BOX, "properties": {"NIB": "123"}}],
    }
    answer = client.post("/v1/parcels/analyze", params={"activity": "A001"}, json=fc).json()["results"][0]
    r = client.post("/v1/parcels/analyze", params={"activity": "A001", "f": "csv"}, json=fc)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    (row,) = list(csv.DictReader(io.StringIO(r.text)))
    assert row["id"] == "p1" and row["in_NIB"] == "123"
    assert row["subzone"] == answer["zones"][0]["subzone_code"] and row["class"] == answer["activity"]["class"]
    assert float(row["area_m2"]) == pytest.approx(answer["parcel"]["area_m2"])
    g = client.post("/v1/parcels/analyze", params={"activity": "A001", "f": "geojson"}, json=fc)
    assert g.headers["content-type"] == "application/geo+json"
    feature = g.json()["features"][0]
    assert feature["id"] == "p1" and feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["rdtr_subzone"] == row["subzone"] and feature["properties"]["NIB"] == "123"


def test_the_page_carries_the_one_table_of_intensity_measures(client):
    from rdtr.units import INTENSITY

    page = client.get("/").text
    start = page.index('<script id="intensity-measures" type="application/json">') + len(
        '<script id="intensity-measures" type="application/json">'
    )
    measures = json.loads(page[start : page.index("</script>", start)])
    assert [m["field"] for m in measures] == [m.field for m in INTENSITY]
    assert measures[0]["label_id"] == "KDB maks" and measures[0]["unit"] == "%"


def test_the_preview_labels_intensity_from_the_same_table(client, sample_plan):
    from rdtr.units import INTENSITY

    where = {"lon": 117.4703, "lat": 0.0963}
    intensity = client.get("/v1/zoning", params=where).json()["zones"][0]["intensity"]
    shown = [m for m in INTENSITY if intensity.get(m.field) is not None]
    assert shown, "the sample's zone there regulates something"
    page = client.get("/v1/zoning", params={**where, "f": "html"}).text
    assert all(f"<th scope='row'>{m.label_id}</th>" in page for m in shown)
