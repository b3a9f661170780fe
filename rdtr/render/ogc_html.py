"""The HTML pages of the OGC API – Features and Tiles endpoints: a heading, a table and the links; no outside assets."""

from __future__ import annotations

import json
from html import escape

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}"
)


def _links(links: list[dict]) -> str:
    items = "".join(
        f'<li><a href="{escape(link["href"])}" rel="{escape(link["rel"])}">{escape(link.get("title") or link["rel"])}'
        f"</a> <small>({escape(link.get('type', ''))})</small></li>"
        for link in links
    )
    return f"<h2>Links</h2><ul>{items}</ul>"


def _table(header: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _href(doc: dict, rel: str) -> str:
    return next((link["href"] for link in doc.get("links", []) if link["rel"] == rel), "")


def _text(value) -> str:
    return "" if value is None else escape(str(value))


def page(title: str, body: str, links: list[dict]) -> str:
    """A whole HTML page."""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{body}{_links(links)}</body></html>"
    )


def landing(doc: dict) -> str:
    """The landing page."""
    return page(doc["title"], f"<p>{escape(doc['description'])}</p>", doc["links"])


def conformance(doc: dict) -> str:
    """The conformance declaration."""
    rows = [[f"<code>{escape(c)}</code>"] for c in doc["conformsTo"]]
    return page("Conformance", _table(["conformance class"], rows), doc.get("links", []))


def collections(doc: dict) -> str:
    """The list of collections."""
    rows = [
        [
            f'<a href="{escape(_href(c, "self"))}?f=html">{escape(c["id"])}</a>',
            escape(c["title"]),
            escape(c["description"]),
            escape(", ".join(f"{v:g}" for v in c["extent"].get("spatial", {}).get("bbox", [[]])[0])),
        ]
        for c in doc["collections"]
    ]
    return page("Collections", _table(["id", "title", "description", "bbox (CRS84)"], rows), doc["links"])


def collection(doc: dict) -> str:
    """One collection."""
    ext = doc["extent"]
    body = (
        f"<p>{escape(doc['description'])}</p>"
        + _table(
            ["", ""],
            [
                ["id", escape(doc["id"])],
                ["item type", escape(doc["itemType"])],
                ["bbox (CRS84)", escape(", ".join(f"{v:g}" for v in ext.get("spatial", {}).get("bbox", [[]])[0]))],
                ["from", escape(str(ext["temporal"]["interval"][0][0]))],
                ["CRS", "<br>".join(escape(c) for c in doc.get("crs", []))],
            ],
        )
        + f'<p><a href="{escape(_href(doc, "items"))}?f=html">Items</a></p>'
    )
    return page(doc["title"], body, doc["links"])


def features(doc: dict, title: str, items_href: str) -> str:
    """A page of features: their properties in a table (no geometry)."""
    feats = doc.get("features", [])
    keys: list[str] = []
    for f in feats:
        for k in f["properties"]:
            if k not in keys:
                keys.append(k)
    rows = [
        [f'<a href="{escape(items_href)}/{escape(str(f["id"]))}?f=html">{escape(str(f["id"]))}</a>']
        + [_text(f["properties"].get(k)) for k in keys]
        for f in feats
    ]
    summary = f"<p>{doc.get('numberReturned', len(feats))} of {doc.get('numberMatched', len(feats))} features</p>"
    return page(title, summary + _table(["id", *keys], rows), doc.get("links", []))


def feature(doc: dict, title: str) -> str:
    """One feature: its properties."""
    rows = [[escape(k), _text(v)] for k, v in doc["properties"].items()]
    return page(f"{title} — {doc['id']}", _table(["property", "value"], rows), doc.get("links", []))


def document(title: str, doc: dict) -> str:
    """Any other OGC document (tile matrix sets, tilesets): its fields as indented JSON, then its links."""
    shown = {k: v for k, v in doc.items() if k != "links"}
    body = f"<pre>{escape(json.dumps(shown, indent=2, ensure_ascii=False))}</pre>"
    return page(title, body, doc.get("links", []))
