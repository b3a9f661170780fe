/* The RDTR web page: plain JavaScript over the JSON API, Leaflet (+ leaflet-draw, + VectorGrid) served
   by the app itself from /static/vendor. No build step.

   The answer comes first: every answer (a point, a parcel, an activity chosen) starts with one verdict
   element (data-testid="verdict") that is scrolled into view. Requests carry the page's language
   (Accept-Language); a newer question cancels the one in flight (AbortController + a sequence number). */
(function () {
  "use strict";

  var I = window.RDTR_I18N;
  var t = I ? I.t : function (k) { return k; };
  var lang = function () { return I && I.lang() === "en" ? "en" : "id"; };
  var $ = function (id) { return document.getElementById(id); };

  var CLASS_RANK = { X: 4, B: 3, T: 2, I: 1 };
  var CLASS_ICONS = { I: "✓", T: "!", B: "§", X: "✕" };
  var LABEL_ZOOM = 16;        // sub-zone labels from this zoom on (only for what is in view)
  var MAX_LABELS = 160;

  var state = {
    plans: [],          // plans in force on the date, each with its TileJSON
    zoneLayers: [],
    legend: [],
    dash: {},           // sub-zone code → outline dash pattern where shades are near-identical
    activity: "",
    date: localToday(),
    last: null,         // {kind: "point", lon, lat} | {kind: "parcel", geometry}
    lastParcel: null,   // GeoJSON geometry of the last analysed parcel
    lastPoint: null,    // the last point answer (re-rendered when the lot area changes)
    lotArea: null,      // the lot area (m²) the person gave, for lot-size classes
    notice: null,       // why the map is empty: {date, from, name} | {date}
    example: null,      // {lon, lat}: a point inside the loaded plan, for the examples in the hints
    drawing: false,
    layerMode: "mvt",
    planSeq: 0,
    planCtl: null,
    answerSeq: 0,
    answerCtl: null
  };

  function localToday() {
    var d = new Date();
    var m = String(d.getMonth() + 1).padStart(2, "0");
    var day = String(d.getDate()).padStart(2, "0");
    return d.getFullYear() + "-" + m + "-" + day;
  }

  function esc(value) {
    if (value === null || value === undefined) { return ""; }
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  /** The one number format of the page: Indonesian 1.234,5 — English 1,234.5 (at most `digits` decimals). */
  function num(value, unit, digits) {
    if (value === null || value === undefined || value === "") { return "–"; }
    var n = Number(value);
    if (!isFinite(n)) { return esc(value); }
    var text = n.toLocaleString(lang() === "en" ? "en-GB" : "id-ID",
                                { maximumFractionDigits: digits === undefined ? 1 : digits });
    return text + (unit || "");
  }

  /** A date (YYYY-MM-DD) as the page's language writes it: "1 Mei 2024" / "1 May 2024". */
  function fmtDate(iso) {
    if (!iso || !/^\d{4}-\d{2}-\d{2}$/.test(iso)) { return esc(iso || ""); }
    var d = new Date(iso + "T00:00:00Z");
    if (isNaN(d.getTime())) { return iso; }
    return d.toLocaleDateString(lang() === "en" ? "en-GB" : "id-ID",
                                { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  /** A number typed by a person: "250", "250,5", "1.250" (id) or "1,250.5" (en); null when unreadable. */
  function readNumber(raw) {
    var s = String(raw || "").replace(/[\s\u00a0]/g, "").replace(/m²|m2$/i, "");
    if (!s) { return null; }
    if (lang() === "id" && /^\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) { s = s.replace(/\./g, ""); }
    if (lang() === "en" && /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) { s = s.replace(/,/g, ""); }
    s = s.replace(",", ".");
    if (!/^\d+(\.\d+)?$/.test(s)) { return null; }
    return Number(s);
  }

  function setStatus(message) { $("status").textContent = message || ""; }

  function showError(el, message) { el.textContent = message || ""; }

  // ------------------------------------------------------------------------------ talking to the API

  /** A detail fit for a citizen: the API's own sentence, unless it names an API path, a setting or code. */
  function technical(text) {
    return /RDTR_|\/v1\/|Traceback|File "|\b[A-Z][A-Za-z]*(Error|Exception)\b|\bNone\b|[{}[\]<>]|https?:\/\//.test(text);
  }

  var HTTP_PHRASE = /^(Not Found|Method Not Allowed|Bad Request|Unprocessable Entity|Internal Server Error|Forbidden|Unauthorized|Too Many Requests|Service Unavailable|Payload Too Large|Unsupported Media Type)\.?$/i;

  function plainProblem(status, body) {
    var d = body && body.detail;
    if (typeof d === "string" && d && !technical(d) && !HTTP_PHRASE.test(d.trim()) && status < 500) { return d; }
    var key = { 0: "errOffline", 400: "errBadRequest", 404: "errNotFound", 413: "errTooLarge", 415: "errBadType",
                422: "errBadInput", 429: "errTooMany", 503: "errUnavailable" }[status];
    if (key) { return t(key); }
    return t("errServer", { status: status });
  }

  function fail(status, body) {
    var err = new Error(plainProblem(status, body));
    err.status = status;
    err.body = body;
    return err;
  }

  async function api(path, options) {
    options = Object.assign({}, options || {});
    options.headers = Object.assign({ Accept: "application/json", "Accept-Language": lang() }, options.headers || {});
    var res;
    try {
      res = await fetch(path, options);
    } catch (e) {
      if (e && e.name === "AbortError") { throw e; }
      throw fail(0, null);
    }
    var body = null;
    var type = res.headers.get("content-type") || "";
    if (type.indexOf("json") >= 0) {
      try { body = await res.json(); } catch (e) { if (e && e.name === "AbortError") { throw e; } body = null; }
    }
    if (!res.ok) { throw fail(res.status, body); }
    return body;
  }

  function aborted(e) { return e && e.name === "AbortError"; }

  /** A new question: cancels the answer in flight; returns {seq, signal}. */
  function newQuestion() {
    if (state.answerCtl) { state.answerCtl.abort(); }
    if (highlightCtl) { highlightCtl.abort(); highlightCtl = null; }
    state.answerCtl = new AbortController();
    return { seq: ++state.answerSeq, signal: state.answerCtl.signal };
  }

  /** The error of an answer request as a sentence (an unknown activity gets its suggestions). */
  function answerError(e) {
    if (e.status === 404 && state.activity && e.body && Array.isArray(e.body.suggestions)) {
      return e.body.suggestions.length ? t("unknownActivitySuggest", { a: state.activity, s: e.body.suggestions.join("; ") })
                                       : t("unknownActivity", { a: state.activity });
    }
    return e.message;
  }

  // ------------------------------------------------------------------------------------ assets

  function assetWarning(what) {
    var box = $("asset-warning");
    box.hidden = false;
    box.textContent = t("assetsMissing", { what: what });
  }

  if (I) { I.apply(); }
  $("date-input").value = state.date;
  var params = new URLSearchParams(window.location.search);
  if (params.get("layer") === "geojson") { state.layerMode = "geojson"; }
  state.onlyPlan = params.get("plan") || "";   // ?plan=ID shows only that plan's zones

  if (!window.L) {
    assetWarning("leaflet");
    return;
  }
  if (state.layerMode === "mvt" && !(L.vectorGrid && L.vectorGrid.protobuf)) {
    state.layerMode = "geojson";   // VectorGrid missing: simplified GeoJSON per view instead
  }

  // ---------------------------------------------------------------------------------------- map

  var map = L.map("map", { keyboard: true, zoomControl: true, preferCanvas: true, minZoom: 4 })
    .setView([-2.5, 118], 5);
  L.control.scale({ imperial: false }).addTo(map);
  var layersControl = L.control.layers(null, null, { collapsed: true }).addTo(map);
  var highlightLayer = L.featureGroup().addTo(map);
  var labelLayer = L.layerGroup().addTo(map);
  var pointLayer = L.layerGroup().addTo(map);
  var parcelLayer = L.featureGroup().addTo(map);

  // The online basemap: OFF until the person turns it on; nothing is requested from outside before that,
  // and nothing about it is remembered (a reload starts offline again).
  var basemap = null;
  var basemapControl = L.control({ position: "topright" });
  basemapControl.onAdd = function () {
    var div = L.DomUtil.create("div", "basemap-control leaflet-bar");
    L.DomEvent.disableClickPropagation(div);
    div.innerHTML = '<button type="button" id="basemap-toggle" data-testid="basemap" aria-pressed="false"></button>';
    div.querySelector("button").addEventListener("click", function () {
      if (!basemap) {
        basemap = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
          maxZoom: 19, attribution: "&copy; OpenStreetMap"
        });
      }
      if (map.hasLayer(basemap)) { map.removeLayer(basemap); } else { basemap.addTo(map); basemap.bringToBack(); }
      renderBasemapButton();
    });
    return div;
  };
  basemapControl.addTo(map);

  function renderBasemapButton() {
    var b = $("basemap-toggle");
    if (!b) { return; }
    var on = !!(basemap && map.hasLayer(basemap));
    b.setAttribute("aria-pressed", String(on));
    b.textContent = t(on ? "basemapOn" : "basemapOff");
    b.title = t("basemapTitle");
  }
  renderBasemapButton();

  var hint = L.control({ position: "topright" });
  hint.onAdd = function () {
    var div = L.DomUtil.create("div", "map-hint");
    div.setAttribute("aria-hidden", "true");
    return div;
  };
  hint.addTo(map);

  function updateZoomHint() {
    var el = document.querySelector(".map-hint");
    if (!el) { return; }
    var minzoom = state.plans.length ? state.plans[0].tilejson.minzoom : 10;
    var text = "";
    if (state.plans.length && map.getZoom() < minzoom) { text = t("zoomIn"); }
    else if (state.plans.length && map.getZoom() < LABEL_ZOOM) { text = t("zoomLabels"); }
    el.textContent = text;
    el.style.display = text ? "" : "none";
  }
  map.on("zoomend", updateZoomHint);

  // Why the map is empty (no plan in force on the date, and from when one is).
  function renderNotice() {
    var box = $("map-notice");
    var n = state.notice;
    if (!n) { box.hidden = true; box.innerHTML = ""; return; }
    var html = "<p><strong>" + esc(t("noPlanOn", { date: fmtDate(n.date) })) + "</strong></p>";
    if (n.from) {
      html += "<p>" + esc(t("planFrom", { name: n.name, from: fmtDate(n.from) })) + "</p>" +
        '<button type="button" class="secondary" id="goto-first" data-date="' + esc(n.from) + '">' +
        esc(t("gotoFirst", { from: fmtDate(n.from) })) + "</button>";
    } else if (n.none) {
      html += "<p>" + esc(t("noPlans")) + "</p>";
    }
    box.innerHTML = html;
    box.hidden = false;
    var go = $("goto-first");
    if (go) {
      go.addEventListener("click", function () {
        $("date-input").value = this.getAttribute("data-date");
        $("date-input").dispatchEvent(new Event("change"));
      });
    }
  }

  // Legend (a control with a toggle button).
  var legendControl = L.control({ position: "bottomright" });
  legendControl.onAdd = function () {
    var div = L.DomUtil.create("div", "legend");
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    div.innerHTML = '<button type="button" class="legend-toggle" aria-expanded="false" aria-controls="legend-list"></button>' +
                    '<ul id="legend-list" hidden></ul>';
    div.querySelector("button").addEventListener("click", function () {
      var list = div.querySelector("ul");
      list.hidden = !list.hidden;
      this.setAttribute("aria-expanded", String(!list.hidden));
    });
    return div;
  };
  legendControl.addTo(map);

  function renderLegend() {
    var div = document.querySelector(".legend");
    if (!div) { return; }
    div.querySelector("button").textContent = t("legend");
    var seen = {};
    var html = "";
    state.legend.forEach(function (e) {
      if (seen[e.subzone_code]) { return; }
      seen[e.subzone_code] = true;
      html += "<li>" + swatch(e.subzone_code) + "<strong>" + esc(e.subzone_code) + "</strong> " +
              esc(e.subzone_name || "") + "</li>";
    });
    html += '<li><span class="swatch swatch-zone"></span>' + esc(t("askedZone")) + "</li>";
    html += '<li><span class="swatch swatch-parcel"></span>' + esc(t("parcel")) + "</li>";
    div.querySelector("ul").innerHTML = html;
  }

  // Near-identical shades get distinct outlines (solid, dashed, dotted), chosen greedily per sub-zone.
  var DASHES = ["", "7 4", "2 3"];
  function rgb(hex) {
    var h = String(hex || "").replace("#", "");
    if (h.length !== 6) { return [204, 204, 204]; }
    return [0, 2, 4].map(function (i) { return parseInt(h.slice(i, i + 2), 16); });
  }
  function assignDashes(legend) {
    var entries = legend.slice().sort(function (a, b) { return a.subzone_code < b.subzone_code ? -1 : 1; });
    entries.forEach(function (e) {
      if (state.dash[e.subzone_code] !== undefined) { return; }
      var used = {};
      state.legend.concat(legend).forEach(function (o) {
        if (o.subzone_code === e.subzone_code || state.dash[o.subzone_code] === undefined) { return; }
        var a = rgb(e.color), b = rgb(o.color);
        var d = Math.sqrt(Math.pow(a[0] - b[0], 2) + Math.pow(a[1] - b[1], 2) + Math.pow(a[2] - b[2], 2));
        if (d < 60) { used[state.dash[o.subzone_code]] = true; }
      });
      state.dash[e.subzone_code] = DASHES.filter(function (x) { return !used[x]; })[0] || "";
    });
  }

  function zoneStyle(code, color, zoom) {
    var close = zoom >= 15;
    var dash = state.dash[code] || "";
    return { fill: true, fillColor: color || "#cccccc", fillOpacity: 0.65, opacity: 1,
             color: close ? "#262626" : "#5a5a5a", weight: close ? (dash ? 1.6 : 1) : 0.5,
             dashArray: close && dash ? dash : null };
  }

  // ------------------------------------------------------------------------- the zone layers

  var BboxLayer = L.Layer.extend({
    initialize: function (tilejson) {
      this.tj = tilejson;
      this.renderer = L.canvas({ padding: 0.25 });
      var self = this;
      this.geo = L.geoJSON(null, {
        renderer: this.renderer,
        interactive: false,
        style: function (f) {
          return zoneStyle(f.properties.subzone_code, f.properties.color, self._map ? self._map.getZoom() : 0);
        }
      });
      this.controller = null;
    },
    onAdd: function (m) {
      this.geo.addTo(m);
      m.on("moveend", this.refresh, this);
      this.refresh();
    },
    onRemove: function (m) {
      m.off("moveend", this.refresh, this);
      if (this.controller) { this.controller.abort(); }
      m.removeLayer(this.geo);
    },
    refresh: function () {
      var m = this._map;
      if (!m) { return; }
      var zoom = m.getZoom();
      if (zoom < this.tj.minzoom) { this.geo.clearLayers(); return; }
      var b = m.getBounds().pad(0.2);
      if (this.controller) { this.controller.abort(); }
      this.controller = new AbortController();
      var self = this;
      var started = performance.now();
      api(this.tj.geojson + "&bbox=" + bboxParam(b) + "&zoom=" + zoom, { signal: this.controller.signal })
        .then(function (fc) {
          self.geo.clearLayers();
          self.geo.addData(fc);
          window.RDTR_LAST_LAYER_MS = performance.now() - started;
          document.dispatchEvent(new CustomEvent("rdtr:zones-loaded", { detail: fc.features.length }));
        })
        .catch(function (e) { if (!aborted(e)) { setStatus(t("layerError")); } });
    }
  });

  function bboxParam(b) {
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
  }

  function zoneLayer(tj) {
    var layer;
    if (state.layerMode === "mvt") {
      layer = L.vectorGrid.protobuf(tj.tiles[0], {
        rendererFactory: L.canvas.tile,
        interactive: false,
        minZoom: tj.minzoom,
        maxNativeZoom: 18,
        maxZoom: 22,
        attribution: esc(tj.attribution),
        fetchOptions: { headers: { "Accept-Language": lang() } },
        vectorTileLayerStyles: {
          zones: function (p, zoom) { return zoneStyle(p.subzone_code, p.color, zoom); }
        }
      });
      layer.on("load", function () { document.dispatchEvent(new CustomEvent("rdtr:zones-loaded")); });
    } else {
      layer = new BboxLayer(tj);
    }
    layer._rdtrZones = true;
    return layer;
  }

  /** Load the plans in force on the date and their zone layers. Only the newest call draws: an older one that
   *  finishes late (two quick date changes) is cancelled or dropped, so the map never holds two zone layers.
   *  Resolves true when this call is the newest and finished. */
  async function loadPlans(fit) {
    var seq = ++state.planSeq;
    if (state.planCtl) { state.planCtl.abort(); }
    var ctl = state.planCtl = new AbortController();
    var date = state.date;
    state.loadingPlans = true;
    document.body.setAttribute("data-plans-loading", "true");
    var doc;
    try {
      doc = await api("/v1/plans?at=" + encodeURIComponent(date), { signal: ctl.signal });
    } catch (e) {
      if (!aborted(e) && seq === state.planSeq) {
        setStatus(t("errorPrefix") + ": " + e.message);
        state.loadingPlans = false;
        document.body.removeAttribute("data-plans-loading");
      }
      return false;
    }
    var all = (doc.plans || []).filter(function (p) { return !state.onlyPlan || p.id === state.onlyPlan; });
    var plans = all.filter(function (p) { return p.in_force !== false; });
    var loaded = [];
    for (var i = 0; i < plans.length; i++) {
      var p = plans[i];
      try {
        p.tilejson = await api("/v1/tiles/" + encodeURIComponent(p.id) + ".json?v=" + p.version, { signal: ctl.signal });
        loaded.push(p);
      } catch (e) {
        if (aborted(e)) { return false; }
        setStatus(t("layerError") + " " + e.message);
      }
    }
    var notice = null;
    if (!plans.length) { notice = await whyEmpty(all, date, ctl.signal); }
    if (seq !== state.planSeq) { return false; }

    // This is the newest answer: swap the layers in one go.
    state.zoneLayers.forEach(function (l) { map.removeLayer(l); layersControl.removeLayer(l); });
    state.zoneLayers = [];
    state.plans = [];
    state.legend = [];
    var bounds = null;
    loaded.forEach(function (p) {
      var tj = p.tilejson;
      assignDashes(tj.legend || []);
      var layer = zoneLayer(tj).addTo(map);
      if (layer.bringToBack) { layer.bringToBack(); }
      if (basemap && map.hasLayer(basemap)) { basemap.bringToBack(); }
      layersControl.addOverlay(layer, t("zonesLayer") + " — " + esc(p.name) + " v" + p.version);
      state.zoneLayers.push(layer);
      state.plans.push(p);
      state.legend = state.legend.concat(tj.legend || []);
      if (p.bbox) {
        var b = L.latLngBounds([p.bbox[1], p.bbox[0]], [p.bbox[3], p.bbox[2]]);
        bounds = bounds ? bounds.extend(b) : b;
      }
    });
    if (loaded.length) {
      var c = loaded[0].tilejson.center;
      var bb = loaded[0].bbox;
      state.example = c ? { lon: c[0], lat: c[1] } : (bb ? { lon: (bb[0] + bb[2]) / 2, lat: (bb[1] + bb[3]) / 2 } : null);
    }
    state.notice = notice;
    renderNotice();
    renderLegend();
    updateExamples();
    if (!loaded.length) { setStatus(notice && notice.from ? t("noPlanOn", { date: fmtDate(date) }) : t("noPlans")); }
    if (fit && bounds) { map.fitBounds(bounds); }
    updateZoomHint();
    refreshLabels();
    document.body.setAttribute("data-plans-loaded", String(state.plans.length));
    state.loadingPlans = false;
    if (!state.datePending) { document.body.removeAttribute("data-plans-loading"); }
    return true;
  }

  /** No plan in force on `date`: when does the first one take effect (GET /v1/plans/{id} versions)? */
  async function whyEmpty(all, date, signal) {
    if (!all.length) { return { date: date, none: true }; }
    var best = null;
    for (var i = 0; i < all.length; i++) {
      var versions = [];
      try {
        var full = await api("/v1/plans/" + encodeURIComponent(all[i].id), { signal: signal });
        versions = full.versions || [];
      } catch (e) {
        if (aborted(e)) { throw e; }
        versions = [{ effective_from: all[i].effective_from }];
      }
      versions.forEach(function (v) {
        if (v.effective_from && v.effective_from > date && (!best || v.effective_from < best.from)) {
          best = { date: date, from: v.effective_from, name: all[i].name };
        }
      });
    }
    return best || { date: date };
  }

  // ------------------------------------------------------------------ labels and the asked zone

  function ringsOf(geometry) {
    if (!geometry) { return []; }
    if (geometry.type === "Polygon") { return [geometry.coordinates]; }
    if (geometry.type === "MultiPolygon") { return geometry.coordinates; }
    return [];
  }

  function inRing(x, y, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if (((yi > y) !== (yj > y)) && (x < (xj - xi) * (y - yi) / (yj - yi) + xi)) { inside = !inside; }
    }
    return inside;
  }

  function contains(geometry, lon, lat) {
    return ringsOf(geometry).some(function (poly) {
      return inRing(lon, lat, poly[0]) && !poly.slice(1).some(function (hole) { return inRing(lon, lat, hole); });
    });
  }

  /** A point inside a polygon for its label: the middle of the widest run of a horizontal line through it. */
  function labelPoint(poly) {
    var ring = poly[0];
    var minY = Infinity, maxY = -Infinity;
    ring.forEach(function (p) { minY = Math.min(minY, p[1]); maxY = Math.max(maxY, p[1]); });
    var best = null;
    [0.5, 0.35, 0.65].forEach(function (f) {
      var y = minY + (maxY - minY) * f;
      var xs = [];
      poly.forEach(function (r) {
        for (var i = 0, j = r.length - 1; i < r.length; j = i++) {
          var a = r[j], b = r[i];
          if ((a[1] > y) !== (b[1] > y)) { xs.push(a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1])); }
        }
      });
      xs.sort(function (p, q) { return p - q; });
      for (var k = 0; k + 1 < xs.length; k += 2) {
        var w = xs[k + 1] - xs[k];
        if (!best || w > best.w) { best = { w: w, x: (xs[k] + xs[k + 1]) / 2, y: y }; }
      }
    });
    return best;
  }

  var labelCtl = null;
  function refreshLabels() {
    if (labelCtl) { labelCtl.abort(); labelCtl = null; }
    labelLayer.clearLayers();
    var zoom = map.getZoom();
    if (zoom < LABEL_ZOOM || !state.plans.length) { return; }
    var ctl = labelCtl = new AbortController();
    var box = bboxParam(map.getBounds());
    Promise.all(state.plans.map(function (p) {
      return api(p.tilejson.geojson + "&bbox=" + box + "&zoom=" + Math.round(zoom), { signal: ctl.signal });
    })).then(function (fcs) {
      if (ctl !== labelCtl) { return; }
      var names = {};
      state.legend.forEach(function (e) { names[e.subzone_code] = e.subzone_name; });
      var candidates = [];
      fcs.forEach(function (fc) {
        (fc.features || []).forEach(function (f) {
          ringsOf(f.geometry).forEach(function (poly) {
            var pt = labelPoint(poly);
            if (!pt) { return; }
            var xs = poly[0].map(function (c) { return c[0]; });
            var ys = poly[0].map(function (c) { return c[1]; });
            var sw = map.latLngToContainerPoint([Math.min.apply(null, ys), Math.min.apply(null, xs)]);
            var ne = map.latLngToContainerPoint([Math.max.apply(null, ys), Math.max.apply(null, xs)]);
            var w = Math.abs(ne.x - sw.x), h = Math.abs(sw.y - ne.y);
            var runPx = Math.abs(map.latLngToContainerPoint([pt.y, pt.x + pt.w]).x -
                                 map.latLngToContainerPoint([pt.y, pt.x]).x);
            if (runPx < 34 || h < 16) { return; }
            candidates.push({ code: f.properties.subzone_code, lat: pt.y, lon: pt.x, size: runPx * h,
                              wide: runPx >= 150 && h >= 44 && w > 0 });
          });
        });
      });
      candidates.sort(function (a, b) { return b.size - a.size; });
      candidates.slice(0, MAX_LABELS).forEach(function (c) {
        var name = c.wide && names[c.code] ? '<span class="zone-label-name">' + esc(names[c.code]) + "</span>" : "";
        var marker = L.marker([c.lat, c.lon], {
          icon: L.divIcon({ className: "zone-label", html: "<span>" + esc(c.code) + name + "</span>", iconSize: null }),
          interactive: false, keyboard: false
        }).addTo(labelLayer);
        var el = marker.getElement();
        if (el) { el.setAttribute("aria-hidden", "true"); }
      });
      document.body.setAttribute("data-labels", String(labelLayer.getLayers().length));
    }).catch(function (e) { if (!aborted(e)) { document.body.setAttribute("data-labels", "0"); } });
  }
  map.on("moveend", refreshLabels);

  var highlightCtl = null;
  /** Outline the zone(s) a point answer is about (thick, dark, over every fill colour). */
  function highlightZones(lon, lat, zones) {
    if (highlightCtl) { highlightCtl.abort(); highlightCtl = null; }
    highlightLayer.clearLayers();
    if (!zones || !zones.length || map.getZoom() < 12) { return; }
    var ctl = highlightCtl = new AbortController();
    var view = map.getBounds();
    var half = Math.min(0.02, Math.max((view.getEast() - view.getWest()) * 0.75, 0.003));
    var halfLat = Math.min(0.02, Math.max((view.getNorth() - view.getSouth()) * 0.75, 0.003));
    var box = [lon - half, lat - halfLat, lon + half, lat + halfLat].map(function (v) { return v.toFixed(5); }).join(",");
    var zoom = Math.max(14, Math.min(18, Math.round(map.getZoom())));
    zones.forEach(function (z) {
      var plan = state.plans.filter(function (p) { return z.plan && p.id === z.plan.id; })[0];
      if (!plan) { return; }
      api(plan.tilejson.geojson + "&bbox=" + box + "&zoom=" + zoom, { signal: ctl.signal }).then(function (fc) {
        if (ctl !== highlightCtl) { return; }
        var feats = fc.features || [];
        var hit = feats.filter(function (f) {
          return f.properties.subzone_code === z.subzone_code && contains(f.geometry, lon, lat);
        })[0] || feats.filter(function (f) { return contains(f.geometry, lon, lat); })[0];
        if (!hit) { return; }
        var same = feats.filter(function (f) { return f.properties.id === hit.properties.id; });
        L.geoJSON({ type: "FeatureCollection", features: same }, {
          interactive: false, style: { color: "#111111", weight: 6, opacity: 0.9, fill: false }
        }).addTo(highlightLayer);
        L.geoJSON({ type: "FeatureCollection", features: same }, {
          interactive: false, style: { color: "#ffffff", weight: 2, opacity: 1, fill: false, dashArray: "8 5" }
        }).addTo(highlightLayer);
        document.body.setAttribute("data-highlight", z.subzone_code);
      }).catch(function () { /* the outline is a help, the answer stands without it */ });
    });
  }

  // ------------------------------------------------------------------------------- activities

  var activityTimer = null;
  $("activity-input").addEventListener("input", function () {
    var q = this.value.trim();
    state.activity = activityCode();
    clearTimeout(activityTimer);
    activityTimer = setTimeout(function () { searchActivities(q); }, 200);
  });
  $("activity-input").addEventListener("change", function () {
    state.activity = activityCode();
    rerun();
  });

  var activityCtl = null;
  async function searchActivities(q) {
    if (activityCtl) { activityCtl.abort(); }
    var ctl = activityCtl = new AbortController();
    try {
      var doc = await api("/v1/activities?limit=40&at=" + encodeURIComponent(state.date) +
                          (q ? "&q=" + encodeURIComponent(q.split(" — ")[0]) : ""), { signal: ctl.signal });
      if (ctl !== activityCtl) { return; }
      var list = $("activity-options");
      list.innerHTML = "";
      var seen = {};
      (doc.activities || []).forEach(function (a) {
        var value = a.code + " — " + a.name;
        if (seen[value]) { return; }
        seen[value] = true;
        var opt = document.createElement("option");
        opt.value = value;
        if (a.kbli && a.kbli.length) { opt.label = value + " (KBLI " + a.kbli.join(", ") + ")"; }
        list.appendChild(opt);
      });
    } catch (e) { /* the search list is a convenience */ }
  }

  function activityCode() {
    var v = $("activity-input").value.trim();
    if (!v) { return ""; }
    var i = v.indexOf(" — ");
    return i > 0 ? v.slice(0, i).trim() : v;
  }

  // ------------------------------------------------------------------------------------- the date

  /** The date typed, or an i18n key saying what is wrong with it. */
  function checkDate(input) {
    var v = input.value;
    if (!v) { return { error: input.validity && input.validity.badInput ? "dateIncomplete" : "" }; }
    var m = /^(\d+)-(\d{2})-(\d{2})$/.exec(v);
    if (!m) { return { error: "dateInvalid" }; }
    if (m[1].length !== 4 || Number(m[1]) < 1900) { return { error: "dateYear" }; }
    var d = new Date(v + "T00:00:00Z");
    if (isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) { return { error: "dateInvalid" }; }
    return { value: v };
  }

  // A date typed digit by digit fires a change per digit: wait for a pause, and let only the newest load draw.
  var dateTimer = null;
  $("date-input").addEventListener("change", function () {
    var input = this;
    state.datePending = true;
    document.body.setAttribute("data-plans-loading", "true");
    clearTimeout(dateTimer);
    dateTimer = setTimeout(function () { dateChanged(input); }, 300);
  });

  function dateChanged(input) {
    state.datePending = false;
    var r = checkDate(input);
    var out = $("date-error");
    if (!r.value) {
      out.setAttribute("data-key", r.error || "");
      out.textContent = r.error ? t(r.error) : "";
      if (r.error) { input.setAttribute("aria-invalid", "true"); }
      settleLoading();
      return;   // the map and the answer stay as they are
    }
    out.textContent = "";
    out.setAttribute("data-key", "");
    input.removeAttribute("aria-invalid");
    if (r.value === state.date && !state.notice && state.plans.length) { settleLoading(); return; }
    state.date = r.value;
    loadPlans(false).then(function (newest) { if (newest) { rerun(); } });
  }

  /** No load pending: drop the "loading" mark unless a load is still in flight. */
  function settleLoading() {
    if (!state.loadingPlans && !state.datePending) { document.body.removeAttribute("data-plans-loading"); }
  }

  function rerun() {
    if (!state.last) { return; }
    if (state.last.kind === "point") { askPoint(state.last.lon, state.last.lat, false); }
    else { analyzeParcel(state.last.geometry, false); }
  }

  // ------------------------------------------------------------------------------ pieces of answers

  function classBadge(cls) {
    if (!cls) { return "–"; }
    return '<span class="badge badge-' + esc(cls) + '">' + esc(cls) + "</span> " + esc(t("class" + cls));
  }

  function planLine(plan) {
    if (!plan) { return ""; }
    return '<p class="plan-line">' + esc(t("plan")) + ": " + esc(plan.name) + " (" + esc(t("version")) + " " +
      esc(plan.version) + ") · " + esc(t("legalBasis")) + ": <span class=\"legal-basis\">" + esc(plan.legal_basis) +
      "</span> · " + esc(t("inForceFrom")) + " " + esc(fmtDate(plan.effective_from)) + "</p>";
  }

  // The intensity measures (labels, units, decimals) come from the server's one table (rdtr.units).
  var MEASURES = JSON.parse(($("intensity-measures") || {}).textContent || "[]");

  function measureLabel(m) { return lang() === "en" ? m.label_en : m.label_id; }
  function unitOf(m) { return m.unit ? " " + m.unit : ""; }
  function measureValue(m, v) { return num(v, unitOf(m), Math.max(m.digits, 2)); }

  function isClassLetter(code) { return /^[ITBX]$/i.test(code); }

  /** code → text of the conditions named in an answer (condition_rules first, then codes zipped with texts). */
  function conditionTexts(answer) {
    var out = {};
    function take(act) {
      if (!act) { return; }
      (act.condition_rules || []).forEach(function (r) { if (r.code && r.text) { out[r.code] = r.text; } });
      var codes = (act.codes || []).filter(function (c) { return !isClassLetter(c); });
      var texts = act.conditions || [];
      if (codes.length === texts.length) {
        codes.forEach(function (c, i) { if (!out[c]) { out[c] = texts[i]; } });
      }
    }
    (answer.zones || []).forEach(function (z) { take(z.activity); });
    if (answer.activity) { (answer.activity.by_zone || []).forEach(take); take(answer.activity); }
    return out;
  }

  /** The conditions of one ITBX cell, each code with its text ("T1 — Dibatasi …"). */
  function conditionItems(act, texts) {
    var codes = (act.codes || []).filter(function (c) { return !isClassLetter(c); });
    var items = codes.map(function (c) {
      return '<li><strong class="code">' + esc(c) + "</strong> " + esc(texts[c] || t("conditionNoText")) + "</li>";
    });
    if (!codes.length) {
      items = (act.conditions || []).map(function (x) { return "<li>" + esc(x) + "</li>"; });
    }
    return items;
  }

  function purposeOf(z) {
    var key = "purpose_" + String(z.zone_code || "").toUpperCase().replace(/[^A-Z0-9]/g, "");
    var text = t(key);
    if (text !== key) { return text; }
    return z.zone_name ? t("purposeOf", { zone: z.zone_name }) : "";
  }

  /** The verdict element: the first thing in an answer. */
  function verdictHtml(v) {
    var cls = v.cls || "none";
    return '<div class="verdict verdict-' + esc(cls) + '" data-testid="verdict" data-class="' + esc(v.cls || "") +
      '" tabindex="-1">' +
      (v.icon ? '<span class="verdict-icon" aria-hidden="true">' + esc(v.icon) + "</span>" : v.swatch || "") +
      '<div class="verdict-text"><p class="verdict-word">' + esc(v.word) + "</p>" +
      (v.what ? '<p class="verdict-what">' + v.what + "</p>" : "") +
      (v.note ? '<p class="verdict-note">' + esc(v.note) + "</p>" : "") +
      (v.items && v.items.length ? '<ul class="verdict-conditions">' + v.items.join("") + "</ul>" : "") +
      (v.next ? '<p class="verdict-next">' + esc(v.next) + "</p>" : "") + "</div></div>";
  }

  function activityVerdict(cls, act, where, items) {
    if (!cls) {
      return { cls: "none", icon: "?", word: t("verdictNone"), what: esc(act.code + " " + (act.name || "")) + where,
               note: t("verdictNoteNone") };
    }
    var note = t("verdictNote" + cls);
    if (cls === "T" && !items.length) { note = t("verdictNoteTUnwritten"); }
    return { cls: cls, icon: CLASS_ICONS[cls], word: t("verdict" + cls),
             what: esc(act.code + " " + (act.name || "")) + where, note: note, items: items };
  }

  function revealVerdict() {
    var v = document.querySelector("#result-body [data-testid=verdict]");
    if (!v) { return; }
    // The panel scrolls on wide screens, the page on phones: bring the verdict to the top of whichever does.
    var panel = $("panel");
    if (getComputedStyle(panel).overflowY !== "visible" && panel.scrollHeight > panel.clientHeight) {
      panel.scrollTop += v.getBoundingClientRect().top - panel.getBoundingClientRect().top - 6;
    }
    var r = v.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) { window.scrollBy(0, r.top - 6); }
    $("verdict-live").textContent = v.innerText.replace(/\s+/g, " ").trim();
  }

  function showResult(html) {
    $("result-body").innerHTML = html;
    revealVerdict();
  }

  function showAnswerError(message) {
    $("result-body").innerHTML = verdictHtml({ cls: "error", icon: "!", word: t("errorPrefix"), note: message });
    revealVerdict();
    setStatus(t("errorPrefix") + ": " + message);
  }

  function notCoveredVerdict(message) {
    var n = state.notice;
    if (n && n.from) {
      return verdictHtml({ cls: "none", icon: "–", word: t("noPlanOn", { date: fmtDate(n.date) }),
                           note: t("planFrom", { name: n.name, from: fmtDate(n.from) }) });
    }
    return verdictHtml({ cls: "none", icon: "–", word: t("notCovered"),
                         note: message && !technical(message) ? message : t("notCoveredNote") });
  }

  // ---------------------------------------------------------------------------- intensity at a point

  function explainRow(m, value, extra) {
    return '<tr data-field="' + esc(m.field) + '"><th scope="row"><span class="term">' + esc(measureLabel(m)) +
      '</span><span class="explain">' + esc(t("explain_" + m.field)) + "</span></th><td>" + value +
      (extra ? '<span class="derived">' + esc(extra) + "</span>" : "") + "</td></tr>";
  }

  function lotClassName(c) {
    var lo = c.lot_area_min_m2, hi = c.lot_area_max_m2;
    if ((lo === null || lo === undefined || lo === 0) && hi !== null && hi !== undefined) {
      return t("lotBelow", { v: num(hi, " m²", 0) });
    }
    if (hi === null || hi === undefined) { return t("lotFrom", { v: num(lo, " m²", 0) }); }
    return t("lotRange", { lo: num(lo, "", 0), hi: num(hi, " m²", 0) });
  }

  /** What a measure means on a lot of `area` m² ("= 150 m²"). */
  function derived(field, value, area) {
    if (area === null || value === null || value === undefined) { return ""; }
    if (field === "kdb_max") { return t("derivedFootprint", { v: num(value * area / 100, " m²", 0) }); }
    if (field === "klb_max") { return t("derivedFloorArea", { v: num(value * area, " m²", 0) }); }
    if (field === "kdh_min") { return t("derivedGreen", { v: num(value * area / 100, " m²", 0) }); }
    return "";
  }

  function intensityHtml(z, notPermitted) {
    var it = z.intensity || {};
    var classes = it.by_lot_size;
    var html = '<div class="intensity" data-testid="intensity">';
    if (notPermitted) {
      html += '<table class="kv"><caption>' + esc(t("intensity")) + "</caption>" +
        MEASURES.filter(function (m) { return it[m.field] !== null && it[m.field] !== undefined; }).map(function (m) {
          return explainRow(m, '<span class="not-applicable">' + esc(t("notApplicable")) + "</span>");
        }).join("") + "</table>";
      return html + "</div>";
    }
    var area = state.lotArea;
    if (classes && classes.length) {
      var fitting = area === null ? null : classes.filter(function (c) {
        return (c.lot_area_min_m2 === null || area >= c.lot_area_min_m2) &&
               (c.lot_area_max_m2 === null || area < c.lot_area_max_m2);
      })[0];
      if (area !== null && fitting) {
        var values = Object.assign({}, it, fitting);
        html += '<table class="kv intensity-chosen"><caption>' +
          esc(t("intensityForLot", { area: num(area, " m²", 1), cls: lotClassName(fitting) })) + "</caption>" +
          MEASURES.filter(function (m) { return values[m.field] !== null && values[m.field] !== undefined; })
            .map(function (m) { return explainRow(m, measureValue(m, values[m.field]), derived(m.field, values[m.field], area)); })
            .join("") + "</table>";
        if (values.lot_min_m2 && area < values.lot_min_m2) {
          html += '<p class="warning">' + esc(t("belowLotMin", { v: num(values.lot_min_m2, " m²", 0) })) + "</p>";
        }
        return html + "</div>";
      }
      if (area !== null) {
        html += '<p class="warning">' + esc(t("noLotClass", { area: num(area, " m²", 1) })) + "</p>";
      }
      // Every class until a lot area is given: the measures that differ, one column each.
      var varying = MEASURES.filter(function (m) {
        var seen = {};
        classes.forEach(function (c) { seen[String(c[m.field])] = true; });
        return Object.keys(seen).length > 1;
      });
      html += '<div class="table-scroll" tabindex="0" role="region" aria-label="' + esc(t("intensityByLot")) + '">' +
        '<table class="lot-classes"><caption>' + esc(t("intensityByLot")) +
        '</caption><thead><tr><th scope="col">' + esc(t("lotArea")) + "</th>" +
        varying.map(function (m) { return '<th scope="col">' + esc(measureLabel(m)) + "</th>"; }).join("") +
        "</tr></thead><tbody>" + classes.map(function (c) {
          return '<tr><th scope="row">' + esc(lotClassName(c)) + "</th>" + varying.map(function (m) {
            return "<td>" + measureValue(m, c[m.field]) + "</td>";
          }).join("") + "</tr>";
        }).join("") + "</tbody></table></div>";
      html += '<ul class="glossary">' + varying.map(function (m) {
        return "<li>" + esc(t("explain_" + m.field)) + "</li>";
      }).join("") + "</ul>";
      var common = MEASURES.filter(function (m) {
        return varying.indexOf(m) < 0 && it[m.field] !== null && it[m.field] !== undefined;
      });
      if (common.length) {
        html += '<table class="kv"><caption>' + esc(t("intensityAll")) + "</caption>" +
          common.map(function (m) { return explainRow(m, measureValue(m, it[m.field])); }).join("") + "</table>";
      }
      return html + "</div>";
    }
    var rows = MEASURES.filter(function (m) { return it[m.field] !== null && it[m.field] !== undefined; });
    if (!rows.length) { return html + '<p class="hint">' + esc(t("noIntensity")) + "</p></div>"; }
    html += '<table class="kv"><caption>' + esc(t("intensity")) + "</caption>" +
      rows.map(function (m) { return explainRow(m, measureValue(m, it[m.field]), derived(m.field, it[m.field], area)); })
        .join("") + "</table>";
    return html + "</div>";
  }

  function lotAreaField(show) {
    if (!show) { return ""; }
    return '<div class="lot-area-box"><label for="lot-area">' + esc(t("lotAreaLabel")) + "</label>" +
      '<input id="lot-area" data-testid="lot-area" type="text" inputmode="decimal" autocomplete="off" ' +
      'spellcheck="false" aria-describedby="lot-area-hint lot-area-error" value="' +
      esc(state.lotArea === null ? "" : num(state.lotArea, "", 2).replace(/\s/g, "")) + '">' +
      '<p id="lot-area-hint" class="hint">' + esc(t("lotAreaHint")) + "</p>" +
      '<p id="lot-area-error" class="error" role="alert"></p></div>';
  }

  function bindLotArea() {
    var input = $("lot-area");
    if (!input) { return; }
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var raw = input.value.trim();
        var n = raw ? readNumber(raw) : null;
        if (raw && (n === null || n <= 0)) {
          $("lot-area-error").textContent = t("lotAreaBad");
          input.setAttribute("aria-invalid", "true");
          return;
        }
        $("lot-area-error").textContent = "";
        input.removeAttribute("aria-invalid");
        state.lotArea = n;
        renderIntensities();
      }, 250);
    });
  }

  function renderIntensities() {
    var a = state.lastPoint;
    if (!a) { return; }
    (a.zones || []).forEach(function (z, i) {
      var box = document.querySelector('#result-body .zone-answer[data-index="' + i + '"] .intensity');
      if (box) { box.outerHTML = intensityHtml(z, z.activity && z.activity["class"] === "X"); }
    });
  }

  // ------------------------------------------------------------------------------ point question

  map.on("click", function (e) {
    if (state.drawing) { return; }
    askPoint(e.latlng.lng, e.latlng.lat, false);
  });
  $("check-center").addEventListener("click", function () {
    var c = map.getCenter();
    askPoint(c.lng, c.lat, false);
  });

  async function askPoint(lon, lat, pan) {
    var qn = newQuestion();
    state.last = { kind: "point", lon: lon, lat: lat };
    pointLayer.clearLayers();
    L.circleMarker([lat, lon], { radius: 8, color: "#fff", weight: 3, fillColor: "#d0006f", fillOpacity: 1 })
      .addTo(pointLayer);
    if (pan) { map.setView([lat, lon], Math.max(map.getZoom(), 17)); }
    var q = new URLSearchParams({ lon: lon.toFixed(7), lat: lat.toFixed(7), at: state.date });
    if (state.activity) { q.set("activity", state.activity); }
    if (state.onlyPlan) { q.set("plan", state.onlyPlan); }
    setStatus(t("loading"));
    $("result-body").setAttribute("aria-busy", "true");
    try {
      var answer = await api("/v1/zoning?" + q.toString(), { signal: qn.signal });
      if (qn.seq !== state.answerSeq) { return; }
      renderPoint(answer, q);
      highlightZones(lon, lat, answer.zones);
      setStatus("");
    } catch (e) {
      if (aborted(e) || qn.seq !== state.answerSeq) { return; }
      highlightLayer.clearLayers();
      showAnswerError(answerError(e));
    } finally {
      if (qn.seq === state.answerSeq) { $("result-body").removeAttribute("aria-busy"); }
    }
  }

  function pointVerdict(a) {
    var zones = a.zones || [];
    if (!zones.length) { return notCoveredVerdict(a.message); }
    var texts = conditionTexts(a);
    if (state.activity && zones.some(function (z) { return z.activity; })) {
      // The strictest of the covering zones decides (plans may overlap).
      var z = zones.slice().sort(function (p, q) {
        return (CLASS_RANK[(q.activity || {})["class"]] || 0) - (CLASS_RANK[(p.activity || {})["class"]] || 0);
      })[0];
      var act = z.activity || {};
      var where = ' <span class="verdict-where">' + esc(t("inSubzone", { code: z.subzone_code, name: z.subzone_name || "" })) +
        "</span>";
      return verdictHtml(activityVerdict(act["class"], act, where, conditionItems(act, texts)));
    }
    var first = zones[0];
    return verdictHtml({
      cls: "zone", swatch: '<span class="verdict-swatch">' + swatch(first.subzone_code) + "</span>",
      word: first.subzone_code + " · " + (first.subzone_name || ""),
      what: esc(purposeOf(first)),
      next: t("chooseActivity")
    });
  }

  function renderPoint(a, q) {
    state.lastPoint = a;
    var zones = a.zones || [];
    var texts = conditionTexts(a);
    var html = pointVerdict(a);
    var lotClasses = !!zones.filter(function (z) {
      return z.intensity && z.intensity.by_lot_size && !(z.activity && z.activity["class"] === "X");
    }).length;
    html += lotAreaField(lotClasses);
    html += '<h3 class="answer-title">' + esc(t("zoningAt")) + "</h3>" +
      '<p class="coords">' + num(a.location.lat, "", 6) + ", " + num(a.location.lon, "", 6) + " · " +
      esc(fmtDate(a.at)) + "</p>";
    zones.forEach(function (z, i) {
      var act = z.activity;
      html += '<article class="zone-answer" data-index="' + i + '" data-subzone="' + esc(z.subzone_code) + '">' +
        "<h4>" + swatch(z.subzone_code) + '<span class="subzone-code">' + esc(z.subzone_code) + "</span> " +
        esc(z.subzone_name || "") + "</h4>" + intensityHtml(z, act && act["class"] === "X") + "<dl>" +
        "<dt>" + esc(t("zone")) + "</dt><dd>" + esc(z.zone_code || "") + " " + esc(z.zone_name || "") + "</dd>" +
        "<dt>" + esc(t("block")) + "</dt><dd>" + esc(z.block || "–") + (z.subblock ? " / " + esc(z.subblock) : "") + "</dd>" +
        "<dt>" + esc(t("place")) + "</dt><dd>" + esc(z.kelurahan || "–") + ", " + esc(z.kecamatan || "–") + "</dd>";
      if (act) {
        var items = conditionItems(act, texts);
        html += "<dt>" + esc(t("activity")) + "</dt><dd>" + esc(act.code) + " " + esc(act.name) +
          ": " + classBadge(act["class"]) + (items.length ? "<ul>" + items.join("") + "</ul>" : "") + "</dd>";
      }
      var sp = (z.special_provisions || []).map(function (p) { return p.kind + ": " + p.value; });
      html += "<dt>" + esc(t("special")) + "</dt><dd>" + esc(sp.length ? sp.join("; ") : t("none")) + "</dd>";
      html += "<dt>" + esc(t("tpz")) + "</dt><dd>" + tpzHtml(z) + "</dd>";
      html += "</dl>";
      if (z.near_boundary) {
        html += '<p class="warning">' + esc(t("nearBoundary", { d: num(z.boundary_distance_m, "", 1) })) + "</p>";
      }
      html += planLine(z.plan) + "</article>";
    });
    html += overlaysHtml(a.overlays);
    var preview = "/v1/zoning?" + q.toString() + "&f=html&lang=" + lang();  // a new tab: the page's language
    html += '<p class="links"><a href="' + esc(preview) + '" target="_blank" rel="noopener">' + esc(t("preview")) +
      '</a> · <a href="/v1/zoning?' + esc(q.toString()) + '" target="_blank" rel="noopener">' + esc(t("json")) + "</a></p>";
    showResult(html);
    bindLotArea();
  }

  function tpzHtml(z) {
    var texts = {};
    (z.tpz_texts || []).forEach(function (x) { if (x && x.code) { texts[x.code] = x.text; } });
    if (!z.tpz || !z.tpz.length) { return esc(t("none")); }
    return '<ul class="tpz">' + z.tpz.map(function (code) {
      return '<li><strong class="code">' + esc(code) + "</strong> " + esc(texts[code] || t("tpzNoText")) + "</li>";
    }).join("") + "</ul>";
  }

  function overlaysHtml(overlays) {
    return (overlays || []).map(function (o) {
      return '<p class="overlay"><strong>' + esc(o.kind) + "</strong> " + esc(o.name || "") + ": " + esc(o.text || "") + "</p>";
    }).join("");
  }

  function swatch(code) {
    var e = state.legend.filter(function (x) { return x.subzone_code === code; })[0];
    var dash = state.dash[code];
    var border = dash === "7 4" ? "dashed" : dash === "2 3" ? "dotted" : "solid";
    return '<span class="swatch" style="background:' + esc(e ? e.color : "#ccc") + ";border-style:" + border +
      '"></span>';
  }

  // ----------------------------------------------------------------------------- find a place

  var PLACE_KINDS = ["kelurahan", "kecamatan", "block", "subblock", "subzone", "parcel"];

  $("find-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    var q = $("find-input").value.trim();
    showError($("find-error"), "");
    hideResults();
    if (!q) { return; }
    var numbers = (q.match(/\d+(?:[.,]\d+)?/g) || []).length;
    var words = /[A-Za-zÀ-ÿ]{3,}/.test(q);
    if (numbers >= 2) {
      try {
        var p = await api("/v1/coordinates?q=" + encodeURIComponent(q));
        setStatus(t("found", { lat: num(p.lat, "", 6), lon: num(p.lon, "", 6) }));
        await askPoint(p.lon, p.lat, true);
        return;
      } catch (e) {
        if (!words) { showError($("find-error"), t("coordsUnreadable")); return; }
      }
    }
    await findPlaces(q);
  });

  async function findPlaces(q) {
    var path = "/v1/places?q=" + encodeURIComponent(q) + "&at=" + encodeURIComponent(state.date) +
      (state.onlyPlan ? "&plan=" + encodeURIComponent(state.onlyPlan) : "");
    setStatus(t("searching"));
    var doc;
    try {
      doc = await api(path);
    } catch (e) {
      setStatus("");
      showError($("find-error"), e.status === 404 ? t("placesUnavailable") : e.message);
      return;
    }
    setStatus("");
    var places = (doc && doc.places) || [];
    if (!places.length) { showError($("find-error"), t("placeNotFound", { q: q })); return; }
    if (places.length === 1) { choosePlace(places[0]); return; }
    var list = $("find-results");
    list.innerHTML = places.slice(0, 8).map(function (p, i) {
      return '<li><button type="button" class="place" data-index="' + i + '" data-kind="' + esc(p.kind) + '">' +
        '<span class="place-name">' + esc(p.name) + "</span>" +
        (p.label && p.label !== p.name ? ' <span class="place-label">' + esc(p.label) + "</span>" : "") +
        ' <span class="place-kind">' +
        esc(PLACE_KINDS.indexOf(p.kind) >= 0 ? t("kind_" + p.kind) : p.kind) + "</span></button></li>";
    }).join("");
    list.hidden = false;
    list.querySelectorAll("button.place").forEach(function (b) {
      b.addEventListener("click", function () {
        var p = places[Number(this.getAttribute("data-index"))];
        hideResults();
        choosePlace(p);
      });
    });
    setStatus(t("placesFound", { n: Math.min(places.length, 8) }));
  }

  function hideResults() {
    var list = $("find-results");
    list.hidden = true;
    list.innerHTML = "";
  }

  function choosePlace(p) {
    if (p.bbox && p.bbox.length === 4) {
      map.fitBounds([[p.bbox[1], p.bbox[0]], [p.bbox[3], p.bbox[2]]], { maxZoom: 17, animate: false });
    }
    setStatus(t("showingPlace", { kind: PLACE_KINDS.indexOf(p.kind) >= 0 ? t("kind_" + p.kind) : p.kind, name: p.name }));
    if (p.kind === "parcel") { return parcelById(p); }
    var pt = p.point || (p.bbox ? [(p.bbox[0] + p.bbox[2]) / 2, (p.bbox[1] + p.bbox[3]) / 2] : null);
    if (pt) { return askPoint(pt[0], pt[1], !p.bbox); }
  }

  async function parcelById(p) {
    var id = p.id || p.parcel_id || p.name;
    var q = new URLSearchParams({ at: state.date });
    if (state.activity) { q.set("activity", state.activity); }
    var qn = newQuestion();
    setStatus(t("loading"));
    try {
      var answer = await api("/v1/parcels/" + encodeURIComponent(p.plan) + "/" + encodeURIComponent(id) + "?" + q, {
        signal: qn.signal
      });
      if (qn.seq !== state.answerSeq) { return; }
      var geometry = answer.geometry || (answer.parcel && answer.parcel.geometry) || null;
      if (geometry) { drawParcel(geometry, true); state.last = { kind: "parcel", geometry: geometry }; state.lastParcel = geometry; }
      renderParcel(answer, geometry);
      setStatus("");
      document.dispatchEvent(new CustomEvent("rdtr:parcel", { detail: { geometry: geometry, analysis: answer } }));
    } catch (e) {
      if (aborted(e) || qn.seq !== state.answerSeq) { return; }
      if (p.point) { askPoint(p.point[0], p.point[1], false); return; }
      showAnswerError(answerError(e));
    }
  }

  // Where am I: the device's position (browser geolocation), with a clear word when it cannot be had.
  $("locate-me").addEventListener("click", function () {
    var out = $("locate-error");
    out.textContent = "";
    if (!navigator.geolocation) { out.textContent = t("geoUnavailable"); return; }
    if (window.isSecureContext === false) { out.textContent = t("geoInsecure"); return; }
    setStatus(t("locating"));
    var button = this;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      button.disabled = false;
      var c = pos.coords;
      setStatus(t("located", { acc: num(c.accuracy, " m", 0) }));
      if (c.accuracy > 50) { out.textContent = t("geoCoarse", { acc: num(c.accuracy, " m", 0) }); }
      askPoint(c.longitude, c.latitude, true);
    }, function (err) {
      button.disabled = false;
      setStatus("");
      out.textContent = t({ 1: "geoDenied", 2: "geoUnavailable", 3: "geoTimeout" }[err && err.code] || "geoUnavailable");
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });

  // Examples inside the plan that is loaded (its TileJSON centre), in the formats the field reads.
  function dms(value, pos, neg) {
    var a = Math.abs(value);
    var d = Math.floor(a);
    var mFloat = (a - d) * 60;
    var m = Math.floor(mFloat);
    var s = Math.round((mFloat - m) * 60);
    if (s === 60) { s = 0; m += 1; }
    if (m === 60) { m = 0; d += 1; }
    return d + "°" + String(m).padStart(2, "0") + "'" + String(s).padStart(2, "0") + "\"" + (value < 0 ? neg : pos);
  }

  function utm(lat, lon) {
    var zone = Math.floor((lon + 180) / 6) + 1;
    var lon0 = ((zone - 1) * 6 - 180 + 3) * Math.PI / 180;
    var a = 6378137, f = 1 / 298.257222101, k0 = 0.9996;
    var e2 = f * (2 - f), ep2 = e2 / (1 - e2);
    var phi = lat * Math.PI / 180, lam = lon * Math.PI / 180 - lon0;
    var sin = Math.sin(phi), cos = Math.cos(phi), tan = Math.tan(phi);
    var N = a / Math.sqrt(1 - e2 * sin * sin), T = tan * tan, C = ep2 * cos * cos, A = cos * lam;
    var e4 = e2 * e2, e6 = e4 * e2;
    var M = a * ((1 - e2 / 4 - 3 * e4 / 64 - 5 * e6 / 256) * phi - (3 * e2 / 8 + 3 * e4 / 32 + 45 * e6 / 1024) * Math.sin(2 * phi) +
                 (15 * e4 / 256 + 45 * e6 / 1024) * Math.sin(4 * phi) - (35 * e6 / 3072) * Math.sin(6 * phi));
    var x = k0 * N * (A + (1 - T + C) * Math.pow(A, 3) / 6 + (5 - 18 * T + T * T + 72 * C - 58 * ep2) * Math.pow(A, 5) / 120) + 500000;
    var y = k0 * (M + N * tan * (A * A / 2 + (5 - T + 9 * C + 4 * C * C) * Math.pow(A, 4) / 24 +
                                 (61 - 58 * T + T * T + 600 * C - 330 * ep2) * Math.pow(A, 6) / 720));
    if (lat < 0) { y += 10000000; }
    return zone + (lat < 0 ? "S" : "N") + " " + Math.round(x) + " " + Math.round(y);
  }

  function updateExamples() {
    var ex = state.example;
    if (!ex) {
      $("find-hint").textContent = t("findHintPlain");
      $("coords-hint").textContent = t("coordsHintPlain");
      return;
    }
    var en = lang() === "en";
    var dec = ex.lat.toFixed(5) + ", " + ex.lon.toFixed(5);
    $("find-hint").textContent = t("findHintEx", {
      dec: dec,
      dms: dms(ex.lat, en ? "N" : "LU", en ? "S" : "LS") + " " + dms(ex.lon, en ? "E" : "BT", en ? "W" : "BB"),
      utm: utm(ex.lat, ex.lon)
    });
    $("coords-hint").textContent = t("coordsHintEx", { dec: dec });
  }

  // ---------------------------------------------------------------------------- parcel question

  function geometryOf(doc) {
    if (!doc) { return null; }
    if (doc.type === "FeatureCollection") {
      var f = (doc.features || []).filter(function (x) {
        return x && x.geometry && /Polygon$/.test(x.geometry.type);
      })[0];
      return f ? f.geometry : null;
    }
    if (doc.type === "Feature") { return doc.geometry; }
    if (doc.type === "Polygon" || doc.type === "MultiPolygon") { return doc; }
    return null;
  }

  function drawParcel(geometry, fit) {
    parcelLayer.clearLayers();
    highlightLayer.clearLayers();
    pointLayer.clearLayers();
    L.geoJSON(geometry, { style: { color: "#d0006f", weight: 4, fill: false }, interactive: false }).addTo(parcelLayer);
    if (fit !== false) { map.fitBounds(parcelLayer.getBounds().pad(0.5), { maxZoom: 18 }); }
  }

  async function analyzeParcel(geometry, fit) {
    var qn = newQuestion();
    state.last = { kind: "parcel", geometry: geometry };
    state.lastParcel = geometry;
    showError($("parcel-error"), "");
    drawParcel(geometry, fit);
    var q = new URLSearchParams({ at: state.date });
    if (state.activity) { q.set("activity", state.activity); }
    if (state.onlyPlan) { q.set("plan", state.onlyPlan); }
    setStatus(t("loading"));
    $("result-body").setAttribute("aria-busy", "true");
    try {
      var answer = await api("/v1/parcels/analyze?" + q.toString(), {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(geometry),
        signal: qn.signal
      });
      if (qn.seq !== state.answerSeq) { return; }
      renderParcel(answer, geometry, q);
      setStatus("");
      // The building-plan check (check.js) follows the parcel on the page.
      document.dispatchEvent(new CustomEvent("rdtr:parcel", { detail: { geometry: geometry, analysis: answer } }));
    } catch (e) {
      if (aborted(e) || qn.seq !== state.answerSeq) { return; }
      document.dispatchEvent(new CustomEvent("rdtr:parcel", { detail: { geometry: null } }));
      var message = answerError(e);
      showError($("parcel-error"), t("errorPrefix") + ": " + message);
      showAnswerError(message);
    } finally {
      if (qn.seq === state.answerSeq) { $("result-body").removeAttribute("aria-busy"); }
    }
  }

  function parcelVerdict(a) {
    var zones = (a.zones || []).filter(function (z) { return !z.sliver; });
    if (!(a.zones || []).length) { return notCoveredVerdict(a.message); }
    var texts = conditionTexts(a);
    if (a.activity) {
      var by = (a.activity.by_zone || []).filter(function (bz) { return !bz.sliver; });
      var several = by.length > 1;
      var items = [];
      by.forEach(function (bz) {
        conditionItems(bz, texts).forEach(function (li) {
          items.push(several ? li.replace("<li>", '<li><span class="where">' + esc(bz.subzone_code) + ":</span> ") : li);
        });
      });
      var where = zones.length ? ' <span class="verdict-where">' + esc(t("onParcel", {
        area: num((a.parcel || {}).area_m2, " m²", 0),
        zones: zones.map(function (z) { return z.subzone_code; }).filter(function (c, i, all) { return all.indexOf(c) === i; }).join(", ")
      })) + "</span>" : "";
      return verdictHtml(activityVerdict(a.activity["class"], a.activity, where, items));
    }
    var main = zones.slice().sort(function (p, q) { return (q.share || 0) - (p.share || 0); })[0] || a.zones[0];
    var codes = {};
    zones.forEach(function (z) { codes[z.subzone_code] = (codes[z.subzone_code] || 0) + (z.share || 0); });
    var names = Object.keys(codes);
    return verdictHtml({
      cls: "zone", swatch: '<span class="verdict-swatch">' + swatch(main.subzone_code) + "</span>",
      word: names.length > 1 ? t("parcelInZones", { n: names.length }) : main.subzone_code + " · " + (main.subzone_name || ""),
      what: names.length > 1 ? esc(names.map(function (c) { return c + " " + num(codes[c] * 100, " %", 0); }).join(", "))
                             : esc(purposeOf(main)),
      next: t("chooseActivity")
    });
  }

  var LIMITS = [
    ["max_footprint_m2", "maxFootprint", " m²"], ["max_floor_area_m2", "maxFloorArea", " m²"],
    ["min_green_area_m2", "minGreen", " m²"], ["max_basement_area_m2", "maxBasement", " m²"],
    ["max_height_m", "maxHeight", " m"], ["max_floors", "maxFloors", ""], ["min_setback_m", "minSetback", " m"],
    ["min_lot_area_m2", "minLot", " m²"]
  ];

  function limitsHtml(a) {
    var l = a.limits || {};
    var notPermitted = a.activity && a.activity["class"] === "X";
    var decided = l.decided_by || {};
    var rows = LIMITS.filter(function (r) {
      return ["max_footprint_m2", "max_floor_area_m2", "min_green_area_m2", "max_height_m", "max_floors"].indexOf(r[0]) >= 0 ||
        (l[r[0]] !== null && l[r[0]] !== undefined);
    }).map(function (r) {
      var value;
      if (notPermitted) {
        value = '<span class="not-applicable">' + esc(t("notApplicable")) + "</span>";
      } else {
        value = num(l[r[0]], r[2], r[0] === "max_floors" ? 0 : 1);
        var by = (decided[r[0]] || []).filter(function (d) { return d.by === "condition" && d.code; })[0];
        if (by) { value += '<span class="derived">' + esc(t("byCondition", { code: by.code })) + "</span>"; }
      }
      return '<tr data-limit="' + r[0] + '"><th scope="row">' + esc(t(r[1])) + "</th><td>" + value + "</td></tr>";
    }).join("");
    return '<table class="kv limits" data-testid="limits"><caption>' + esc(t("limits")) + "</caption>" + rows + "</table>";
  }

  function renderParcel(a, geometry, q) {
    var p = a.parcel || {};
    var html = parcelVerdict(a);
    html += '<h3 class="answer-title">' + esc(t("parcelAnalysis")) + "</h3>" +
      '<p class="parcel-area">' + esc(t("area")) + ": <strong>" + num(p.area_m2, " m²") + "</strong>" +
      (p.repaired ? " (" + esc(t("repaired")) + ")" : "") + " · " + esc(t("covered")) + ": " +
      num((a.covered_share || 0) * 100, " %") + " · " + esc(fmtDate(a.at)) + '<span class="visually-hidden"> (' +
      esc(a.at) + ")</span></p>";
    if (a.zones && a.zones.length) {
      html += '<table class="pieces"><caption>' + esc(t("pieces")) + "</caption><thead><tr><th scope=\"col\">" +
        esc(t("subzone")) + "</th><th scope=\"col\">" + esc(t("area")) + "</th><th scope=\"col\">" + esc(t("share")) +
        "</th></tr></thead><tbody>";
      a.zones.forEach(function (z) {
        html += "<tr><td>" + swatch(z.subzone_code) + '<span class="subzone-code">' + esc(z.subzone_code) + "</span> " +
          esc(z.subzone_name || "") + "</td><td>" + num(z.area_m2, " m²") + "</td><td>" +
          num((z.share || 0) * 100, " %") + "</td></tr>";
      });
      html += "</tbody></table>";
    } else {
      html += '<p class="not-covered"><strong>' + esc(t("notCovered")) + "</strong></p>";
    }
    if (a.slivers && a.slivers.length) {
      html += '<p class="hint">' + esc(t("slivers")) + ": " + a.slivers.map(function (s) {
        return esc(s.subzone_code) + " " + num(s.area_m2, " m²", 2);
      }).join(", ") + "</p>";
    }
    if (a.activity) {
      var texts = conditionTexts(a);
      var rows = (a.activity.by_zone || []).map(function (bz) {
        var items = conditionItems(bz, texts);
        return "<tr><td>" + esc(bz.subzone_code) + "</td><td>" + classBadge(bz["class"]) + "</td><td>" +
          (items.length ? '<ul class="plain">' + items.join("") + "</ul>" : "–") + "</td></tr>";
      }).join("");
      if (rows) {
        html += '<table class="by-zone"><caption>' + esc(t("activity")) + ": " + esc(a.activity.code) + " " +
          esc(a.activity.name || "") + '</caption><thead><tr><th scope="col">' + esc(t("subzone")) +
          '</th><th scope="col">' + esc(t("klass")) + '</th><th scope="col">' + esc(t("conditions")) +
          "</th></tr></thead><tbody>" + rows + "</tbody></table>";
      }
    }
    html += limitsHtml(a);
    if (a.lot_size && a.lot_size.breach) {
      var b = (a.lot_size.breaches || [])[0] || {};
      html += '<p class="warning">' + esc(t("parcelBelowLotMin", { v: num(b.lot_min_m2, " m²", 0) })) + "</p>";
    }
    (a.zones || []).forEach(function (z) {
      if (z.tpz && z.tpz.length) { html += '<p class="tpz-line">' + esc(t("tpz")) + " " + esc(z.subzone_code) + ": " + tpzHtml(z) + "</p>"; }
    });
    html += overlaysHtml(a.overlays);
    var plans = {};
    (a.zones || []).forEach(function (z) { if (z.plan) { plans[z.plan.id + "/" + z.plan.version] = z.plan; } });
    Object.keys(plans).forEach(function (k) { html += planLine(plans[k]); });
    if (geometry) { html += previewForm(geometry, q); }
    showResult(html);
  }

  /** The parcel's map preview (POST /v1/parcels/analyze?f=html) in a new tab. A form cannot send JSON, but a
   *  text/plain form sends "name=value" as is: the JSON is split so that "=" lands in a member's name. */
  function previewForm(geometry, q) {
    var params = new URLSearchParams(q ? q.toString() : "at=" + state.date);
    params.set("f", "html");
    params.set("lang", lang());
    var json = JSON.stringify({ type: "Feature", properties: {}, geometry: geometry });
    var name = json.slice(0, -1) + ',"';
    var value = '":0}';
    return '<form class="preview-form" method="post" enctype="text/plain" target="_blank" action="/v1/parcels/analyze?' +
      esc(params.toString()) + '"><input type="hidden" name="' + esc(name) + '" value="' + esc(value) + '">' +
      '<button type="submit" class="secondary" data-testid="parcel-preview">' + esc(t("parcelPreview")) +
      "</button></form>";
  }

  // Drawing (leaflet-draw).
  var drawHandler = null;
  if (L.Draw && L.Draw.Polygon) {
    drawHandler = new L.Draw.Polygon(map, {
      allowIntersection: false, showArea: false,
      shapeOptions: { color: "#d0006f", weight: 4, fill: false }
    });
    map.on(L.Draw.Event.DRAWSTART, function () { state.drawing = true; setStatus(t("drawing")); });
    map.on(L.Draw.Event.DRAWSTOP, function () { setTimeout(function () { state.drawing = false; }, 50); });
    map.on(L.Draw.Event.CREATED, function (e) {
      state.drawing = false;
      analyzeParcel(e.layer.toGeoJSON().geometry, false);
    });
  }
  $("draw-parcel").addEventListener("click", function () {
    if (!drawHandler) { showError($("parcel-error"), t("drawMissing")); return; }
    drawHandler.enable();
  });

  // Typed coordinates.
  function parseLine(line) {
    var nums = line.replace(/;/g, ",").match(/[-+]?\d+(?:\.\d+)?/g);
    if (!nums || nums.length !== 2) { return null; }
    var a = parseFloat(nums[0]);
    var b = parseFloat(nums[1]);
    if (Math.abs(a) > 90 && Math.abs(b) <= 90) { return [a, b]; }     // lon lat
    if (Math.abs(b) > 90 && Math.abs(a) <= 90) { return [b, a]; }     // lat lon
    return [b, a];                                                  // two small numbers: lat, lon
  }

  async function parseCoordinates(text) {
    var lines = text.split(/\n/).map(function (s) { return s.trim(); }).filter(Boolean);
    var ring = [];
    for (var i = 0; i < lines.length; i++) {
      var xy = parseLine(lines[i]);
      if (!xy) {
        try {
          var p = await api("/v1/coordinates?q=" + encodeURIComponent(lines[i]));
          xy = [p.lon, p.lat];
        } catch (e) {
          throw new Error(t("coordsBadLine", { n: i + 1, line: lines[i] }));
        }
      }
      ring.push(xy);
    }
    if (ring.length >= 2 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1]) {
      ring.pop();
    }
    if (ring.length < 3) { throw new Error(t("coordsNeed3")); }
    ring.push(ring[0].slice());
    return { type: "Polygon", coordinates: [ring] };
  }

  $("analyze-coords").addEventListener("click", async function () {
    showError($("parcel-error"), "");
    try {
      var geometry = await parseCoordinates($("parcel-coords").value);
      await analyzeParcel(geometry, true);
    } catch (e) {
      showError($("parcel-error"), e.message);
    }
  });

  // Uploaded files: GeoJSON is read here, KML / zipped Shapefile / GeoPackage on the server.
  $("parcel-file").addEventListener("change", async function () {
    var file = this.files && this.files[0];
    if (!file) { return; }
    showError($("parcel-error"), "");
    try {
      var doc;
      if (/\.(geo)?json$/i.test(file.name)) {
        try { doc = JSON.parse(await file.text()); } catch (e) { throw new Error(t("fileNotJson")); }
      } else {
        var form = new FormData();
        form.append("file", file, file.name);
        doc = await api("/v1/parcels/convert", { method: "POST", body: form });
      }
      var geometry = geometryOf(doc);
      if (!geometry) { throw new Error(t("needParcel")); }
      var n = doc.type === "FeatureCollection" ? doc.features.length : 1;
      setStatus(t("fileRead", { n: n }));
      await analyzeParcel(geometry, true);
    } catch (e) {
      showError($("parcel-error"), t("errorPrefix") + ": " + e.message);
    }
  });

  // ------------------------------------------------------------------------------- extracts

  $("make-extract").addEventListener("click", async function () {
    var out = $("extract-result");
    out.innerHTML = "";
    if (!state.lastParcel) { out.innerHTML = '<p class="error">' + esc(t("needParcel")) + "</p>"; return; }
    if (!state.activity) { out.innerHTML = '<p class="error">' + esc(t("needActivity")) + "</p>"; return; }
    var token = $("officer-token").value.trim();
    if (!token) { out.innerHTML = '<p class="error">' + esc(t("needToken")) + "</p>"; return; }
    setStatus(t("loading"));
    try {
      var r = await api("/v1/extracts", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: "Bearer " + token },
        body: JSON.stringify({ parcel: state.lastParcel, activity: state.activity,
                               reference: $("officer-reference").value.trim() || null, at: state.date,
                               plan: state.onlyPlan || null })
      });
      out.innerHTML = "<p>" + esc(t("extractMade")) + ": <code>" + esc(r.id) + "</code></p><p>" +
        '<a href="' + esc(r.pdf) + '" target="_blank" rel="noopener">' + esc(t("downloadPdf")) + "</a> · " +
        '<a href="' + esc(r.verify) + '" target="_blank" rel="noopener">' + esc(t("verify")) + "</a></p>" +
        '<p class="hint">SHA-256: <code class="hash">' + esc(r.sha256) + "</code></p>";
      setStatus("");
    } catch (e) {
      out.innerHTML = '<p class="error">' + esc(t("errorPrefix")) + ": " + esc(e.message) + "</p>";
      setStatus("");
    }
  });

  // ------------------------------------------------------------------------------- language

  $("lang-toggle").addEventListener("click", function () {
    I.setLang(I.lang() === "id" ? "en" : "id");
  });
  document.addEventListener("rdtr:lang", function () {
    renderLegend();
    renderBasemapButton();
    renderNotice();
    updateExamples();
    updateZoomHint();
    var dateError = $("date-error");
    if (dateError.getAttribute("data-key")) { dateError.textContent = t(dateError.getAttribute("data-key")); }
    rerun();
  });

  window.RDTR_APP = {
    map: map, state: state, askPoint: askPoint, analyzeParcel: analyzeParcel,
    esc: esc, num: num, fmtDate: fmtDate, readNumber: readNumber, plainProblem: plainProblem,
    classBadge: classBadge, measures: MEASURES,
    zoneLayerCount: function () {
      var n = 0;
      map.eachLayer(function (l) { if (l._rdtrZones) { n += 1; } });
      return n;
    }
  };
  updateExamples();
  loadPlans(true).then(function () {
    searchActivities("");
    if (!state.notice) { setStatus(t("status_ready")); }
    document.body.setAttribute("data-ready", "true");
  });
})();
