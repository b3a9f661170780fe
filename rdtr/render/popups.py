"""An answer as the popup HTML of a map preview (a point's zones, a parcel's pieces and limits) and the
words around it, one language at a time (``lang`` ``id`` or ``en``): numbers by :mod:`rdtr.numbers`, words
by :data:`rdtr.messages.CATALOG` (``pv_*``); plan data stays as written."""

from __future__ import annotations

import html
from typing import Any

from rdtr.itbx import CLASS_NAMES, CLASS_RANK
from rdtr.messages import Message, say
from rdtr.numbers import format_number
from rdtr.render import style
from rdtr.render.extract.words import COMBINING_RULE_EN, COMBINING_RULE_ID, class_verdict
from rdtr.units import INTENSITY


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _num(value: Any, unit: str = "", digits: int = 1, lang: str = "id") -> str:
    """A number as the documents print it (:func:`rdtr.numbers.format_number`, ``fixed``): ``3.782,8 m²`` in
    Indonesian, ``3,782.8 m²`` in English."""
    if value is None:
        return "–"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{format_number(value, digits, lang, fixed=True)}{unit}"
    return _esc(value)


def _w(key: str, lang: str, **values: Any) -> str:
    """A word or sentence of the preview in ``lang``, escaped (values are inserted escaped, as given)."""
    return Message(key, **{k: _esc(say(v, lang)) for k, v in values.items()}).say(lang)


def _verdict_html(cls: str | None, what: str = "", lang: str = "id") -> str:
    """The verdict first: the activity's class in words, in the reader's language, and its colour."""
    ind, eng, colour = class_verdict(cls)
    return (
        f"<div class='rdtr-verdict' style='--v:{colour}'><strong data-testid='verdict'>"
        f"{_esc(eng if lang == 'en' else ind)}</strong>"
        f"{f'<div class=rdtr-what>{what}</div>' if what else ''}</div>"
    )


def _strictest(classes) -> str | None:
    known = [c for c in classes if c in CLASS_RANK]
    return max(known, key=CLASS_RANK.__getitem__) if known else None


def _class_text(cls: str | None, lang: str = "id") -> str:
    if not cls:
        return "–"
    # CLASS_NAMES holds "diizinkan (permitted)": the Indonesian, then the English in brackets.
    ind, _, eng = CLASS_NAMES.get(cls, "").partition(" (")
    return f"<strong>{_esc(cls)}</strong> – {_esc(eng.rstrip(')') if lang == 'en' else ind)}"


def _plan_line(plan: dict | None, lang: str = "id") -> str:
    if not plan:
        return ""
    fields = {k: plan.get(k) for k in ("name", "version", "legal_basis", "effective_from")}
    return f"<div class='rdtr-plan'>{_w('pv_plan_line', lang, **fields)}</div>"


def _intensity_table(it: dict | None, lang: str = "id") -> str:
    it = it or {}
    cells = "".join(
        f"<tr><th scope='row'>{m.label(lang)}</th>"
        f"<td>{_num(it[m.field], ' ' + m.unit if m.unit else '', m.digits, lang)}</td></tr>"
        for m in INTENSITY
        if it.get(m.field) is not None
    )
    return f"<table class='rdtr-t'>{cells}</table>" if cells else ""


def _activity(act: dict) -> str:
    return f"{act.get('code') or ''} {act.get('name') or ''}".strip()


