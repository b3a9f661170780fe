"""Does this proposal conform? The KKPR officer's question: a proposed activity and building on a parcel
against the plan, rule by rule, each check citing the rule it applies (plan, version, sub-zone, the
intensity row or condition code and its text).

The verdict (interface.md, "Conformity"):

1. ``does_not_conform`` — class X on a non-sliver piece, a failed check, or a lot below its minimum;
2. ``needs_review`` — otherwise, a text-only condition, a missing proposal value for a limit that applies,
   a sub-zone without an ITBX cell, or a parcel (partly) outside every plan;
3. ``conforms_with_conditions`` — otherwise, requirements the proposal does not list, or class B;
4. ``conforms``.

Built on the parcel analysis (one query for every parcel of a batch); the checks are pure Python.
"""

from __future__ import annotations

from datetime import date

from rdtr.answers.check_text import reason
from rdtr.answers.parcel import analyze_parcels, as_batch
from rdtr.conditions import hours_within, parse_hours
from rdtr.db import Database
from rdtr.errors import InvalidInput
from rdtr.itbx import CLASS_RANK
from rdtr.messages import Message
from rdtr.proposal import parse_proposal
from rdtr.text import name_key

#: (rule, limit in ``limits``, proposal field, unit, the proposal must be at most / at least the limit)
MEASURED = (
    ("footprint", "max_footprint_m2", "footprint_m2", "m2", "max"),
    ("floor_area", "max_floor_area_m2", "floor_area_m2", "m2", "max"),
    ("floors", "max_floors", "floors", "floors", "max"),
    ("height", "max_height_m", "height_m", "m", "max"),
    ("green_area", "min_green_area_m2", "green_area_m2", "m2", "min"),
    ("setback", "min_setback_m", "setback_m", "m", "min"),
)
EPSILON = 0.005  #: answers are rounded to cm / cm²: a proposal equal to a rounded limit passes
COVERED_ENOUGH = 0.99  #: below this share inside the plan, the rest of the parcel needs review
CLASS_CHECKED = ("I", "T", "B")


def check(
    db: Database,
    source,
    *,
    activity: str,
    proposal: dict | None = None,
    at: date | None = None,
    plan: str | None = None,
    sliver_share: float | None = None,
    lang: str = "en",
) -> dict:
    """Check ``proposal`` for ``activity`` on a parcel (GeoJSON) or on each feature of a FeatureCollection,
    whose ``properties.proposal`` (else ``proposal``) is that feature's proposal. A batch answers
    ``{"at", "count", "results": [...]}`` in input order; a feature that cannot be checked gets an ``error``."""
    if not activity or not str(activity).strip():
        raise InvalidInput(Message("check_activity"))
    default = parse_proposal(proposal)
    batch = as_batch(source)
    proposals = []
    for p in batch.parcels:
        own = (p.properties or {}).get("proposal") if batch.collection else None
        if own is None:
            proposals.append(default)
            continue
        try:
            proposals.append(parse_proposal(own, where=f"features[{p.index}].properties.proposal"))
        except InvalidInput as exc:
            proposals.append(None)
            p.error = p.error or exc.detail
    at = at or date.today()
    analyses = analyze_parcels(db, batch.parcels, at=at, activity=activity, plan=plan, sliver_share=sliver_share)
    results = []
    for analysis, wanted in zip(analyses, proposals):
        if "error" in analysis:
            results.append(analysis)
            continue
        head = {k: analysis.pop(k) for k in ("index", "id", "properties") if k in analysis}
        results.append({**head, **conformity(analysis, wanted or {}, lang)})
    if batch.collection:
        return {"at": at.isoformat(), "count": len(results), "results": results}
    if "error" in results[0]:
        raise InvalidInput(results[0]["error"]["detail"])
    return results[0]


