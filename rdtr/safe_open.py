"""Opening files that come from outside (uploads, plan packages, CLI inputs) without letting them reach
anything else: GDAL picks its driver from a file's *content*, and some drivers follow what a file names
(a VRT names other files or ``/vsicurl/`` URLs; GML fetches schemas). So before GDAL sees a file we read its
first bytes ourselves and accept only the formats rdtr reads — GeoPackage, Shapefile, GeoJSON, KML/KMZ and
File Geodatabase — and after GDAL opened it we check it used the driver we expected. GDAL's network access
is switched off for the whole process (no HTTP proxy that answers, no ``/vsicurl/`` extension allowed).

Anything else is an :class:`UnsafeInput` (HTTP 422) that says what the content looks like.
"""

from __future__ import annotations

import re
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from rdtr.errors import InvalidInput, PackageError
from rdtr.messages import Message

#: The GDAL drivers rdtr opens outside files with (per content kind below), and nothing else.
VECTOR_DRIVERS = frozenset({"GPKG", "ESRI Shapefile", "GeoJSON", "KML", "LIBKML", "OpenFileGDB"})

#: GDAL settings for the whole process: no driver may reach the network.
NO_NETWORK = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".rdtr-no-network",  # /vsicurl/ refuses every file name
    "GDAL_HTTP_PROXY": "127.0.0.1:9",  # any HTTP GDAL still attempts goes to the discard port, refused
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GML_SKIP_RESOLVE_ELEMS": "ALL",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
}

#: Prefixes of the temporary folders rdtr makes for outside files (unpacked packages, uploads); a killed
#: process leaves them, and :func:`sweep_stale_temp` removes them when ``rdtr serve`` or ``rdtr ingest`` starts.
TEMP_PREFIX = "rdtr-package-"
UPLOAD_PREFIX = "rdtr-upload-"
STALE_TEMP_S = 6 * 3600
#: Unpacking is bounded: at most this many entries, and this many times the upload limit in bytes.
MAX_ZIP_ENTRIES = 10_000
UNPACKED_FACTOR = 10

_HEAD = 4096
_CONNECTION = re.compile(r"^[A-Za-z][A-Za-z0-9_]+:(?![\\/])")  # PG:…, WFS:…, GPKG:… (not C:\ or C:/)
_XML_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


class UnsafeInput(InvalidInput):
    """A file whose content is not one of the formats rdtr reads, or that names something outside itself."""

    title = "Unsupported or unsafe file"


_configured = False


def confine_gdal() -> None:
    """Switch GDAL's network access off for this process (idempotent)."""
    global _configured
    if not _configured:
        import pyogrio

        pyogrio.set_gdal_config_options(NO_NETWORK)
        _configured = True


def check_name(text: str) -> None:
    """Refuse what GDAL would treat as a URL, a virtual file or a connection string rather than a file."""
    lowered = text.strip().lower()
    if lowered.startswith("/vsi") or "://" in lowered or _CONNECTION.match(text.strip()) or "\x00" in text:
        raise UnsafeInput(f"{text[:80]!r} is not a file name: URLs, /vsi… paths and connection strings are not read")


def kind_of(head: bytes, name: str) -> str:
    """The format of a file from its first bytes (and, for a Shapefile, its name): a GDAL driver name.
    Raises :class:`UnsafeInput` for anything else, saying what it looks like."""
    suffix = Path(name).suffix.lower()
    if head.startswith(b"SQLite format 3\x00"):
        if head[68:72] in (b"GPKG", b"GP10", b"GP11"):
            return "GPKG"
        raise UnsafeInput(f"{name}: an SQLite database that is not a GeoPackage")
    if suffix == ".shp":
        if head[:4] == b"\x00\x00\x27\x0a":
            return "ESRI Shapefile"
        raise UnsafeInput(f"{name}: not a Shapefile (its header is wrong)")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"{", b"[")):
        return "GeoJSON"
    if text.startswith(b"<"):
        root = _xml_root(text)
        if root == "kml":
            return "KML"
        what = {
            "OGRVRTDataSource": "a GDAL VRT (it names other files)",
            "FeatureCollection": "GML",
            "VRTDataset": "a GDAL VRT (it names other files)",
        }.get(root, f"XML with root <{root}>")
        raise UnsafeInput(
            f"{name}: the content is {what}, not KML; only GeoPackage, Shapefile, GeoJSON, KML/KMZ "
            "and File Geodatabase are read"
        )
    raise UnsafeInput(f"{name}: not a GeoPackage, Shapefile, GeoJSON, KML/KMZ or File Geodatabase")


def _xml_root(text: bytes) -> str:
    if b"<!DOCTYPE" in text[:_HEAD] or b"<!ENTITY" in text[:_HEAD]:
        return "!DOCTYPE"  # entities can name other files: never handed on
    rest = text
    while True:
        rest = rest.lstrip()
        if rest.startswith(b"<?"):
            close = b"?>"
        elif rest.startswith(b"<!--"):
            close = b"-->"
        else:
            break
        end = rest.find(close)
        if end < 0:
            return "?"
        rest = rest[end + len(close) :]
    m = _XML_ROOT.match(rest)
    return m.group(2).decode("ascii", "replace") if m else "?"


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(_HEAD)


