/* Texts of the web page: Bahasa Indonesia (default) and English. Plain script, no build step. */
(function () {
  "use strict";
  var TEXT = {
    id: {
      skip: "Lewati ke panel pencarian",
      title: "Peta RDTR",
      subtitle: "Zonasi, kegiatan yang diizinkan, dan intensitas bangunan menurut Rencana Detail Tata Ruang.",
      panelTitle: "Cari dan periksa",
      findLabel: "Cari lokasi dengan koordinat",
      findButton: "Cari",
      findHint: "Desimal (0.1351, 117.4823), DMS (0°08'06\"LU 117°28'56\"BT) atau UTM (50N 553000 14900).",
      activityLabel: "Kegiatan (cari kode, nama, atau KBLI)",
      activityHint: "Kosongkan untuk melihat zonasi saja.",
      dateLabel: "Tanggal acuan",
      dateHint: "Jawaban memakai versi rencana yang berlaku pada tanggal ini.",
      clickHint: "Klik peta untuk melihat zonasi di titik itu, atau gunakan tombol di bawah (papan ketik: geser peta dengan tombol panah).",
      checkCenter: "Periksa zonasi di tengah peta",
      parcelTitle: "Analisis persil",
      drawParcel: "Gambar persil di peta",
      drawing: "Klik titik-titik batas persil di peta; klik titik pertama untuk menutup.",
      uploadLabel: "Unggah berkas persil (GeoJSON, KML, Shapefile .zip)",
      coordsLabel: "Atau ketik koordinat titik batas persil, satu titik per baris",
      coordsHint: "Contoh: 0.13510, 117.48230 (lintang, bujur) — minimal 3 titik.",
      analyzeCoords: "Analisis persil",
      resultTitle: "Hasil",
      resultEmpty: "Belum ada pertanyaan. Klik peta atau analisis persil.",
      officerTitle: "Untuk petugas: buat ekstrak peta (PDF)",
      officerHint: "Perlu token petugas. Ekstrak memakai persil dan kegiatan yang dianalisis terakhir.",
      tokenLabel: "Token petugas",
      referenceLabel: "Nomor referensi",
      makeExtract: "Buat ekstrak peta",
      disclaimer: "Informasi ini bersifat petunjuk; keputusan KKPR diterbitkan melalui OSS.",
      mapHelp: "Peta interaktif. Gunakan tombol panah untuk menggeser, plus dan minus untuk memperbesar. Tombol \"Periksa zonasi di tengah peta\" menanyakan titik di tengah.",
      mapLabel: "Peta zonasi",
      langButton: "English",
      loading: "Memuat…",
      zoningAt: "Zonasi di titik",
      parcelAnalysis: "Analisis persil",
      notCovered: "Tidak tercakup RDTR",
      subzone: "Sub-zona",
      zone: "Zona",
      block: "Blok",
      place: "Kelurahan, kecamatan",
      activity: "Kegiatan",
      klass: "Kelas",
      conditions: "Ketentuan",
      intensity: "Intensitas",
      special: "Ketentuan khusus",
      tpz: "TPZ",
      plan: "Rencana",
      legalBasis: "Dasar hukum",
      version: "versi",
      inForceFrom: "berlaku sejak",
      nearBoundary: "Titik ini dekat batas zona ({d} m): periksa di lapangan, jawabannya bisa berbeda di seberang batas.",
      area: "Luas",
      share: "Bagian",
      pieces: "Bagian persil per sub-zona",
      limits: "Batas untuk persil ini",
      maxFootprint: "Luas lantai dasar maks",
      maxFloorArea: "Luas seluruh lantai maks",
      minGreen: "Luas ruang hijau min",
      maxHeight: "Tinggi bangunan maks",
      maxFloors: "Jumlah lantai maks",
      covered: "Tercakup RDTR",
      repaired: "geometri diperbaiki",
      slivers: "Bagian sangat kecil (tidak menentukan)",
      overlays: "Lapisan ketentuan khusus",
      preview: "Pratinjau peta",
      json: "JSON",
      classI: "diizinkan",
      classT: "terbatas",
      classB: "bersyarat",
      classX: "tidak diizinkan",
      none: "Tidak ada",
      zoomIn: "Perbesar peta untuk melihat warna zona.",
      legend: "Legenda",
      parcel: "Persil",
      errorPrefix: "Gagal",
      needParcel: "Analisis persil dulu (gambar, unggah, atau ketik koordinat).",
      needActivity: "Pilih kegiatan dulu.",
      needToken: "Isi token petugas.",
      extractMade: "Ekstrak dibuat",
      downloadPdf: "Unduh PDF",
      verify: "Halaman verifikasi",
      coordsNeed3: "Perlu minimal 3 titik (lintang, bujur per baris).",
      coordsBadLine: "Baris {n} tidak terbaca: {line}",
      fileRead: "Berkas dibaca: {n} persil; yang pertama dianalisis.",
      assetsMissing: "Aset peta belum terpasang ({what}). Jalankan scripts/setup.sh (npm install ke api/static/vendor), lalu muat ulang.",
      drawMissing: "Alat gambar (leaflet-draw) belum terpasang; gunakan kolom koordinat.",
      found: "Lokasi ditemukan: {lat}, {lon} ({fmt}).",
      basemap: "Peta dasar OpenStreetMap (perlu internet)",
      zonesLayer: "Pola ruang",
      layerError: "Lapisan zona gagal dimuat.",
      boundaryPieces: "Sebagian bagian persil berada dalam toleransi peta dari batas zona.",
      status_ready: "Siap.",
      noPlans: "Belum ada rencana yang dimuat."
    },
    en: {
      skip: "Skip to the search panel",
      title: "RDTR map",
      subtitle: "Zoning, permitted activities and building intensity from the detailed spatial plan (RDTR).",
      panelTitle: "Search and check",
      findLabel: "Find a place by coordinates",
      findButton: "Find",
      findHint: "Decimal (0.1351, 117.4823), DMS (0°08'06\"N 117°28'56\"E) or UTM (50N 553000 14900).",
      activityLabel: "Activity (search code, name or KBLI)",
      activityHint: "Leave empty to see the zoning only.",
      dateLabel: "Date",
      dateHint: "Answers use the plan version in force on this date.",
      clickHint: "Click the map for the zoning at that point, or use the button below (keyboard: move the map with the arrow keys).",
      checkCenter: "Check the zoning at the map centre",
      parcelTitle: "Parcel analysis",
      drawParcel: "Draw a parcel on the map",
      drawing: "Click the parcel's corners on the map; click the first one to close it.",
      uploadLabel: "Upload a parcel file (GeoJSON, KML, zipped Shapefile)",
      coordsLabel: "Or type the parcel's corner coordinates, one per line",
      coordsHint: "Example: 0.13510, 117.48230 (latitude, longitude) — at least 3 points.",
      analyzeCoords: "Analyse parcel",
      resultTitle: "Result",
      resultEmpty: "No question yet. Click the map or analyse a parcel.",
      officerTitle: "For officers: make a map extract (PDF)",
      officerHint: "Needs an officer token. The extract uses the last analysed parcel and activity.",
      tokenLabel: "Officer token",
      referenceLabel: "Reference number",
      makeExtract: "Make map extract",
      disclaimer: "This information is advisory; the KKPR decision is issued through OSS.",
      mapHelp: "Interactive map. Use the arrow keys to pan, plus and minus to zoom. The \"Check the zoning at the map centre\" button asks about the centre point.",
      mapLabel: "Zoning map",
      langButton: "Bahasa Indonesia",
      loading: "Loading…",
      zoningAt: "Zoning at the point",
      parcelAnalysis: "Parcel analysis",
      notCovered: "Not covered by an RDTR",
      subzone: "Sub-zone",
      zone: "Zone",
      block: "Block",
      place: "Kelurahan, kecamatan",
      activity: "Activity",
      klass: "Class",
      conditions: "Conditions",
      intensity: "Intensity",
      special: "Special provisions",
      tpz: "TPZ",
      plan: "Plan",
      legalBasis: "Legal basis",
      version: "version",
      inForceFrom: "in force from",
      nearBoundary: "This point is near a zone boundary ({d} m): check on site, the answer may differ across the line.",
      area: "Area",
      share: "Share",
      pieces: "Parcel pieces by sub-zone",
      limits: "Limits for this parcel",
      maxFootprint: "Max footprint",
      maxFloorArea: "Max total floor area",
      minGreen: "Min green area",
      maxHeight: "Max building height",
      maxFloors: "Max floors",
      covered: "Covered by an RDTR",
      repaired: "geometry repaired",
      slivers: "Slivers (do not decide)",
      overlays: "Special-provision layers",
      preview: "Map preview",
      json: "JSON",
      classI: "permitted",
      classT: "permitted with limits",
      classB: "permitted on conditions",
      classX: "not permitted",
      none: "None",
      zoomIn: "Zoom in to see the zone colours.",
      legend: "Legend",
      parcel: "Parcel",
      errorPrefix: "Failed",
      needParcel: "Analyse a parcel first (draw, upload or type coordinates).",
      needActivity: "Choose an activity first.",
      needToken: "Enter the officer token.",
      extractMade: "Extract made",
      downloadPdf: "Download PDF",
      verify: "Verification page",
      coordsNeed3: "At least 3 points are needed (latitude, longitude per line).",
      coordsBadLine: "Line {n} cannot be read: {line}",
      fileRead: "File read: {n} parcel(s); the first is analysed.",
      assetsMissing: "Map assets are not installed ({what}). Run scripts/setup.sh (npm install into api/static/vendor), then reload.",
      drawMissing: "The drawing tool (leaflet-draw) is not installed; use the coordinates box.",
      found: "Found: {lat}, {lon} ({fmt}).",
      basemap: "OpenStreetMap basemap (needs internet)",
      zonesLayer: "Zoning",
      layerError: "The zone layer could not be loaded.",
      boundaryPieces: "Some parcel pieces lie within the map tolerance of a zone boundary.",
      status_ready: "Ready.",
      noPlans: "No plan is loaded yet."
    }
  };

  var lang = "id";
  try {
    var saved = window.localStorage.getItem("rdtr.lang");
    if (saved === "en" || saved === "id") { lang = saved; }
  } catch (e) { /* storage may be blocked */ }

  function t(key, vars) {
    var s = (TEXT[lang] && TEXT[lang][key]) || TEXT.id[key] || key;
    if (vars) {
      Object.keys(vars).forEach(function (k) { s = s.split("{" + k + "}").join(String(vars[k])); });
    }
    return s;
  }

  function apply() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(function (el) {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
    var map = document.getElementById("map");
    if (map) { map.setAttribute("aria-label", t("mapLabel")); }
    var btn = document.getElementById("lang-toggle");
    if (btn) {
      btn.textContent = t("langButton");
      btn.setAttribute("lang", lang === "id" ? "en" : "id");
      btn.setAttribute("aria-pressed", lang === "en" ? "true" : "false");
    }
    document.title = lang === "id" ? "Peta RDTR — apa yang boleh dibangun di sini?"
                                   : "RDTR map — what may be built here?";
  }

  function setLang(next) {
    lang = next;
    try { window.localStorage.setItem("rdtr.lang", lang); } catch (e) { /* ignore */ }
    apply();
    document.dispatchEvent(new CustomEvent("rdtr:lang", { detail: lang }));
  }

  window.RDTR_I18N = { t: t, apply: apply, setLang: setLang, lang: function () { return lang; } };
})();
