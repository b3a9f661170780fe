"""Map previews (Folium) of an answer: the point or parcel outlined over the zones in the standard
Permen 14/2021 colours, a legend, and popups with the answer (sub-zone, class, limits: rdtr.render.popups),
in the reader's language (``lang``).

Offline by construction: Folium's default scripts and stylesheets point at CDNs (and pull jQuery,
Bootstrap and awesome-markers, which a preview does not need); the map's ``default_js``/``default_css``
are replaced by Leaflet alone, served by the app under ``/static/vendor`` (installed from npm at set-up
time), and :func:`external_assets` checks the output has no script or stylesheet from elsewhere.
A basemap (OpenStreetMap) is offered as a layer that is off by default: it loads only when a user turns
it on, and only works online.
"""

from __future__ import annotations

import json
import re

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from rdtr.render import style
from rdtr.render.popups import _esc, _w, parcel_popup, zoning_popup

#: URL prefix of the npm packages served by the app (``api/static/vendor/node_modules``).
VENDOR_URL = "/static/vendor/node_modules"
LEAFLET_JS = "leaflet/dist/leaflet.js"
LEAFLET_CSS = "leaflet/dist/leaflet.css"

_ASSET_TAG = re.compile(r"<(script|link)\b[^>]*?(?:src|href)\s*=\s*[\"']([^\"']+)[\"'][^>]*>", re.IGNORECASE)


def external_assets(page: str) -> list[str]:
    """URLs of scripts and stylesheets in ``page`` that are not served by the app itself."""
    bad = []
    for _tag, url in _ASSET_TAG.findall(page):
        if re.match(r"^(https?:)?//", url.strip(), re.IGNORECASE):
            bad.append(url)
    return bad


_PAGE_CSS = """
<style>
  .rdtr-pop { font: 13px/1.35 system-ui, sans-serif; max-width: 340px; }
  .rdtr-pop table.rdtr-t { border-collapse: collapse; margin: 4px 0; }
  .rdtr-pop .rdtr-t th, .rdtr-pop .rdtr-t td { border: 1px solid #bbb; padding: 1px 4px; text-align: left; }
  .rdtr-plan { color: #333; font-size: 11px; margin-top: 4px; }
  .rdtr-warn { background: #fff3cd; border-left: 4px solid #b8860b; padding: 2px 4px; margin: 3px 0; }
  .rdtr-verdict { border: 2px solid var(--v); border-left-width: 8px; border-radius: 4px; padding: 4px 8px;
                  margin: 0 0 6px; background: color-mix(in srgb, var(--v) 8%, #fff); }
  .rdtr-verdict strong { color: var(--v); font-size: 17px; }
  .rdtr-verdict .rdtr-en { color: #444; font-style: italic; }
  .rdtr-verdict .rdtr-what { color: #333; font-size: 12px; }
  .rdtr-swatch { display: inline-block; width: 12px; height: 12px; border: 1px solid #555;
                 vertical-align: -2px; margin-right: 4px; }
  .rdtr-legend { position: fixed; bottom: 26px; right: 10px; z-index: 1000; background: #fff;
                 padding: 6px 8px; border: 1px solid #777; border-radius: 4px; max-height: 45vh;
                 overflow: auto; font: 12px/1.4 system-ui, sans-serif; }
  .rdtr-legend h2 { font-size: 13px; margin: 0 0 4px; }
  .rdtr-legend ul { list-style: none; margin: 0; padding: 0; }
  .rdtr-title { position: fixed; top: 8px; left: 54px; right: 54px; z-index: 1000; background: rgba(255,255,255,.94);
                padding: 4px 8px; border: 1px solid #777; border-radius: 4px; font: 13px/1.3 system-ui, sans-serif; }
  .rdtr-title h1 { font-size: 15px; margin: 0; }
  .rdtr-missing { position: fixed; inset: 30% 10% auto 10%; z-index: 2000; background: #fff; border: 3px solid #a00;
                  padding: 12px; font: 15px system-ui, sans-serif; }
</style>
"""


