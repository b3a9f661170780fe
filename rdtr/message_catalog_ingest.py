"""The sentences of an ingest report (``rdtr.ingest``: files, CRS, zone and parcel layers, overlays, topology)
and of the summary ``rdtr ingest`` prints, in English and Indonesian (merged into :data:`rdtr.messages.CATALOG`;
the rule tables' sentences are in :mod:`rdtr.message_catalog_rules`).

Plan data (file, layer, column and field names, codes, ``plan.toml`` keys) is kept as written: placeholders.
"""

from __future__ import annotations

INGEST: dict[str, tuple[str, str]] = {
    # --- the summary `rdtr ingest` prints (rdtr.cli.ingest) ----------------------------------------------------
    "cli_count_zones": ("zones", "zona"),
    "cli_count_subzones": ("subzones", "sub-zona"),
    "cli_count_activities": ("activities", "kegiatan"),
    "cli_count_itbx_cells": ("itbx cells", "sel itbx"),
    "cli_count_itbx_codes": ("itbx codes", "kode itbx"),
    "cli_count_intensity_rows": ("intensity rows", "baris intensitas"),
    "cli_count_tpz_codes": ("tpz codes", "kode tpz"),
    "cli_count_overlays": ("overlays", "overlay"),
    "cli_count_zones_repaired": ("zones repaired", "zona diperbaiki"),
    "cli_count_overlaps": ("overlaps", "tumpang tindih"),
    "cli_count_gaps": ("gaps", "celah"),
    "cli_source_crs": ("source CRS: {crs}", "CRS sumber: {crs}"),
    "cli_errors": ("{count} errors", "{count} kesalahan"),
    "cli_warnings": ("{count} warnings", "{count} peringatan"),
    "cli_repaired": ("{count} repaired", "{count} diperbaiki"),
    "cli_more": ("… {count} more (see --report FILE.json)", "… {count} lagi (lihat --report FILE.json)"),
    "cli_not_loaded": ("{package}: not loaded — {detail}", "{package}: tidak dimuat — {detail}"),
    "cli_valid": (
        ": {plan} would be loaded as version {version} (dry run: nothing written)",
        ": {plan} akan dimuat sebagai versi {version} (uji coba: tidak ada yang ditulis)",
    ),
    "cli_valid_word": ("valid", "valid"),
    "cli_loaded": (" {plan} version {version}", " {plan} versi {version}"),
    "cli_loaded_word": ("loaded", "dimuat"),
    "cli_changes": ("changes: {summary}", "perubahan: {summary}"),
    # --- what is read (a Message as the {what} of other sentences) ----------------------------------------
    "what_zone_layer": ("zone layer", "lapisan zona"),
    "what_parcel_layer": ("parcel layer", "lapisan persil"),
    "what_subzone_table": ("sub-zone table", "tabel sub-zona"),
    "what_itbx_table": ("ITBX table", "tabel ITBX"),
    "what_itbx_legend": ("ITBX code legend", "legenda kode ITBX"),
    "what_kbli_table": ("KBLI table", "tabel KBLI"),
    "what_tpz_table": ("TPZ table", "tabel TPZ"),
    "what_intensity_table": ("intensity table", "tabel intensitas"),
    "what_the_legend": ("the legend", "legenda"),
    "what_the_tpz_table": ("the TPZ table", "tabel TPZ"),
    "cannot_read": ("cannot read the {what}: {why}", "{what} tidak dapat dibaca: {why}"),
    "cannot_read_overlay": ("cannot read overlay {kind}: {why}", "overlay {kind} tidak dapat dibaca: {why}"),
    # --- vector files (rdtr.ingest.vector) ------------------------------------------------------------------
    "layer_not_kmz": (
        "{name} is not a readable KMZ (zip) file ({why})",
        "{name} bukan berkas KMZ (zip) yang dapat dibaca ({why})",
    ),
    "layer_no_kml": ("{name} holds no .kml document", "{name} tidak berisi dokumen .kml"),
    "layer_not_zip": ("{name} is not a readable zip file ({why})", "{name} bukan berkas zip yang dapat dibaca ({why})"),
    "layer_no_vector": (
        "{name} holds no Shapefile, File Geodatabase or other single vector file",
        "{name} tidak berisi Shapefile, File Geodatabase atau satu berkas vektor lain",
    ),
    "gdal_cannot_open": ("GDAL cannot open it: {why}", "GDAL tidak dapat membukanya: {why}"),
    "gdal_cannot_read": ("GDAL cannot read it: {why}", "GDAL tidak dapat membacanya: {why}"),
    "no_such_layer": (
        "no layer {layer}; the layers are: {layers}",
        "tidak ada lapisan {layer}; lapisan yang ada: {layers}",
    ),
    "none_listed": ("(none)", "(tidak ada)"),
    "several_layers": (
        'it has {count} layers ({layers}): choose one with layer = "…"',
        'berkas ini memiliki {count} lapisan ({layers}): pilih salah satu dengan layer = "…"',
    ),
    "file_not_found": ("file not found", "berkas tidak ditemukan"),
    "no_geometry_column": ("it has no geometry column", "berkas ini tidak memiliki kolom geometri"),
    "geometry_empty": ("empty or missing geometry: feature dropped", "geometri kosong atau tidak ada: fitur dibuang"),
    "not_polygon": ("{kind} is not a polygon: feature dropped", "{kind} bukan poligon: fitur dibuang"),
    # --- tables (rdtr.ingest.tables) ------------------------------------------------------------------------
    "table_outside": ("{path} points outside the package", "{path} menunjuk ke luar paket"),
    "table_no_header": ("no header row (header_row = {row})", "tidak ada baris judul kolom (header_row = {row})"),
    "table_not_text": ("not readable as {encoding} text: {why}", "tidak dapat dibaca sebagai teks {encoding}: {why}"),
    "table_encoding": ("unknown encoding {encoding}", "pengodean (encoding) {encoding} tidak dikenal"),
    "table_binary": ("binary data, not a CSV table", "data biner, bukan tabel CSV"),
    "table_bad_csv": ("line {line}: not valid CSV ({why})", "baris {line}: bukan CSV yang sah ({why})"),
    "table_not_xlsx": ("not a readable Excel workbook ({why})", "bukan buku kerja Excel yang dapat dibaca ({why})"),
    "table_no_sheet": (
        "no sheet {sheet}; the sheets are: {sheets}",
        "tidak ada lembar {sheet}; lembar yang ada: {sheets}",
    ),
    # --- CRS (rdtr.ingest.crs) ------------------------------------------------------------------------------
    "crs_unknown": (
        "{setting} {crs} is not a CRS pyproj knows ({why})",
        "{setting} {crs} bukan CRS yang dikenal pyproj ({why})",
    ),
    "crs_note_fallback": (
        "{file} carries no CRS: {setting} {crs} used",
        "{file} tidak membawa CRS: dipakai {setting} {crs}",
    ),
    "crs_assumed": (
        "the file carries no CRS and none is given in plan.toml; its coordinates are longitude/latitude in "
        "Indonesia, so EPSG:4326 was assumed",
        "berkas tidak membawa CRS dan plan.toml tidak menyebutkannya; koordinatnya berupa bujur/lintang di "
        "Indonesia, sehingga dianggap EPSG:4326",
    ),
    "crs_missing": (
        'the file carries no CRS (no .prj?): set {setting} = "EPSG:…" in plan.toml '
        "(e.g. EPSG:9480 for SRGI2013 / UTM 50N)",
        'berkas tidak membawa CRS (tidak ada .prj?): isi {setting} = "EPSG:…" di plan.toml (misalnya EPSG:9480 untuk '
        "SRGI2013 / UTM 50N)",
    ),
    "crs_as_declared": ("as declared", "sesuai yang dinyatakan"),
    "crs_fix_swapped": (
        "latitude and longitude were stored swapped (lat first)",
        "lintang dan bujur tersimpan tertukar (lintang lebih dulu)",
    ),
    "crs_fix_to_south": (
        "the file is labelled UTM zone {zone} but its northings belong to the southern zone {flip} ({crs})",
        "berkas berlabel zona UTM {zone} tetapi koordinat utaranya milik zona selatan {flip} ({crs})",
    ),
    "crs_fix_to_north": (
        "the file is labelled UTM zone {zone} but its northings belong to the northern zone {flip} ({crs})",
        "berkas berlabel zona UTM {zone} tetapi koordinat utaranya milik zona utara {flip} ({crs})",
    ),
    "crs_fix_lonlat": (
        "the coordinates are longitude/latitude although the file says {crs}",
        "koordinatnya bujur/lintang padahal berkas menyatakan {crs}",
    ),
    "crs_fix_latlon": (
        "the coordinates are latitude/longitude (swapped) although the file says {crs}",
        "koordinatnya lintang/bujur (tertukar) padahal berkas menyatakan {crs}",
    ),
    "place_nowhere": (
        "nowhere on Earth (the coordinates do not transform)",
        "tidak di mana pun di Bumi (koordinatnya tidak dapat ditransformasikan)",
    ),
    "place_off_earth": (
        "longitude {lon}, latitude {lat} — not a place on Earth (|latitude| > 90° or |longitude| > 180°)",
        "bujur {lon}, lintang {lat} — bukan tempat di Bumi (|lintang| > 90° atau |bujur| > 180°)",
    ),
    "place_at": ("{lat}°{ns} {lon}°{ew}{where}", "{lat}°{ns} {lon}°{ew}{where}"),
    "place_north": ("N", "LU"),
    "place_south": ("S", "LS"),
    "place_east": ("E", "BT"),
    "place_west": ("W", "BB"),
    "place_arctic": (" — the Arctic", " — Kutub Utara"),
    "place_antarctic": (" — Antarctica / the Southern Ocean", " — Antartika / Samudra Selatan"),
    "place_degrees": ("{place} (the numbers are degrees, not metres)", "{place} (angkanya derajat, bukan meter)"),
    "crs_fixed": (
        "coordinates as declared ({crs}) lie at {place}, outside Indonesia: {fix}; fixed",
        "koordinat sesuai CRS yang dinyatakan ({crs}) berada di {place}, di luar Indonesia: {fix}; sudah diperbaiki",
    ),
    "crs_ambiguous": (
        "with {crs} the data lies at {place}, outside Indonesia, and several fixes would put it back ({fixes}): "
        "fix the file's CRS",
        "dengan {crs} data berada di {place}, di luar Indonesia, dan beberapa perbaikan dapat mengembalikannya "
        "({fixes}): perbaiki CRS berkas",
    ),
    "crs_wrong": (
        "with {crs} the data lies at {place}, outside Indonesia (94–142°E, 11.5°S–6.5°N): the CRS is wrong — fix "
        "the file's .prj/CRS or set {setting} when the file has none",
        "dengan {crs} data berada di {place}, di luar Indonesia (94–142°BT, 11,5°LS–6,5°LU): CRS-nya salah — "
        "perbaiki .prj/CRS berkas atau isi {setting} bila berkas tidak memilikinya",
    ),
    # --- the zone layer (rdtr.ingest.zones) ------------------------------------------------------------------
    "zones_id_field_unknown": (
        "[zones].id_field {field} is not a column of the layer",
        "[zones].id_field {field} bukan kolom lapisan ini",
    ),
    "zones_id_field_duplicate": (
        "[zones].id_field {column} does not identify the features (empty or repeated value {value})",
        "[zones].id_field {column} tidak mengenali fitur secara unik (nilai kosong atau berulang {value})",
    ),
    "zone_layer_empty": ("the zone layer has no features", "lapisan zona tidak memiliki fitur"),
    "zone_layer_no_polygons": ("the zone layer has no polygon features", "lapisan zona tidak memiliki fitur poligon"),
    "zone_layer_unusable": (
        "no usable polygons in the zone layer",
        "tidak ada poligon yang dapat dipakai di lapisan zona",
    ),
    "feature_outside_indonesia": (
        "feature lies outside Indonesia (bounds {bounds})",
        "fitur berada di luar Indonesia (batas {bounds})",
    ),
    "polygon_unrepairable": (
        "invalid polygon ({reason}) has no area once repaired: feature dropped",
        "poligon tidak valid ({reason}) tidak memiliki luas setelah diperbaiki: fitur dibuang",
    ),
    "polygon_repaired": (
        "invalid polygon repaired ({reason}); area {change}",
        "poligon tidak valid diperbaiki ({reason}); luas {change}",
    ),
    "area_now_non_zero": ("now non-zero", "kini tidak nol"),
    "area_zero": ("zero", "nol"),
    "area_changed": ("changed by {pct} %", "berubah {pct} %"),
    "polygon_no_area": ("polygon without area: feature dropped", "poligon tanpa luas: fitur dibuang"),
    "zones_fields_unknown_key": (
        "[zones.fields] {setting} is not a field rdtr knows ({known}): ignored",
        "[zones.fields] {setting} bukan isian yang dikenal rdtr ({known}): diabaikan",
    ),
    "zones_fields_no_column": (
        "[zones.fields] {setting} = {column}: the layer has no such column (columns: {columns})",
        "[zones.fields] {setting} = {column}: lapisan tidak memiliki kolom itu (kolom yang ada: {columns})",
    ),
    "no_subzone_column": (
        "no sub-zone column: the layer has no KODSZN (nor KODSZN_1, …) and no NAMSZN; map the sub-zone column "
        'with [zones.fields] subzone_code = "…" (columns: {columns})',
        "tidak ada kolom sub-zona: lapisan tidak memiliki KODSZN (maupun KODSZN_1, …) dan NAMSZN; petakan kolom "
        'sub-zona dengan [zones.fields] subzone_code = "…" (kolom yang ada: {columns})',
    ),
    "names_only": (
        "no sub-zone code column (KODSZN): sub-zones are resolved from the names in {column} through the "
        "sub-zone table",
        "tidak ada kolom kode sub-zona (KODSZN): sub-zona dikenali dari nama di {column} melalui tabel sub-zona",
    ),
    "names_only_no_table": (
        'the zone layer has sub-zone names only: give the plan\'s sub-zone table ([subzones] path = "subzona.csv") '
        "to resolve them to codes",
        'lapisan zona hanya berisi nama sub-zona: sertakan tabel sub-zona rencana ([subzones] path = "subzona.csv") '
        "agar nama itu dapat diterjemahkan ke kode",
    ),
    "no_subzone_value": ("no sub-zone code or name", "tidak ada kode maupun nama sub-zona"),
    "subzone_case": (
        "sub-zone {code} written as {fixed} in the sub-zone table: {count} features",
        "sub-zona {code} ditulis {fixed} di tabel sub-zona: {count} fitur",
    ),
    "zone_mismatch": (
        "{count} features carry a zone code that differs from the sub-zone table's (first: feature {feature}, "
        "{layer} vs {table}); the table's is used",
        "{count} fitur membawa kode zona yang berbeda dari tabel sub-zona (pertama: fitur {feature}, {layer} "
        "lawan {table}); yang dipakai kode dari tabel",
    ),
    "zones_no_zone_code": (
        "no zone code for sub-zones {codes} (not in the table, nor on the features)",
        "tidak ada kode zona untuk sub-zona {codes} (tidak ada di tabel maupun pada fitur)",
    ),
    "provisions_no_column": (
        "[zones.provisions] {kind} = {column}: no such column",
        "[zones.provisions] {kind} = {column}: kolom itu tidak ada",
    ),
    # --- domains and KML (rdtr.ingest.domains, rdtr.ingest.kml_descriptions) ----------------------------------
    "domain_resolved": (
        "{count} values of {column} are codes of the field domain {domain}: read as their descriptions",
        "{count} nilai {column} adalah kode domain isian {domain}: dibaca sebagai deskripsinya",
    ),
    "kml_description_columns": (
        "{count} placemarks carry their attributes in an HTML description table: read as {columns} columns ({names})",
        "{count} placemark membawa atributnya dalam tabel deskripsi HTML: dibaca sebagai {columns} kolom ({names})",
    ),
    # --- the parcel layer (rdtr.ingest.parcel_layer) ------------------------------------------------------------
    "parcel_dup_where": ("feature {feature}", "fitur {feature}"),
    "parcel_dup_where_of": ("feature {feature} of {file}", "fitur {feature} pada {file}"),
    "parcel_id_duplicate": (
        "parcel {field} {id} of feature {feature} is also the id of {where}: parcel ids must be unique",
        "{field} persil {id} pada fitur {feature} juga merupakan id {where}: id persil harus unik",
    ),
    "parcel_layer_no_polygons": ("the parcel layer has no polygons", "lapisan persil tidak memiliki poligon"),
    "parcel_outside_indonesia": ("parcel feature lies outside Indonesia", "fitur persil berada di luar Indonesia"),
    "parcel_id_empty": ("parcel feature {feature} has no {field}", "fitur persil {feature} tidak memiliki {field}"),
    "parcel_id_bad": (
        "parcel feature {feature}: {field} is not a parcel number (more than {limit} characters, or a NUL character)",
        "fitur persil {feature}: {field} bukan nomor persil (lebih dari {limit} karakter, atau berisi karakter NUL)",
    ),
    "parcels_no_column": (
        "[[parcels]] {setting} = {column}: no such column (columns: {columns})",
        "[[parcels]] {setting} = {column}: kolom itu tidak ada (kolom yang ada: {columns})",
    ),
    "columns_none": ("none", "tidak ada"),
    # --- overlays, topology and the load (rdtr.ingest.pipeline, rdtr.ingest.topology) ---------------------------
    "overlay_no_polygons": ("overlay {kind} has no polygons", "overlay {kind} tidak memiliki poligon"),
    "overlay_outside_indonesia": ("overlay feature lies outside Indonesia", "fitur overlay berada di luar Indonesia"),
    "overlays_no_column": (
        "[[overlays]] {setting} = {column}: no such column (columns: {columns})",
        "[[overlays]] {setting} = {column}: kolom itu tidak ada (kolom yang ada: {columns})",
    ),
    "overlay_bad_height": (
        "overlay {kind} feature {feature}: {field}: {why}",
        "overlay {kind} fitur {feature}: {field}: {why}",
    ),
    "topology_failed": (
        "overlaps and gaps could not be checked: {why}",
        "tumpang tindih dan celah tidak dapat diperiksa: {why}",
    ),
    "overlap": (
        "features {first} and {second} overlap by {area} m² near {near}",
        "fitur {first} dan {second} tumpang tindih seluas {area} m² di dekat {near}",
    ),
    "gap": (
        "gap of {area} m² between zones near {near}",
        "celah seluas {area} m² antarzona di dekat {near}",
    ),
    "boundary_unreadable": (
        "cannot read the plan boundary: {why}; edge gaps not checked",
        "batas wilayah rencana tidak dapat dibaca: {why}; celah di tepi tidak diperiksa",
    ),
    "boundary_empty": (
        "the plan boundary has no polygons or no CRS",
        "batas wilayah rencana tidak memiliki poligon atau CRS",
    ),
    "effective_from_order": (
        "effective_from {date} must be after {last}, when version {version} of {plan} took effect",
        "effective_from {date} harus sesudah {last}, saat versi {version} dari {plan} mulai berlaku",
    ),
    # --- GEOS's validity reasons (rdtr.geos_reasons): English as GEOS writes it, the place kept ---------------
    "geos_self_intersection": ("Self-intersection{at}", "perpotongan diri {at}"),
    "geos_ring_self_intersection": ("Ring Self-intersection{at}", "cincin berpotongan dengan dirinya {at}"),
    "geos_hole_outside": ("Hole lies outside shell{at}", "lubang berada di luar batas luar {at}"),
    "geos_holes_nested": ("Holes are nested{at}", "lubang bersarang di dalam lubang {at}"),
    "geos_interior_disconnected": ("Interior is disconnected{at}", "bagian dalam terputus {at}"),
    "geos_nested_shells": ("Nested shells{at}", "batas luar bersarang {at}"),
    "geos_duplicate_rings": ("Duplicate Rings{at}", "cincin ganda {at}"),
    "geos_too_few_points": (
        "Too few distinct points in geometry component{at}",
        "titik yang berbeda terlalu sedikit {at}",
    ),
    "geos_invalid_coordinate": ("Invalid Coordinate{at}", "koordinat tidak sah {at}"),
    "geos_ring_open": ("Ring is not closed{at}", "cincin tidak tertutup {at}"),
    "geos_repeated_point": ("Repeated Point{at}", "titik berulang {at}"),
}
