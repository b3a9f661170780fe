"""QGIS styles and projects for a plan version: the zones categorised by sub-zone in the Permen 14/2021 palette
(:mod:`rdtr.render.style`) and labelled with ``subzone_code``; the overlays hatched.

The same renderer goes three ways: into the GeoPackage's ``layer_styles`` table as QML and SLD (QGIS applies
the default style when it opens the layer), and into a ``.qgs`` project whose layers read that GeoPackage
over HTTP (``/vsicurl/``). Symbol layers carry both the QGIS ≥ 3.18 ``Option`` map and the older ``prop``
list, so older LTR releases read them too.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from rdtr.render.style import ZONE_STROKE, LegendEntry, hex_to_rgb, legend

QGIS_VERSION = "3.34.0-Prizren"
DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
OVERLAY_COLOR = "#D0006F"
WGS84_WKT = (
    'GEOGCRS["WGS 84",ENSEMBLE["World Geodetic System 1984 ensemble",MEMBER["World Geodetic System 1984 (G2139)"],'
    'ELLIPSOID["WGS 84",6378137,298.257223563,LENGTHUNIT["metre",1]],ENSEMBLEACCURACY[2.0]],'
    'PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],CS[ellipsoidal,2],'
    'AXIS["geodetic latitude (Lat)",north,ORDER[1],ANGLEUNIT["degree",0.0174532925199433]],'
    'AXIS["geodetic longitude (Lon)",east,ORDER[2],ANGLEUNIT["degree",0.0174532925199433]],ID["EPSG",4326]]'
)


def _rgba(color: str, alpha: int = 255) -> str:
    r, g, b = (round(c * 255) for c in hex_to_rgb(color))
    return f"{r},{g},{b},{alpha}"


def entries_for(subzones: Iterable) -> list[LegendEntry]:
    """Legend entries (code, name, zone, colour) in the standard's order, for ``(code, name, zone)`` rows."""
    return legend(subzones)


def _symbol_layer(parent: ET.Element, klass: str, props: dict[str, str]) -> None:
    layer = ET.SubElement(parent, "layer", {"class": klass, "enabled": "1", "locked": "0", "pass": "0"})
    options = ET.SubElement(layer, "Option", {"type": "Map"})
    for k, v in props.items():
        ET.SubElement(options, "Option", {"type": "QString", "name": k, "value": v})
    for k, v in props.items():
        ET.SubElement(layer, "prop", {"k": k, "v": v})


