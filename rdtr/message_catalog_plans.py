"""The sentences of plan uploads, plan packages and their ingest reports, in English and Indonesian (merged
into :data:`rdtr.messages.CATALOG`). Plan data (file, layer and column names, codes) is kept as written."""

from __future__ import annotations

PLANS: dict[str, tuple[str, str]] = {
    # --- the upload (api.routers.plans) ---------------------------------------------------------------------
    "upload_multipart": (
        "send the package as multipart/form-data with the zip in the form field 'package'",
        "kirim paket sebagai multipart/form-data dengan berkas zip di isian formulir 'package'",
    ),
    "upload_field": (
        "the form field 'package' must hold the zipped plan package (a file)",
        "isian formulir 'package' harus berisi paket rencana dalam bentuk zip (sebuah berkas)",
    ),
    "upload_too_large": (
        "the package is larger than the limit of {limit} bytes (RDTR_MAX_UPLOAD_BYTES)",
        "paket lebih besar dari batas {limit} byte",
    ),
    "upload_empty": ("the uploaded package is empty", "paket yang diunggah kosong"),
    "upload_not_zip": (
        "{name} is not a zip file: upload the package zipped",
        "{name} bukan berkas zip: unggah paket dalam bentuk zip",
    ),
    "zip_unreadable": ("{name} is not a readable zip file ({why})", "{name} bukan berkas zip yang dapat dibaca"),
    "zip_entries": (
        "the zip holds {count} entries, more than the limit of {limit}",
        "zip berisi {count} entri, lebih dari batas {limit}",
    ),
    "zip_unsafe_path": (
        "unsafe path in zip: {name} (it would be written outside the package)",
        "path yang tidak aman di dalam zip: {name} (akan tertulis di luar paket)",
    ),
    "zip_link": ("symbolic link in zip: {name}", "tautan simbolik di dalam zip: {name}"),
    "zip_bomb": (
        "the zip unpacks to {size} bytes, more than the limit of {limit}",
        "isi zip berukuran {size} byte, lebih dari batas {limit}",
    ),
    "zip_bomb_written": (
        "the zip unpacks to more than the limit of {limit} bytes",
        "isi zip melebihi batas {limit} byte",
    ),
    # --- the package and plan.toml (rdtr.package) -------------------------------------------------------------
    "package_not_found": ("package not found: {path}", "paket tidak ditemukan: {path}"),
    "package_kind": ("{name} is neither a folder nor a .zip file", "{name} bukan folder dan bukan berkas .zip"),
    "no_plan_toml": (
        "no plan.toml in {name}: a package is a folder (or .zip) with plan.toml",
        "tidak ada plan.toml di {name}: paket adalah folder (atau .zip) yang berisi plan.toml",
    ),
    "toml_no_plan": ("plan.toml has no [plan] table", "plan.toml tidak memiliki tabel [plan]"),
    "toml_required": ("{field} is required", "{field} wajib diisi"),
    "toml_plan_id": (
        "[plan].id {id} must be lower-case letters, digits and '-'",
        "[plan].id {id} harus terdiri dari huruf kecil, angka dan '-'",
    ),
    "toml_date": ("{field} {raw} is not a date YYYY-MM-DD", "{field} {raw} bukan tanggal dengan format TTTT-BB-HH"),
    "toml_zones": (
        '[zones] with path = "…" is required (the pola-ruang polygons)',
        '[zones] dengan path = "…" wajib ada (poligon pola ruang)',
    ),
    "toml_invalid": ("plan.toml is not valid TOML: {why}", "plan.toml bukan TOML yang sah"),
    "toml_not_utf8": ("plan.toml is not UTF-8 text", "plan.toml bukan teks UTF-8"),
    "toml_synthetic": ("[plan].synthetic must be true or false", "[plan].synthetic harus true atau false"),
    "toml_boundary": (
        '[plan].boundary must be a file name (boundary = "batas.gpkg"), got {value}',
        '[plan].boundary harus berupa nama berkas (boundary = "batas.gpkg"), diterima {value}',
    ),
    "toml_choice": (
        "{field} must be {choices} or {last}, got {value}",
        "{field} harus {choices} atau {last}, diterima {value}",
    ),
    "toml_map": ('{where} must be a table of name = "value"', '{where} harus berupa tabel nama = "nilai"'),
    "toml_map_value": (
        "{where}.{name} must be a string, got {value}",
        "{where}.{name} harus berupa teks, diterima {value}",
    ),
    "toml_needs_path": ('[{where}] needs path = "…"', '[{where}] memerlukan path = "…"'),
    "toml_skip_rows": (
        "[{where}].skip_rows must be a list of line numbers",
        "[{where}].skip_rows harus berupa daftar nomor baris",
    ),
    "toml_header_row": (
        "[{where}].header_row must be a line number ≥ 1",
        "[{where}].header_row harus berupa nomor baris ≥ 1",
    ),
    "toml_itbx_lists": (
        '[itbx] layout = "polygon-lists" needs [itbx.lists] (e.g. IZN = "I", TBT = "T")',
        '[itbx] layout = "polygon-lists" memerlukan [itbx.lists] (misalnya IZN = "I", TBT = "T")',
    ),
    "overlays_not_array": ("overlays must be written [[overlays]]", "overlays harus ditulis [[overlays]]"),
    "overlays_needs": (
        '[[overlays]] #{number} needs kind = "…" and path = "…"',
        '[[overlays]] #{number} memerlukan kind = "…" dan path = "…"',
    ),
    "overlay_height_field": (
        '[[overlays]] #{number}: height_field must name a column, e.g. "TINGGI_MAX"',
        '[[overlays]] #{number}: height_field harus menyebut sebuah kolom, misalnya "TINGGI_MAX"',
    ),
    "overlay_height_both": (
        '[[overlays]] #{number}: give max_height_m = 45 or height_field = "column", not both',
        '[[overlays]] #{number}: isi max_height_m = 45 atau height_field = "kolom", jangan keduanya',
    ),
    "overlay_height": (
        "[[overlays]] #{number} ({kind}): {why}",
        "[[overlays]] #{number} ({kind}): max_height_m bukan tinggi yang sah (meter, lebih dari 0 dan "
        "paling tinggi 1000)",
    ),
    # --- [[parcels]] in plan.toml and the package's files (rdtr.package_spec) ------------------------------------
    "parcels_not_array": ("parcels must be written [[parcels]]", "parcels harus ditulis [[parcels]]"),
    "parcels_needs_path": (
        '[[parcels]] #{number} needs path = "…" (the parcel layer)',
        '[[parcels]] #{number} memerlukan path = "…" (lapisan persil)',
    ),
    "parcels_not_string": (
        "[[parcels]] #{number}: {setting} must be a non-empty string, got {value}",
        "[[parcels]] #{number}: {setting} harus berupa teks yang tidak kosong, diterima {value}",
    ),
    "parcels_needs_id_field": (
        '[[parcels]] #{number} needs id_field = "…" (the parcel number column, e.g. "NIB" or "NOP")',
        '[[parcels]] #{number} memerlukan id_field = "…" (kolom nomor persil, misalnya "NIB" atau "NOP")',
    ),
    "parcels_unknown_keys": (
        "[[parcels]] #{number}: unknown key(s) {keys}",
        "[[parcels]] #{number}: kunci yang tidak dikenal {keys}",
    ),
    "path_outside_package": ("{path} points outside the package", "{path} menunjuk ke luar paket"),
    # --- the load (rdtr.ingest.pipeline) and its report ---------------------------------------------------------
    "invalid_package": ("invalid package", "paket tidak valid"),
    "and_one_more_error": ("{first} (and 1 more error)", "{first} (dan 1 kesalahan lain)"),
    "and_more_errors": ("{first} (and {more} more errors)", "{first} (dan {more} kesalahan lain)"),
    "no_schema": (
        "the database has no rdtr schema: run `rdtr db upgrade`",
        "basis data belum memiliki skema rdtr; hubungi pengelola layanan",
    ),
    "already_loaded": (
        "this package is already loaded as {plan} version {version} (checksum {checksum}…); nothing to do",
        "paket ini sudah dimuat sebagai {plan} versi {version} (checksum {checksum}…); tidak ada yang perlu dilakukan",
    ),
    "load_refused": ("the database refused the load: {why}", "basis data menolak pemuatan paket"),
    "at_feature": ("feature {feature}", "fitur {feature}"),
    "at_row": ("row {row}", "baris {row}"),
    "at_column": ("column {column}", "kolom {column}"),
    "report_item": ("{where}: {message}", "{where}: {message}"),
    "edge_gaps_not_checked": (
        "not checked: no [plan] boundary",
        "tidak diperiksa: [plan] boundary tidak ada",
    ),
    "report_english_only": (
        "this version was loaded before reports were kept in Indonesian: its report is in English only",
        "versi ini dimuat sebelum laporan disimpan dalam bahasa Indonesia: laporannya hanya tersedia dalam "
        "bahasa Inggris",
    ),
}
