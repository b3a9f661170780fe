"""The words of the documents a person reads in a browser — the map previews and the extract's verification
page — in English and Indonesian (merged into :data:`rdtr.messages.CATALOG`). Plan data is kept as written."""

from __future__ import annotations

DOCUMENTS: dict[str, tuple[str, str]] = {
    # --- map previews (rdtr.render.preview) -----------------------------------------------------------------
    "pv_page_title": ("RDTR preview", "Pratinjau RDTR"),
    "pv_title": ("RDTR preview: {what}", "Pratinjau RDTR: {what}"),
    "pv_zoning": ("Zoning at a point", "Zonasi di titik"),
    "pv_parcel": ("Parcel analysis", "Analisis persil"),
    "pv_reference_date": ("reference date {at}", "tanggal acuan {at}"),
    "pv_not_kkpr": (
        "Information, not a KKPR decision (issued through OSS).",
        "Informasi, bukan keputusan KKPR (diterbitkan melalui OSS).",
    ),
    "pv_uncovered": ("Not covered by an RDTR", "Tidak tercakup RDTR"),
    "pv_uncovered_rtrw": ("Not covered by an RDTR: the RTRW applies.", "Tidak tercakup RDTR: RTRW berlaku."),
    "pv_activity": ("Activity {what}", "Kegiatan {what}"),
    "pv_activity_here": ("Activity {what} at this point", "Kegiatan {what} di titik ini"),
    "pv_near_boundary": (
        "Near a zone boundary ({distance}): check on site.",
        "Dekat batas zona ({distance}): periksa di lapangan.",
    ),
    "pv_zone": ("Zone", "Zona"),
    "pv_block": ("Block", "Blok"),
    "pv_special": ("Special provisions", "Ketentuan khusus"),
    "pv_plan_line": (
        "{name} (version {version}) · {legal_basis} · in force from {effective_from}",
        "{name} (versi {version}) · {legal_basis} · berlaku {effective_from}",
    ),
    "pv_cannot_analyse": ("Cannot be analysed", "Tidak dapat dianalisis"),
    "pv_max_footprint": ("Max footprint", "Luas lantai dasar maks"),
    "pv_max_floor_area": ("Max floor area", "Luas lantai total maks"),
    "pv_min_green": ("Min green area", "Ruang hijau min"),
    "pv_max_height": ("Max height", "Tinggi maks"),
    "pv_max_floors": ("Max floors", "Lantai maks"),
    "pv_parcel_word": ("Parcel", "Persil"),
    "pv_parcel_n": ("Parcel {n}", "Persil {n}"),
    "pv_repaired": ("(repaired)", "(diperbaiki)"),
    "pv_subzone": ("Sub-zone", "Sub-zona"),
    "pv_name": ("Name", "Nama"),
    "pv_area": ("Area", "Luas"),
    "pv_share": ("Share", "Bagian"),
    "pv_legend": ("Legend", "Legenda"),
    "pv_legend_title": ("Zoning legend", "Legenda pola ruang"),
    "pv_asked": ("The parcel / point asked about", "Persil / titik yang ditanyakan"),
    "pv_point_asked": ("The point asked about", "Titik yang ditanyakan"),
    "pv_basemap": ("OpenStreetMap basemap (needs the internet)", "Peta dasar OpenStreetMap (perlu internet)"),
    "pv_zones_layer": ("Zoning (sub-zones)", "Pola ruang (sub-zona)"),
    "pv_assets_missing": (
        "<strong>The map cannot be shown:</strong> the web assets are not installed ({missing}); the "
        "administrator installs them with scripts/setup.sh.",
        "<strong>Peta tidak dapat ditampilkan:</strong> aset web belum terpasang ({missing}); pengelola "
        "memasangnya dengan scripts/setup.sh.",
    ),
}
DOCUMENTS.update(
    {
        # --- the extract's verification page (rdtr.render.verify_page) ------------------------------------------
        "vp_page_title": ("Verification of extract {id}", "Verifikasi ekstrak {id}"),
        "vp_title": ("Verification of an RDTR map extract", "Verifikasi ekstrak peta RDTR"),
        "vp_on_record": (
            "This extract is <strong>on record</strong>. Compare the SHA-256 of your PDF file with the value below.",
            "Ekstrak ini <strong>tercatat</strong> di sistem. Bandingkan SHA-256 berkas PDF Anda dengan nilai di "
            "bawah.",
        ),
        "vp_activity": ("Activity", "Kegiatan"),
        "vp_itbx_class": ("ITBX class {klass}", "kelas ITBX {klass}"),
        "vp_conformity": ("Conformity of the building proposal", "Kesesuaian rencana bangunan"),
        "vp_checks": (
            "{checks} rules checked, {failed} not met, {open} not checked",
            "{checks} aturan diperiksa, {failed} tidak memenuhi, {open} belum diperiksa",
        ),
        "vp_id": ("Extract id", "ID ekstrak"),
        "vp_issued": ("Issued", "Tanggal terbit"),
        "vp_office": ("Issuing office", "Instansi penerbit"),
        "vp_officer": ("Officer", "Petugas"),
        "vp_reference": ("Reference", "Referensi"),
        "vp_plans": ("Plan, version and legal basis", "Rencana, versi dan dasar hukum"),
        "vp_plan": (
            "{name} — <strong>version {version}</strong>; legal basis: {legal_basis}; in force from {effective_from}",
            "{name} — <strong>versi {version}</strong>; dasar hukum: {legal_basis}; berlaku sejak {effective_from}",
        ),
        "vp_parcel_area": ("Parcel area", "Luas persil"),
        "vp_limits": ("Limits for the parcel", "Batas untuk persil"),
        "vp_pdf_hash": ("SHA-256 of the PDF file", "SHA-256 berkas PDF"),
        "vp_answer_hash": ("SHA-256 of the answer (printed in the PDF)", "SHA-256 jawaban (tercetak di PDF)"),
        "vp_download": ("Download the stored PDF", "Unduh PDF tersimpan"),
        "vp_json": ("Full record (JSON)", "Catatan lengkap (JSON)"),
        "vp_map": ("RDTR map", "Peta RDTR"),
        "vp_oss": ("KKPR decisions are issued through OSS.", "Keputusan KKPR diterbitkan melalui OSS."),
        "vp_not_found": ("Extract not found", "Ekstrak tidak ditemukan"),
        "vp_not_found_lead": ("Extract {id} was not found.", "Ekstrak {id} tidak ditemukan."),
        "vp_malformed": (
            "This is not the form of an extract id (for example 20261127-7k3f9q2m0a).",
            "Nomor ini tidak berbentuk nomor ekstrak (contoh: 20261127-7k3f9q2m0a).",
        ),
        "vp_unknown": (
            "No extract with this id is on record.",
            "Tidak ada ekstrak dengan nomor ini di catatan sistem.",
        ),
        "vp_check_again": (
            "Check the number or the QR code on the document. A document whose number is not on record here "
            "<strong>cannot be verified</strong>; contact the issuing office.",
            "Periksa kembali nomor atau kode QR pada dokumen. Dokumen yang nomornya tidak tercatat di sini "
            "<strong>tidak dapat diverifikasi</strong>; hubungi instansi penerbit.",
        ),
    }
)