# Folium wraps popup HTML as ``$(`<div>…</div>`)[0]``, the only jQuery it needs here: a two-line
# stand-in instead of shipping jQuery.
_JQUERY_SHIM = """
<script>
  window.$ = window.$ || function (html) {
    var t = document.createElement("template"); t.innerHTML = String(html).trim(); return [t.content.firstChild];
  };
</script>
"""


def _legend_html(entries: list[style.LegendEntry], lang: str = "id") -> str:
    items = "".join(
        f"<li><span class='rdtr-swatch' style='background:{e.color}'></span>"
        f"<strong>{_esc(e.subzone_code)}</strong> {_esc(e.subzone_name or '')}</li>"
        for e in entries
    )
    parcel_key = (
        f"<li><span class='rdtr-swatch' style='background:transparent;border:2px solid "
        f"{style.PARCEL_STROKE}'></span>{_w('pv_asked', lang)}</li>"
    )
    return (
        f"<section class='rdtr-legend' aria-label='{_w('pv_legend', lang)}'><h2>{_w('pv_legend_title', lang)}</h2>"
        f"<ul>{items}{parcel_key}</ul></section>"
    )


def _title_html(kind: str, answer: dict, lang: str = "id") -> str:
    what = _w("pv_zoning" if kind == "zoning" else "pv_parcel", lang)
    plans = []
    items = answer.get("results") if isinstance(answer.get("results"), list) else [answer]
    for item in items:
        for z in item.get("zones") or []:
            p = z.get("plan") or {}
            line = f"{p.get('name')} v{p.get('version')} – {p.get('legal_basis')}"
            if line not in plans:
                plans.append(line)
    covered = _esc("; ".join(plans)) if plans else _w("pv_uncovered", lang)
    return (
        f"<header class='rdtr-title'><h1>{_w('pv_title', lang, what=what)}</h1>"
        f"<div>{covered} · {_w('pv_reference_date', lang, at=answer.get('at'))}"
        f" · {_w('pv_not_kkpr', lang)}</div></header>"
    )


def _bounds_of(geojson: dict | None, answer: dict, kind: str) -> tuple[float, float, float, float] | None:
    from shapely.geometry import shape

    if kind == "zoning":
        loc = answer.get("location") or {}
        if "lon" in loc:
            return (loc["lon"], loc["lat"], loc["lon"], loc["lat"])
        return None
    if not geojson:
        return None
    geoms = []
    t = geojson.get("type")
    if t == "FeatureCollection":
        geoms = [shape(f["geometry"]) for f in geojson.get("features") or [] if (f or {}).get("geometry")]
    elif t == "Feature":
        geoms = [shape(geojson["geometry"])] if geojson.get("geometry") else []
    else:
        geoms = [shape(geojson)]
    if not geoms:
        return None
    xs0, ys0, xs1, ys1 = zip(*(g.bounds for g in geoms))
    return (min(xs0), min(ys0), max(xs1), max(ys1))


#: Zoom levels: the map's own limit (OpenStreetMap's tiles stop at 19), the largest a parcel is framed at,
#: and the view of a point.
MAP_MAX_ZOOM = 19
PARCEL_MAX_ZOOM = 19
POINT_ZOOM = 18
#: Screen pixels kept around the answer when it is framed (besides the title's height).
FRAME_PADDING_PX = 32


