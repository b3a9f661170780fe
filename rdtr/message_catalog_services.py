"""The sentences of typed places and the services around answers — places search, extracts, watches,
downloads, tiles, the audit log, the activity list — in English and Indonesian (merged into
:data:`rdtr.messages.CATALOG`). Paths and variables stay out of the Indonesian: a citizen reads it."""

from __future__ import annotations

SERVICES: dict[str, tuple[str, str]] = {
    # --- a typed place (rdtr.coords) ------------------------------------------------------------------------
    "lonlat_numbers": (
        "lon and lat must be numbers (decimal degrees, EPSG:4326)",
        "bujur dan lintang harus berupa angka (derajat desimal, EPSG:4326)",
    ),
    "lonlat_finite": ("lon and lat must be finite numbers", "bujur dan lintang harus angka yang terhingga"),
    "with_examples": ("{detail}; examples: {examples}", "{detail}; contoh: {examples}"),
    "utm_zone": ("UTM zone {number} does not exist (1–60)", "zona UTM {number} tidak ada (1–60)"),
    "utm_easting": (
        "UTM easting {easting} m is outside 100,000–900,000",
        "koordinat timur (easting) UTM {easting} m di luar 100.000–900.000",
    ),
    "utm_northing": (
        "UTM northing {northing} m is outside 0–10,000,000",
        "koordinat utara (northing) UTM {northing} m di luar 0–10.000.000",
    ),
    "utm_note": (
        "UTM zone {zone} (WGS 84, EPSG:{epsg}){far_south}",
        "zona UTM {zone} (WGS 84, EPSG:{epsg}){far_south}",
    ),
    "utm_far_south": (
        "; a southern-zone northing this small lies far south — check the hemisphere letter",
        "; northing sekecil ini di zona selatan berarti jauh di selatan — periksa huruf belahan buminya",
    ),
    "dms_sixty": ("minutes and seconds must be below 60 in {part}", "menit dan detik harus kurang dari 60 pada {part}"),
    "place_empty": ("type a place", "ketik sebuah koordinat"),
    "place_too_long": ("that is too long for a coordinate", "teks itu terlalu panjang untuk sebuah koordinat"),
    "place_unreadable": ("cannot read {raw} as a place", "{raw} tidak dapat dibaca sebagai koordinat"),
    "no_latitude": ("neither {a} nor {b} can be a latitude", "{a} maupun {b} tidak mungkin berupa lintang"),
    "read_as_lat_lon": (
        "two numbers below 90: read as latitude, longitude",
        "dua angka di bawah 90: dibaca sebagai lintang, bujur",
    ),
    # --- places search (rdtr.answers.places) ----------------------------------------------------------------
    "places_q_length": (
        "q must be 1–{limit} characters once leading and trailing spaces are trimmed (a kelurahan, block, "
        "sub-zone or parcel number), got {got}",
        "teks pencarian harus 1–{limit} karakter tanpa spasi di awal dan akhir (kelurahan, blok, sub-zona atau "
        "nomor persil), bukan {got}",
    ),
    "places_q_control": ("q contains a control character", "teks pencarian berisi karakter kendali"),
    "places_q_empty": (
        "q has no letters or digits to search for",
        "teks pencarian tidak berisi huruf atau angka untuk dicari",
    ),
    "places_limit": (
        "limit must be a whole number in 1–{limit}, got {got}",
        "limit harus bilangan bulat 1–{limit}, bukan {got}",
    ),
    "parcel_id_long": (
        "parcel_id is longer than {limit} characters",
        "nomor persil lebih dari {limit} karakter",
    ),
    "no_parcel": (
        "plan {plan} has no parcel {parcel} in its version in force on {at} (find parcels by number or address "
        "with GET /v1/places?q=…)",
        "rencana {plan} tidak memuat persil {parcel} pada versi yang berlaku tanggal {at}; cari persil menurut "
        "nomor atau alamatnya",
    ),
    "no_version_yet": (
        "Plan {plan} has no version in force on {at} (its first version takes effect on {first}), so the RTRW applies.",
        "Rencana {plan} belum memiliki versi yang berlaku pada {at} (versi pertamanya berlaku mulai {first}), "
        "sehingga yang berlaku adalah RTRW.",
    ),
    # --- activities, audit, versions, downloads, tiles ------------------------------------------------------
    "bad_class": (
        "class must be I, T, B or X (or a comma list of them), got {got}",
        "kelas harus I, T, B atau X (atau beberapa dipisah koma), bukan {got}",
    ),
    "not_an_instant": (
        "{raw} is not an ISO 8601 date or time",
        "{raw} bukan tanggal atau waktu ISO 8601 (mis. 2024-05-01 atau 2024-05-01T08:00:00Z)",
    ),
    "no_such_version": ("plan {plan} has no version {version}", "rencana {plan} tidak memiliki versi {version}"),
    "no_version_of": ("no version {version} of plan {plan}", "tidak ada versi {version} dari rencana {plan}"),
    "no_plan_version": ("plan version {id} does not exist", "versi rencana {id} tidak ada"),
    "none_in_force": (
        "no version of plan {plan} is in force on {at}",
        "tidak ada versi rencana {plan} yang berlaku pada {at}",
    ),
    "zoom_range": ("zoom {zoom} is outside 0–{high}", "tingkat zoom {zoom} di luar 0–{high}"),
    "no_tile": (
        "tile {tile} does not exist: x and y must be in 0–{high} at zoom {zoom}",
        "ubin {tile} tidak ada: x dan y harus di antara 0–{high} pada zoom {zoom}",
    ),
    "v_needs_plan": ("v (a version number) needs plan", "nomor versi (v) hanya dapat dipakai bersama rencana (plan)"),
    # --- extracts (rdtr.extract_records, api.routers.extracts) ----------------------------------------------
    "no_public_url": (
        "the server has no public address configured (RDTR_PUBLIC_URL), so it cannot print a verification link "
        "on an extract; ask its administrator to set it",
        "server belum memiliki alamat publik, sehingga tidak dapat mencetak tautan verifikasi pada ekstrak; "
        "mintalah pengelolanya untuk mengaturnya",
    ),
    "extract_one_parcel": (
        "an extract covers one parcel; the FeatureCollection has {count}",
        "satu ekstrak hanya untuk satu persil; FeatureCollection ini berisi {count}",
    ),
    "extract_activity": (
        "an extract needs the activity (code, exact name or KBLI) the decision is about",
        "ekstrak memerlukan kegiatan yang diputuskan (kode, nama yang tepat atau KBLI)",
    ),
    "extract_officer": ("an extract needs the officer who makes it", "ekstrak memerlukan petugas yang membuatnya"),
    "extract_reference_long": (
        "the reference is longer than {limit} characters",
        "nomor referensi lebih dari {limit} karakter",
    ),
    "extract_uncovered": (
        "no RDTR in force covers this parcel (the RTRW applies): there is nothing to extract",
        "tidak ada RDTR yang berlaku di persil ini (yang berlaku RTRW): tidak ada yang dapat diekstrak",
    ),
    "extract_too_big": (
        "the extract PDF would be {size} bytes, above the 5 MB limit",
        "PDF ekstrak akan berukuran {size} byte, melebihi batas 5 MB",
    ),
    "no_extract": ("no extract {id}", "tidak ada ekstrak {id}"),
    "extract_id_shape": (
        "no extract {id} (ids look like 20261127-7k3f9q2m0a)",
        "tidak ada ekstrak {id} (nomor ekstrak berbentuk seperti 20261127-7k3f9q2m0a)",
    ),
    "extract_body": (
        'send a JSON object {{"parcel": <GeoJSON>, "activity": "...", "reference": "..."}}',
        'kirim objek JSON {{"parcel": <GeoJSON>, "activity": "...", "reference": "..."}}',
    ),
    "extract_parcel": (
        "parcel is required: a GeoJSON Polygon, MultiPolygon or Feature",
        "persil wajib diisi: Polygon, MultiPolygon atau Feature GeoJSON",
    ),
    "extract_activity_required": (
        "activity is required: the activity code, exact name or KBLI the decision is about",
        "kegiatan wajib diisi: kode kegiatan, nama yang tepat atau KBLI yang diputuskan",
    ),
    "nip_text": ("nip must be the officer's NIP as text: 18 digits", "NIP petugas harus berupa teks: 18 angka"),
    "nip_digits": (
        "nip must be the officer's NIP: 18 digits (e.g. 198501012010011001), got {got}",
        "NIP petugas harus 18 angka (mis. 198501012010011001), bukan {got}",
    ),
    # --- watches (rdtr.watches) -----------------------------------------------------------------------------
    "url_http": ("'url' must be an http or https URL", "'url' harus berupa alamat http atau https"),
    "url_long": ("'url' is longer than {limit} characters", "'url' lebih dari {limit} karakter"),
    "url_unusable": ("'url' is not a usable URL: {why}", "'url' bukan alamat yang dapat dipakai"),
    "url_host": (
        "'url' must be an http or https URL with a host",
        "'url' harus alamat http atau https dengan nama host",
    ),
    "url_credentials": (
        "'url' must not carry credentials: put a token in its path or query instead",
        "'url' tidak boleh memuat nama pengguna atau kata sandi: taruh token di path atau query-nya",
    ),
    "url_spaces": (
        "'url' must not contain spaces or control characters",
        "'url' tidak boleh berisi spasi atau karakter kendali",
    ),
    "url_slow": (
        "the host {host} of 'url' did not resolve within {seconds} s",
        "host {host} dari 'url' tidak dapat ditemukan dalam {seconds} detik",
    ),
    "url_unresolved": (
        "the host {host} of 'url' does not resolve: {why}",
        "host {host} dari 'url' tidak dapat ditemukan",
    ),
    "url_no_address": ("the host {host} of 'url' has no address", "host {host} dari 'url' tidak memiliki alamat"),
    "url_private": (
        "'url' points at a non-public address ({address}): loopback, private, link-local, multicast and reserved "
        "addresses are refused (RDTR_WEBHOOK_ALLOW_PRIVATE=true allows them)",
        "'url' menunjuk ke alamat yang bukan publik ({address}): alamat loopback, privat, link-local, multicast "
        "dan cadangan ditolak",
    ),
    "watch_one_shape": (
        "a watch is for one Polygon or MultiPolygon (or a Feature of one), not a collection",
        "pemantauan hanya untuk satu Polygon atau MultiPolygon (atau Feature berisi salah satunya), bukan kumpulan",
    ),
    "watch_body": (
        'the body must be a JSON object {{"parcel" | "area": GeoJSON, "url", …}}',
        'kiriman harus berupa objek JSON {{"parcel" | "area": GeoJSON, "url", …}}',
    ),
    "watch_shape": (
        "give exactly one of 'parcel' or 'area': a GeoJSON Polygon, MultiPolygon or Feature",
        "isi tepat satu dari 'parcel' atau 'area': Polygon, MultiPolygon atau Feature GeoJSON",
    ),
    "watch_activity": (
        "'activity' must be 1–200 characters: an ITBX code, a name or a KBLI code",
        "'activity' harus 1–200 karakter: kode ITBX, nama kegiatan atau kode KBLI",
    ),
    "watch_plan": (
        "'plan' must be a plan id (lower-case letters, digits and hyphens)",
        "'plan' harus berupa kode rencana (huruf kecil, angka dan tanda hubung)",
    ),
    "watch_url": (
        "'url' is required: the http or https URL deliveries are POSTed to",
        "'url' wajib diisi: alamat http atau https tujuan pengiriman pemberitahuan",
    ),
    "no_watch": ("no watch {id} with this secret", "tidak ada pemantauan {id} dengan kunci rahasia ini"),
    # --- read replicas (rdtr.db.replicas) ----------------------------------------------------------------
    "read_after": (
        "X-Rdtr-Read-After must be a WAL location such as 0/16B3748, as a write's answer gave it; got {got}",
        "X-Rdtr-Read-After harus berupa lokasi WAL seperti 0/16B3748, sebagaimana diberikan jawaban penulisan; "
        "diterima {got}",
    ),
    # --- the OGC API (api.routers.ogc*, rdtr.answers.features) --------------------------------------------------
    "ogc_crs_not_offered": (
        "{name}: {uri} is not offered; one of {offered}",
        "{name}: {uri} tidak tersedia; pilih salah satu dari {offered}",
    ),
    "ogc_no_collection": (
        "no collection {id}; there are: {found}",
        "tidak ada koleksi {id}; koleksi yang ada: {found}",
    ),
    "ogc_none": ("none", "tidak ada"),
    "ogc_bad_datetime": (
        "datetime: {text} is neither a date (2024-12-01) nor a date-time (RFC 3339)",
        "datetime: {text} bukan tanggal (2024-12-01) maupun tanggal-waktu (RFC 3339)",
    ),
    "ogc_datetime_open": (
        "datetime: '..' is only allowed as one end of an interval",
        "datetime: '..' hanya boleh dipakai sebagai salah satu ujung selang waktu",
    ),
    "ogc_datetime_two_ends": (
        "datetime: an interval has two ends: start/end",
        "datetime: selang waktu memiliki dua ujung: awal/akhir",
    ),
    "ogc_datetime_order": (
        "datetime: the interval's start is after its end",
        "datetime: awal selang waktu sesudah akhirnya",
    ),
    "ogc_bbox_count": ("bbox: 4 or 6 numbers, got {count}", "bbox: 4 atau 6 angka, diterima {count}"),
    "ogc_bbox_numbers": ("bbox: {text} is not a list of numbers", "bbox: {text} bukan daftar angka"),
    "ogc_bbox_finite": ("bbox: the numbers must be finite", "bbox: angkanya harus terhingga"),
    "ogc_bbox_crs84": (
        "bbox: CRS84 longitudes within ±180 and latitudes within ±90 (minlon,minlat,maxlon,maxlat)",
        "bbox: bujur CRS84 di antara ±180 dan lintang di antara ±90 (minlon,minlat,maxlon,maxlat)",
    ),
    "ogc_bbox_x_order": ("bbox: minx is greater than maxx", "bbox: minx lebih besar dari maxx"),
    "ogc_bbox_y_order": ("bbox: miny is greater than maxy", "bbox: miny lebih besar dari maxy"),
    "ogc_no_feature": ("no feature {id} in {collection}", "tidak ada fitur {id} di {collection}"),
    "ogc_no_tiles": (
        "collection {id} has no tiles; the zones collections do",
        "koleksi {id} tidak memiliki tile; koleksi zona memilikinya",
    ),
    "ogc_no_tms": ("no tile matrix set {id}; there is {tms}", "tidak ada tile matrix set {id}; yang tersedia {tms}"),
    "ogc_tile_range": (
        "{name} {text} is not in WebMercatorQuad (0–{hi})",
        "{name} {text} tidak ada di WebMercatorQuad (0–{hi})",
    ),
    "ogc_unknown_parameter": (
        "unknown parameter {name}; this resource takes: {allowed}",
        "parameter {name} tidak dikenal; sumber daya ini menerima: {allowed}",
    ),
    "ogc_repeated_parameter": ("{name}: given {count} times", "{name}: diberikan {count} kali"),
    "ogc_bad_format": ("f: {value} is not one of {formats}", "f: {value} bukan salah satu dari {formats}"),
    "ogc_not_integer": (
        "{name}: {text} is not a whole number in {lo}–{hi}",
        "{name}: {text} bukan bilangan bulat dalam {lo}–{hi}",
    ),
    # --- the database (rdtr.errors, api.problems) ------------------------------------------------------------
    "db_unavailable": (
        "the database is unavailable; try again shortly",
        "basis data sedang tidak tersedia; coba lagi sebentar lagi",
    ),
    "db_unreachable": (
        "the database cannot be reached; try again shortly",
        "basis data tidak dapat dihubungi; coba lagi sebentar lagi",
    ),
    "db_schema_missing": (
        "the database has no rdtr schema, or an older one: run `rdtr db upgrade`",
        "basis data belum memiliki skema rdtr atau skemanya versi lama; hubungi pengelola layanan",
    ),
    # --- converting an uploaded parcel file (api.routers.web) ----------------------------------------------
    "convert_multipart": (
        "send the file as multipart/form-data in the field 'file'",
        "kirim berkas sebagai multipart/form-data di isian 'file'",
    ),
    "convert_too_large": (
        "{name}: larger than {limit} bytes (RDTR_MAX_JSON_BYTES)",
        "{name}: lebih besar dari {limit} byte",
    ),
    "convert_kind": (
        "{name}: use KML/KMZ, a zipped Shapefile (.zip), GeoJSON or GeoPackage",
        "{name}: gunakan KML/KMZ, Shapefile dalam zip (.zip), GeoJSON atau GeoPackage",
    ),
    "convert_no_parcels": ("{name}: no usable parcel polygons", "{name}: tidak ada poligon persil yang dapat dipakai"),
    "convert_no_parcels_because": (
        "{name}: no usable parcel polygons ({why})",
        "{name}: tidak ada poligon persil yang dapat dipakai ({why})",
    ),
}
