"""Per-version PMTiles archives of the zone layer: written once, read by byte ranges ever after.

A plan version never changes, so its vector tiles never do either. They are written once into a PMTiles v3
archive (the ``pmtiles`` library) — one of the version's bulk downloads (:mod:`rdtr.downloads`, kind
``pmtiles``: same cache folder, lock, temporary name and rename, sidecar and sha256 ETag) — and
:func:`rdtr.render.tiles.mvt_tile` reads tiles from it when it exists. The same file is offered for download
(``…/versions/{n}/tiles.pmtiles``) so a city can put it on static storage or a CDN and read it with the
pmtiles JS client by HTTP ranges.

Zooms: the archive holds :data:`~rdtr.render.tiles.MIN_ZOOM` (10) to ``RDTR_TILE_ARCHIVE_MAX_ZOOM``
(default 18: the web page asks for tiles up to z18 and overzooms beyond, so every tile it needs comes from
the archive; z18 is simplified to half a z18 pixel, 0.3 m, finer than a 1:5,000 plan). Each zoom has four
times the tiles of the one before: for the sample city z10–16 are 275 tiles, z17 672, z18 2,538 (1.6 s,
1.7 s and 7.2 s of ``ST_AsMVT``; 10 s, 6 s and 15 s for the 50,000-zone bench plan). A deployment of many
plans that would rather build less sets 16. Tiles above the top zoom are rendered on request (``ST_AsMVT``,
kept in the per-version tile cache); a static host's client overzooms the top zoom's tiles.

Tiles are stored as ``ST_AsMVT`` returns them (uncompressed: the API compresses responses on the way out,
and a CDN does the same), so a tile from the archive is byte for byte the tile rendered on request.
"""

from __future__ import annotations

import contextlib
import logging
import math
import mmap
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from pmtiles.tile import Compression, TileType, deserialize_directory, deserialize_header, find_tile, zxy_to_tileid
from pmtiles.writer import Writer

from rdtr import downloads
from rdtr.config import get_settings

log = logging.getLogger("rdtr.tiles")


def archive_max_zoom() -> int:
    """The highest zoom written to an archive (``RDTR_TILE_ARCHIVE_MAX_ZOOM``; the docstring says why 18)."""
    return get_settings().tile_archive_max_zoom


#: Media type of a PMTiles archive.
MEDIA_TYPE = "application/vnd.pmtiles"
#: Seconds a version without an archive is not looked for again (the build may be under way).
MISSING_RECHECK_S = 2.0
#: Leaf directories kept per open archive (each a few hundred KB at most once decoded).
LEAVES_PER_ARCHIVE = 64

#: Tiles served from archives and archive builds started on first use, in this process (tests read them).
READS = 0
STARTED: set[tuple[str, int]] = set()
_STARTED_LOCK = threading.Lock()


# --- writing ---------------------------------------------------------------------------------------------


def tile_range(bbox: tuple[float, float, float, float], z: int) -> tuple[int, int, int, int]:
    """``(x0, y0, x1, y1)``, inclusive, of the WebMercatorQuad tiles at zoom ``z`` covering ``bbox`` (EPSG:4326)."""
    n = 2**z
    xmin, ymin, xmax, ymax = bbox

    def tx(lon: float) -> int:
        return min(n - 1, max(0, int((lon + 180.0) / 360.0 * n)))

    def ty(lat: float) -> int:
        lat = max(-85.0511, min(85.0511, lat))
        return min(n - 1, max(0, int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)))

    return tx(xmin), ty(ymax), tx(xmax), ty(ymin)


def tiles_covering(bbox: tuple[float, float, float, float], min_zoom: int, max_zoom: int) -> list[tuple[int, ...]]:
    """``(tile_id, z, x, y)`` of every tile from ``min_zoom`` to ``max_zoom`` over ``bbox``, in tile-id order
    (the order a clustered PMTiles archive is written in)."""
    out = []
    for z in range(min_zoom, max_zoom + 1):
        x0, y0, x1, y1 = tile_range(bbox, z)
        out.extend((zxy_to_tileid(z, x, y), z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1))
    out.sort()
    return out


def write_archive(
    path: Path,
    render: Callable[[int, int, int], bytes],
    bbox: tuple[float, float, float, float],
    min_zoom: int,
    max_zoom: int,
    metadata: dict,
) -> int:
    """Write a PMTiles v3 archive of the MVT tiles ``render(z, x, y)`` gives over ``bbox`` (EPSG:4326) from
    ``min_zoom`` to ``max_zoom`` to ``path``; empty tiles are left out. Returns the number of tiles written."""
    written = 0
    with open(path, "wb") as f:
        writer = Writer(f)
        for tile_id, z, x, y in tiles_covering(bbox, min_zoom, max_zoom):
            data = render(z, x, y)
            if data:
                writer.write_tile(tile_id, data)
                written += 1
        if not written:  # the library cannot write an archive without tiles: one empty tile keeps it valid
            writer.write_tile(zxy_to_tileid(min_zoom, *tile_range(bbox, min_zoom)[:2]), b"")
        xmin, ymin, xmax, ymax = bbox
        writer.finalize(
            {
                "tile_type": TileType.MVT,
                "tile_compression": Compression.NONE,
                "min_zoom": min_zoom,
                "max_zoom": max_zoom,
                "min_lon_e7": int(xmin * 1e7),
                "min_lat_e7": int(ymin * 1e7),
                "max_lon_e7": int(xmax * 1e7),
                "max_lat_e7": int(ymax * 1e7),
                "center_zoom": min(max_zoom, max(min_zoom, 14)),
                "center_lon_e7": int((xmin + xmax) / 2 * 1e7),
                "center_lat_e7": int((ymin + ymax) / 2 * 1e7),
            },
            metadata,
        )
    return written