def _fill_symbol(parent: ET.Element, name: str, fill: str, alpha: int = 255) -> ET.Element:
    symbol = ET.SubElement(
        parent,
        "symbol",
        {"type": "fill", "name": name, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0", "frame_rate": "10"},
    )
    _symbol_layer(
        symbol,
        "SimpleFill",
        {
            "color": _rgba(fill, alpha),
            "style": "solid",
            "outline_color": _rgba(ZONE_STROKE),
            "outline_style": "solid",
            "outline_width": "0.1",
            "outline_width_unit": "MM",
            "joinstyle": "bevel",
        },
    )
    return symbol


def zones_renderer(entries: list[LegendEntry]) -> ET.Element:
    """``<renderer-v2 type="categorizedSymbol" attr="subzone_code">``: one category per sub-zone, its colour."""
    renderer = ET.Element(
        "renderer-v2",
        {
            "type": "categorizedSymbol",
            "attr": "subzone_code",
            "symbollevels": "0",
            "enableorderby": "0",
            "forceraster": "0",
            "referencescale": "-1",
        },
    )
    categories = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for i, e in enumerate(entries):
        label = f"{e.subzone_code} {e.subzone_name}" if e.subzone_name else e.subzone_code
        ET.SubElement(
            categories,
            "category",
            {"symbol": str(i), "value": e.subzone_code, "label": label, "render": "true", "type": "string"},
        )
        _fill_symbol(symbols, str(i), e.color)
    source = ET.SubElement(renderer, "source-symbol")
    _fill_symbol(source, "0", "#CCCCCC")
    return renderer


def zones_labeling() -> ET.Element:
    """``<labeling type="simple">``: ``subzone_code`` in black with a white halo, inside each polygon."""
    labeling = ET.Element("labeling", {"type": "simple"})
    settings = ET.SubElement(labeling, "settings", {"calloutType": "simple"})
    style = ET.SubElement(
        settings,
        "text-style",
        {
            "fieldName": "subzone_code",
            "isExpression": "0",
            "fontFamily": "Sans Serif",
            "fontSize": "7",
            "fontSizeUnit": "Point",
            "textColor": "0,0,0,255",
            "textOpacity": "1",
            "namedStyle": "Regular",
            "multilineHeight": "1",
        },
    )
    ET.SubElement(
        style,
        "text-buffer",
        {"bufferDraw": "1", "bufferSize": "0.7", "bufferSizeUnits": "MM", "bufferColor": "255,255,255,255"},
    )
    ET.SubElement(settings, "text-format", {"wrapChar": "", "multilineAlign": "3", "plussign": "0"})
    ET.SubElement(
        settings,
        "placement",
        {"placement": "1", "fitInPolygonOnly": "1", "centroidInside": "1", "centroidWhole": "0", "priority": "5"},
    )
    ET.SubElement(
        settings,
        "rendering",
        {"obstacle": "1", "scaleVisibility": "1", "scaleMin": "0", "scaleMax": "25000", "displayAll": "0"},
    )
    return labeling


def overlays_renderer() -> ET.Element:
    """A single symbol for the overlays (KKOP, KRB, …): a diagonal hatch and a dashed outline, see-through."""
    renderer = ET.Element("renderer-v2", {"type": "singleSymbol", "symbollevels": "0", "forceraster": "0"})
    symbols = ET.SubElement(renderer, "symbols")
    symbol = ET.SubElement(
        symbols, "symbol", {"type": "fill", "name": "0", "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"}
    )
    _symbol_layer(
        symbol,
        "SimpleFill",
        {
            "color": _rgba(OVERLAY_COLOR, 110),
            "style": "b_diagonal",
            "outline_color": _rgba(OVERLAY_COLOR),
            "outline_style": "dash",
            "outline_width": "0.4",
            "outline_width_unit": "MM",
        },
    )
    return renderer


def _qml(renderer: ET.Element, labeling: ET.Element | None) -> str:
    root = ET.Element(
        "qgis",
        {"version": QGIS_VERSION, "styleCategories": "Symbology|Labeling", "labelsEnabled": "1" if labeling else "0"},
    )
    root.append(renderer)
    if labeling is not None:
        root.append(labeling)
    ET.SubElement(root, "blendMode").text = "0"
    ET.SubElement(root, "featureBlendMode").text = "0"
    ET.SubElement(root, "layerGeometryType").text = "2"
    return DOCTYPE + ET.tostring(root, encoding="unicode")


def zones_qml(entries: list[LegendEntry]) -> str:
    """The zones' QGIS style (QML): categorised by ``subzone_code`` and labelled with it."""
    return _qml(zones_renderer(entries), zones_labeling())


def overlays_qml() -> str:
    """The overlays' QGIS style (QML)."""
    return _qml(overlays_renderer(), None)


SLD_NS = {
    "xmlns": "http://www.opengis.net/sld",
    "xmlns:ogc": "http://www.opengis.net/ogc",
    "xmlns:se": "http://www.opengis.net/se",
    "xmlns:xlink": "http://www.w3.org/1999/xlink",
    "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "version": "1.1.0",
    "xsi:schemaLocation": "http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd",
}


def _sld(layer: str, rules: list[tuple[str | None, str, str, str, float]]) -> str:
    """SLD 1.1 with one rule per ``(value of subzone_code or None, title, fill, stroke, fill opacity)``."""
    root = ET.Element("StyledLayerDescriptor", SLD_NS)
    named = ET.SubElement(root, "NamedLayer")
    ET.SubElement(named, "se:Name").text = layer
    style = ET.SubElement(ET.SubElement(named, "UserStyle"), "se:FeatureTypeStyle")
    for value, title, fill, stroke, opacity in rules:
        rule = ET.SubElement(style, "se:Rule")
        ET.SubElement(rule, "se:Name").text = title
        if value is not None:
            flt = ET.SubElement(ET.SubElement(rule, "ogc:Filter"), "ogc:PropertyIsEqualTo")
            ET.SubElement(flt, "ogc:PropertyName").text = "subzone_code"
            ET.SubElement(flt, "ogc:Literal").text = value
        sym = ET.SubElement(rule, "se:PolygonSymbolizer")
        f = ET.SubElement(sym, "se:Fill")
        ET.SubElement(f, "se:SvgParameter", {"name": "fill"}).text = fill
        ET.SubElement(f, "se:SvgParameter", {"name": "fill-opacity"}).text = f"{opacity:g}"
        s = ET.SubElement(sym, "se:Stroke")
        ET.SubElement(s, "se:SvgParameter", {"name": "stroke"}).text = stroke
        ET.SubElement(s, "se:SvgParameter", {"name": "stroke-width"}).text = "0.5"
    if layer == "zones":
        rule = ET.SubElement(style, "se:Rule")
        ET.SubElement(rule, "se:Name").text = "subzone_code"
        ET.SubElement(rule, "se:MaxScaleDenominator").text = "25000"
        text = ET.SubElement(rule, "se:TextSymbolizer")
        ET.SubElement(ET.SubElement(text, "se:Label"), "ogc:PropertyName").text = "subzone_code"
        halo = ET.SubElement(text, "se:Halo")
        ET.SubElement(halo, "se:Radius").text = "1"
        ET.SubElement(ET.SubElement(halo, "se:Fill"), "se:SvgParameter", {"name": "fill"}).text = "#FFFFFF"
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def zones_sld(entries: list[LegendEntry]) -> str:
    """The zones' style as SLD 1.1 (for clients other than QGIS): one rule per sub-zone, and the labels."""
    rules = [
        (e.subzone_code, f"{e.subzone_code} {e.subzone_name or ''}".strip(), e.color, ZONE_STROKE, 1.0) for e in entries
    ]
    return _sld("zones", rules)


def overlays_sld() -> str:
    """The overlays' style as SLD 1.1."""
    return _sld("overlays", [(None, "overlays", OVERLAY_COLOR, OVERLAY_COLOR, 0.3)])


def _srs(parent: ET.Element) -> None:
    srs = ET.SubElement(parent, "spatialrefsys", {"nativeFormat": "Wkt"})
    for tag, value in (
        ("wkt", WGS84_WKT),
        ("proj4", "+proj=longlat +datum=WGS84 +no_defs"),
        ("srsid", "3452"),
        ("srid", "4326"),
        ("authid", "EPSG:4326"),
        ("description", "WGS 84"),
        ("projectionacronym", "longlat"),
        ("ellipsoidacronym", "EPSG:7030"),
        ("geographicflag", "true"),
    ):
        ET.SubElement(srs, tag).text = value


def _extent(parent: ET.Element, tag: str, bbox: tuple[float, float, float, float]) -> None:
    extent = ET.SubElement(parent, tag)
    for name, value in zip(("xmin", "ymin", "xmax", "ymax"), bbox, strict=True):
        ET.SubElement(extent, name).text = repr(float(value))


def _map_layer(parent: ET.Element, layer_id: str, name: str, source: str, bbox, renderer: ET.Element, labeling) -> None:
    layer = ET.SubElement(
        parent,
        "maplayer",
        {
            "type": "vector",
            "geometry": "Polygon",
            "wkbType": "MultiPolygon",
            "labelsEnabled": "1" if labeling is not None else "0",
            "readOnly": "1",
            "autoRefreshEnabled": "0",
            "styleCategories": "AllStyleCategories",
        },
    )
    _extent(layer, "extent", bbox)
    ET.SubElement(layer, "id").text = layer_id
    ET.SubElement(layer, "datasource").text = source
    ET.SubElement(layer, "layername").text = name
    _srs(ET.SubElement(layer, "srs"))
    ET.SubElement(layer, "provider", {"encoding": "UTF-8"}).text = "ogr"
    layer.append(renderer)
    if labeling is not None:
        layer.append(labeling)
    ET.SubElement(layer, "blendMode").text = "0"
    ET.SubElement(layer, "featureBlendMode").text = "0"
    ET.SubElement(layer, "layerOpacity").text = "1"


def project_qgs(
    *,
    title: str,
    gpkg_url: str,
    entries: list[LegendEntry],
    bbox: tuple[float, float, float, float],
    layer_key: str,
    overlays: bool = True,
) -> str:
    """A QGIS project (``.qgs``) with the zones (and overlays) of the GeoPackage at ``gpkg_url`` read through
    GDAL's ``/vsicurl/``: categorised by ``subzone_code`` in the Permen palette and labelled with it."""
    root = ET.Element("qgis", {"projectname": title, "version": QGIS_VERSION})
    ET.SubElement(root, "homePath", {"path": ""})
    ET.SubElement(root, "title").text = title
    _srs(ET.SubElement(root, "projectCrs"))
    zones_id = f"zones_{layer_key}"
    overlays_id = f"overlays_{layer_key}"
    source = f"/vsicurl/{gpkg_url}"
    layers = [(overlays_id, "overlays", f"{source}|layername=overlays")] if overlays else []
    layers.append((zones_id, "zones", f"{source}|layername=zones"))
    tree = ET.SubElement(root, "layer-tree-group")
    ET.SubElement(tree, "customproperties")
    for lid, name, src in layers:  # the tree lists the top layer first: overlays above the zones
        ET.SubElement(
            tree,
            "layer-tree-layer",
            {"id": lid, "name": name, "source": src, "providerKey": "ogr", "checked": "Qt::Checked", "expanded": "1"},
        )
    canvas = ET.SubElement(root, "mapcanvas", {"name": "theMapCanvas", "annotationsVisible": "1"})
    ET.SubElement(canvas, "units").text = "degrees"
    _extent(canvas, "extent", bbox)
    ET.SubElement(canvas, "rotation").text = "0"
    _srs(ET.SubElement(canvas, "destinationsrs"))
    order = ET.SubElement(root, "layerorder")
    for lid, _, _ in layers:
        ET.SubElement(order, "layer", {"id": lid})
    project_layers = ET.SubElement(root, "projectlayers")
    for lid, name, src in layers:
        if name == "zones":
            _map_layer(project_layers, lid, name, src, bbox, zones_renderer(entries), zones_labeling())
        else:
            _map_layer(project_layers, lid, name, src, bbox, overlays_renderer(), None)
    props = ET.SubElement(root, "properties")
    paths = ET.SubElement(props, "Paths")
    ET.SubElement(paths, "Absolute", {"type": "bool"}).text = "true"
    ET.indent(root, space=" ")
    return DOCTYPE + ET.tostring(root, encoding="unicode") + "\n"
