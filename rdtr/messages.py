"""Sentences in two languages: an answer's messages and notes and the common errors, each written once in
English and Indonesian (:data:`CATALOG`).

A :class:`Message` is an ``str`` — the English sentence — that also remembers its key and values, so the
library stays language-free and cacheable: answers and errors carry Messages, and only the edge that knows
the reader's language (HTTP ``Accept-Language``) says them in Indonesian (:func:`dumps`, :func:`say`).
Numbers in a message follow the language (``rdtr.numbers``); plan data (codes, names) is kept as written.
"""

from __future__ import annotations

from typing import Any

import orjson

from rdtr.numbers import format_number

LANGUAGES = ("en", "id")

#: key → (English, Indonesian); ``{name}`` placeholders, numbers formatted per language.
CATALOG: dict[str, tuple[str, str]] = {
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
    "param_required": ("{name} is required: {description}", "{name} wajib diisi: {description}"),
    "param_bad": ("{name}: {detail}", "{name}: {detail}"),
    "param_not": ("{name}: {raw} is not {description}", "{name}: {raw} tidak sesuai ({description})"),
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
    "body_not_json": ("the body is not valid JSON: {why}", "kiriman bukan JSON yang sah: {why}"),
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


def _value(value: Any, lang: str) -> Any:
    if isinstance(value, Message):
        return value.say(lang)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return format_number(value, 0 if isinstance(value, int) else 1, lang)


class Message(str):
    """An English sentence from :data:`CATALOG` that can say itself in Indonesian (:meth:`say`)."""

    def __new__(cls, key: str, **values: Any):
        text = CATALOG[key][0].format(**{k: _value(v, "en") for k, v in values.items()})
        obj = super().__new__(cls, text)
        obj.key, obj.values = key, values
        return obj

    def say(self, lang: str) -> str:
        """The sentence in ``lang`` (``en`` or ``id``)."""
        if lang != "id":
            return str(self)
        return CATALOG[self.key][1].format(**{k: _value(v, lang) for k, v in self.values.items()})

    def __reduce__(self):  # pickling (worker processes, caches) keeps the key and values
        return (_rebuild, (self.key, self.values))


def _rebuild(key: str, values: dict) -> Message:
    return Message(key, **values)


def say(value: Any, lang: str) -> Any:
    """``value`` in ``lang`` if it is a :class:`Message`, else as it is."""
    return value.say(lang) if isinstance(value, Message) else value


def _default(lang: str):
    def default(obj):
        if isinstance(obj, Message):
            return obj.say(lang)
        for kind in (str, dict, list, int, float):  # other subclasses of built-ins, as their base
            if isinstance(obj, kind):
                return kind(obj)
        raise TypeError(f"cannot serialise {type(obj).__name__}")

    return default


_DEFAULTS = {lang: _default(lang) for lang in LANGUAGES}


def dumps(document: Any, lang: str = "en") -> bytes:
    """``document`` as JSON bytes, every :class:`Message` in it said in ``lang`` (English costs nothing
    extra: a Message is its English text)."""
    if lang != "id":
        return orjson.dumps(document)
    return orjson.dumps(document, default=_DEFAULTS[lang], option=orjson.OPT_PASSTHROUGH_SUBCLASS)


def title(status: int, lang: str = "en") -> str:
    """The problem+json title of ``status`` in ``lang``."""
    en, id_ = TITLES.get(status, ("Error", "Kesalahan"))
    return id_ if lang == "id" else en
