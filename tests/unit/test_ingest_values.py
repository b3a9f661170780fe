"""Units of the ingest that need no database: values, plan.toml, zips, checksums, CRS fixes."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest
import shapely

from rdtr.errors import InvalidInput
from rdtr.ingest.crs import CrsError, resolve_crs
from rdtr.ingest.report import Report
from rdtr.ingest.values import is_none, loose_key, parse_number, split_list
from rdtr.package import OpenedPackage, SpecErrors, checksum, parse_plan_toml
from rdtr.safe_open import check_zip_members
from tests.support.ingest import grid_zones, make_package, zip_dir


@pytest.mark.parametrize("text", ["Tidak Ada", "tidak ada", "-", "null", "NULL", "", "  ", None, float("nan")])
def test_none_values(text):
    assert is_none(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("3,5", (3.5, None)),
        ("2.4", (2.4, None)),
        ("60 %", (60.0, "%")),
        ("180%", (180.0, "%")),
        ("12 m", (12.0, "m")),
        ("3 lantai", (3.0, "lantai")),
        (" 17.5 ", (17.5, None)),
        ("1.234,5", (1234.5, None)),
        (60, (60.0, None)),
    ],
)
def test_numbers_as_text(text, expected):
    num, unit, ok = parse_number(text)
    assert ok and (num, unit) == expected


def test_free_text_is_not_a_number():
    assert parse_number("- Luas LP kurang dari 60 m2 : Alternatif 1 : 100")[2] is False
    assert parse_number("Tidak Ada") == (None, None, True)


def test_loose_names_match_real_spelling_variants():
    # Bintan's ITBX and intensity tables spell the same sub-zone differently.
    assert loose_key("Hutan Produksi yang Dapat di Konversi") == loose_key("Hutan Produksi yang dapat Dikonversi")
    assert loose_key("Sub-Zona Perumahan Kepadatan Tinggi") == loose_key("perumahan kepadatan tinggi")
    assert loose_key("Taman RW") != loose_key("Taman RT")


def test_lists_split_on_commas_outside_parentheses():
    assert split_list("Bangunan Pusat Data (Data Center, DC), Toko, -") == [
        "Bangunan Pusat Data (Data Center, DC)",
        "Toko",
    ]
    assert split_list("b,l") == ["b", "l"]


def test_plan_toml_problems_are_all_listed():
    with pytest.raises(SpecErrors) as exc:
        parse_plan_toml(
            {
                "plan": {"id": "Bad Id", "name": "x", "effective_from": "2024-13-01"},
                "itbx": {"path": "i.csv", "layout": "diagonal"},
            }
        )
    text = " | ".join(exc.value.problems)
    assert "legal_basis is required" in text
    assert "'Bad Id'" in text
    assert "not a date" in text
    assert "[zones]" in text
    assert "diagonal" in text


def test_zip_slip_is_refused(tmp_path):
    bad = tmp_path / "slip.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("plan.toml", "[plan]\n")
        zf.writestr("../../evil.txt", "owned")
    with zipfile.ZipFile(bad) as zf, pytest.raises(InvalidInput, match="unsafe path"):
        check_zip_members(zf)
    with pytest.raises(InvalidInput):
        with OpenedPackage(bad):
            pass
    assert not (tmp_path.parent / "evil.txt").exists()


def test_checksum_same_for_folder_and_its_zip_and_changes_with_content(tmp_path):
    folder = make_package(tmp_path / "pkg", itbx=False, overlay=False)
    archive = zip_dir(folder, tmp_path / "pkg.zip", wrap="pkg")
    with OpenedPackage(archive) as root:
        from_zip = checksum(root)
    assert from_zip == checksum(folder)
    (folder / "subzona.csv").write_text((folder / "subzona.csv").read_text() + "\n")
    assert checksum(folder) != from_zip


def _utm_grid(crs="EPSG:9480"):
    return grid_zones(crs=crs)


def test_southern_zone_labelled_northern_is_fixed_and_reported():
    south = _utm_grid().to_crs(32750)  # Bontang in UTM 50S: northings ≈ 10,010,000 m
    mislabelled = south.set_crs(32650, allow_override=True)
    report = Report()
    res = resolve_crs(mislabelled, None, report, "z.gpkg")
    assert res.source_crs == "EPSG:32750"
    assert "southern zone 50S" in report.repaired[0]["message"]
    lon, lat = res.gdf.to_crs(4326).geometry.union_all().centroid.coords[0]
    assert 117.4 < lon < 117.6 and 0.0 < lat < 0.2


def test_swapped_lat_lon_is_fixed():
    ll = _utm_grid().to_crs(4326)
    swapped = ll.set_geometry(shapely.transform(ll.geometry.values, lambda c: c[:, ::-1]))
    report = Report()
    res = resolve_crs(swapped, None, report, "z.geojson")
    assert "swapped" in report.repaired[0]["message"]
    assert res.gdf.geometry.iloc[0].equals_exact(ll.geometry.iloc[0], 1e-9)


def test_arctic_crs_is_an_error_that_says_where():
    report = Report()
    with pytest.raises(CrsError, match="Arctic"):
        resolve_crs(_utm_grid().set_crs(3413, allow_override=True), None, report, "z.gpkg")


def test_no_crs_uses_plan_toml_crs_and_needs_one():
    bare = _utm_grid().set_crs(None, allow_override=True)
    with pytest.raises(CrsError, match=r"\[zones\].crs"):
        resolve_crs(bare, None, Report(), "z.shp")
    res = resolve_crs(bare, "EPSG:9480", Report(), "z.shp")
    assert res.source_crs == "EPSG:9480"
    assert res.gdf.to_crs(4326).geometry.iloc[0].equals_exact(_utm_grid().to_crs(4326).geometry.iloc[0], 1e-9)


def test_srgi2013_and_dgn95_reproject_without_postgis():
    ref = _utm_grid().to_crs(4326)
    for epsg in (9480, 23870, 32750, 9481):
        res = resolve_crs(_utm_grid().to_crs(epsg), None, Report(), "z")
        assert res.source_crs == f"EPSG:{epsg}"
        # SRGI2013/DGN95 ≈ WGS 84 at 1:5.000: the same place within a few metres
        d = shapely.distance(
            shapely.centroid(np.asarray(res.gdf.to_crs(4326).geometry.values)),
            shapely.centroid(np.asarray(ref.geometry.values)),
        )
        assert float(d.max()) < 1e-4  # degrees (~10 m)


def test_each_kind_of_layer_counts_its_own_repairs():
    """Repairs of an overlay or parcel layer never replace the zones' count; two layers of a kind add up."""
    import geopandas as gpd

    from rdtr.ingest.zones import repair_geometries

    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    square = shapely.box(0, 0, 1, 1)
    report = Report()
    repair_geometries(gpd.GeoDataFrame(geometry=[bowtie, bowtie, square]), report, "zones.gpkg")
    repair_geometries(gpd.GeoDataFrame(geometry=[bowtie]), report, "kkop.gpkg", counted_as="overlays_repaired")
    repair_geometries(gpd.GeoDataFrame(geometry=[square]), report, "a.gpkg", counted_as="parcels_repaired")
    repair_geometries(gpd.GeoDataFrame(geometry=[bowtie]), report, "b.gpkg", counted_as="parcels_repaired")
    assert report.counts["zones_repaired"] == 2
    assert report.counts["overlays_repaired"] == 1
    assert report.counts["parcels_repaired"] == 1
