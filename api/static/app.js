/* The RDTR web page: plain JavaScript over the JSON API, Leaflet (+ leaflet-draw, + VectorGrid) served
   by the app itself from /static/vendor. No build step. */
(function () {
  "use strict";

  var I = window.RDTR_I18N;
  var t = I ? I.t : function (k) { return k; };
  var $ = function (id) { return document.getElementById(id); };

  var state = {
    plans: [],          // plans in force on the date, each with its TileJSON
    zoneLayers: [],
    legend: [],
    activity: "",
    date: localToday(),
    last: null,         // {kind: "point", lon, lat} | {kind: "parcel", geometry}
    lastParcel: null,   // GeoJSON geometry of the last analysed parcel
    drawing: false,
    layerMode: "mvt"
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

  function num(value, unit, digits) {
    if (value === null || value === undefined || value === "") { return "–"; }
    var n = Number(value);
    if (!isFinite(n)) { return esc(value); }
    var locale = I && I.lang() === "en" ? "en-GB" : "id-ID";
    var text = n.toLocaleString(locale, { maximumFractionDigits: digits === undefined ? 1 : digits });
    return text + (unit || "");
  }

  function setStatus(message) { $("status").textContent = message || ""; }

  function showError(el, message) {
    el.textContent = message || "";
  }

  async function api(path, options) {
    options = options || {};
    options.headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    var res = await fetch(path, options);
    var body = null;
    var type = res.headers.get("content-type") || "";
    if (type.indexOf("json") >= 0) { body = await res.json(); }
    if (!res.ok) {
      var detail = body && (body.detail || body.title) ? body.detail || body.title : res.status + " " + res.statusText;
      var err = new Error(detail);
      err.status = res.status;
      throw err;
    }
    return body;
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
  var basemap = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19, attribution: "&copy; OpenStreetMap"
  });
  var layersControl = L.control.layers(null, null, { collapsed: true }).addTo(map);
  layersControl.addOverlay(basemap, t("basemap"));
  var pointLayer = L.layerGroup().addTo(map);
  var parcelLayer = L.featureGroup().addTo(map);

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
    el.textContent = state.plans.length && map.getZoom() < minzoom ? t("zoomIn") : "";
    el.style.display = el.textContent ? "" : "none";
  }
  map.on("zoomend", updateZoomHint);

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
      html += '<li><span class="swatch" style="background:' + esc(e.color) + '"></span>' +
              "<strong>" + esc(e.subzone_code) + "</strong> " + esc(e.subzone_name || "") + "</li>";
    });
    html += '<li><span class="swatch swatch-parcel"></span>' + esc(t("parcel")) + "</li>";
    div.querySelector("ul").innerHTML = html;
  }

  // ------------------------------------------------------------------------- the zone layers

  var BboxLayer = L.Layer.extend({
    initialize: function (tilejson) {
      this.tj = tilejson;
      this.renderer = L.canvas({ padding: 0.25 });
      this.geo = L.geoJSON(null, {
        renderer: this.renderer,
        interactive: false,
        style: function (f) {
          return { fillColor: f.properties.color || "#cccccc", fillOpacity: 0.65, color: "#5a5a5a", weight: 0.5 };
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
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); });
      if (this.controller) { this.controller.abort(); }
      this.controller = new AbortController();
      var self = this;
      var started = performance.now();
      fetch(this.tj.geojson + "&bbox=" + bbox.join(",") + "&zoom=" + zoom, { signal: this.controller.signal })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (fc) {
          self.geo.clearLayers();
          self.geo.addData(fc);
          window.RDTR_LAST_LAYER_MS = performance.now() - started;
          document.dispatchEvent(new CustomEvent("rdtr:zones-loaded", { detail: fc.features.length }));
        })
        .catch(function (e) { if (e.name !== "AbortError") { setStatus(t("layerError")); } });
    }
  });

  function zoneLayer(tj) {
    if (state.layerMode === "mvt") {
      var layer = L.vectorGrid.protobuf(tj.tiles[0], {
        rendererFactory: L.canvas.tile,
        interactive: false,
        minZoom: tj.minzoom,
        maxNativeZoom: 18,
        maxZoom: 22,
        attribution: esc(tj.attribution),
        vectorTileLayerStyles: {
          zones: function (p) {
            return { fill: true, fillColor: p.color || "#cccccc", fillOpacity: 0.65, color: "#5a5a5a",
                     weight: 0.5, opacity: 1 };
          }
        }
      });
      layer.on("load", function () { document.dispatchEvent(new CustomEvent("rdtr:zones-loaded")); });
      return layer;
    }
    return new BboxLayer(tj);
  }

  async function loadPlans(fit) {
    state.zoneLayers.forEach(function (l) { map.removeLayer(l); layersControl.removeLayer(l); });
    state.zoneLayers = [];
    state.plans = [];
    state.legend = [];
    var doc;
    try {
      doc = await api("/v1/plans?at=" + encodeURIComponent(state.date));
    } catch (e) {
      setStatus(t("errorPrefix") + ": " + e.message);
      return;
    }
    var plans = (doc.plans || []).filter(function (p) {
      return p.in_force !== false && (!state.onlyPlan || p.id === state.onlyPlan);
    });
    if (!plans.length) { setStatus(t("noPlans")); }
    var bounds = null;
    for (var i = 0; i < plans.length; i++) {
      var p = plans[i];
      try {
        var tj = await api("/v1/tiles/" + encodeURIComponent(p.id) + ".json?v=" + p.version);
        p.tilejson = tj;
        var layer = zoneLayer(tj).addTo(map);
        layer.bringToBack && layer.bringToBack();
        layersControl.addOverlay(layer, t("zonesLayer") + " — " + esc(p.name) + " v" + p.version);
        state.zoneLayers.push(layer);
        state.plans.push(p);
        state.legend = state.legend.concat(tj.legend || []);
        if (p.bbox) {
          var b = L.latLngBounds([p.bbox[1], p.bbox[0]], [p.bbox[3], p.bbox[2]]);
          bounds = bounds ? bounds.extend(b) : b;
        }
      } catch (e) {
        setStatus(t("layerError") + " " + e.message);
      }
    }
    renderLegend();
    if (fit && bounds) { map.fitBounds(bounds); }
    updateZoomHint();
    document.body.setAttribute("data-plans-loaded", String(state.plans.length));
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

  async function searchActivities(q) {
    try {
      var doc = await api("/v1/activities?limit=40&at=" + encodeURIComponent(state.date) +
                          (q ? "&q=" + encodeURIComponent(q.split(" — ")[0]) : ""));
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

  $("date-input").addEventListener("change", function () {
    if (!this.value) { return; }
    state.date = this.value;
    loadPlans(false).then(rerun);
  });

  function rerun() {
    if (!state.last) { return; }
    if (state.last.kind === "point") { askPoint(state.last.lon, state.last.lat, false); }
    else { analyzeParcel(state.last.geometry, false); }
  }

  // ----------------------------------------------------------------------------- class badges

  function classBadge(cls) {
    if (!cls) { return "–"; }
    return '<span class="badge badge-' + esc(cls) + '">' + esc(cls) + "</span> " + esc(t("class" + cls));
  }

  function planLine(plan) {
    if (!plan) { return ""; }
    return '<p class="plan-line">' + esc(t("plan")) + ": " + esc(plan.name) + " (" + esc(t("version")) + " " +
      esc(plan.version) + ") · " + esc(t("legalBasis")) + ": <span class=\"legal-basis\">" + esc(plan.legal_basis) +
      "</span> · " + esc(t("inForceFrom")) + " " + esc(plan.effective_from) + "</p>";
  }

  // The intensity measures (labels, units, decimals) come from the server's one table (rdtr.units).
  var MEASURES = JSON.parse(($("intensity-measures") || {}).textContent || "[]");

  function intensityTable(it) {
    it = it || {};
    var en = I && I.lang() === "en";
    var body = MEASURES.filter(function (m) { return it[m.field] !== null && it[m.field] !== undefined; })
      .map(function (m) {
        var unit = m.unit ? (m.unit === "%" ? " %" : " " + m.unit) : "";
        return "<tr><th scope=\"row\" title=\"" + esc(en ? m.name_en : m.name_id) + "\">" +
          esc(en ? m.label_en : m.label_id) + "</th><td>" + num(it[m.field], unit, Math.max(m.digits, 2)) + "</td></tr>";
      }).join("");
    if (!body) { return ""; }
    return '<table class="kv"><caption>' + esc(t("intensity")) + "</caption>" + body + "</table>";
  }

  function swatch(code) {
    var e = state.legend.filter(function (x) { return x.subzone_code === code; })[0];
    return '<span class="swatch" style="background:' + esc(e ? e.color : "#ccc") + '"></span>';
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
    state.last = { kind: "point", lon: lon, lat: lat };
    pointLayer.clearLayers();
    L.circleMarker([lat, lon], { radius: 8, color: "#fff", weight: 3, fillColor: "#d0006f", fillOpacity: 1 })
      .addTo(pointLayer);
    if (pan) { map.setView([lat, lon], Math.max(map.getZoom(), 16)); }
    var q = new URLSearchParams({ lon: lon.toFixed(7), lat: lat.toFixed(7), at: state.date });
    if (state.activity) { q.set("activity", state.activity); }
    if (state.onlyPlan) { q.set("plan", state.onlyPlan); }
    setStatus(t("loading"));
    $("result-body").setAttribute("aria-busy", "true");
    try {
      var answer = await api("/v1/zoning?" + q.toString());
      renderPoint(answer, q);
      setStatus("");
    } catch (e) {
      $("result-body").innerHTML = '<p class="error">' + esc(t("errorPrefix")) + ": " + esc(e.message) + "</p>";
      setStatus(t("errorPrefix") + ": " + e.message);
    } finally {
      $("result-body").removeAttribute("aria-busy");
    }
  }

  function renderPoint(a, q) {
    var html = "<h3>" + esc(t("zoningAt")) + "</h3>" +
      '<p class="coords">' + num(a.location.lat, "", 6) + ", " + num(a.location.lon, "", 6) + " · " + esc(a.at) + "</p>";
    if (!a.zones || !a.zones.length) {
      html += '<p class="not-covered"><strong>' + esc(t("notCovered")) + "</strong>. " + esc(a.message || "") + "</p>";
    }
    (a.zones || []).forEach(function (z) {
      html += '<article class="zone-answer" data-subzone="' + esc(z.subzone_code) + '">' +
        "<h4>" + swatch(z.subzone_code) + '<span class="subzone-code">' + esc(z.subzone_code) + "</span> " +
        esc(z.subzone_name || "") + "</h4><dl>" +
        "<dt>" + esc(t("zone")) + "</dt><dd>" + esc(z.zone_code || "") + " " + esc(z.zone_name || "") + "</dd>" +
        "<dt>" + esc(t("block")) + "</dt><dd>" + esc(z.block || "–") + (z.subblock ? " / " + esc(z.subblock) : "") + "</dd>" +
        "<dt>" + esc(t("place")) + "</dt><dd>" + esc(z.kelurahan || "–") + ", " + esc(z.kecamatan || "–") + "</dd>";
      if (z.activity) {
        html += "<dt>" + esc(t("activity")) + "</dt><dd>" + esc(z.activity.code) + " " + esc(z.activity.name) +
          ": " + classBadge(z.activity["class"]) +
          (z.activity.codes && z.activity.codes.length ? " (" + esc(z.activity.codes.join(", ")) + ")" : "") +
          (z.activity.conditions && z.activity.conditions.length ?
            "<ul>" + z.activity.conditions.map(function (c) { return "<li>" + esc(c) + "</li>"; }).join("") + "</ul>" : "") +
          "</dd>";
      }
      var sp = (z.special_provisions || []).map(function (p) { return p.kind + ": " + p.value; });
      html += "<dt>" + esc(t("special")) + "</dt><dd>" + esc(sp.length ? sp.join("; ") : t("none")) + "</dd>";
      html += "<dt>" + esc(t("tpz")) + "</dt><dd>" + esc(z.tpz && z.tpz.length ? z.tpz.join(", ") : t("none")) + "</dd>";
      html += "</dl>" + intensityTable(z.intensity);
      if (z.near_boundary) {
        html += '<p class="warning">' + esc(t("nearBoundary", { d: num(z.boundary_distance_m, "", 1) })) + "</p>";
      }
      html += planLine(z.plan) + "</article>";
    });
    (a.overlays || []).forEach(function (o) {
      html += '<p class="overlay"><strong>' + esc(o.kind) + "</strong> " + esc(o.name || "") + ": " + esc(o.text || "") + "</p>";
    });
    var preview = "/v1/zoning?" + q.toString() + "&f=html";
    html += '<p class="links"><a href="' + esc(preview) + '" target="_blank" rel="noopener">' + esc(t("preview")) +
      '</a> · <a href="/v1/zoning?' + esc(q.toString()) + '" target="_blank" rel="noopener">' + esc(t("json")) + "</a></p>";
    showResult(html);
  }

  function showResult(html) {
    $("result-body").innerHTML = html;
    var box = $("result");
    if (box.scrollIntoView) { box.scrollIntoView({ block: "nearest" }); }
  }

  // ----------------------------------------------------------------------------- find a place

  $("find-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    var q = $("find-input").value.trim();
    showError($("find-error"), "");
    if (!q) { return; }
    try {
      var p = await api("/v1/coordinates?q=" + encodeURIComponent(q));
      setStatus(t("found", { lat: p.lat.toFixed(6), lon: p.lon.toFixed(6), fmt: p.format }) + (p.note ? " " + p.note : ""));
      await askPoint(p.lon, p.lat, true);
    } catch (e) {
      showError($("find-error"), e.message);
    }
  });

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

  async function analyzeParcel(geometry, fit) {
    state.last = { kind: "parcel", geometry: geometry };
    state.lastParcel = geometry;
    showError($("parcel-error"), "");
    parcelLayer.clearLayers();
    L.geoJSON(geometry, { style: { color: "#d0006f", weight: 4, fill: false }, interactive: false }).addTo(parcelLayer);
    if (fit !== false) { map.fitBounds(parcelLayer.getBounds().pad(0.5), { maxZoom: 18 }); }
    var q = new URLSearchParams({ at: state.date });
    if (state.activity) { q.set("activity", state.activity); }
    if (state.onlyPlan) { q.set("plan", state.onlyPlan); }
    setStatus(t("loading"));
    try {
      var answer = await api("/v1/parcels/analyze?" + q.toString(), {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(geometry)
      });
      renderParcel(answer);
      setStatus("");
      // The building-plan check (check.js) follows the parcel on the page.
      document.dispatchEvent(new CustomEvent("rdtr:parcel", { detail: { geometry: geometry, analysis: answer } }));
    } catch (e) {
      document.dispatchEvent(new CustomEvent("rdtr:parcel", { detail: { geometry: null } }));
      showError($("parcel-error"), t("errorPrefix") + ": " + e.message);
      $("result-body").innerHTML = '<p class="error">' + esc(t("errorPrefix")) + ": " + esc(e.message) + "</p>";
      setStatus(t("errorPrefix") + ": " + e.message);
    }
  }

  function renderParcel(a) {
    var p = a.parcel || {};
    var html = "<h3>" + esc(t("parcelAnalysis")) + "</h3>" +
      '<p class="parcel-area">' + esc(t("area")) + ": <strong>" + num(p.area_m2, " m²") + "</strong>" +
      (p.repaired ? " (" + esc(t("repaired")) + ")" : "") + " · " + esc(t("covered")) + ": " +
      num((a.covered_share || 0) * 100, " %") + " · " + esc(a.at) + "</p>";
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
      html += '<p class="verdict">' + esc(t("activity")) + ": " + esc(a.activity.code) + " " + esc(a.activity.name || "") +
        " — " + classBadge(a.activity["class"]) + "</p>";
      var rows = (a.activity.by_zone || []).map(function (bz) {
        return "<tr><td>" + esc(bz.subzone_code) + "</td><td>" + classBadge(bz["class"]) + "</td><td>" +
          esc((bz.conditions || []).join("; ") || (bz.codes || []).join(", ") || "–") + "</td></tr>";
      }).join("");
      if (rows) {
        html += '<table class="by-zone"><thead><tr><th scope="col">' + esc(t("subzone")) + '</th><th scope="col">' +
          esc(t("klass")) + '</th><th scope="col">' + esc(t("conditions")) + "</th></tr></thead><tbody>" + rows + "</tbody></table>";
      }
    }
    var l = a.limits || {};
    html += '<table class="kv limits" data-testid="limits"><caption>' + esc(t("limits")) + "</caption>" +
      "<tr><th scope=\"row\">" + esc(t("maxFootprint")) + "</th><td>" + num(l.max_footprint_m2, " m²") + "</td></tr>" +
      "<tr><th scope=\"row\">" + esc(t("maxFloorArea")) + "</th><td>" + num(l.max_floor_area_m2, " m²") + "</td></tr>" +
      "<tr><th scope=\"row\">" + esc(t("minGreen")) + "</th><td>" + num(l.min_green_area_m2, " m²") + "</td></tr>" +
      "<tr><th scope=\"row\">" + esc(t("maxHeight")) + "</th><td>" + num(l.max_height_m, " m") + "</td></tr>" +
      "<tr><th scope=\"row\">" + esc(t("maxFloors")) + "</th><td>" + num(l.max_floors, "", 0) + "</td></tr></table>";
    (a.overlays || []).forEach(function (o) {
      html += '<p class="overlay"><strong>' + esc(o.kind) + "</strong> " + esc(o.name || "") + ": " + esc(o.text || "") + "</p>";
    });
    var plans = {};
    (a.zones || []).forEach(function (z) { if (z.plan) { plans[z.plan.id + "/" + z.plan.version] = z.plan; } });
    Object.keys(plans).forEach(function (k) { html += planLine(plans[k]); });
    showResult(html);
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
        doc = JSON.parse(await file.text());
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
    updateZoomHint();
    rerun();
  });

  window.RDTR_APP = { map: map, state: state, askPoint: askPoint, analyzeParcel: analyzeParcel,
                      esc: esc, num: num, classBadge: classBadge, measures: MEASURES };
  loadPlans(true).then(function () {
    searchActivities("");
    setStatus(t("status_ready"));
    document.body.setAttribute("data-ready", "true");
  });
})();
