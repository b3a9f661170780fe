"""The sentences of answers, parcels, proposals, request parameters and tokens, in English and Indonesian,
and the problem+json titles (merged into :data:`rdtr.messages.CATALOG`)."""

from __future__ import annotations

#: key → (English, Indonesian); ``{name}`` placeholders, numbers formatted per language.
ANSWERS: dict[str, tuple[str, str]] = {
    # --- answers -----------------------------------------------------------------------------------------
    "uncovered": (
        "No RDTR covers this location on {at}, so the RTRW (Rencana Tata Ruang Wilayah, the kabupaten/kota "
        "spatial plan) applies.",
        "Tidak ada RDTR yang berlaku di lokasi ini pada {at}, sehingga yang berlaku adalah RTRW (Rencana Tata "
        "Ruang Wilayah kabupaten/kota).",
    ),
    "no_intensity": (
        "no intensity rule for this sub-zone in the plan",
        "rencana tidak memuat ketentuan intensitas untuk sub-zona ini",
    ),
    "by_lot_size": (
        "depends on the lot size: see by_lot_size (lot-size classes are [min, max) m²)",
        "bergantung pada luas persil: lihat kelas luas persil (dari batas bawah sampai kurang dari batas atas, m²)",
    ),
    "variants": (
        "the plan gives this sub-zone several intensity variants; the first applies unless: {variants}",
        "rencana memberi sub-zona ini beberapa varian intensitas; yang pertama berlaku kecuali: {variants}",
    ),
    "lot_below_classes": (
        "the parcel ({area} m²) is smaller than the smallest lot-size class of {subzone} ({low} m²): "
        "no intensity rule applies",
        "persil ({area} m²) lebih kecil dari kelas luas persil terkecil {subzone} ({low} m²): tidak ada "
        "ketentuan intensitas yang berlaku",
    ),
    "no_lot_class": (
        "no lot-size class of {subzone} contains {area} m²",
        "tidak ada kelas luas persil {subzone} yang mencakup {area} m²",
    ),
    "lot_below_min": (
        "the parcel ({area} m²) is below the minimum lot size of {subzone} ({low} m²)",
        "persil ({area} m²) di bawah luas persil minimum {subzone} ({low} m²)",
    ),
    "unregulated": (
        "{field} is not regulated on {area} m² of the parcel: {name} covers the rest",
        "{field} tidak diatur pada {area} m² persil: {name} hanya mencakup sisanya",
    ),
    "several_plans": (
        "several plans cover the parcel: limits are those of {plan}, which covers most of it",
        "beberapa rencana mencakup persil ini: batasnya dari {plan}, yang mencakup bagian terbesar",
    ),
    "no_cell_some": (
        "the ITBX matrix has no cell for some sub-zones of the parcel; the class ignores them",
        "matriks ITBX tidak memuat sel untuk sebagian sub-zona persil; kelasnya tidak memperhitungkannya",
    ),
    "no_cell": ("the ITBX matrix has no cell for {subzone}", "matriks ITBX tidak memuat sel untuk {subzone}"),
    # --- errors --------------------------------------------------------------------------------------------
    "unknown_activity": (
        "unknown activity {query}: no plan in force lists it by code, name or KBLI; did you mean: {suggestions}?",  # noqa: E501
        "kegiatan {query} tidak dikenal: tidak ada rencana yang berlaku yang memuatnya menurut kode, nama atau "
        "KBLI; mungkin maksud Anda: {suggestions}?",
    ),
    "unknown_activity_search": (
        "unknown activity {query}: no plan in force lists it by code, name or KBLI; search with GET /v1/activities?q=",
        "kegiatan {query} tidak dikenal: tidak ada rencana yang berlaku yang memuatnya menurut kode, nama atau "
        "KBLI; cari kegiatan dengan kata lain",
    ),
    "kbli_ambiguous": (
        "KBLI {kbli} matches several activities of {plan}: {names}; ask by activity code",
        "KBLI {kbli} cocok dengan beberapa kegiatan di {plan}: {names}; pilih dengan kode kegiatan",
    ),
    "lat_beyond": ("lat {lat} is beyond ±90{hint}", "lintang {lat} melewati ±90{hint}"),
    "lon_beyond": ("lon {lon} is beyond ±180", "bujur {lon} melewati ±180"),
    "swapped_hint": (
        " — the arguments look swapped: the order is longitude, latitude",
        " — urutannya tampak tertukar: bujur dulu, lalu lintang",
    ),
    "parcel_too_large": (
        "{where}the parcel is {area} m², larger than the maximum {limit} m² (RDTR_MAX_PARCEL_AREA_M2)",
        "{where}luas persil {area} m², lebih dari batas {limit} m²; bagi persil menjadi beberapa bagian",
    ),
    "not_a_parcel": (
        "a {kind} is not a parcel: send a Polygon or MultiPolygon (or a Feature of one)",
        "{kind} bukan persil: kirim Polygon atau MultiPolygon (atau Feature berisi salah satunya)",
    ),
    "no_area": ("{where}the polygon has no area", "{where}poligon tidak memiliki luas"),
    "feature": ("feature {index}: ", "fitur {index}: "),
    "outer_ring": ("the outer ring", "cincin luar"),
    "hole": ("hole {number}", "lubang {number}"),
    "not_geojson": (
        "expected a GeoJSON object (Polygon, MultiPolygon, Feature or FeatureCollection), got a JSON {kind}",
        "yang diharapkan objek GeoJSON (Polygon, MultiPolygon, Feature atau FeatureCollection), bukan {kind} JSON",
    ),
    "no_features_array": (
        "a FeatureCollection needs a 'features' array",
        "FeatureCollection memerlukan larik 'features'",
    ),
    "too_many_features": (
        "{count} features: at most {limit} parcels per request (RDTR_MAX_BATCH_PARCELS); split the collection",
        "{count} fitur: paling banyak {limit} persil per permintaan; bagi kumpulan menjadi beberapa bagian",
    ),
    "no_features": ("the FeatureCollection has no features", "FeatureCollection tidak berisi fitur"),
    "unknown_geojson": (
        "unknown GeoJSON type {kind}: send a Polygon, MultiPolygon, Feature or FeatureCollection",
        "jenis GeoJSON {kind} tidak dikenal: kirim Polygon, MultiPolygon, Feature atau FeatureCollection",
    ),
    "no_geometry": ("{where}has no geometry", "{where}tidak memiliki geometri"),
    "ring_open": (
        "{where}{label} is not closed: its first position {first} differs from its last {last}; GeoJSON rings "
        "must end where they start",
        "{where}{label} tidak tertutup: posisi pertamanya {first} berbeda dari posisi terakhir {last}; cincin "
        "GeoJSON harus berakhir di titik awalnya",
    ),
    "ring_short": (
        "{where}{label} has {count} positions: a closed ring needs at least 4 (the first repeated at the end)",
        "{where}{label} hanya memiliki {count} posisi: cincin tertutup memerlukan paling sedikit 4 (yang pertama "
        "diulang di akhir)",
    ),
    "projected": (
        "{where}coordinates like ({x}, {y}) are not degrees: they look projected (metres); send EPSG:4326 "
        "longitude/latitude",
        "{where}koordinat seperti ({x}, {y}) bukan derajat: tampaknya terproyeksi (meter); kirim bujur/lintang "
        "EPSG:4326",
    ),
    "axes_swapped_hint": (
        " — the axes look swapped: GeoJSON positions are [longitude, latitude]",
        " — sumbunya tampak tertukar: posisi GeoJSON adalah [bujur, lintang]",
    ),
    "parcel_lat_beyond": ("{where}latitude {value} is beyond ±90{hint}", "{where}lintang {value} melewati ±90{hint}"),
    "parcel_lon_beyond": ("{where}longitude {value} is beyond ±180", "{where}bujur {value} melewati ±180"),
    "far_outside": (
        "{where}the parcel at ({x}, {y}) is far outside Indonesia: {why}",
        "{where}persil di ({x}, {y}) jauh di luar Indonesia: {why}",
    ),
    "axes_swapped": (
        "the axes look swapped: GeoJSON positions are [longitude, latitude]",
        "sumbunya tampak tertukar: posisi GeoJSON adalah [bujur, lintang]",
    ),
    "check_order": (
        "check the coordinate order ([longitude, latitude]) and that they are EPSG:4326",
        "periksa urutan koordinat ([bujur, lintang]) dan pastikan EPSG:4326",
    ),
    "too_many_vertices": (
        "{where}the parcel has {count} vertices, more than the limit of {limit} (RDTR_MAX_PARCEL_VERTICES); "
        "simplify it",
        "{where}persil memiliki {count} titik sudut, lebih dari batas {limit}; sederhanakan bentuknya",
    ),
    # --- parcel geometries and parcel files (rdtr.parcel_input) ----------------------------------------------
    "expected_feature": ("{where}expected a GeoJSON Feature object", "{where}diharapkan objek GeoJSON Feature"),
    "ring_not_array": (
        "{where}a ring must be an array of [lon, lat] positions",
        "{where}cincin harus berupa array posisi [lon, lat]",
    ),
    "position_not_numbers": (
        "{where}every position must be [lon, lat] numbers, got {value}",
        "{where}setiap posisi harus berupa angka [lon, lat], diterima {value}",
    ),
    "coords_not_finite": (
        "{where}coordinates must be finite numbers",
        "{where}koordinat harus berupa angka yang terhingga",
    ),
    "polygon_no_ring": (
        "{where}a polygon needs at least one ring (an array of positions)",
        "{where}poligon memerlukan paling sedikit satu cincin (array posisi)",
    ),
    "geometry_not_object": (
        "{where}the geometry must be a GeoJSON object",
        "{where}geometri harus berupa objek GeoJSON",
    ),
    "geometry_not_parcel": (
        "{where}a {kind} is not a parcel: send a Polygon or MultiPolygon",
        "{where}{kind} bukan persil: kirim Polygon atau MultiPolygon",
    ),
    "geometry_unknown_type": ("geometry of unknown type", "geometri dengan jenis yang tidak dikenal"),
    "multipolygon_no_polygons": (
        "{where}a MultiPolygon needs an array of polygons",
        "{where}MultiPolygon memerlukan array poligon",
    ),
    "polygon_unusable": ("{where}not a usable polygon: {why}", "{where}bukan poligon yang dapat dipakai: {why}"),
    "polygon_unrepairable_area": (
        "{where}the polygon is invalid ({reason}) and cannot be repaired into an area",
        "{where}poligon tidak valid ({reason}) dan tidak dapat diperbaiki menjadi bidang yang memiliki luas",
    ),
    "parcel_file_missing": ("{path}: no such file", "{path}: berkas tidak ada"),
    "parcel_file_not_json": ("{path}: not valid JSON ({why})", "{path}: bukan JSON yang sah ({why})"),
    "parcel_file_unreadable": (
        "{path}: cannot read it as a vector file ({why})",
        "{path}: tidak dapat dibaca sebagai berkas vektor ({why})",
    ),
    "parcel_zip_unreadable": (
        "{name} is not a readable zip file ({why})",
        "{name} bukan berkas zip yang dapat dibaca ({why})",
    ),
    "parcel_zip_empty": (
        "{name} holds no Shapefile, KML, GeoJSON or GeoPackage",
        "{name} tidak berisi Shapefile, KML, GeoJSON maupun GeoPackage",
    ),
    "parcel_file_no_features": ("{label}: no features", "{label}: tidak ada fitur"),
    "parcel_file_too_many": (
        "{label}: {count} features, at most {limit} per run (RDTR_MAX_BATCH_PARCELS)",
        "{label}: {count} fitur, paling banyak {limit} per proses",
    ),
    "parcel_file_no_crs": (
        "{label}: the file has no CRS and its coordinates are not degrees; add a .prj or convert it to EPSG:4326",
        "{label}: berkas tidak memiliki CRS dan koordinatnya bukan derajat; tambahkan .prj atau ubah ke EPSG:4326",
    ),
    "feature_not_parcel": ("{where}a {kind} is not a parcel", "{where}{kind} bukan persil"),
    "labelled": ("{label}: {message}", "{label}: {message}"),
    # --- a building proposal (rdtr.proposal) -----------------------------------------------------------------
    "proposal_object": (
        '{where} must be an object such as {{"floors": 2, "height_m": 8}}',
        '{where} harus berupa objek seperti {{"floors": 2, "height_m": 8}}',
    ),
    "proposal_unknown": (
        "{here} is not a proposal field; the fields are: {fields}",
        "{here} bukan isian usulan; isiannya: {fields}",
    ),
    "proposal_hours": (
        '{here} must be a time range such as "07:00-22:00"',
        '{here} harus berupa rentang jam seperti "07:00-22:00"',
    ),
    "proposal_hours_bad": ("{here}: {why}", "{here}: {why}"),
    "hours_not_range": (
        "{value} is not a time range such as 07:00-22:00",
        "{value} bukan rentang jam seperti 07:00-22:00",
    ),
    "hours_out_of_day": (
        "{value}: a time of day runs from 00:00 to 24:00",
        "{value}: jam dalam sehari dari 00:00 sampai 24:00",
    ),
    "hours_empty": (
        "{value}: the range starts and ends at the same time",
        "{value}: rentang jam dimulai dan berakhir pada waktu yang sama",
    ),
    "proposal_number": (
        "{here} must be a number ({unit}), got {raw}",
        "{here} harus berupa angka ({unit}), bukan {raw}",
    ),
    "proposal_finite": ("{here} must be a finite number", "{here} harus berupa angka yang terhingga"),
    "proposal_negative": ("{here} cannot be negative, got {raw}", "{here} tidak boleh negatif ({raw})"),
    "proposal_implausible": (
        "{here} = {raw} is not plausible (at most {high} {unit})",
        "{here} = {raw} tidak masuk akal (paling banyak {high} {unit})",
    ),
    "proposal_whole": ("{here} must be a whole number, got {raw}", "{here} harus bilangan bulat, bukan {raw}"),
    "proposal_documents": (
        '{here} must be a list of names, e.g. ["UKL-UPL"]',
        '{here} harus berupa daftar nama, mis. ["UKL-UPL"]',
    ),
    "proposal_too_many_documents": (
        "{here} lists {count} documents; at most {limit}",
        "{here} memuat {count} dokumen; paling banyak {limit}",
    ),
    "proposal_document_long": (
        "{here}: a document name is at most {limit} characters",
        "{here}: nama dokumen paling panjang {limit} karakter",
    ),
    "unknown_plan": (
        "no plan {plan}; GET /v1/plans (or `rdtr plans`) lists the plans",
        "tidak ada rencana {plan}; lihat daftar rencana yang dimuat",
    ),
    "bbox_required": (
        "bbox is required: minlon,minlat,maxlon,maxlat (EPSG:4326)",
        "bbox wajib diisi: bujur_min,lintang_min,bujur_maks,lintang_maks (EPSG:4326)",
    ),
    "bbox_count": (
        "bbox must be four numbers minlon,minlat,maxlon,maxlat, got {got}",
        "bbox harus empat angka bujur_min,lintang_min,bujur_maks,lintang_maks, bukan {got}",
    ),
    "bbox_finite": ("bbox must be four finite numbers", "bbox harus empat angka yang terhingga"),
    "bbox_degrees": (
        "bbox must be in degrees: longitudes within ±180, latitudes within ±90 (order minlon,minlat,maxlon,maxlat)",
        "bbox harus dalam derajat: bujur dalam ±180, lintang dalam ±90 (urutan bujur_min,lintang_min,bujur_maks,"
        "lintang_maks)",
    ),
    "bbox_order": (
        "bbox must be minlon,minlat,maxlon,maxlat with min < max",
        "bbox harus bujur_min,lintang_min,bujur_maks,lintang_maks dengan min < maks",
    ),
    # --- request parameters and bodies (api.params) -----------------------------------------------------------
    "param_required": ("{name} is required: {description}", "{name} wajib diisi"),  # descriptions are English
    "param_bad": ("{name}: {detail}", "{name}: {detail}"),
    "param_not": ("{name}: {raw} is not {description}", "{name}: {raw} tidak sesuai"),
    "param_twice": ("{name} is given {count} times; give it once", "{name} diberikan {count} kali; cukup sekali"),
    "not_finite": ("{raw} is not a finite number", "{raw} bukan bilangan yang terhingga"),
    "not_a_date": ("{raw} is not a date YYYY-MM-DD", "{raw} bukan tanggal dengan format TTTT-BB-HH"),
    "not_a_plan_id": (
        "{raw} is not a plan id (lower-case letters, digits and hyphens, e.g. bontang)",
        "{raw} bukan kode rencana (huruf kecil, angka dan tanda hubung, mis. bontang)",
    ),
    "activity_text": (
        "give an activity code, exact name or KBLI code (1–200 characters)",
        "isi kode kegiatan, nama kegiatan yang tepat atau kode KBLI (1–200 karakter)",
    ),
    "not_a_share": ("{value} is not in [0, 1)", "{value} tidak di antara 0 dan kurang dari 1"),
    "not_one_of": ("{raw} is not one of {allowed}", "{raw} bukan salah satu dari {allowed}"),
    "not_whole": ("{raw} is not a whole number", "{raw} bukan bilangan bulat"),
    "not_in_range": ("{value} is not in {low}–{high}", "{value} tidak di antara {low}–{high}"),
    "too_long": ("longer than {limit} characters", "lebih dari {limit} karakter"),
    "body_too_large": (
        "{what} is {size} bytes; the limit is {limit} ({setting})",
        "kiriman berukuran {size} byte; batasnya {limit} byte",
    ),
    "body_over_limit": (
        "{what} is larger than the limit of {limit} bytes ({setting})",
        "kiriman melebihi batas {limit} byte",
    ),
    "body_nul": (
        "the body contains a NUL character (\\u0000), which no field may hold",
        "kiriman berisi karakter NUL (\\u0000), yang tidak boleh ada di isian mana pun",
    ),
    # FastAPI's own checks (api.problems): a bound in words; else pydantic's English, a plain Indonesian
    "validation_part": ("{where}: {msg}", "{where}: nilai tidak sah"),
    "validation_none": ("invalid request", "permintaan tidak sah"),
    "validation_at_most": ("{where}: must be at most {limit}", "{where}: paling besar {limit}"),
    "validation_below": ("{where}: must be below {limit}", "{where}: harus kurang dari {limit}"),
    "validation_at_least": ("{where}: must be at least {limit}", "{where}: paling kecil {limit}"),
    "validation_above": ("{where}: must be above {limit}", "{where}: harus lebih dari {limit}"),
    "validation_at_most_chars": (
        "{where}: must be at most {limit} characters",
        "{where}: paling panjang {limit} karakter",
    ),
    "body_not_json": ("the body is not valid JSON: {why}", "kiriman bukan JSON yang sah: {why}"),
    # --- conformity check, compare, revisions (api.routers.check, rdtr.answers) --------------------------------
    "check_body": (
        'send a JSON object {{"parcel": <GeoJSON>, "activity": "A001", "proposal": {{"footprint_m2": 120, '
        '"floors": 2, "height_m": 8}}}}',
        'kirim objek JSON {{"parcel": <GeoJSON>, "activity": "A001", "proposal": {{"footprint_m2": 120, '
        '"floors": 2, "height_m": 8}}}}',
    ),
    "not_a_field": (
        "{name} is not a field of this request; the fields are: {fields}",
        "{name} bukan isian permintaan ini; isiannya: {fields}",
    ),
    "check_parcel": (
        "parcel is required: a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection",
        "persil wajib diisi: Polygon, MultiPolygon, Feature atau FeatureCollection GeoJSON",
    ),
    "check_activity": (
        "activity is required: the activity code, its exact name or a KBLI code",
        "kegiatan wajib diisi: kode kegiatan, namanya yang tepat atau kode KBLI",
    ),
    "must_be_text": ("{name} must be a string: {description}", "{name} harus berupa teks"),
    "sliver_number": ("sliver_share must be a number in [0, 1)", "sliver_share harus angka antara 0 dan kurang dari 1"),
    "sliver_range": (
        "sliver_share must be in [0, 1), got {got}",
        "sliver_share harus antara 0 dan kurang dari 1, bukan {got}",
    ),
    "too_many_pieces": (
        "the parcels cut {pieces} zone pieces, more than the limit of {limit} (RDTR_MAX_PIECES); split the request "
        "or send smaller parcels",
        "persil-persil ini memotong {pieces} potongan zona, lebih dari batas {limit}; bagi permintaan atau kirim "
        "persil yang lebih kecil",
    ),
    "answer_too_large": (
        "the answer would be {size} bytes, more than the limit of {limit} (RDTR_MAX_RESPONSE_BYTES); split the batch",
        "jawaban akan berukuran {size} byte, lebih dari batas {limit}; bagi kumpulan persil",
    ),
    "compare_dates": (
        "compare needs both dates: from=YYYY-MM-DD and to=YYYY-MM-DD",
        "perbandingan memerlukan kedua tanggal: from=TTTT-BB-HH dan to=TTTT-BB-HH",
    ),
    "not_version_or_date": (
        "{raw} is neither a version number (1, 2, …) nor a date YYYY-MM-DD",
        "{raw} bukan nomor versi (1, 2, …) dan bukan tanggal TTTT-BB-HH",
    ),
    "none_in_force_first": (
        "plan {plan} has no version in force on {at} (its first version takes effect on {first})",
        "rencana {plan} tidak memiliki versi yang berlaku pada {at} (versi pertamanya berlaku mulai {first})",
    ),
    "no_version_numbered": (
        "plan {plan} has no version {version} (its versions are 1 to {last})",
        "rencana {plan} tidak memiliki versi {version} (versinya 1 sampai {last})",
    ),
    "token_role": (
        "this needs the {role} role; the token {token} is {has}",
        "fitur ini memerlukan peran {role}; token {token} berperan {has}",
    ),
    # --- tokens and limits ------------------------------------------------------------------------------------
    "token_needed": (
        "this needs a token: send Authorization: Bearer <token>",
        "fitur ini memerlukan token petugas; masuk dengan token Anda",
    ),
    "token_invalid": (
        "the token is not valid (unknown, expired or revoked)",
        "token tidak berlaku (tidak dikenal, kedaluwarsa atau dicabut)",
    ),
    "token_attempts": (
        "too many failed token attempts from this address; retry later (RDTR_AUTH_FAILURES_PER_MINUTE)",
        "terlalu banyak percobaan token yang gagal dari alamat ini; coba lagi nanti",
    ),
    "scope_every_plan": ("every plan", "semua rencana"),
    "title_invalid_input": ("Invalid input", "Masukan tidak valid"),  # a batch's per-parcel problem (TITLES[422])
    "token_scope": (
        "the token {token} is not scoped to the plan {plan} (it may act on: {scope})",
        "token {token} tidak berwenang atas rencana {plan} (kewenangannya: {scope})",
    ),
    "token_national": (
        "this covers every plan and needs a national token (one made without --plan); the token {token} is "
        "scoped to {scope}",
        "ini menyangkut semua rencana dan memerlukan token nasional; token {token} hanya berwenang atas {scope}",
    ),
    "token_scope_any_plan": (
        "a watch without a plan hears of every plan, and the token {token} is scoped to {scope} only: "
        "name the plan, or use the watch's secret",
        "pantauan tanpa rencana menyangkut semua rencana, sedangkan token {token} hanya berwenang atas {scope}: "
        "sebutkan rencananya",
    ),
    "rate_limited": (
        "more than {limit} requests a minute from this address; retry later (RDTR_RATE_LIMIT_PER_MINUTE)",
        "lebih dari {limit} permintaan per menit dari alamat ini; coba lagi nanti",
    ),
}

#: problem+json titles per status: (English, Indonesian)
TITLES = {
    400: ("Bad request", "Permintaan tidak dapat dibaca"),
    401: ("Unauthorized", "Belum masuk"),
    403: ("Forbidden", "Tidak diizinkan"),
    404: ("Not found", "Tidak ditemukan"),
    409: ("Conflict", "Bertentangan dengan data yang ada"),
    413: ("Payload too large", "Kiriman terlalu besar"),
    415: ("Unsupported media type", "Jenis berkas tidak didukung"),
    422: ("Invalid input", "Masukan tidak valid"),
    429: ("Too many requests", "Terlalu banyak permintaan"),
    500: ("Internal error", "Kesalahan internal"),
    503: ("Service unavailable", "Layanan tidak tersedia"),
}
