"""Coded-value field domains (File Geodatabase, GeoPackage): codes shown as their descriptions.

ArcGIS shows a field with a coded-value domain by its descriptions; the file holds the codes, and pyogrio
(which has no domain API) reads the codes. The domains are read here without osgeo: a File Geodatabase's
``GDB_Items`` table (the domain's ``GPCodedValueDomain2`` XML, the feature class's ``DomainName`` per
field), a GeoPackage's ``gpkg_data_columns`` / ``gpkg_data_column_constraints`` (``enum``).

The rule (decided once, here): a value equal to a domain code is replaced by the code's description when
the code alone says nothing — the domain's codes are numbers (``1`` → ``"R-2"``) — or when the field holds
names (Permen 14/2021 ``NAM…`` fields such as NAMSZN, ``WADM…``, or a name with ``nama``/``name``). A
field of text codes that mean something themselves (KODSZN ``"R-2"`` → ``"Perumahan Kepadatan Tinggi"``)
keeps its codes. Either way the report says so: a ``resolved_domain`` warning per resolved field (how many
values), and ``info.field_domains`` for every field with a domain.
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET

import pandas as pd
import pyogrio

from rdtr.messages import Message

#: Domain definitions (XML) longer than this are skipped: a real one is a few kB per hundred codes.
MAX_DEFINITION_CHARS = 2_000_000
_NUMBER = re.compile(r"^-?\d+(\.0+)?$")
_NAME_FIELD = re.compile(r"^(NAM|WADM)|nama|name", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml(text) -> ET.Element | None:
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_DEFINITION_CHARS or "<!ENTITY" in text:
        return None
    try:
        return ET.fromstring(text)
    except ET.ParseError:
        return None


def _gdb_domains(source: str, layer: str) -> dict[str, dict[str, str]]:
    items = pyogrio.read_dataframe(source, layer="GDB_Items", read_geometry=False, columns=["Name", "Definition"])
    coded: dict[str, dict[str, str]] = {}
    field_domain: dict[str, str] = {}
    for name, definition in zip(items["Name"], items["Definition"]):
        root = _xml(definition)
        if root is None:
            continue
        kind = _local(root.tag)
        if kind == "GPCodedValueDomain2":
            values = {}
            for cv in root.iter():
                if _local(cv.tag) == "CodedValue":
                    parts = {_local(c.tag): (c.text or "").strip() for c in cv}
                    if parts.get("Code"):
                        values[_code_key(parts["Code"])] = parts.get("Name", "")
            coded[str(name)] = values
        elif str(name).casefold() == layer.casefold():
            for info in root.iter():
                if _local(info.tag) == "GPFieldInfoEx":
                    parts = {_local(c.tag): (c.text or "").strip() for c in info}
                    if parts.get("DomainName") and parts.get("Name"):
                        field_domain[parts["Name"]] = parts["DomainName"]
    return {f: {"domain": d, "values": coded[d]} for f, d in field_domain.items() if coded.get(d)}


def _gpkg_domains(source: str, layer: str) -> dict[str, dict]:
    safe = layer.replace("'", "''")
    df = pyogrio.read_dataframe(
        source,
        sql="SELECT d.column_name, d.constraint_name, c.value, c.description FROM gpkg_data_columns d "
        "JOIN gpkg_data_column_constraints c ON c.constraint_name = d.constraint_name "
        f"WHERE d.table_name = '{safe}' AND c.constraint_type = 'enum' LIMIT 100000",
        read_geometry=False,
    )
    out: dict[str, dict] = {}
    for col, dom, value, desc in df.itertuples(index=False):
        if value is None or desc is None:
            continue
        out.setdefault(col, {"domain": dom, "values": {}})["values"][_code_key(value)] = str(desc)
    return out


def _code_key(value) -> str:
    text = str(value).strip()
    return text[: -len(text.split(".")[-1]) - 1] if _NUMBER.match(text) and "." in text else text


def field_domains(source: str, layer: str | None, driver: str | None) -> dict[str, dict]:
    """``{field: {"domain": name, "values": {code: description}}}`` for the layer's coded-value domains."""
    if not layer or driver not in ("OpenFileGDB", "GPKG"):
        return {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _gdb_domains(source, layer) if driver == "OpenFileGDB" else _gpkg_domains(source, layer)
    except Exception:  # noqa: BLE001 - no domain tables: nothing to resolve
        return {}


def resolve_domains(gdf: pd.DataFrame, domains: dict[str, dict], report, file: str | None) -> pd.DataFrame:
    """Codes replaced by their descriptions where the module's rule says so; reported."""
    if not domains:
        return gdf
    summary = {}
    for field, dom in domains.items():
        col = next((c for c in gdf.columns if str(c).casefold() == field.casefold()), None)
        if col is None or col == getattr(gdf.geometry, "name", None):
            continue
        values = dom["values"]
        numeric = all(_NUMBER.match(k) for k in values)
        resolve = numeric or bool(_NAME_FIELD.search(str(col)))
        keys = gdf[col].map(lambda v: None if v is None or (isinstance(v, float) and v != v) else _code_key(v))
        hit = keys.isin(list(values))
        summary[str(col)] = {
            "domain": dom["domain"],
            "codes": len(values),
            "values_coded": int(hit.sum()),
            "resolved": bool(resolve),
        }
        if resolve and hit.any():
            gdf[col] = gdf[col].astype(object).where(~hit, keys.map(values))
            if report is not None:
                report.warning(
                    "resolved_domain",
                    Message("domain_resolved", count=str(int(hit.sum())), column=str(col), domain=repr(dom["domain"])),
                    file=file,
                    column=str(col),
                    count=int(hit.sum()),
                )
    if summary and report is not None:
        report.info.setdefault("field_domains", {}).update(summary)
    return gdf