def conformity(analysis: dict, proposal: dict, lang: str = "en") -> dict:
    """The checks, requirements, reasons and verdict for one analysed parcel (with an activity)."""
    limits = analysis["limits"]
    plan = limits.get("plan") or {}
    deciding = [z for z in analysis["activity"]["by_zone"] if not z["sliver"]] if analysis["covered"] else []
    checks = []
    checks += _class_checks(deciding, analysis["activity"], analysis["zones"])
    checks += _measured_checks(limits, proposal, plan)
    checks += _lot_checks(analysis, limits, plan)
    checks += _hours_checks(limits, proposal, plan)
    checks += _text_only_checks(deciding, analysis["zones"])
    checks += _overlay_checks(analysis, proposal)
    requirements = _requirements(analysis["zones"], proposal)
    open_items = []
    if not analysis["covered"]:
        open_items.append(("uncovered", {}))
    elif analysis["covered_share"] < COVERED_ENOUGH:
        open_items.append(("partly_covered", {"share": analysis["covered_share"]}))
    verdict = _verdict(checks, requirements, deciding, open_items)
    reasons = [reason(lang, kind, **args) for kind, args in open_items]
    # what fails first (it decides), then what is open
    reasons += [reason(lang, "fail", check=c) for c in checks if c["result"] == "fail"]
    reasons += [reason(lang, "not_checked", check=c) for c in checks if c["result"] == "not_checked"]
    reasons += [reason(lang, "requirement", requirement=r) for r in requirements if not r["provided"]]
    if verdict == "conforms_with_conditions" and any(z["class"] == "B" for z in deciding):
        reasons.append(reason(lang, "class_b", subzones=[z["subzone_code"] for z in deciding if z["class"] == "B"]))
    return {
        "verdict": verdict,
        "activity": {k: analysis["activity"][k] for k in ("code", "name", "class", "class_name")},
        "proposal": proposal,
        "checks": checks,
        "requirements": requirements,
        "reasons": reasons,
        "analysis": analysis,
    }


def _verdict(checks: list[dict], requirements: list[dict], deciding: list[dict], open_items: list) -> str:
    if any(c["result"] == "fail" for c in checks):
        return "does_not_conform"
    if open_items or any(c["result"] == "not_checked" for c in checks):
        return "needs_review"
    if any(not r["provided"] for r in requirements) or any(z["class"] == "B" for z in deciding):
        return "conforms_with_conditions"
    return "conforms"


def _result(proposed, limit, sense: str) -> str:
    """``pass`` or ``fail`` of a proposed value against its limit (``max``, ``min``, or ``within`` opening
    hours), ``not_checked`` when the proposal does not give it."""
    if proposed is None:
        return "not_checked"
    if sense == "within":
        ok = hours_within(parse_hours(proposed), parse_hours(limit))
    else:
        ok = proposed <= limit + EPSILON if sense == "max" else proposed >= limit - EPSILON
    return "pass" if ok else "fail"


def _limit_check(rule: str, limit, proposed, unit: str, sense: str, source: dict) -> dict:
    """One check of a proposed value against a limit, with the rule's source."""
    return {
        "rule": rule,
        "limit": limit,
        "proposed": proposed,
        "unit": unit,
        "sense": sense,
        "result": _result(proposed, limit, sense),
        "source": source,
    }


def _source(plan: dict, entries: list[dict]) -> dict:
    """Where a limit comes from: one piece's intensity row or condition, or (a sum) the sub-zones it spans."""
    head = {"plan": plan.get("id"), "version": plan.get("version")}
    if len(entries) == 1:
        return {**head, **entries[0]}
    return {**head, "subzones": list(dict.fromkeys(_subzones(entries))), "parts": entries}


def _subzones(entries: list[dict]):
    for e in entries:
        yield from ([e["subzone_code"]] if "subzone_code" in e else e.get("subzones", []))


def _measured_checks(limits: dict, proposal: dict, plan: dict) -> list[dict]:
    out = []
    decided = limits.get("decided_by") or {}
    for rule, key, field, unit, sense in MEASURED:
        limit = limits.get(key)
        if limit is None:
            continue
        out.append(_limit_check(rule, limit, proposal.get(field), unit, sense, _source(plan, decided.get(key, []))))
    return out


def _lot_checks(analysis: dict, limits: dict, plan: dict) -> list[dict]:
    """The lot against its minimum (intensity, lot-size classes, conditions) and a condition's maximum."""
    area = analysis["parcel"]["area_m2"]
    decided = limits.get("decided_by") or {}
    lows = []
    if limits.get("min_lot_area_m2") is not None:
        lows.append((limits["min_lot_area_m2"], _source(plan, decided.get("min_lot_area_m2", []))))
    for b in analysis["lot_size"]["breaches"]:
        src = {"plan": plan.get("id"), "version": plan.get("version"), "subzone_code": b["subzone_code"]}
        lows.append((b["lot_min_m2"], {**src, "by": "intensity", "field": "lot_area_min_m2", "detail": b["detail"]}))
    out = []
    if lows:
        limit, src = max(lows, key=lambda x: x[0])
        out.append(_limit_check("lot_area", limit, area, "m2", "min", src))
    if limits.get("max_lot_area_m2") is not None:
        src = _source(plan, decided.get("max_lot_area_m2", []))
        out.append(_limit_check("lot_area", limits["max_lot_area_m2"], area, "m2", "max", src))
    return out


