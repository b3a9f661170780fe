/* "Periksa rencana bangunan": a building proposal checked against the plan on the parcel the page analysed
   last (POST /v1/parcels/check). Loaded after app.js, whose parcel flow it follows (the "rdtr:parcel" event);
   the reasons come from the server in the page's language (Accept-Language). Plain script, no build step. */
(function () {
  "use strict";

  var I = window.RDTR_I18N;
  var APP = window.RDTR_APP;
  if (!I || !APP) { return; }   // app.js stopped early (map assets missing): no parcel, so no check
  var t = I.t;
  var esc = APP.esc;
  var num = APP.num;
  var state = APP.state;
  var $ = function (id) { return document.getElementById(id); };

  //: the numeric fields: input id → proposal field (rdtr.proposal), unit as the table shows it
  var NUMBERS = [
    { id: "check-footprint", field: "footprint_m2" },
    { id: "check-floor-area", field: "floor_area_m2" },
    { id: "check-floors", field: "floors", integer: true },
    { id: "check-height", field: "height_m" },
    { id: "check-green", field: "green_area_m2" },
    { id: "check-setback", field: "setback_m" }
  ];
  var INPUT_OF = { hours: "check-hours", documents: "check-documents" };
  NUMBERS.forEach(function (f) { INPUT_OF[f.field] = f.id; });
  var NUMBER = /^\d+(?:[.,]\d+)?$/;
  var HOURS = /^\s*([01]?\d|2[0-4])[:.][0-5]\d\s*-\s*([01]?\d|2[0-4])[:.][0-5]\d\s*$/;  // = rdtr.proposal
  var ICONS = { conforms: "✓", conforms_with_conditions: "!", does_not_conform: "✗", needs_review: "?" };
  var RESULT_ICONS = { pass: "✓", fail: "✗", not_checked: "?" };
  var UNITS = { m2: " m²", m: " m", floors: "", time: "" };

  var parcel = null;      // the GeoJSON geometry the form checks (the last one analysed)
  var last = null;        // {key, body, answer}: the answer on show and what it answered
  var offered = [];       // requirement names offered as checkboxes (after a check)
  var seq = 0;            // the newest request wins (a change of parcel or activity also drops the one in flight)
  var pending = 0;        // the request the button waits for

  function contextKey() {
    return JSON.stringify([parcel, state.activity, state.date, state.onlyPlan || ""]);
  }

  // ------------------------------------------------------------------------- the parcel and activity

  document.addEventListener("rdtr:parcel", function (e) {
    parcel = e.detail && e.detail.geometry;
    $("check-section").hidden = !parcel;
    showActivity();
    if (last && last.key !== contextKey()) { clearAnswer(); }
  });

  function showActivity() {
    var el = $("check-activity");
    var value = $("activity-input").value.trim();
    el.textContent = state.activity ? t("checkActivity", { a: value || state.activity }) : t("checkNoActivity");
    el.classList.toggle("warning", !state.activity);
  }

  function contextChanged() {
    showActivity();
    if (last && last.key !== contextKey()) { clearAnswer(); }
  }
  $("activity-input").addEventListener("input", showActivity);
  $("activity-input").addEventListener("change", contextChanged);
  $("date-input").addEventListener("change", contextChanged);

  function clearAnswer() {
    last = null;
    seq++;
    $("check-result").innerHTML = "";
  }

  // ---------------------------------------------------------------------------- reading the form

  function setFieldError(id, key, text) {
    var input = $(id);
    var out = $(id + "-error");
    if (key) { input.setAttribute("data-error", key); } else { input.removeAttribute("data-error"); }
    if (text) { input.setAttribute("data-error-text", text); } else { input.removeAttribute("data-error-text"); }
    var message = text || (key ? t(key) : "");
    if (out) { out.textContent = message; }
    if (message) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }

  /** {value} (undefined when empty) or {error: i18n key} for a numeric field. */
  function readNumber(f) {
    var raw = $(f.id).value.replace(/\s+/g, "");
    if (!raw) { return {}; }
    if (raw.charAt(0) === "-" && NUMBER.test(raw.slice(1))) { return { error: "errNegative" }; }
    if (!NUMBER.test(raw)) { return { error: f.integer ? "errWhole" : "errNumber" }; }
    var n = Number(raw.replace(",", "."));
    if (f.integer && !Number.isInteger(n)) { return { error: "errWhole" }; }
    return { value: n };
  }

  function readHours() {
    var raw = $("check-hours").value.trim();
    if (!raw) { return {}; }
    return HOURS.test(raw) ? { value: raw.replace(/\./g, ":").replace(/\s+/g, "") } : { error: "errHours" };
  }

  function readDocuments() {
    var names = [];
    document.querySelectorAll("#check-document-options input:checked").forEach(function (box) {
      names.push(box.value);
    });
    $("check-documents").value.split(/[;\n]/).forEach(function (s) { names.push(s.trim()); });
    var seen = {};
    return names.filter(function (n) {
      var k = n.toLowerCase();
      if (!n || seen[k]) { return false; }
      seen[k] = true;
      return true;
    });
  }

  /** The proposal with only the fields filled in, or null (and the fields marked) when one is wrong. */
  function readProposal() {
    var proposal = {};
    var firstBad = null;
    NUMBERS.forEach(function (f) {
      var r = readNumber(f);
      setFieldError(f.id, r.error);
      if (r.error) { firstBad = firstBad || f.id; } else if (r.value !== undefined) { proposal[f.field] = r.value; }
    });
    var h = readHours();
    setFieldError("check-hours", h.error);
    if (h.error) { firstBad = firstBad || "check-hours"; } else if (h.value) { proposal.hours = h.value; }
    var docs = readDocuments();
    if (docs.length) { proposal.documents = docs; }
    if (firstBad) { $(firstBad).focus(); return null; }
    return proposal;
  }

  // A marked field is re-judged while it is corrected; new marks wait for "Periksa" (a message appearing on
  // blur would move the button away from the pointer that is pressing it).
  function recheckWhileTyping(id, read) {
    $(id).addEventListener("input", function () {
      if (this.getAttribute("aria-invalid") === "true") { setFieldError(id, read().error); }
    });
  }
  NUMBERS.forEach(function (f) { recheckWhileTyping(f.id, function () { return readNumber(f); }); });
  recheckWhileTyping("check-hours", readHours);

  // ------------------------------------------------------------------------------------ asking

  $("check-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    $("check-form-error").textContent = "";
    var proposal = readProposal();
    if (!proposal) { $("check-form-error").textContent = t("checkFixFields"); return; }
    if (!parcel) { $("check-form-error").textContent = t("needParcel"); return; }
    if (!state.activity) {
      $("check-form-error").textContent = t("checkNoActivity");
      $("activity-input").focus();
      return;
    }
    var body = { parcel: parcel, activity: state.activity, at: state.date, proposal: proposal };
    if (state.onlyPlan) { body.plan = state.onlyPlan; }
    send(body, true);
  });

  async function send(body, reveal) {
    var mine = ++seq;
    pending = mine;
    var key = contextKey();
    var out = $("check-result");
    var button = $("check-submit");
    button.disabled = true;
    out.setAttribute("aria-busy", "true");
    if (reveal) { out.innerHTML = '<p class="hint">' + esc(t("checking")) + "</p>"; }
    try {
      var res;
      try {
        res = await fetch("/v1/parcels/check", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json", "Accept-Language": I.lang() },
          body: JSON.stringify(body)
        });
      } catch (e) {
        if (mine === seq) { showProblem(t("checkOffline")); }
        return;
      }
      var doc = null;
      try { doc = await res.json(); } catch (e) { doc = null; }
      if (mine !== seq) { return; }
      if (!res.ok || !doc || !doc.verdict) { showProblem(problemText(res, doc)); return; }
      last = { key: key, body: body, answer: doc };
      offer(doc.requirements || []);
      render(doc);
      if (reveal) { revealVerdict(); }
    } finally {
      if (mine === pending) {
        pending = 0;
        button.disabled = false;
        out.removeAttribute("aria-busy");
      }
    }
  }

  /** A readable sentence from a problem+json answer: its detail, never the raw JSON or a trace. */
  function problemText(res, doc) {
    if (res.status >= 500 || !doc) {
      return t("checkServerError", { status: res.status }) +
        (doc && typeof doc.title === "string" ? " " + doc.title : "");
    }
    var d = doc.detail;
    // app.js's one rule: a detail naming an API path, a setting or code becomes a plain sentence.
    var plain = APP.plainProblem || function (status, body) { return body.detail || body.title || String(status); };
    if (typeof d === "string" && d) { return plain(res.status, doc); }
    if (Array.isArray(d)) {   // a validation list: "where: what" per item
      var text = d.map(function (x) {
        return (x && x.loc ? [].concat(x.loc).join(".") + ": " : "") + (x && x.msg ? x.msg : String(x));
      }).join("; ");
      return plain(res.status, { detail: text });
    }
    return plain(res.status, doc);
  }

  function showProblem(text) {
    last = null;
    var m = /\bproposal\.(\w+)/.exec(text);   // "proposal.floors cannot be negative": mark that field too
    if (m && INPUT_OF[m[1]] && $(INPUT_OF[m[1]] + "-error")) {
      setFieldError(INPUT_OF[m[1]], null, text);
    }
    $("check-result").innerHTML = '<div class="error-box" role="alert" data-testid="check-error"><strong>' +
      esc(t("checkFailed")) + "</strong><p>" + esc(text) + "</p></div>";
    var box = document.querySelector("#check-result .error-box");
    if (box.scrollIntoView) { box.scrollIntoView({ block: "nearest" }); }
  }

  function revealVerdict() {
    var v = document.querySelector("#check-result [data-testid=check-verdict]");
    if (!v) { return; }
    v.scrollIntoView({ block: "start" });
    v.focus({ preventScroll: true });
  }

  // ----------------------------------------------------------------------------------- the answer

  function offer(requirements) {
    var checked = {};
    document.querySelectorAll("#check-document-options input:checked").forEach(function (b) { checked[b.value] = true; });
    requirements.forEach(function (r) {
      if (offered.indexOf(r.name) < 0) { offered.push(r.name); }
      if (r.provided) { checked[r.name] = true; }
    });
    $("check-document-options").innerHTML = offered.map(function (name) {
      return '<label class="doc-option"><input type="checkbox" value="' + esc(name) + '"' +
        (checked[name] ? " checked" : "") + "> " + esc(name) + "</label>";
    }).join("");
  }

  function ruleName(c) {
    if (c.rule !== "height" && /_height$/.test(c.rule)) {
      var kind = (c.source && c.source.kind) || c.rule.replace(/_height$/, "").toUpperCase();
      return t("rule_overlay_height", { kind: kind });
    }
    var key = "rule_" + c.rule;
    var text = t(key);
    return text === key ? c.rule : text;
  }

  /** A limit or proposed value as plain text with its unit ("12 m", "450 m²", "3 lantai"). */
  function value(v, unit) {
    if (v === null || v === undefined || v === "") { return "–"; }
    if (typeof v === "number") {
      return unit === "floors" ? num(v, " " + t("unitFloors"), 0) : num(v, UNITS[unit] || "", 2);
    }
    return String(v);
  }

  function limitText(c) {
    if (c.rule === "activity_class") { return c.limit ? c.limit + " (" + t("class" + c.limit) + ")" : "–"; }
    if (c.limit === null || c.limit === undefined) { return "–"; }
    var key = { max: "limitMax", min: "limitMin", within: "limitWithin" }[c.sense];
    return key ? t(key, { v: value(c.limit, c.unit) }) : value(c.limit, c.unit);
  }

  function measureShort(field) {
    var m = (APP.measures || []).filter(function (x) { return x.field === field; })[0];
    if (!m) { return field === "lot_area_min_m2" ? t("srcLotClass") : field || ""; }
    var label = I.lang() === "en" ? m.label_en : m.label_id;
    return label.replace(/\s+(maks|min|max)$/i, "");
  }

  /** The rule a check applies, in short: "KDB R-2", "ketentuan T1 (…) · C-1", "ITBX R-2", "KKOP: …". */
  function sourceShort(s) {
    s = s || {};
    if (!s.by && s.parts) {
      var seen = {};
      return s.parts.map(sourceShort).filter(function (x) { return seen[x] ? false : (seen[x] = true); }).join(" + ");
    }
    var zone = s.subzone_code || (s.subzones || []).join(", ");
    if (s.by === "intensity") { return measureShort(s.field) + " " + zone; }
    if (s.by === "condition") {
      if (!s.code) { return t("srcClassT") + " · " + zone; }
      return t("srcCondition", { code: s.code }) + (s.text ? " (" + s.text + ")" : "") + " · " + zone;
    }
    if (s.by === "itbx") { return "ITBX " + zone; }
    if (s.by === "overlay") { return (s.kind || "") + (s.name ? ": " + s.name : ""); }
    return zone;
  }

  function planTitle(s) {
    return s && s.plan ? t("plan") + " " + s.plan + (s.version ? ", " + t("version") + " " + s.version : "") : "";
  }

  function row(c) {
    var proposed = c.rule === "activity_class" ? c.proposed : value(c.proposed, c.unit);
    return '<tr class="check-row" data-rule="' + esc(c.rule) + '" data-result="' + esc(c.result) + '">' +
      '<th scope="row"><span class="rule-name">' + esc(ruleName(c)) + '</span> <span class="source" title="' +
      esc(planTitle(c.source)) + '">' + esc(sourceShort(c.source)) + "</span></th>" +
      '<td class="limit">' + esc(limitText(c)) + '</td><td class="proposed">' + esc(proposed) + "</td>" +
      '<td><span class="outcome outcome-' + esc(c.result) + '"><span aria-hidden="true">' +
      esc(RESULT_ICONS[c.result] || "") + "</span> " + esc(t("result_" + c.result)) + "</span></td></tr>";
  }

  function render(a) {
    var v = a.verdict;
    var analysis = a.analysis || {};
    var act = a.activity || {};
    var html = '<div class="verdict-box verdict-' + esc(v) + '" data-testid="check-verdict" data-verdict="' + esc(v) +
      '" tabindex="-1"><span class="verdict-icon" aria-hidden="true">' + esc(ICONS[v] || "") + "</span><div>" +
      '<p class="verdict-word">' + esc(t("verdict_" + v)) + "</p>" +
      '<p class="verdict-note">' + esc(t("verdictNote_" + v)) + "</p>" +
      '<p class="verdict-for">' + esc(t("checkVerdictFor", {
        a: (act.code || "") + " " + (act.name || ""),
        area: num((analysis.parcel || {}).area_m2, " m²", 0),
        at: analysis.at || ""
      })) + "</p></div></div>";
    var reasons = a.reasons || [];
    html += '<h3 id="check-reasons-title">' + esc(t("checkReasons")) + "</h3>" +
      '<ul class="check-reasons" data-testid="check-reasons" aria-labelledby="check-reasons-title">' +
      (reasons.length ? reasons.map(function (r) { return "<li>" + esc(r) + "</li>"; }).join("")
                      : '<li class="hint">' + esc(t("checkNoReasons")) + "</li>") + "</ul>";
    html += '<div class="table-scroll" tabindex="0" role="region" aria-label="' + esc(t("checkTable")) + '">' +
      '<table class="check-table" data-testid="check-table"><caption>' +
      esc(t("checkTable")) + "</caption><thead><tr>" +
      ["colRule", "colLimit", "colProposed", "colResult"].map(function (k) {
        return '<th scope="col">' + esc(t(k)) + "</th>";
      }).join("") + "</tr></thead><tbody>" + (a.checks || []).map(row).join("") + "</tbody></table></div>";
    var reqs = a.requirements || [];
    html += '<section class="check-requirements" data-testid="check-requirements" aria-labelledby="check-req-title">' +
      '<h3 id="check-req-title">' + esc(t("checkRequirements")) + "</h3>" +
      (reqs.length ? "<ul>" + reqs.map(function (r) {
        return '<li class="req req-' + (r.provided ? "held" : "missing") + '"><span aria-hidden="true">' +
          (r.provided ? "✓" : "✗") + "</span> <strong>" + esc(r.name) + "</strong> — " +
          esc(t(r.provided ? "reqProvided" : "reqMissing")) + " (" +
          esc(t("reqFrom", { code: r.code, zone: r.subzone_code })) + ")</li>";
      }).join("") + "</ul>" : '<p class="hint">' + esc(t("checkNoRequirements")) + "</p>") + "</section>";
    var plans = {};
    (analysis.zones || []).forEach(function (z) { if (z.plan) { plans[z.plan.id + "/" + z.plan.version] = z.plan; } });
    Object.keys(plans).forEach(function (k) {
      var p = plans[k];
      html += '<p class="plan-line">' + esc(t("plan")) + ": " + esc(p.name) + " (" + esc(t("version")) + " " +
        esc(p.version) + ") · " + esc(t("legalBasis")) + ": " + esc(p.legal_basis) + "</p>";
    });
    $("check-result").innerHTML = html;
  }

  // ------------------------------------------------------------------------------------ language

  document.addEventListener("rdtr:lang", function () {
    showActivity();
    document.querySelectorAll("#check-form [data-error]").forEach(function (el) {
      setFieldError(el.id, el.getAttribute("data-error"), el.getAttribute("data-error-text"));
    });
    // The reasons are the server's sentences: ask again in the new language (same proposal, same parcel).
    if (last && last.key === contextKey()) { send(last.body, false); }
  });

  showActivity();
})();