def initial_frame(bounds: tuple[float, float, float, float] | None) -> dict:
    """How a preview opens: ``bounds`` ([[south, west], [north, east]]) fitted with ``padding`` pixels (plus the
    title's height at the top) up to ``max_zoom``, or a point's ``center`` at ``zoom``; ``anchor`` is where the
    popup opens."""
    if not bounds:
        return {"bounds": None, "center": [-2.5, 118.0], "zoom": 5, "max_zoom": PARCEL_MAX_ZOOM, "anchor": None}
    center = [(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2]
    if bounds[2] - bounds[0] <= 1e-7 and bounds[3] - bounds[1] <= 1e-7:
        return {"bounds": None, "center": center, "zoom": POINT_ZOOM, "max_zoom": POINT_ZOOM, "anchor": center}
    return {
        "bounds": [[bounds[1], bounds[0]], [bounds[3], bounds[2]]],
        "center": center,
        "zoom": 17,
        "max_zoom": PARCEL_MAX_ZOOM,
        "padding": FRAME_PADDING_PX,
        "anchor": center,
    }


class _Framing(MacroElement):
    """The last script of a preview: frame the answer below the title, then open its popup clear of the title."""

    _template = Template(
        """{% macro script(this, kwargs) %}
window.rdtrFrame = {{ this.frame_json }};
(function (map, layer, frame) {
  function frameIt() {
    var head = document.querySelector(".rdtr-title");
    var top = head ? Math.ceil(head.getBoundingClientRect().bottom) + 8 : 8;
    var pad = frame.padding || 0;
    if (frame.bounds) {
      map.fitBounds(frame.bounds, {paddingTopLeft: [pad, top + pad], paddingBottomRight: [pad, pad],
                                   maxZoom: frame.max_zoom});
    } else {
      map.setView(frame.center, frame.zoom);
    }
    if (layer && layer.getPopup()) {
      var popup = layer.getPopup();
      popup.options.autoPan = true;
      popup.options.autoPanPaddingTopLeft = L.point(12, top + 6);
      popup.options.autoPanPaddingBottomRight = L.point(12, 12);
      popup.options.autoClose = false;
      layer.openPopup(frame.anchor || undefined);
      var clear = function () {  // still under the title: move the map down until the popup is clear of it
        var box = popup.isOpen() && popup.getElement().getBoundingClientRect();
        if (box && box.top < top + 6) { map.panBy([0, box.top - top - 6], {animate: false}); }
      };
      clear();
      window.requestAnimationFrame(clear);
      window.setTimeout(clear, 300);
    }
  }
  // After the page is laid out (the title's height is known), not while the script is parsed.
  if (document.readyState === "complete") { frameIt(); } else { window.addEventListener("load", frameIt); }
})({{ this.map_name }}, {{ this.layer_name }}, window.rdtrFrame);
{% endmacro %}"""
    )

    def __init__(self, m, layer, frame: dict):
        super().__init__()
        self._name = "RdtrFraming"
        self.map_name = m.get_name()
        self.layer_name = layer.get_name() if layer is not None else "null"
        self.frame_json = json.dumps(frame)


def preview_html(
    kind: str,
    answer: dict,
    geometry: dict | None,
    zones: list[dict],
    legend_entries: list[style.LegendEntry] | None = None,
    *,
    vendor_url: str = VENDOR_URL,
    assets_missing: list[str] | None = None,
    basemap: bool = True,
    lang: str = "id",
) -> str:
    """A complete HTML page.

    ``kind``: ``"zoning"`` (``answer`` is a point answer; the point comes from ``answer["location"]``) or
    ``"parcel"`` (``geometry`` is the GeoJSON parcel(s) as sent; ``answer`` one analysis or
    ``{"results": [...]}``). ``zones``: GeoJSON features (EPSG:4326) with ``subzone_code``,
    ``subzone_name`` and ``zone_code`` properties. ``lang`` (``id`` or ``en``): the page's words and number
    format, one language at a time; plan data stays as written.
    """
    bounds = _bounds_of(geometry, answer, kind)
    frame = initial_frame(bounds)
    m = folium.Map(
        location=frame["center"],
        zoom_start=frame["zoom"],
        max_zoom=MAP_MAX_ZOOM,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
    )
    # Offline: Leaflet only, from the app; no jQuery/Bootstrap/awesome-markers, no CDN.
    m.default_js = [("leaflet", f"{vendor_url}/{LEAFLET_JS}")]
    m.default_css = [("leaflet_css", f"{vendor_url}/{LEAFLET_CSS}")]
    root = m.get_root()
    root.header.add_child(Element(_PAGE_CSS), name="rdtr_css")
    root.header.add_child(Element(_JQUERY_SHIM), name="rdtr_dollar")

    if basemap:
        folium.TileLayer(
            "OpenStreetMap",
            name=_w("pv_basemap", lang),
            overlay=True,
            show=False,
            control=True,
        ).add_to(m)

    for f in zones:
        p = f["properties"]
        p["_fill"] = style.fill_color(p.get("subzone_code"), p.get("zone_code"))
    if zones:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": zones},
            name=_w("pv_zones_layer", lang),
            style_function=lambda f: {
                "fillColor": f["properties"]["_fill"],
                "fillOpacity": 0.75,
                "color": style.ZONE_STROKE,
                "weight": 0.6,
            },
            highlight_function=lambda f: {"weight": 2.5, "color": "#000"},
            tooltip=folium.GeoJsonTooltip(
                ["subzone_code", "subzone_name"], aliases=[_w("pv_subzone", lang), _w("pv_name", lang)], sticky=False
            ),
            smooth_factor=0.5,
        ).add_to(m)

    opened = None  # the layer whose popup opens on load
    if kind == "zoning":
        loc = answer.get("location") or {}
        if "lon" in loc:
            marker = folium.CircleMarker(
                [loc["lat"], loc["lon"]],
                radius=8,
                color="#fff",
                weight=3,
                fill=True,
                fill_color=style.POINT_COLOR,
                fill_opacity=1.0,
                popup=folium.Popup(zoning_popup(answer, lang), max_width=360),
                tooltip=_w("pv_point_asked", lang),
            ).add_to(m)
            opened = marker
    elif geometry:
        results = answer.get("results") if isinstance(answer.get("results"), list) else None
        features = (
            geometry.get("features")
            if geometry.get("type") == "FeatureCollection"
            else [
                geometry
                if geometry.get("type") == "Feature"
                else {"type": "Feature", "geometry": geometry, "properties": {}}
            ]
        )
        for i, feat in enumerate(features or []):
            if not (feat or {}).get("geometry"):
                continue
            item = results[i] if results and i < len(results) else answer
            layer = folium.GeoJson(
                {"type": "Feature", "geometry": feat["geometry"], "properties": {}},
                name=_w("pv_parcel_n", lang, n=str(i + 1)) if results else _w("pv_parcel_word", lang),
                style_function=lambda f: {"fill": False, "color": style.PARCEL_STROKE, "weight": 4},
                popup=folium.Popup(parcel_popup(item, lang), max_width=380),
            ).add_to(m)
            if opened is None:
                opened = layer
                fb = _bounds_of(feat, {}, "parcel")
                if fb:  # the popup's tip on the middle of the parcel's north edge: the popup sits above it
                    frame["anchor"] = [fb[3], (fb[0] + fb[2]) / 2]

    _Framing(m, opened, frame).add_to(m)

    entries = legend_entries if legend_entries is not None else style.legend([f["properties"] for f in zones])
    root.html.add_child(Element(_title_html(kind, answer, lang)))
    root.html.add_child(Element(_legend_html(entries, lang)))
    if assets_missing:
        root.html.add_child(
            Element(
                f"<div class='rdtr-missing' role='alert'>"
                f"{_w('pv_assets_missing', lang, missing=', '.join(assets_missing))}</div>"
            )
        )
    if basemap or zones:
        folium.LayerControl(collapsed=True).add_to(m)

    page = root.render()
    # Accessibility: declare the language, allow pinch-zoom.
    page = page.replace("<html>", f'<html lang="{lang}">', 1)
    page = re.sub(r",\s*maximum-scale=1\.0,\s*user-scalable=no", "", page)
    page = page.replace("<head>", f"<head>\n    <title>{_w('pv_page_title', lang)}</title>", 1)
    bad = external_assets(page)
    if bad:  # never ship a page that needs the internet for its code
        for url in bad:
            page = re.sub(r"<(script|link)\b[^>]*" + re.escape(url) + r"[^>]*>(\s*</script>)?", "", page)
    return page
