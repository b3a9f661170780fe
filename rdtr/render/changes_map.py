"""The map of a plan diff (``GET /v1/plans/{id}/changes?f=html``): the changed zones coloured by change."""

from __future__ import annotations

import html

import folium
from branca.element import Element

from rdtr.render import style
from rdtr.render.preview import LEAFLET_CSS, LEAFLET_JS, VENDOR_URL

#: One colour per kind of change, and its label on the map.
CHANGE_COLORS = {
    "added": ("#1A9850", "ditambah / added"),
    "removed": ("#D73027", "dihapus / removed"),
    "reshaped": ("#F46D43", "diubah bentuk / reshaped"),
    "recoded": ("#4575B4", "diubah kode / recoded"),
}


def _bounds(features: list[dict]) -> list[list[float]] | None:
    xs, ys = [], []

    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for c in coords:
                walk(c)

    for f in features:
        walk((f.get("geometry") or {}).get("coordinates") or [])
    return [[min(ys), min(xs)], [max(ys), max(xs)]] if xs else None


def _tooltip(p: dict) -> str:
    def side(s):
        return "—" if not s else f"{html.escape(str(s['subzone_code']))} ({s['area_m2']:,.0f} m²)"

    text = f"<b>{html.escape(p['change'])}</b><br>{side(p.get('before'))} → {side(p.get('after'))}"
    if p["change"] == "reshaped":
        text += f"<br>+{p['area_gained_m2']:,.0f} m² / −{p['area_lost_m2']:,.0f} m²"
    return text


def changes_html(doc: dict, *, vendor_url: str = VENDOR_URL) -> str:
    """A complete HTML page: the diff's changed zones on a Folium map, a legend and the summary."""
    features = (doc.get("zones") or {}).get("features") or []
    m = folium.Map(location=[0, 117], zoom_start=14, tiles=None, control_scale=True, max_zoom=19)
    m.default_js = [("leaflet", f"{vendor_url}/{LEAFLET_JS}")]  # offline: Leaflet from the app only
    m.default_css = [("leaflet_css", f"{vendor_url}/{LEAFLET_CSS}")]
    for kind, (color, label) in CHANGE_COLORS.items():
        chosen = [f for f in features if f["properties"]["change"] == kind]
        if not chosen:
            continue
        for f in chosen:
            f["properties"]["_tip"] = _tooltip(f["properties"])
        folium.GeoJson(
            {"type": "FeatureCollection", "features": chosen},
            name=label,
            style_function=lambda _f, c=color: {
                "fillColor": c,
                "fillOpacity": 0.6,
                "color": style.ZONE_STROKE,
                "weight": 1,
            },
            tooltip=folium.GeoJsonTooltip(["_tip"], labels=False),
        ).add_to(m)
    bounds = _bounds(features)
    if bounds:
        m.fit_bounds(bounds)
    s = doc["summary"]
    legend = "".join(
        f'<div><span style="background:{c};display:inline-block;width:12px;height:12px"></span> {label}: {s[k]:,}</div>'
        for k, (c, label) in CHANGE_COLORS.items()
    )
    title = (
        f"<b>{html.escape(str(doc['plan']))}</b>: versi {doc['from']['version']} ({doc['from']['effective_from']}) → "
        f"{doc['to']['version']} ({doc['to']['effective_from']}); {s['unchanged']:,} tidak berubah / unchanged"
    )
    box = (
        '<div id="rdtr-changes" style="position:fixed;top:10px;right:10px;z-index:1000;background:#fff;'
        f'padding:8px;font:13px sans-serif;border:1px solid #999">{title}{legend}</div>'
    )
    m.get_root().html.add_child(Element(box))
    return m.get_root().render()
