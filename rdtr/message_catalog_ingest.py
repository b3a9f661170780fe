"""The sentences of an ingest report (``rdtr.ingest``: zone layer, ITBX, legend, intensity, sub-zone, TPZ and
parcel tables, CRS, topology), in English and Indonesian (merged into :data:`rdtr.messages.CATALOG`).

Plan data (file, layer, column and field names, codes, ``plan.toml`` keys) is kept as written: placeholders.
"""

from __future__ import annotations

INGEST: dict[str, tuple[str, str]] = {
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
        "{key} {crs} is not a CRS pyproj knows ({why})",
        "{key} {crs} bukan CRS yang dikenal pyproj ({why})",
    ),
    "crs_note_fallback": ("{file} carries no CRS: {key} {crs} used", "{file} tidak membawa CRS: dipakai {key} {crs}"),
    "crs_assumed": (
        "the file carries no CRS and none is given in plan.toml; its coordinates are longitude/latitude in "
        "Indonesia, so EPSG:4326 was assumed",
        "berkas tidak membawa CRS dan plan.toml tidak menyebutkannya; koordinatnya berupa bujur/lintang di "
        "Indonesia, sehingga dianggap EPSG:4326",
    ),
    "crs_missing": (
        'the file carries no CRS (no .prj?): set {key} = "EPSG:…" in plan.toml (e.g. EPSG:9480 for SRGI2013 / UTM 50N)',
        'berkas tidak membawa CRS (tidak ada .prj?): isi {key} = "EPSG:…" di plan.toml (misalnya EPSG:9480 untuk '
        "SRGI2013 / UTM 50N)",
    ),
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
        "the file's .prj/CRS or set {key} when the file has none",
        "dengan {crs} data berada di {place}, di luar Indonesia (94–142°BT, 11,5°LS–6,5°LU): CRS-nya salah — "
        "perbaiki .prj/CRS berkas atau isi {key} bila berkas tidak memilikinya",
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
        "[zones.fields] {key} is not a field rdtr knows ({known}): ignored",
        "[zones.fields] {key} bukan isian yang dikenal rdtr ({known}): diabaikan",
    ),
    "zones_fields_no_column": (
        "[zones.fields] {key} = {column}: the layer has no such column (columns: {columns})",
        "[zones.fields] {key} = {column}: lapisan tidak memiliki kolom itu (kolom yang ada: {columns})",
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
    # --- the sub-zone table (rdtr.ingest.subzones) ------------------------------------------------------------
    "subzone_empty": ("empty sub-zone", "sub-zona kosong"),
    "subzone_ambiguous": ("{text} names several sub-zones ({codes})", "{text} menamai beberapa sub-zona ({codes})"),
    "subzone_unknown_code": (
        "{text} is not a sub-zone code of the plan's sub-zone table ({source})",
        "{text} bukan kode sub-zona dalam tabel sub-zona rencana ({source})",
    ),
    "subzone_unknown_code_or_name": (
        "{text} is not a sub-zone code or name of the plan's sub-zone table ({source})",
        "{text} bukan kode atau nama sub-zona dalam tabel sub-zona rencana ({source})",
    ),
    "subzone_table_derived": ("derived from the zone layer", "diturunkan dari lapisan zona"),
    "note_subzone_table_derived": (
        "sub-zone table derived from the zone layer",
        "tabel sub-zona diturunkan dari lapisan zona",
    ),
    "subzones_no_column": (
        "[subzones.columns] {key} = {column}: no such column (columns: {columns})",
        "[subzones.columns] {key} = {column}: kolom itu tidak ada (kolom yang ada: {columns})",
    ),
    "subzones_no_code_column": (
        "the sub-zone table has no sub-zone code column: name it subzone_code or map it with [subzones.columns] "
        'subzone_code = "…"',
        "tabel sub-zona tidak memiliki kolom kode sub-zona: beri nama subzone_code atau petakan dengan "
        '[subzones.columns] subzone_code = "…"',
    ),
    "subzone_code_empty": ("sub-zone code is empty", "kode sub-zona kosong"),
    "subzone_twice": (
        "sub-zone {code} is listed twice (also on row {row})",
        "sub-zona {code} tercantum dua kali (juga di baris {row})",
    ),
    "subzone_inconsistent": (
        "sub-zone {code} has several {column} values ({values}): the most frequent, {chosen}, is used",
        "sub-zona {code} memiliki beberapa nilai {column} ({values}): yang dipakai yang paling sering, {chosen}",
    ),
    "subzones_no_zone": (
        "no zone code (KODZON) for sub-zones {codes}: give a sub-zone table ([subzones]) to name their zones",
        "tidak ada kode zona (KODZON) untuk sub-zona {codes}: sertakan tabel sub-zona ([subzones]) untuk "
        "menyebutkan zonanya",
    ),
    "subzone_table_empty": ("the sub-zone table is empty", "tabel sub-zona kosong"),
    # --- rule tables in general (rdtr.ingest.rule_tables) -----------------------------------------------------
    "section_unknown_key": (
        "[{section}] {key} is not a column rdtr knows ({known}): ignored",
        "[{section}] {key} bukan kolom yang dikenal rdtr ({known}): diabaikan",
    ),
    "section_no_column": (
        "[{section}] {key} = {column}: no such column (columns: {columns})",
        "[{section}] {key} = {column}: kolom itu tidak ada (kolom yang ada: {columns})",
    ),
    "column_not_subzone": ("column {problem}; {hint}", "kolom {problem}; {hint}"),
    # --- the ITBX matrix (rdtr.ingest.itbx_matrix) ------------------------------------------------------------
    "activity_code_empty": ("activity code is empty", "kode kegiatan kosong"),
    "activity_name_empty": ("activity name is empty", "nama kegiatan kosong"),
    "itbx_bad_cell": (
        "{cell} is not an ITBX class (I, T, B, X) or condition code like T1 or B3",
        "{cell} bukan kelas ITBX (I, T, B, X) atau kode ketentuan seperti T1 atau B3",
    ),
    "itbx_list_bad_cell": ("[itbx.lists] {column}: {problem}", "[itbx.lists] {column}: {problem}"),
    "itbx_repaired_cell": (
        "{count} cell {cell} read as {fixed} (condition codes are separated by commas)",
        "{count} sel {cell} dibaca sebagai {fixed} (kode ketentuan dipisahkan dengan koma)",
    ),
    "itbx_repaired_cells": (
        "{count} cells {cell} read as {fixed} (condition codes are separated by commas)",
        "{count} sel {cell} dibaca sebagai {fixed} (kode ketentuan dipisahkan dengan koma)",
    ),
    "itbx_no_activity_column": (
        'no activity name column: name it activity (or kegiatan) or map it with [itbx.fields] activity = "…"',
        "tidak ada kolom nama kegiatan: beri nama activity (atau kegiatan) atau petakan dengan [itbx.fields] "
        'activity = "…"',
    ),
    "itbx_hint_exclude": (
        "map it in the sub-zone table (aliases) or list it in [itbx].exclude",
        "petakan di tabel sub-zona (aliases) atau cantumkan di [itbx].exclude",
    ),
    "itbx_columns_same_subzone": (
        "columns {first} and {second} are both sub-zone {code}",
        "kolom {first} dan {second} sama-sama sub-zona {code}",
    ),
    "itbx_generated_codes": (
        "no activity code column: activities are numbered 1–{count} in file order",
        "tidak ada kolom kode kegiatan: kegiatan diberi nomor 1–{count} sesuai urutan di berkas",
    ),
    "itbx_activity_twice": ("activity code {code} also on row {row}", "kode kegiatan {code} juga ada di baris {row}"),
    "itbx_empty_cells": (
        "{count} empty ITBX cells (no rule for that activity and sub-zone)",
        "{count} sel ITBX kosong (tidak ada ketentuan untuk kegiatan dan sub-zona itu)",
    ),
    "itbx_long_needs": (
        'long ITBX needs a {need} column: map it with [itbx.fields] {need} = "…"',
        'ITBX format panjang memerlukan kolom {need}: petakan dengan [itbx.fields] {need} = "…"',
    ),
    "itbx_generated_codes_long": (
        "no activity code column: activities numbered in order of first appearance",
        "tidak ada kolom kode kegiatan: kegiatan diberi nomor sesuai urutan kemunculan pertamanya",
    ),
    "itbx_code_two_names": (
        "activity code {code} names both {first} and {second}",
        "kode kegiatan {code} menamai {first} sekaligus {second}",
    ),
    "itbx_pair_twice": (
        "activity {activity} in sub-zone {code} is also on row {row} with another cell",
        "kegiatan {activity} di sub-zona {code} juga ada di baris {row} dengan sel yang berbeda",
    ),
    "itbx_lists_no_column": (
        "[itbx.lists] {key} = {cell}: the zone layer has no column {column}",
        "[itbx.lists] {key} = {cell}: lapisan zona tidak memiliki kolom {column}",
    ),
    "itbx_truncated_list": (
        "{column} is {length} characters long, the dBase limit: its last item {item} is probably cut off and was "
        "left out",
        "{column} sepanjang {length} karakter, batas dBase: butir terakhirnya {item} kemungkinan terpotong dan "
        "tidak dipakai",
    ),
    "itbx_list_conflicts": (
        "{count} activity/sub-zone pairs carry more than one class (listed in several lists, e.g. both TBT and "
        "BST, or differently by polygons of one sub-zone): their codes are merged and the most restrictive class "
        "applies",
        "{count} pasangan kegiatan/sub-zona memiliki lebih dari satu kelas (tercantum di beberapa daftar, misalnya "
        "TBT dan BST sekaligus, atau berbeda antarpoligon satu sub-zona): kodenya digabung dan yang berlaku kelas "
        "yang paling ketat",
    ),
    "itbx_undefined_codes": (
        "condition codes used in the ITBX but not in the legend: {codes}",
        "kode ketentuan yang dipakai di ITBX tetapi tidak ada di legenda: {codes}",
    ),
    "no_itbx": (
        "the package has no ITBX table ([itbx]): activities cannot be checked",
        "paket tidak memiliki tabel ITBX ([itbx]): kegiatan tidak dapat diperiksa",
    ),
    "no_intensity_table": (
        "the package has no intensity table ([intensity])",
        "paket tidak memiliki tabel intensitas ([intensity])",
    ),
    "subzones_without_cells": ("sub-zones without ITBX cells: {codes}", "sub-zona tanpa sel ITBX: {codes}"),
    "zones_without_rules": (
        "zones of sub-zones {codes} have no ITBX rules",
        "zona pada sub-zona {codes} tidak memiliki ketentuan ITBX",
    ),
    # --- the legend, KBLI and TPZ tables (rdtr.ingest.legend) --------------------------------------------------
    "legend_code_twice": ("code {code} is defined twice", "kode {code} didefinisikan dua kali"),
    "legend_code_no_text": ("code {code} has no text", "kode {code} tidak memiliki teks"),
    "legend_text_only": (
        "conditions that stay text only (no rule column): {codes}; a conformity check they govern needs an "
        "officer's review",
        "ketentuan yang tetap berupa teks saja (tanpa kolom aturan): {codes}; pemeriksaan kesesuaian yang "
        "diaturnya perlu ditinjau petugas",
    ),
    "legend_bad_rule": ("code {code}: {why}", "kode {code}: {why}"),
    "legend_lot_min_max": (
        "code {code}: min_lot_area_m2 = {low} is more than max_lot_area_m2 = {high}",
        "kode {code}: min_lot_area_m2 = {low} lebih besar dari max_lot_area_m2 = {high}",
    ),
    "legend_unknown_column": (
        "the legend has a column {name} rdtr does not know; the legend's columns are code, text and the rule "
        "columns {rules} (map a column named otherwise in [itbx.codes_columns])",
        "legenda memiliki kolom {name} yang tidak dikenal rdtr; kolom legenda adalah code, text dan kolom aturan "
        "{rules} (petakan kolom yang bernama lain di [itbx.codes_columns])",
    ),
    "kbli_columns": (
        "the KBLI table needs a kbli and an activity_code column",
        "tabel KBLI memerlukan kolom kbli dan kolom activity_code",
    ),
    "kbli_bad": ("KBLI {kbli} is not a five-digit KBLI 2020 code", "KBLI {kbli} bukan kode KBLI 2020 lima digit"),
    "kbli_unknown_activity": ("activity {code} is not in the ITBX matrix", "kegiatan {code} tidak ada di matriks ITBX"),
    "tpz_code_twice": ("TPZ code {code} is defined twice", "kode TPZ {code} didefinisikan dua kali"),
    "code_table_columns": ("{what} needs a code and a text column", "{what} memerlukan kolom kode dan kolom teks"),
    "tpz_undefined": (
        "TPZ codes on zones but not in the TPZ table: {codes}",
        "kode TPZ pada zona yang tidak ada di tabel TPZ: {codes}",
    ),
    # --- the intensity table (rdtr.ingest.intensity_table) -----------------------------------------------------
    "intensity_free_text": (
        "{field} is free text, kept verbatim in the note: {text}",
        "{field} berupa teks bebas, disimpan apa adanya di catatan: {text}",
    ),
    "intensity_klb_percent": ("KLB {raw} read as a percent: {value}", "KLB {raw} dibaca sebagai persen: {value}"),
    "intensity_fraction": (
        "{field} {raw} read as a fraction: {value} %",
        "{field} {raw} dibaca sebagai pecahan: {value} %",
    ),
    "intensity_no_subzone_column": (
        'no sub-zone column in the intensity table: map it with [intensity.columns] subzone = "…"',
        'tidak ada kolom sub-zona di tabel intensitas: petakan dengan [intensity.columns] subzone = "…"',
    ),
    "intensity_no_parameter_column": (
        'layout = "parameter-rows" needs the parameter column: [intensity.columns] parameter = "…"',
        'layout = "parameter-rows" memerlukan kolom parameter: [intensity.columns] parameter = "…"',
    ),
    "intensity_hint_exclude": (
        "list it in [intensity].exclude if it is not a sub-zone",
        "cantumkan di [intensity].exclude bila kolom itu bukan sub-zona",
    ),
    "intensity_unknown_key": (
        "[intensity.parameters] {key} is not an intensity field ({known}): ignored",
        "[intensity.parameters] {key} bukan isian intensitas ({known}): diabaikan",
    ),
    "intensity_unknown_parameter": (
        'parameter {label} is not known: map it with [intensity.parameters] kdb_max = "…"',
        'parameter {label} tidak dikenal: petakan dengan [intensity.parameters] kdb_max = "…"',
    ),
    "intensity_not_a_number": ("{field} {value} is not a number", "{field} {value} bukan angka"),
    "intensity_zones_no_column": (
        "[intensity.columns] {key} = {column}: the zone layer has no such column",
        "[intensity.columns] {key} = {column}: lapisan zona tidak memiliki kolom itu",
    ),
    "intensity_zones_none": (
        '[intensity] source = "zones" but the zone layer has none of the intensity columns (KDB, KLB, KDH, KTB): '
        "map them with [intensity.columns]",
        '[intensity] source = "zones" tetapi lapisan zona tidak memiliki satu pun kolom intensitas (KDB, KLB, '
        "KDH, KTB): petakan dengan [intensity.columns]",
    ),
    "intensity_inconsistent": (
        "the polygons of sub-zone {code} carry {count} different intensity values (not separated by block): each "
        "is kept with the features it comes from as its variant",
        "poligon sub-zona {code} membawa {count} nilai intensitas yang berbeda (tidak dipisahkan per blok): "
        "masing-masing disimpan bersama fiturnya sebagai varian",
    ),
    "intensity_duplicate": (
        "sub-zone {code} has a second intensity row for the same lot class/variant (first on row {row}): both kept",
        "sub-zona {code} memiliki baris intensitas kedua untuk kelas luas persil/varian yang sama (yang pertama "
        "di baris {row}): keduanya disimpan",
    ),
    "intensity_lot_overlap": (
        "lot-size classes of sub-zone {code} overlap ({first} and {second} m²)",
        "kelas luas persil sub-zona {code} tumpang tindih ({first} dan {second} m²)",
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
        "[[parcels]] {key} = {column}: no such column (columns: {columns})",
        "[[parcels]] {key} = {column}: kolom itu tidak ada (kolom yang ada: {columns})",
    ),
    "columns_none": ("none", "tidak ada"),
    # --- overlays, topology and the load (rdtr.ingest.pipeline, rdtr.ingest.topology) ---------------------------
    "overlay_no_polygons": ("overlay {kind} has no polygons", "overlay {kind} tidak memiliki poligon"),
    "overlay_outside_indonesia": ("overlay feature lies outside Indonesia", "fitur overlay berada di luar Indonesia"),
    "overlays_no_column": (
        "[[overlays]] {key} = {column}: no such column (columns: {columns})",
        "[[overlays]] {key} = {column}: kolom itu tidak ada (kolom yang ada: {columns})",
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
}
