"""Parcels read from files keep the file's own feature ids (a GeoPackage's FID, a GeoJSON feature's id)."""

from __future__ import annotations

import json

import geopandas as gpd
import shapely

from rdtr.parcel_input import read_parcel_file

BOX = shapely.box(117.4700, 0.0900, 117.4702, 0.0902)


def test_a_geopackage_keeps_its_fids(tmp_path):
    gdf = gpd.GeoDataFrame({"nama": ["a", "b", "c"]}, geometry=[BOX] * 3, crs=4326)
    gdf.to_file(tmp_path / "p.gpkg")
    assert [p.id for p in read_parcel_file(tmp_path / "p.gpkg").parcels] == [1, 2, 3]


def test_a_projected_geojson_read_by_gdal_keeps_its_feature_ids(tmp_path):
    utm = shapely.geometry.mapping(shapely.box(552250, 9950, 552270, 9970))  # UTM 50N, in Bontang
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32650"}},
        "features": [
            {"type": "Feature", "id": 17, "properties": {}, "geometry": utm},
            {"type": "Feature", "id": 42, "properties": {}, "geometry": utm},
        ],
    }
    (tmp_path / "p.geojson").write_text(json.dumps(doc))
    assert [p.id for p in read_parcel_file(tmp_path / "p.geojson").parcels] == [17, 42]