def vector_source(path: Path, member: str | None = None) -> tuple[str, str]:
    """``(GDAL source, expected driver)`` for a vector file, a Shapefile or File Geodatabase folder, or a
    zip/KMZ holding one (``member`` names the file inside a zip), after checking the content.

    Raises :class:`UnsafeInput`.
    """
    confine_gdal()
    check_name(str(path))
    if path.is_symlink():
        raise UnsafeInput(f"{path.name}: links are not followed")
    if path.is_dir():
        if path.suffix.lower() == ".gdb":
            if not any(p.suffix.lower() == ".gdbtable" for p in path.iterdir()):
                raise UnsafeInput(f"{path.name}: a .gdb folder without .gdbtable files")
            return str(path), "OpenFileGDB"
        shps = sorted(path.glob("*.shp"))
        for shp in shps:
            kind_of(_head(shp), shp.name)
        if not shps:
            raise UnsafeInput(f"{path.name}: the folder holds no Shapefile or File Geodatabase")
        return str(path), "ESRI Shapefile"
    if member is None:
        return str(path), kind_of(_head(path), path.name)
    check_name(member)
    inside = f"/vsizip/{path}" + (f"/{member}" if member else "")
    prefix = member.rstrip("/") + "/" if member else ""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if member.lower().rstrip("/").endswith(".gdb"):
                if not any(n.startswith(prefix) and n.lower().endswith(".gdbtable") for n in names):
                    raise UnsafeInput(f"{path.name}: {member} holds no .gdbtable files")
                return inside, "OpenFileGDB"
            if member not in names:  # a folder of Shapefiles inside the zip ("" = its top)
                shps = [
                    n
                    for n in names
                    if n.startswith(prefix) and "/" not in n[len(prefix) :] and n.lower().endswith(".shp")
                ]
                if not shps:
                    raise UnsafeInput(f"{path.name}: no {member or 'Shapefile'} in the zip")
                for n in shps:
                    with zf.open(n) as fh:
                        kind_of(fh.read(_HEAD), n)
                return inside, "ESRI Shapefile"
            with zf.open(member) as fh:
                kind = kind_of(fh.read(_HEAD), member)
    except zipfile.BadZipFile as exc:
        raise UnsafeInput(f"{path.name} is not a readable zip file ({exc})") from None
    return inside, kind


def check_driver(source: str, expected: str) -> None:
    """After GDAL opened ``source``: refuse unless it used the expected allowed driver."""
    import pyogrio

    try:
        driver = pyogrio.read_info(source).get("driver")
    except Exception:  # noqa: BLE001 - unreadable: the caller's read reports it in its words
        return
    same = {driver, expected} <= {"KML", "LIBKML"} or driver == expected
    if driver not in VECTOR_DRIVERS or not same:
        raise UnsafeInput(f"the file was read as {driver}, not {expected}: refused")


# --- archives and temporary folders ----------------------------------------------------------------


def unpack_limit() -> int:
    """The most bytes a package may unpack to: ``UNPACKED_FACTOR`` × ``RDTR_MAX_UPLOAD_BYTES``."""
    from rdtr.config import get_settings

    return UNPACKED_FACTOR * get_settings().max_upload_bytes


def check_zip_members(zf: zipfile.ZipFile, max_total_bytes: int | None = None) -> None:
    """Refuse zip-slip (absolute paths, ``..``), links and zip bombs (by declared size and by the number of
    entries) before anything is written."""
    total = 0
    if len(zf.infolist()) > MAX_ZIP_ENTRIES:
        raise InvalidInput(Message("zip_entries", count=len(zf.infolist()), limit=MAX_ZIP_ENTRIES))
    for info in zf.infolist():
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts:
            raise InvalidInput(Message("zip_unsafe_path", name=repr(info.filename)))
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise InvalidInput(Message("zip_link", name=repr(info.filename)))
        total += info.file_size
    if max_total_bytes is not None and total > max_total_bytes:
        raise InvalidInput(Message("zip_bomb", size=total, limit=max_total_bytes))


def safe_extract(archive: Path, target: Path, max_total_bytes: int | None = None) -> None:
    """Unzip ``archive`` into ``target`` after :func:`check_zip_members`, counting the bytes actually written
    (a member's declared size can lie) against ``max_total_bytes`` (default :func:`unpack_limit`)."""
    limit = unpack_limit() if max_total_bytes is None else max_total_bytes
    written = 0
    try:
        with zipfile.ZipFile(archive) as zf:
            check_zip_members(zf, limit)
            for info in zf.infolist():
                name = info.filename.replace("\\", "/")
                dest = (target / name).resolve()
                if not dest.is_relative_to(target.resolve()):
                    raise InvalidInput(Message("zip_unsafe_path", name=repr(info.filename)))
                if info.is_dir():
                    dest.mkdir(parents=True, exist_ok=True)
                    continue
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(dest, "wb") as out:
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > limit:
                            raise InvalidInput(Message("zip_bomb_written", limit=limit))
                        out.write(chunk)
    except zipfile.BadZipFile as exc:
        raise PackageError(Message("zip_unreadable", name=archive.name, why=str(exc)), None) from exc


def sweep_stale_temp(max_age_s: float = STALE_TEMP_S) -> int:
    """Remove rdtr's own temporary folders (by prefix) older than ``max_age_s``; returns how many."""
    import time

    root = Path(tempfile.gettempdir())
    cutoff = time.time() - max_age_s
    removed = 0
    for entry in root.iterdir():
        try:
            if (
                entry.name.startswith((TEMP_PREFIX, UPLOAD_PREFIX))
                and entry.is_dir()
                and not entry.is_symlink()
                and entry.stat().st_mtime < cutoff
            ):
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed
