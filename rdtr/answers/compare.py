"""What changed for a parcel between the plan versions in force on two dates."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from rdtr.answers.parcel import analyze_parcels, as_batch
from rdtr.db import Database
from rdtr.errors import InvalidInput
from rdtr.messages import Message
from rdtr.versions import INTENSITY_FIELDS

SHARE_EPS = 0.0005  # share differences below this are rounding, not change
LIMIT_FIELDS = (
    "max_footprint_m2",
    "max_floor_area_m2",
    "min_green_area_m2",
    "max_basement_area_m2",
    "max_height_m",
    "max_floors",
    "min_setback_m",
    "min_lot_area_m2",
    "max_lot_area_m2",
)


def compare(
    db: Database,
    source,
    *,
    date_from: date,
    date_to: date,
    activity: str | None = None,
    plan: str | None = None,
    sliver_share: float | None = None,
) -> dict:
    """Analyse the parcel(s) under the versions in force on ``date_from`` and ``date_to`` and list the
    differences: sub-zones and shares, intensity, limits, and the activity's class."""
    if date_from is None or date_to is None:
        raise InvalidInput(Message("compare_dates"))
    batch = as_batch(source)
    before = analyze_parcels(db, batch.parcels, at=date_from, activity=activity, plan=plan, sliver_share=sliver_share)
    after = analyze_parcels(db, batch.parcels, at=date_to, activity=activity, plan=plan, sliver_share=sliver_share)
    results = [_diff(b, a, date_from, date_to) for b, a in zip(before, after)]
    if batch.collection:
        return {"from": date_from.isoformat(), "to": date_to.isoformat(), "count": len(results), "results": results}
    if "error" in results[0]:
        raise InvalidInput(results[0]["error"]["detail"])
    return results[0]


def _plans(answer: dict) -> list[dict]:
    seen = {}
    for z in answer.get("zones", []) + answer.get("slivers", []):
        seen.setdefault((z["plan"]["id"], z["plan"]["version"]), z["plan"])
    return list(seen.values())


def _by_subzone(answer: dict) -> dict:
    out: dict = defaultdict(lambda: {"area_m2": 0.0, "share": 0.0, "intensity": None, "subzone_name": None})
    for z in answer.get("zones", []) + answer.get("slivers", []):
        slot = out[(z["plan"]["id"], z["subzone_code"])]
        slot["area_m2"] += z["area_m2"] or 0.0
        slot["share"] += z["share"] or 0.0
        slot["subzone_name"] = z["subzone_name"]
        if slot["intensity"] is None or (z["area_m2"] or 0) > slot.get("_main", 0):
            slot["intensity"], slot["_main"] = z["intensity"], z["area_m2"] or 0
    return out


def _canonical(items) -> list:
    """A list of dicts in a stable order, for comparing special provisions or overlays."""
    return sorted((sorted((k, str(v)) for k, v in item.items()) for item in items or ()), key=str)


def _conditions(activity: dict) -> list:
    """The activity's cells that decide (non-sliver): sub-zone, class, codes and condition texts."""
    return sorted(
        (z["subzone_code"], z["class"] or "", tuple(z["codes"]), tuple(str(c) for c in z["conditions"]))
        for z in activity.get("by_zone") or ()
        if not z["sliver"]
    )


def _diff(before: dict, after: dict, d_from: date, d_to: date) -> dict:
    head = {k: before[k] for k in ("index", "id", "properties") if k in before}
    if "error" in before:
        return {**head, "error": before["error"]}
    b, a = _by_subzone(before), _by_subzone(after)
    subzones, intensity = [], []
    for key in sorted(set(b) | set(a), key=lambda k: (k[0], k[1])):
        old, new = b.get(key), a.get(key)
        if old is None:
            change = "added"
        elif new is None:
            change = "removed"
        elif abs(old["share"] - new["share"]) > SHARE_EPS:
            change = "changed"
        else:
            change = "unchanged"
        subzones.append(
            {
                "plan": key[0],
                "subzone_code": key[1],
                "subzone_name": (new or old)["subzone_name"],
                "from": None if old is None else {"area_m2": round(old["area_m2"], 2), "share": round(old["share"], 6)},
                "to": None if new is None else {"area_m2": round(new["area_m2"], 2), "share": round(new["share"], 6)},
                "change": change,
            }
        )
        if old is not None and new is not None:
            changes = {
                f: {"from": old["intensity"].get(f), "to": new["intensity"].get(f)}
                for f in INTENSITY_FIELDS
                if old["intensity"].get(f) != new["intensity"].get(f)
            }
            if changes:
                intensity.append({"plan": key[0], "subzone_code": key[1], "changes": changes})
    limits = {}
    for f in LIMIT_FIELDS:
        x, y = before["limits"].get(f), after["limits"].get(f)
        limits[f] = {
            "from": x,
            "to": y,
            "change": None if x is None or y is None else round(y - x, 2),
            "changed": x != y,
        }
    out = {
        **head,
        "parcel": after["parcel"],
        "from": {"at": d_from.isoformat(), "plans": _plans(before), "covered_share": before["covered_share"]},
        "to": {"at": d_to.isoformat(), "plans": _plans(after), "covered_share": after["covered_share"]},
        "subzones": subzones,
        "intensity": intensity,
        "limits": limits,
    }
    # "changed" means: something this parcel's answer depends on changed — never merely the version number.
    what = []
    if any(s["change"] != "unchanged" for s in subzones):
        what.append("subzones")
    if intensity:
        what.append("intensity")
    if any(v["changed"] for v in limits.values()):
        what.append("limits")
    for key in ("special_provisions", "overlays"):
        if _canonical(before.get(key)) != _canonical(after.get(key)):
            what.append(key)
    if "activity" in before or "activity" in after:
        x, y = before.get("activity") or {}, after.get("activity") or {}
        conditions_changed = _conditions(x) != _conditions(y)
        out["activity"] = {
            "code": y.get("code") or x.get("code"),
            "name": y.get("name") or x.get("name"),
            "from": x.get("class"),
            "to": y.get("class"),
            "changed": x.get("class") != y.get("class") or conditions_changed,
            "conditions_changed": conditions_changed,
        }
        if out["activity"]["changed"]:
            what.append("activity")
    out["changed"] = bool(what)
    out["what_changed"] = what
    out["versions_differ"] = out["from"]["plans"] != out["to"]["plans"]
    out["before"], out["after"] = before, after
    return out
