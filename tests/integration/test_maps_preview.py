"""Map previews (``?f=html`` / ``Accept: text/html``) on the zoning and analyze endpoints: what a person
opening the link gets — a Leaflet map served by the app itself, the zones in the standard colours, a legend,
the answer in a popup — and that nothing is loaded from the internet."""

from __future__ import annotations

import re

import pytest

from rdtr.render import style
from rdtr.render.preview import external_assets
from tests.support.maps import sample_place, vendor_file

ASSET = re.compile(r"<(script|link)\b[^>]*?(src|href)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)


def _assets(page: str) -> list[str]:
    return [m.group(3) for m in ASSET.finditer(page)]


def _assert_offline(page: str) -> None:
    urls = _assets(page)
    assert urls, "the preview loads no script at all"
    remote = [u for u in urls if re.match(r"^(https?:)?//", u)]
    assert remote == [], f"scripts/stylesheets from the internet: {remote}"
    assert external_assets(page) == []
    # Every script and stylesheet is one the app serves.
    for url in urls:
        assert url.startswith("/static/"), url


@pytest.fixture(scope="module")
def place(sample_plan):
    return sample_place("R-2")


def test_zoning_preview_is_an_offline_map_of_the_answer(client, place, test_output):
    r = client.get(
        "/v1/zoning",
        params={"lon": place["lon"], "lat": place["lat"], "activity": "A001", "plan": "bontang", "f": "html"},
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    (test_output / "preview-zoning.html").write_text(page, encoding="utf-8")
    _assert_offline(page)
    assert "/static/vendor/node_modules/leaflet/dist/leaflet.js" in page
    # Folium's default extras (jQuery, Bootstrap, awesome-markers) are not pulled in.
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()
    # The answer: the sub-zone code of the file at that point, in the popup, with the standard colour.
    assert f"data-subzone='{place['subzone_code']}'" in page
    assert style.fill_color("R-2") in page
    # A legend, the plan's legal basis, and the advisory note.
    assert "Legenda pola ruang" in page
    assert "Perwali Kota Bontang" in page
    assert "OSS" in page
    assert '<html lang="id">' in page
    # The zones around the point are drawn (several, coloured).
    assert page.count('"subzone_code"') >= 3
    assert r.headers.get("content-security-policy", "").find("script-src 'self'") >= 0


def test_browsers_get_html_and_api_clients_get_json(client, place):
    params = {"lon": place["lon"], "lat": place["lat"], "plan": "bontang"}
    browser = client.get(
        "/v1/zoning",
        params=params,
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert browser.headers["content-type"].startswith("text/html")
    for accept in ("application/json", "*/*", ""):
        api = client.get("/v1/zoning", params=params, headers={"Accept": accept} if accept else {})
        assert api.headers["content-type"].startswith("application/json"), accept
        assert api.json()["zones"][0]["subzone_code"] == place["subzone_code"]
    forced = client.get("/v1/zoning", params={**params, "f": "json"}, headers={"Accept": "text/html"})
    assert forced.headers["content-type"].startswith("application/json")


def test_parcel_preview_outlines_the_parcel_with_its_limits(client, place, test_output):
    r = client.post(
        "/v1/parcels/analyze", params={"f": "html", "activity": "A001", "plan": "bontang"}, json=place["parcel"]
    )
    assert r.status_code == 200, r.text
    page = r.text
    (test_output / "preview-parcel.html").write_text(page, encoding="utf-8")
    _assert_offline(page)
    assert style.PARCEL_STROKE in page
    assert "Luas lantai dasar maks" in page  # the limits table in the popup
    assert place["subzone_code"] in page
    assert "Analisis persil" in page


def test_preview_of_an_uncovered_point_says_so(client, sample_plan):
    r = client.get("/v1/zoning", params={"lon": 117.0, "lat": -1.0, "f": "html"})
    assert r.status_code == 200
    assert "Tidak tercakup RDTR" in r.text
    _assert_offline(r.text)


def test_the_vendored_leaflet_the_previews_need_is_served(client):
    path = vendor_file("leaflet/dist/leaflet.js")
    assert path.is_file(), (
        "Leaflet is not installed under api/static/vendor: run scripts/setup.sh "
        "(npm install --prefix api/static/vendor leaflet@1.9.4 …)"
    )
    r = client.get("/static/vendor/node_modules/leaflet/dist/leaflet.js")
    assert r.status_code == 200 and "Leaflet" in r.text[:2000]
    assert client.get("/static/vendor/node_modules/leaflet/dist/leaflet.css").status_code == 200


# --- The answer first: the verdict, the framing, the numbers ------------------------------------------------

FRAME = re.compile(r"window\.rdtrFrame = (\{.*?\});")
VERDICT = re.compile(r"data-testid='verdict'>([^<]+)</strong>")


def _id_number(value: float, digits: int = 1) -> str:
    """Indonesian number format, written here independently of rdtr.numbers: 1351.0 -> 1.351,0."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _frame(page: str) -> dict:
    import json

    found = FRAME.search(page)
    assert found, "the preview does not say how it opens (window.rdtrFrame)"
    return json.loads(found.group(1))


def test_the_parcel_preview_opens_on_the_verdict_framed_on_the_parcel(client, place):
    params = {"activity": "A001", "plan": "bontang"}
    answer = client.post("/v1/parcels/analyze", params=params, json=place["parcel"]).json()
    page = client.post("/v1/parcels/analyze", params={**params, "f": "html"}, json=place["parcel"]).text
    # The verdict first in the popup: the class in words, one language at a time (Indonesian by default).
    assert answer["activity"]["class"] == "I"
    assert VERDICT.findall(page) == ["Diizinkan"] and "Permitted" not in page
    popup = page[page.index("class='rdtr-pop'") :]
    assert popup.index("data-testid='verdict'") < popup.index("Persil ")
    # Framed on the parcel: its bounds, with padding, up to zoom 19; the popup opens on its north edge.
    frame = _frame(page)
    lons = [p[0] for p in place["parcel"]["coordinates"][0]]
    lats = [p[1] for p in place["parcel"]["coordinates"][0]]
    (south, west), (north, east) = frame["bounds"]
    assert [south, west, north, east] == pytest.approx([min(lats), min(lons), max(lats), max(lons)], abs=1e-9)
    assert frame["max_zoom"] <= 19 and frame["padding"] > 0
    assert frame["anchor"] == pytest.approx([max(lats), (min(lons) + max(lons)) / 2], abs=1e-9)
    assert '"maxZoom": 19' in page  # the map itself stops at OpenStreetMap's last zoom
    assert "openPopup(frame.anchor" in page and ".rdtr-title" in page  # opened below the title, measured
    # Numbers as Indonesian writes them (the PDF's format): 1.351,0 m².
    lim = answer["limits"]
    assert f"{_id_number(lim['max_floor_area_m2'])} m²" in page
    assert f"{_id_number(answer['zones'][0]['share'] * 100)} %" in page
    assert "potongan yang paling ketat" in page  # the combining rule under the limits


@pytest.mark.parametrize(
    "activity, words",
    [("A001", ("Diizinkan", "Permitted")), ("A005", ("Diizinkan bersyarat", "Permitted with conditions"))],
)
def test_the_point_preview_shows_the_verdict_in_words(client, place, activity, words):
    params = {"lon": place["lon"], "lat": place["lat"], "activity": activity, "plan": "bontang"}
    answer = client.get("/v1/zoning", params=params).json()
    cls = answer["zones"][0]["activity"]["class"]
    expected = {"I": ("Diizinkan", "Permitted"), "B": ("Diizinkan bersyarat", "Permitted with conditions")}
    if expected.get(cls) != words:
        pytest.skip(f"the sample's class for {activity} in R-2 is {cls} now")
    page = client.get("/v1/zoning", params={**params, "f": "html"}).text
    assert VERDICT.findall(page) == [words[0]]
    frame = _frame(page)
    assert frame["bounds"] is None and frame["zoom"] == 18
    assert frame["center"] == pytest.approx([place["lat"], place["lon"]])


def test_without_an_activity_there_is_no_verdict_to_show(client, place):
    page = client.get("/v1/zoning", params={"lon": place["lon"], "lat": place["lat"], "f": "html"}).text
    assert "data-testid='verdict'" not in page


def _en_number(value: float, digits: int = 1) -> str:
    """English number format, written here independently of rdtr.numbers: 1351.0 -> 1,351.0."""
    return f"{value:,.{digits}f}"


@pytest.mark.parametrize("how", ["lang", "accept-language"])
def test_an_english_reader_gets_an_english_preview_with_english_numbers(client, place, how):
    params = {"activity": "A001", "plan": "bontang"}
    answer = client.post("/v1/parcels/analyze", params=params, json=place["parcel"]).json()
    if how == "lang":  # what the web page sends: its own language, whatever the browser's
        r = client.post(
            "/v1/parcels/analyze",
            params={**params, "f": "html", "lang": "en"},
            json=place["parcel"],
            headers={"Accept-Language": "id"},
        )
    else:
        r = client.post(
            "/v1/parcels/analyze",
            params={**params, "f": "html"},
            json=place["parcel"],
            headers={"Accept-Language": "en"},
        )
    page = r.text
    assert r.status_code == 200 and '<html lang="en">' in page
    assert VERDICT.findall(page) == ["Permitted"]
    assert "Zoning legend" in page and "Parcel analysis" in page and "Max floor area" in page
    assert "Legenda pola ruang" not in page and "Luas lantai" not in page and "Diizinkan" not in page
    floor_area = answer["limits"]["max_floor_area_m2"]
    assert floor_area >= 1000, "the sample parcel's floor area shows the thousands separator"
    assert f"{_en_number(floor_area)} m²" in page and f"{_id_number(floor_area)} m²" not in page
    assert f"{_en_number(answer['zones'][0]['share'] * 100)} %" in page
    assert "strictest piece" in page  # the combining rule, in English


def test_the_point_preview_follows_the_language_too(client, place):
    params = {"lon": place["lon"], "lat": place["lat"], "activity": "A001", "plan": "bontang", "f": "html"}
    en = client.get("/v1/zoning", params={**params, "lang": "en"}).text
    id_ = client.get("/v1/zoning", params=params, headers={"Accept-Language": "id-ID,id;q=0.9"}).text
    assert "Zoning at a point" in en and "Activity A001" in en and "Zonasi di titik" not in en
    assert "Zonasi di titik" in id_ and "Kegiatan A001" in id_ and "Zoning at a point" not in id_
    bad = client.get("/v1/zoning", params={**params, "lang": "fr"})
    assert bad.status_code == 422 and "lang" in bad.json()["detail"]