def zoning_popup(answer: dict, lang: str = "id") -> str:
    """The point answer as popup HTML (every covering zone), in ``lang``."""
    if not answer.get("zones"):
        message = say(answer.get("message"), lang) or _w("pv_uncovered_rtrw", lang)
        return f"<div class='rdtr-pop'><strong>{_w('pv_uncovered', lang)}</strong><br>{_esc(message)}</div>"
    parts = []
    acts = [z.get("activity") for z in answer["zones"] if z.get("activity")]
    if acts:
        what = _w("pv_activity_here", lang, what=_activity(acts[0]))
        parts.append(_verdict_html(_strictest(x.get("class") for x in acts), what, lang))
    for z in answer["zones"]:
        act = z.get("activity")
        act_html = ""
        if act:
            conds = "".join(f"<li>{_esc(c)}</li>" for c in act.get("conditions") or [])
            codes = f" ({_esc(', '.join(act.get('codes') or []))})" if act.get("codes") else ""
            act_html = (
                f"<div>{_w('pv_activity', lang, what=_activity(act))}: {_class_text(act.get('class'), lang)}"
                f"{codes}</div>" + (f"<ul>{conds}</ul>" if conds else "")
            )
        near = ""
        if z.get("near_boundary"):
            distance = _num(z.get("boundary_distance_m"), " m", lang=lang)
            near = f"<div class='rdtr-warn'>{_w('pv_near_boundary', lang, distance=distance)}</div>"
        sp = ", ".join(f"{p.get('kind')}: {p.get('value')}" for p in z.get("special_provisions") or [])
        parts.append(
            f"<div class='rdtr-pop'><div class='rdtr-code' data-subzone='{_esc(z.get('subzone_code'))}'>"
            f"<span class='rdtr-swatch' style='background:"
            f"{style.fill_color(z.get('subzone_code'), z.get('zone_code'))}'>"
            f"</span><strong>{_esc(z.get('subzone_code'))}</strong> {_esc(z.get('subzone_name'))}</div>"
            f"<div>{_w('pv_zone', lang)} {_esc(z.get('zone_code'))} {_esc(z.get('zone_name'))} · "
            f"{_w('pv_block', lang)} {_esc(z.get('block') or '–')}"
            f" · {_esc(z.get('kelurahan') or '')}, {_esc(z.get('kecamatan') or '')}</div>"
            f"{act_html}{_intensity_table(z.get('intensity'), lang)}"
            f"{'<div>' + _w('pv_special', lang) + ': ' + _esc(sp) + '</div>' if sp else ''}"
            f"{'<div>TPZ: ' + _esc(', '.join(z.get('tpz') or [])) + '</div>' if z.get('tpz') else ''}"
            f"{near}{_plan_line(z.get('plan'), lang)}</div>"
        )
    head = parts.pop(0) if acts else ""
    return head + "<hr>".join(parts)


#: The limits table of a parcel popup: (field, label key, unit, decimals).
_LIMIT_ROWS = (
    ("max_footprint_m2", "pv_max_footprint", " m²", 1),
    ("max_floor_area_m2", "pv_max_floor_area", " m²", 1),
    ("min_green_area_m2", "pv_min_green", " m²", 1),
    ("max_height_m", "pv_max_height", " m", 1),
    ("max_floors", "pv_max_floors", "", 0),
)


def parcel_popup(answer: dict, lang: str = "id") -> str:
    """One parcel's analysis as popup HTML in ``lang``: pieces and shares, class, limits."""
    if answer.get("error"):
        error = _esc(say(answer["error"], lang))
        return f"<div class='rdtr-pop'><strong>{_w('pv_cannot_analyse', lang)}</strong><br>{error}</div>"
    parcel = answer.get("parcel") or {}
    pieces = "".join(
        f"<tr><td><span class='rdtr-swatch' style='background:"
        f"{style.fill_color(z.get('subzone_code'), z.get('zone_code'))}'>"
        f"</span>{_esc(z.get('subzone_code'))}</td><td>{_esc(z.get('subzone_name'))}</td>"
        f"<td>{_num(z.get('area_m2'), ' m²', lang=lang)}</td>"
        f"<td>{_num((z.get('share') or 0) * 100, ' %', lang=lang)}</td></tr>"
        for z in answer.get("zones") or []
    )
    act = answer.get("activity")
    act_html = verdict = ""
    if act:
        what = _w("pv_activity", lang, what=_activity(act))
        act_html = f"<div>{what}: {_class_text(act.get('class'), lang)}</div>"
        verdict = _verdict_html(act.get("class"), what, lang)
    lim = answer.get("limits") or {}
    limits = "".join(
        f"<tr><th scope='row'>{_w(key, lang)}</th><td>{_num(lim.get(field), unit, digits, lang)}</td></tr>"
        for field, key, unit, digits in _LIMIT_ROWS
    )
    plans = {(z.get("plan") or {}).get("id"): z.get("plan") for z in answer.get("zones") or []}
    uncovered = ""
    if not answer.get("zones"):
        uncovered = f"<div class='rdtr-warn'>{_w('pv_uncovered_rtrw', lang)}</div>"
    heads = "".join(f"<th>{_w(k, lang)}</th>" for k in ("pv_subzone", "pv_name", "pv_area", "pv_share"))
    rule = COMBINING_RULE_EN if lang == "en" else COMBINING_RULE_ID
    return (
        f"<div class='rdtr-pop'>{verdict}<strong>{_w('pv_parcel_word', lang)} "
        f"{_num(parcel.get('area_m2'), ' m²', lang=lang)}</strong>"
        f"{' ' + _w('pv_repaired', lang) if parcel.get('repaired') else ''}"
        f"<table class='rdtr-t'><tr>{heads}</tr>{pieces}</table>"
        f"{uncovered}{act_html}<table class='rdtr-t'>{limits}</table><div class='rdtr-plan'>{_esc(rule)}</div>"
        f"{''.join(_plan_line(p, lang) for p in plans.values())}</div>"
    )
