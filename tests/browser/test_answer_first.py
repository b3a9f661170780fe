"""The answer reaches the person: the web page at ``/`` as a citizen on a phone (390×844) and on a laptop
(1366×768) uses it, in headless Chromium with NO internet (every outside request is blocked and recorded).

- the verdict (``data-testid="verdict"``) comes first and is in view after a point click, an activity choice
  and a parcel analysis, in words per ITBX class in both languages; limits of a not-permitted activity read
  "not applicable";
- a lot-size-class sub-zone asks for the lot area and then shows its class's KDB; GSB is shown; each term is
  explained in one line;
- a place is found without coordinates (by name through ``GET /v1/places``, a parcel result, the device's
  location), and a missing places endpoint degrades to a plain message;
- dates: two quick changes leave one zone layer, a five-digit year gets a message, a date before the first
  version says when the plan takes effect;
- the online basemap requests nothing until it is turned on; the Indonesian page shows no API path or
  setting; every API request carries the page's language; the parcel's map preview opens;
- axe-core finds no serious or critical accessibility violation.

Expectations come from the sample package's FILES (pola_ruang.gpkg, itbx.csv, itbx_codes.csv,
intensitas.csv, plan.toml), never from the database the answers come from.
"""

from __future__ import annotations

import csv
import json
import math
import re
import tomllib
from functools import lru_cache

import pytest

from tests.browser import test_web
from tests.browser.test_web import Offline, _click_lonlat, _open
from tests.support.maps import sample_place, vendor_file
from tests.support.paths import SAMPLE_PACKAGE

browser = test_web.browser  # test_web's fixtures: headless Chromium, the R-2 place of the sample file
place = test_web.place

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
WORDS = {
    "id": {"I": "Diizinkan", "T": "Diizinkan terbatas", "B": "Diizinkan bersyarat", "X": "Tidak diizinkan"},
    "en": {"I": "Permitted", "T": "Permitted with limits", "B": "Permitted with conditions", "X": "Not permitted"},
}
RANK = {"X": 4, "B": 3, "T": 2, "I": 1}
ID_MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split()
AXE = vendor_file("axe-core/axe.min.js")


# ------------------------------------------------------------------------------------ the sample files


@lru_cache(maxsize=1)
def _itbx() -> dict[str, dict]:
    with open(SAMPLE_PACKAGE / "itbx.csv", newline="", encoding="utf-8") as fh:
        return {row["activity_code"]: row for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    with open(SAMPLE_PACKAGE / "itbx_codes.csv", newline="", encoding="utf-8") as fh:
        return {row["code"]: row["text"] for row in csv.DictReader(fh)}


def _cell(activity: str, subzone: str) -> tuple[str, list[str]]:
    """(class, codes) of an ITBX cell of the sample file: the most restrictive letter present."""
    codes = [c.strip() for c in _itbx()[activity][subzone].split(",") if c.strip()]
    return max((c[0].upper() for c in codes), key=RANK.__getitem__), [c for c in codes if len(c) > 1]


def _activity_of_class(cls: str, subzone: str) -> str:
    return next(code for code in _itbx() if _cell(code, subzone)[0] == cls)


def _intensity_rows(subzone: str) -> list[dict]:
    with open(SAMPLE_PACKAGE / "intensitas.csv", newline="", encoding="utf-8") as fh:
        return [row for row in csv.DictReader(fh) if row["subzone"] == subzone]


def _effective_from():
    with open(SAMPLE_PACKAGE / "plan.toml", "rb") as fh:
        return tomllib.load(fh)["plan"]["effective_from"]


def _n(value) -> str:
    """A number as the Indonesian page writes it (decimal comma, no needless decimals)."""
    return f"{float(value):g}".replace(".", ",")


class OfflineContext:
    """Blocks outside requests of every page of the context (new tabs too, e.g. a preview) while in use."""

    def __init__(self, context, base: str):
        self.context, self.base, self.blocked = context, base, []

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base + "/") or url == self.base:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def __enter__(self):
        self.context.route("**/*", self._route)
        return self

    def __exit__(self, *exc):
        self.context.unroute("**/*", self._route)