# --- reading ---------------------------------------------------------------------------------------------


class ArchiveReader:
    """An open archive: memory-mapped, its header and root directory decoded once, leaves kept (bounded)."""

    def __init__(self, path: Path):
        self.path = path
        self._file = open(path, "rb")
        try:
            self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
        except Exception:
            self._file.close()
            raise
        self.header = deserialize_header(self._map[0:127])
        h = self.header
        self._root = deserialize_directory(self._map[h["root_offset"] : h["root_offset"] + h["root_length"]])
        self._leaves: OrderedDict[int, list] = OrderedDict()
        self._lock = threading.Lock()

    def _leaf(self, offset: int, length: int) -> list:
        with self._lock:
            hit = self._leaves.get(offset)
            if hit is not None:
                self._leaves.move_to_end(offset)
                return hit
        start = self.header["leaf_directory_offset"] + offset
        entries = deserialize_directory(self._map[start : start + length])
        with self._lock:
            self._leaves[offset] = entries
            while len(self._leaves) > LEAVES_PER_ARCHIVE:
                self._leaves.popitem(last=False)
        return entries

    def get(self, z: int, x: int, y: int) -> bytes:
        """The tile's bytes; empty bytes for a tile the archive does not hold (no zones there)."""
        tile_id = zxy_to_tileid(z, x, y)
        directory = self._root
        for _ in range(4):  # a PMTiles directory tree is at most four deep
            entry = find_tile(directory, tile_id)
            if entry is None:
                return b""
            if entry.run_length:
                start = self.header["tile_data_offset"] + entry.offset
                return self._map[start : start + entry.length]
            directory = self._leaf(entry.offset, entry.length)
        return b""

    def close(self) -> None:
        """Unmap and close the file (a reader still using it keeps its own bytes)."""
        with contextlib.suppress(Exception):
            self._map.close()
        self._file.close()


class _Readers:
    """The open archives, least recently used closed first beyond ``RDTR_TILE_ARCHIVE_READERS``; a version
    without an archive is remembered for :data:`MISSING_RECHECK_S`."""

    def __init__(self):
        self._open: OrderedDict[tuple, ArchiveReader | float] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, find: Callable[[], Path | None]) -> ArchiveReader | None:
        with self._lock:
            hit = self._open.get(key)
            if isinstance(hit, ArchiveReader):
                self._open.move_to_end(key)
                return hit
            if hit is not None and time.monotonic() - hit < MISSING_RECHECK_S:
                return None
        path = find()
        reader = None
        if path is not None:
            try:
                reader = ArchiveReader(path)
            except Exception:  # noqa: BLE001 - a damaged file: render on request, the next build replaces it
                log.warning("tile archive %s could not be opened", path, exc_info=True)
        with self._lock:
            self._open[key] = reader if reader is not None else time.monotonic()
            self._open.move_to_end(key)
            limit = get_settings().tile_archive_readers
            while len(self._open) > limit:
                _, old = self._open.popitem(last=False)
                if isinstance(old, ArchiveReader):
                    old.close()
        return reader

    def clear(self) -> None:
        with self._lock:
            for old in self._open.values():
                if isinstance(old, ArchiveReader):
                    old.close()
            self._open.clear()


READERS = _Readers()


def version_row(db, plan_version_id: int) -> dict:
    """The version as :func:`rdtr.downloads.find_version` gives it (read once per version and database)."""

    def build():
        rows = db.fetch_sql("SELECT plan_id, version FROM plan_version WHERE id = %s", (plan_version_id,))
        return downloads.find_version(db, rows[0][0], rows[0][1])

    return db.versions.get(plan_version_id).derived("archive_version", build)


def reader_for(db, plan_version_id: int) -> ArchiveReader | None:
    """The version's open archive, or ``None`` when it has not been built (yet)."""
    ver = version_row(db, plan_version_id)
    key = (str(downloads.cache_dir()), plan_version_id, ver["source_checksum"], archive_max_zoom())
    return READERS.get(key, lambda: downloads.cached_path(ver, "pmtiles"))


def read_tile(db, plan_version_id: int, z: int, x: int, y: int) -> bytes | None:
    """The tile from the version's archive; ``None`` when the archive does not answer for it (not built yet,
    or ``z`` above :func:`archive_max_zoom`): then it is rendered on request."""
    global READS
    if z > archive_max_zoom():
        return None
    reader = reader_for(db, plan_version_id)
    if reader is None:
        if get_settings().tile_archive_on_first_use:
            start_build(db, plan_version_id)
        return None
    try:
        tile = reader.get(z, x, y)
    except ValueError:  # closed by the LRU under this request (more versions in use than readers): render
        return None
    READS += 1
    return tile


def start_build(db, plan_version_id: int) -> bool:
    """Build the version's archive in a background thread, once per process and folder (the build itself
    is locked across processes too); ``False`` when one was already started."""
    key = (str(downloads.cache_dir()), plan_version_id)
    with _STARTED_LOCK:
        if key in STARTED:
            return False
        STARTED.add(key)

    def build():
        try:
            downloads.ensure(db, version_row(db, plan_version_id), "pmtiles")
        except Exception:  # noqa: BLE001 - tiles keep being rendered on request; the next process retries
            log.warning("building the tile archive of plan version %s failed", plan_version_id, exc_info=True)

    threading.Thread(target=build, name=f"rdtr-pmtiles-{plan_version_id}", daemon=True).start()
    return True