def _hours_checks(limits: dict, proposal: dict, plan: dict) -> list[dict]:
    out = []
    wanted = proposal.get("hours")
    for entry in (limits.get("decided_by") or {}).get("hours", []):
        allowed = entry["value"]
        if any(c["limit"] == allowed and c["source"]["code"] == entry["code"] for c in out):
            continue
        out.append(_limit_check("hours", allowed, wanted, "time", "within", _source(plan, [entry])))
    return out


def _zone_plan(zones: list[dict], subzone_code: str, plan_id: str | None) -> dict:
    for z in zones:
        if z["subzone_code"] == subzone_code and (plan_id is None or z["plan"]["id"] == plan_id):
            return z["plan"]
    return {}


def _class_checks(deciding: list[dict], activity: dict, zones: list[dict]) -> list[dict]:
    """The activity's ITBX class in each non-sliver sub-zone: X fails, a missing cell needs review."""
    out, seen = [], set()
    for z in deciding:
        key = (z["plan"], z["subzone_code"])
        if key in seen:
            continue
        seen.add(key)
        cls = z["class"]
        plan = _zone_plan(zones, z["subzone_code"], z["plan"])
        out.append(
            {
                "rule": "activity_class",
                "limit": cls,
                "proposed": activity["code"],
                "unit": None,
                "result": "not_checked" if cls is None else ("pass" if cls in CLASS_CHECKED else "fail"),
                "source": {
                    "plan": plan.get("id"),
                    "version": plan.get("version"),
                    "subzone_code": z["subzone_code"],
                    "by": "itbx",
                    "class": cls,
                    "codes": z["codes"],
                },
            }
        )
    return out


def _text_only_checks(deciding: list[dict], zones: list[dict]) -> list[dict]:
    """A condition the plan states only in words (or a class T with no condition) is an officer's call."""
    out, seen = [], set()
    for z in zones:
        if z["sliver"] or not z.get("activity"):
            continue
        cell = z["activity"]
        rules = {r["code"]: r for r in cell.get("condition_rules") or ()}
        codes = _conditions(cell)
        open_codes = [c for c in codes if not (rules.get(c) or {}).get("structured")]
        if cell.get("class") == "T" and not codes:
            open_codes = [None]
        for code in open_codes:
            key = (z["plan"]["id"], z["subzone_code"], code)
            if key in seen:
                continue
            seen.add(key)
            text = (rules.get(code) or {}).get("text") if code else None
            out.append(
                {
                    "rule": "condition",
                    "limit": None,
                    "proposed": None,
                    "unit": None,
                    "result": "not_checked",
                    "source": {
                        "plan": z["plan"]["id"],
                        "version": z["plan"]["version"],
                        "subzone_code": z["subzone_code"],
                        "by": "condition",
                        "code": code,
                        "text": text,
                    },
                }
            )
    return out


def _overlay_checks(analysis: dict, proposal: dict) -> list[dict]:
    """A special provision with a structured height (e.g. KKOP) is a check of its own."""
    out = []
    for o in analysis.get("overlays") or []:
        if o.get("max_height_m") is None:
            continue
        plan = next((z["plan"] for z in analysis["zones"] if z["plan"]["id"] == o["plan"]), {})
        source = {
            "plan": o["plan"],
            "version": plan.get("version"),
            "by": "overlay",
            "kind": o["kind"],
            "name": o["name"],
            "text": o["text"],
        }
        rule = f"{(o['kind'] or 'overlay').lower()}_height"
        out.append(_limit_check(rule, o["max_height_m"], proposal.get("height_m"), "m", "max", source))
    return out


def _conditions(cell: dict) -> list[str]:
    """The cell's condition codes (``T1``, ``B2``), without a bare class letter written as a code."""
    return [c for c in cell.get("codes") or () if c not in CLASS_RANK]


def _requirements(zones: list[dict], proposal: dict) -> list[dict]:
    """The approvals and documents the conditions require, each with whether the proposal lists it."""
    held = {name_key(d) for d in proposal.get("documents") or ()}
    out, seen = [], set()
    for z in zones:
        if z["sliver"] or not z.get("activity"):
            continue
        rules = {r["code"]: r for r in z["activity"].get("condition_rules") or ()}
        for code in _conditions(z["activity"]):
            for name in (rules.get(code) or {}).get("requires") or ():
                if name_key(name) in seen:
                    continue
                seen.add(name_key(name))
                out.append(
                    {"name": name, "code": code, "subzone_code": z["subzone_code"], "provided": name_key(name) in held}
                )
    return out