# ------------------------------------------------------------------------------------------- helpers


def _assert_verdict_in_view(page, viewport: dict):
    verdict = page.get_by_test_id("verdict")
    verdict.wait_for(timeout=15_000)
    page.wait_for_timeout(200)
    box = verdict.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (box, viewport)
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (box, viewport)
    # Nothing covers it.
    assert page.evaluate(
        "([x, y]) => !!document.elementFromPoint(x, y).closest('[data-testid=verdict]')",
        [box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 20)],
    )
    return verdict


def _choose_activity(page, code: str):
    page.fill("#activity-input", code)
    page.dispatch_event("#activity-input", "change")


def _wait_class(page, cls: str):
    page.locator(f"[data-testid=verdict][data-class={cls}]").wait_for(timeout=15_000)


def _type_parcel(page, parcel: dict):
    ring = parcel["coordinates"][0][:-1]
    page.fill("#parcel-coords", "\n".join(f"{lat:.7f}, {lon:.7f}" for lon, lat in ring))
    page.click("#analyze-coords")
    page.locator("#result-body table.limits").wait_for(timeout=15_000)


def _set_date(page, *values: str):
    """Set the date input's value(s) and fire change for each, in one tick (as quick as a person can't)."""
    page.evaluate(
        """(values) => { const el = document.getElementById('date-input');
            for (const v of values) { el.value = v; el.dispatchEvent(new Event('change')); } }""",
        list(values),
    )


def _wait_plans_settled(page):
    page.wait_for_selector("body:not([data-plans-loading])", timeout=15_000)


# --------------------------------------------------------------------------------------- the verdict


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_verdict_is_in_view_after_every_answer(browser, live_server, place, viewport, test_output):
    page, net = _open(browser, live_server, viewport=viewport)
    tag = f"{viewport['width']}x{viewport['height']}"
    # A point click.
    _click_lonlat(page, place["lon"], place["lat"])
    verdict = _assert_verdict_in_view(page, viewport)
    assert place["subzone_code"] in verdict.inner_text()
    page.screenshot(path=str(test_output / f"answer-point-{tag}.png"))
    # An activity chosen afterwards: the same point, answered for it.
    code = _activity_of_class("X", place["subzone_code"])
    _choose_activity(page, code)
    _wait_class(page, "X")
    verdict = _assert_verdict_in_view(page, viewport)
    assert WORDS["id"]["X"] in verdict.inner_text()
    page.screenshot(path=str(test_output / f"answer-activity-{tag}.png"))
    # A parcel analysis (the activity still chosen), with the panel scrolled away first.
    page.evaluate("document.getElementById('panel').scrollTop = 99999; window.scrollTo(0, 99999)")
    _type_parcel(page, place["parcel"])
    verdict = _assert_verdict_in_view(page, viewport)
    assert verdict.get_attribute("data-class") == "X"
    # Limits of a not-permitted activity are not numbers.
    limits = page.get_by_test_id("limits").inner_text()
    assert "tidak berlaku untuk kegiatan ini" in limits and "m²" not in limits.split("\n", 1)[1]
    page.screenshot(path=str(test_output / f"answer-parcel-{tag}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    net.assert_clean()
    page.close()


def test_verdict_words_per_class_in_both_languages(browser, live_server, place, test_output):
    page, net = _open(browser, live_server)
    subzone = place["subzone_code"]
    _click_lonlat(page, place["lon"], place["lat"])
    page.get_by_test_id("verdict").wait_for(timeout=15_000)
    for lang in ("id", "en"):
        if lang == "en":
            page.get_by_test_id("lang").click()
            assert page.get_attribute("html", "lang") == "en"
        for cls in ("I", "T", "B", "X"):
            code = _activity_of_class(cls, subzone)
            _choose_activity(page, code)
            _wait_class(page, cls)
            verdict = page.get_by_test_id("verdict")
            page.locator("[data-testid=verdict] .verdict-word", has_text=WORDS[lang][cls]).wait_for(timeout=15_000)
            assert verdict.locator(".verdict-word").inner_text() == WORDS[lang][cls]
            text = verdict.inner_text()
            assert code in text
            # Condition codes come with their text (the legend of the sample file).
            for c in _cell(code, subzone)[1]:
                assert c in text and _codes()[c] in text, (c, text)
            if cls == "X":
                na = "tidak berlaku untuk kegiatan ini" if lang == "id" else "not applicable for this activity"
                assert na in page.get_by_test_id("intensity").first.inner_text()
        page.screenshot(path=str(test_output / f"answer-classes-{lang}.png"))
    page.get_by_test_id("lang").click()
    net.assert_clean()
    page.close()


# ---------------------------------------------------------------------------------------- intensity


def test_a_lot_size_class_point_asks_for_the_lot_area(browser, live_server, place, test_output):
    rows = _intensity_rows(place["subzone_code"])
    assert len(rows) > 1, "the R-2 place of the sample file should have lot-size classes"
    page, net = _open(browser, live_server, viewport=PHONE)
    _click_lonlat(page, place["lon"], place["lat"])
    field = page.get_by_test_id("lot-area")
    field.wait_for(timeout=15_000)
    assert field.is_visible()
    # Until an area is given: every class in a small table, GSB among the columns.
    classes = page.locator("#result-body table.lot-classes")
    assert classes.locator("tbody tr").count() == len(rows)
    assert "GSB" in classes.inner_text()
    intensity = page.get_by_test_id("intensity").first.inner_text()
    assert "KDB: bagian persil yang boleh tertutup bangunan" in intensity
    # An area: that class's KDB, KLB, KDH and GSB, each explained.
    area = 250.0
    row = next(
        r
        for r in rows
        if float(r["lot_area_min_m2"] or 0) <= area < float(r["lot_area_max_m2"] or math.inf)  # [min, max)
    )
    field.fill("250")
    chosen = page.locator("#result-body .intensity-chosen")
    chosen.wait_for(timeout=5_000)
    assert chosen.locator("tr[data-field=kdb_max] td").inner_text().startswith(f"{_n(row['kdb_max'])} %")
    assert chosen.locator("tr[data-field=klb_max] td").inner_text().startswith(_n(row["klb_max"]))
    assert chosen.locator("tr[data-field=gsb_min_m] td").inner_text().startswith(f"{_n(row['gsb_min_m'])} m")
    assert "GSB:" in chosen.locator("tr[data-field=gsb_min_m] th").inner_text()
    # The footprint that follows for that lot (KDB × area).
    assert f"{_n(float(row['kdb_max']) * area / 100)} m²" in chosen.locator("tr[data-field=kdb_max] td").inner_text()
    page.screenshot(path=str(test_output / "answer-lot-area.png"), full_page=True)
    # The same in English, the area kept.
    page.get_by_test_id("lang").click()
    page.locator("#result-body .intensity-chosen", has_text="Intensity for a lot").wait_for(timeout=15_000)
    assert "KDB: share of the lot that may be built on" in page.locator("#result-body .intensity-chosen").inner_text()
    page.get_by_test_id("lang").click()
    net.assert_clean()
    page.close()


def test_gsb_is_shown_where_the_plan_has_one_row(browser, live_server, test_output):
    k1 = sample_place("K-1")
    row = _intensity_rows("K-1")[0]
    page, net = _open(browser, live_server)
    _click_lonlat(page, k1["lon"], k1["lat"])
    page.get_by_test_id("verdict").wait_for(timeout=15_000)
    assert page.get_by_test_id("lot-area").count() == 0  # one intensity row: nothing to ask
    gsb = page.locator("#result-body .intensity tr[data-field=gsb_min_m]")
    assert gsb.locator("td").inner_text().startswith(f"{_n(row['gsb_min_m'])} m")
    # Without an activity the verdict names the sub-zone and what it is for.
    verdict = page.get_by_test_id("verdict").inner_text()
    assert "K-1" in verdict and "perdagangan" in verdict.lower()
    net.assert_clean()
    page.close()


# ---------------------------------------------------------------------------------- finding a place


@lru_cache(maxsize=1)
def _kelurahan() -> dict:
    """A kelurahan of the sample file (the one with most zones): its name and its bbox (lon/lat)."""
    import geopandas as gpd

    zones = gpd.read_file(SAMPLE_PACKAGE / "pola_ruang.gpkg")
    name = zones["WADMKD"].value_counts().index[0]
    part = zones[zones["WADMKD"] == name].to_crs(4326)
    return {"name": name, "bbox": list(part.total_bounds)}


def test_search_by_a_kelurahan_name_moves_the_map_and_answers(browser, live_server, test_output):
    import httpx

    kel = _kelurahan()
    probe = httpx.get(live_server + "/v1/places", params={"q": kel["name"]})
    if probe.status_code == 404:
        pytest.skip("GET /v1/places is not served yet (404): the name search cannot be tried end to end")
    page, net = _open(browser, live_server)
    page.get_by_test_id("find").fill(kel["name"])
    page.get_by_test_id("find").press("Enter")
    results = page.get_by_test_id("find-results")
    page.wait_for_selector("[data-testid=verdict], [data-testid=find-results]:not([hidden])", timeout=15_000)
    if results.is_visible():
        choice = results.locator("button[data-kind=kelurahan]").first
        if not choice.count():
            choice = results.locator("button").first
        choice.click()
    page.get_by_test_id("verdict").wait_for(timeout=15_000)
    lon, lat = page.evaluate("(() => { const c = window.RDTR_APP.map.getCenter(); return [c.lng, c.lat]; })()")
    w, s, e, n = kel["bbox"]
    pad = 0.002
    assert w - pad <= lon <= e + pad and s - pad <= lat <= n + pad, (lon, lat, kel)
    assert kel["name"] in page.locator("#result-body").inner_text()
    page.screenshot(path=str(test_output / "answer-kelurahan.png"))
    net.assert_clean()
    page.close()


def test_search_by_a_parcel_number_draws_it_and_shows_its_analysis(browser, live_server):
    import geopandas as gpd
    import httpx

    path = SAMPLE_PACKAGE / "persil.gpkg"
    if not path.is_file():
        pytest.skip("the sample package has no parcel layer (persil.gpkg)")
    parcels = gpd.read_file(path).to_crs(4326)
    nib = str(parcels["NIB"].iloc[0])
    if httpx.get(live_server + "/v1/places", params={"q": nib}).status_code == 404:
        pytest.skip("GET /v1/places is not served yet (404)")
    page, net = _open(browser, live_server)
    page.get_by_test_id("find").fill(nib)
    page.get_by_test_id("find").press("Enter")
    page.wait_for_selector("#result-body table.limits, [data-testid=find-results]:not([hidden])", timeout=15_000)
    if page.get_by_test_id("find-results").is_visible():
        page.get_by_test_id("find-results").locator("button[data-kind=parcel]").first.click()
    page.locator("#result-body table.limits").wait_for(timeout=15_000)
    area = page.locator("#result-body .parcel-area strong").inner_text()
    expected = parcels.iloc[[0]].to_crs(9480).geometry.area.iloc[0]
    assert abs(float(area.replace("m²", "").replace(".", "").replace(",", ".").strip()) - expected) < 0.02 * expected
    assert page.evaluate("window.RDTR_APP.state.last.kind") == "parcel"
    net.assert_clean()
    page.close()


def test_without_a_places_endpoint_the_search_says_so_plainly(browser, live_server):
    page, net = _open(browser, live_server)
    page.route(
        "**/v1/places?*",
        lambda route: route.fulfill(
            status=404,
            content_type="application/problem+json",
            body=json.dumps({"type": "about:blank", "title": "Not Found", "status": 404, "detail": "Not Found"}),
        ),
    )
    page.get_by_test_id("find").fill("Api-Api")
    page.get_by_test_id("find").press("Enter")
    error = page.locator("#find-error")
    error.wait_for(timeout=10_000)
    assert "belum tersedia" in error.inner_text()
    assert "Not Found" not in page.locator("body").inner_text()
    # Coordinates still work.
    k1 = sample_place("K-1")
    page.get_by_test_id("find").fill(f"{k1['lat']:.6f}, {k1['lon']:.6f}")
    page.get_by_test_id("find").press("Enter")
    page.locator("[data-testid=verdict]", has_text="K-1").wait_for(timeout=15_000)
    net.assert_clean()
    page.close()


def test_a_parcel_place_draws_the_parcel_and_shows_its_analysis(browser, live_server, place):
    """A places answer of kind ``parcel`` (served here by the test, as the API will) leads to
    ``GET /v1/parcels/{plan}/{id}``, whose analysis and geometry the page shows."""
    import httpx

    analysis = httpx.post(live_server + "/v1/parcels/analyze", json=place["parcel"]).json()
    analysis["geometry"] = place["parcel"]
    ring = place["parcel"]["coordinates"][0]
    xs, ys = [c[0] for c in ring], [c[1] for c in ring]
    found = {
        "places": [
            {
                "kind": "parcel",
                "name": "NIB 0001",
                "id": "NIB-0001",
                "plan": "bontang",
                "bbox": [min(xs), min(ys), max(xs), max(ys)],
                "point": [place["lon"], place["lat"]],
            }
        ]
    }
    page, net = _open(browser, live_server)
    page.route("**/v1/places?*", lambda route: route.fulfill(status=200, json=found))
    asked = []
    page.route(
        "**/v1/parcels/bontang/NIB-0001*",
        lambda route: (asked.append(route.request.url), route.fulfill(status=200, json=analysis)),
    )
    page.get_by_test_id("find").fill("NIB 0001")
    page.get_by_test_id("find").press("Enter")
    page.locator("#result-body table.limits").wait_for(timeout=15_000)
    assert asked and "at=" in asked[0]
    assert page.locator("#result-body .pieces .subzone-code").all_inner_texts() == [place["subzone_code"]]
    assert page.evaluate("window.RDTR_APP.state.last.kind") == "parcel"
    net.assert_clean()
    page.close()


def test_my_location_answers_there_and_a_refusal_is_explained(browser, live_server, place):
    browser.grant_permissions(["geolocation"], origin=live_server)
    browser.set_geolocation({"latitude": place["lat"], "longitude": place["lon"], "accuracy": 12})
    try:
        page, net = _open(browser, live_server, viewport=PHONE)
        page.get_by_test_id("locate").click()
        verdict = page.locator("[data-testid=verdict]", has_text=place["subzone_code"])
        verdict.wait_for(timeout=15_000)
        _assert_verdict_in_view(page, PHONE)
        net.assert_clean()
        page.close()
    finally:
        browser.clear_permissions()
    # Refused: a clear message, no answer pretended.
    page = browser.new_page()
    net = Offline(page, live_server)
    page.add_init_script(
        """navigator.geolocation.getCurrentPosition = (ok, fail) =>
             setTimeout(() => fail({code: 1, message: 'User denied Geolocation'}), 10);"""
    )
    page.goto(live_server + "/?plan=bontang")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.get_by_test_id("locate").click()
    page.locator("#locate-error", has_text="ditolak").wait_for(timeout=5_000)
    assert page.get_by_test_id("verdict").count() == 0
    net.assert_clean()
    page.close()


def test_the_examples_lie_inside_the_loaded_plan(browser, live_server):
    import httpx

    bbox = httpx.get(live_server + "/v1/plans").json()["plans"][0]["bbox"]
    page, net = _open(browser, live_server)
    hint = page.locator("#find-hint").inner_text()
    lat, lon = (float(v) for v in re.search(r"(-?\d+\.\d+), (-?\d+\.\d+)", hint).groups())
    assert bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3], (hint, bbox)
    coords = page.locator("#coords-hint").inner_text()
    assert f"{lat:.5f}, {lon:.5f}" in coords
    # The example answers with a zone when typed as it is written.
    page.get_by_test_id("find").fill(f"{lat:.5f}, {lon:.5f}")
    page.get_by_test_id("find").press("Enter")
    page.locator("#result-body .zone-answer").first.wait_for(timeout=15_000)
    # And the UTM example reads back to the same place.
    utm = re.search(r"UTM (\d+[NS] \d+ \d+)", hint).group(1)
    back = httpx.get(live_server + "/v1/coordinates", params={"q": utm}).json()
    assert abs(back["lon"] - lon) < 1e-4 and abs(back["lat"] - lat) < 1e-4, (utm, back, lat, lon)
    net.assert_clean()
    page.close()


# ------------------------------------------------------------------------------------------- dates


def test_two_quick_date_changes_leave_one_zone_layer(browser, live_server, place):
    page, net = _open(browser, live_server)
    assert page.evaluate("window.RDTR_APP.zoneLayerCount()") == 1
    _set_date(page, "2025-01-01", "2025-06-01")
    _wait_plans_settled(page)
    page.wait_for_timeout(800)
    assert page.evaluate("window.RDTR_APP.zoneLayerCount()") == 1
    assert page.evaluate("window.RDTR_APP.state.date") == "2025-06-01"
    # And with a question on show: the answer is for the last date only.
    _click_lonlat(page, place["lon"], place["lat"])
    page.get_by_test_id("verdict").wait_for(timeout=15_000)
    _set_date(page, "2025-02-01", "2025-03-01", "2025-04-01")
    _wait_plans_settled(page)
    page.locator("#result-body .coords", has_text="2025").wait_for(timeout=15_000)
    page.wait_for_timeout(800)
    assert page.evaluate("window.RDTR_APP.zoneLayerCount()") == 1
    assert "1 April 2025" in page.locator("#result-body .coords").inner_text()
    net.assert_clean()
    page.close()


def test_a_five_digit_year_gets_a_message_and_the_map_stays(browser, live_server):
    page, net = _open(browser, live_server)
    before = page.evaluate("window.RDTR_APP.state.date")
    _set_date(page, "20245-01-01")
    error = page.locator("#date-error")
    error.wait_for(timeout=5_000)
    assert "4 angka" in error.inner_text()
    assert page.get_attribute("#date-input", "aria-invalid") == "true"
    page.wait_for_timeout(500)
    assert page.evaluate("window.RDTR_APP.state.date") == before
    assert page.evaluate("window.RDTR_APP.zoneLayerCount()") == 1
    assert page.get_attribute("body", "data-plans-loaded") == "1"
    # A good date clears the message.
    _set_date(page, "2025-01-01")
    _wait_plans_settled(page)
    assert error.inner_text() == ""
    net.assert_clean()
    page.close()


def test_a_date_before_the_first_version_says_when_the_plan_takes_effect(browser, live_server, place, test_output):
    start = _effective_from()
    expected = f"{start.day} {ID_MONTHS[start.month - 1]} {start.year}"
    page, net = _open(browser, live_server, viewport=PHONE)
    _set_date(page, "2020-01-01")
    page.wait_for_selector("body[data-plans-loaded='0']", timeout=15_000)
    notice = page.get_by_test_id("map-notice")
    notice.wait_for(timeout=10_000)
    assert expected in notice.inner_text() and "2020" in notice.inner_text()
    # A question on that date says the same in its verdict.
    _click_lonlat(page, place["lon"], place["lat"])
    page.locator("[data-testid=verdict]", has_text=expected).wait_for(timeout=15_000)
    page.screenshot(path=str(test_output / "answer-before-first-version.png"))
    # The notice's button goes to that date: the zones come back.
    notice.get_by_role("button").click()
    page.wait_for_selector("body[data-plans-loaded='1']", timeout=15_000)
    assert notice.is_hidden()
    net.assert_clean()
    page.close()


# ------------------------------------------------------------------------- the map, language, preview


def test_the_basemap_requests_nothing_from_outside_until_turned_on(browser, live_server, place):
    page, net = _open(browser, live_server)
    toggle = page.get_by_test_id("basemap")
    assert toggle.get_attribute("aria-pressed") == "false"
    for zoom in (12, 15, 17):
        page.evaluate(
            "([lat, lon, z]) => window.RDTR_APP.map.setView([lat, lon], z, {animate: false})",
            [place["lat"], place["lon"], zoom],
        )
        page.wait_for_timeout(400)
    assert net.blocked == []
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    page.wait_for_timeout(1000)
    assert net.blocked and all("tile.openstreetmap.org" in url for _, url in net.blocked), net.blocked
    # Nothing is remembered: a reload is offline again.
    net.blocked.clear()
    page.reload()
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    page.wait_for_timeout(800)
    assert page.get_by_test_id("basemap").get_attribute("aria-pressed") == "false"
    assert net.blocked == []
    page.close()


def test_labels_at_close_zoom_and_the_asked_zone_outlined(browser, live_server, place, test_output):
    page, net = _open(browser, live_server)
    page.evaluate(
        "([lat, lon]) => window.RDTR_APP.map.setView([lat, lon], 14, {animate: false})", [place["lat"], place["lon"]]
    )
    page.wait_for_timeout(600)
    assert page.locator(".zone-label").count() == 0  # far: no labels
    _click_lonlat(page, place["lon"], place["lat"])  # zooms to 17
    page.wait_for_selector(f"body[data-highlight='{place['subzone_code']}']", timeout=15_000)
    page.locator(".zone-label", has_text=place["subzone_code"]).first.wait_for(timeout=15_000)
    assert page.locator(".zone-label").count() <= 160
    page.screenshot(path=str(test_output / "answer-map-labels.png"))
    net.assert_clean()
    page.close()


def test_the_indonesian_page_shows_no_api_path_or_setting(browser, live_server, place):
    page, net = _open(browser, live_server)
    sent: list[tuple[str, str | None]] = []
    page.on(
        "request",
        lambda r: (
            sent.append((r.url, r.headers.get("accept-language"))) if "/v1/" in r.url and ".mvt" not in r.url else None
        ),
    )
    # An unknown activity (the API's detail names GET /v1/activities when it has no suggestion).
    _click_lonlat(page, place["lon"], place["lat"])
    page.get_by_test_id("verdict").wait_for(timeout=15_000)
    _choose_activity(page, "qqqqzzzz")
    page.locator("[data-testid=verdict][data-class=error]").wait_for(timeout=15_000)
    # A limit named by its setting, as problem+json (413) from the analysis.
    page.route(
        "**/v1/parcels/analyze*",
        lambda route: route.fulfill(
            status=413,
            content_type="application/problem+json",
            body=json.dumps(
                {
                    "type": "about:blank",
                    "title": "Payload too large",
                    "status": 413,
                    "detail": "the body is larger than 1,000,000 bytes (RDTR_MAX_JSON_BYTES); POST /v1/parcels/analyze",
                }
            ),
        ),
    )
    _choose_activity(page, "")
    _type_parcel_expect_error(page, place["parcel"])
    text = page.locator("body").inner_text()
    assert "RDTR_" not in text and "/v1/" not in text, text
    assert "Terlalu besar" in page.get_by_test_id("verdict").inner_text()
    # Every API request carried the page's language.
    assert sent and all(lang == "id" for _, lang in sent), sent
    net.assert_clean()
    page.close()


def _type_parcel_expect_error(page, parcel):
    ring = parcel["coordinates"][0][:-1]
    page.fill("#parcel-coords", "\n".join(f"{lat:.7f}, {lon:.7f}" for lon, lat in ring))
    page.click("#analyze-coords")
    page.locator("[data-testid=verdict][data-class=error]").wait_for(timeout=15_000)


def test_one_number_format_per_language(browser, live_server, place):
    page, net = _open(browser, live_server)
    sent: list[str | None] = []
    page.on("request", lambda r: sent.append(r.headers.get("accept-language")) if "/v1/zoning" in r.url else None)
    _type_parcel(page, place["parcel"])
    result = page.locator("#result-body").inner_text()
    assert re.search(r"\d,\d", result) and not re.search(r"\d\.\d{1,2}(?!\d)", result), result
    page.get_by_test_id("lang").click()
    page.locator("#result-body h3", has_text="Parcel analysis").wait_for(timeout=15_000)
    result = page.locator("#result-body").inner_text()
    assert re.search(r"\d\.\d", result) and not re.search(r"\d,\d{1,2}(?!\d)", result), result
    _click_lonlat(page, place["lon"], place["lat"])
    page.locator("#result-body h3", has_text="Zoning at").wait_for(timeout=15_000)
    assert sent and sent[-1] == "en"
    page.get_by_test_id("lang").click()
    net.assert_clean()
    page.close()


def test_the_parcel_preview_opens_from_the_answer(browser, live_server, place):
    page, net = _open(browser, live_server)
    _choose_activity(page, "A001")
    _type_parcel(page, place["parcel"])
    with OfflineContext(browser, live_server) as outside:
        with browser.expect_page(timeout=30_000) as new:
            page.get_by_test_id("parcel-preview").click()
        preview = new.value
        preview.wait_for_load_state("load", timeout=30_000)
        assert "/v1/parcels/analyze" in preview.url and "f=html" in preview.url and "activity=A001" in preview.url
        assert preview.locator(".leaflet-container").count() >= 1
        assert place["subzone_code"] in preview.content()
        preview.close()
    assert outside.blocked == [], outside.blocked
    net.assert_clean()
    page.close()


# ------------------------------------------------------------------------------------------------- axe


def _axe(page, base: str) -> list[dict]:
    page.add_script_tag(url=base + "/static/vendor/node_modules/axe-core/axe.min.js")
    result = page.evaluate(
        """async () => { const r = await axe.run(document, {resultTypes: ['violations']});
           return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                          nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})); }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not vendored in api/static/vendor (scripts/setup.sh)")
def test_axe_finds_no_serious_or_critical_violations(browser, live_server, place):
    page, net = _open(browser, live_server)
    assert _axe(page, live_server) == []
    # With answers on show: a point with its lot-size classes, then a parcel for an activity.
    _click_lonlat(page, place["lon"], place["lat"])
    page.get_by_test_id("lot-area").wait_for(timeout=15_000)
    assert _axe(page, live_server) == []
    _choose_activity(page, _activity_of_class("T", place["subzone_code"]))
    _type_parcel(page, place["parcel"])
    assert _axe(page, live_server) == []
    # The building-plan check answered below it.
    page.get_by_test_id("check-height").fill("8")
    page.get_by_test_id("check-submit").click()
    page.get_by_test_id("check-verdict").wait_for(timeout=15_000)
    assert _axe(page, live_server) == []
    # The parcel's map preview.
    with OfflineContext(browser, live_server):
        with browser.expect_page(timeout=30_000) as new:
            page.get_by_test_id("parcel-preview").click()
        preview = new.value
        preview.wait_for_load_state("load", timeout=30_000)
        found = _axe(preview, live_server)
        preview.close()
    assert found == [], found
    net.assert_clean()
    page.close()
