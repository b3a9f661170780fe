"""The verification page of a stored extract (what a QR code on the PDF opens) and its 404 page, as HTML.

The record's page is in one language at a time (``lang`` ``id`` or ``en``, from the reader's
``Accept-Language``): words from :data:`rdtr.messages.CATALOG` (``vp_*``), numbers by :mod:`rdtr.numbers`.
The 404 page says it in both, Indonesian first (whoever scans a bad code). Plan data stays as written.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from rdtr.messages import Message
from rdtr.numbers import format_number
from rdtr.render.extract.conformity import verdict_words
from rdtr.render.extract.words import COMBINING_RULE_EN, COMBINING_RULE_ID, class_verdict, date_id, nip_text

_PAGE_STYLE = """<style>
.verdict { border: 2px solid var(--v); border-radius: 6px; padding: 8px 12px; margin: 12px 0;
           background: color-mix(in srgb, var(--v) 8%, white); }
.verdict strong { color: var(--v); font-size: 1.35rem; }
.en-block { border-top: 1px solid #ccc; margin-top: 24px; padding-top: 8px; color: #333; }
</style>"""

_MONTHS_EN = "January February March April May June July August September October November December".split()


def _w(key: str, lang: str, **values: Any) -> str:
    """A word or sentence of the page in ``lang``, its values escaped."""
    return Message(key, **{k: escape(str(v)) for k, v in values.items()}).say(lang)


def _num(value, lang: str, digits: int = 1, unit: str = "") -> str:
    """A number as the documents print it (rdtr.numbers, ``fixed``) in ``lang``: 1.234,5 / 1,234.5."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return "–"
    return f"{format_number(value, digits, lang, fixed=True)}{unit}"


def _date(value: datetime, lang: str) -> str:
    return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}" if lang == "en" else date_id(value)


def page(title: str, body: str, lang: str = "id") -> str:
    """A whole page around ``body`` (the app's stylesheet, no script)."""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><link rel="stylesheet" href="/static/app.css">{_PAGE_STYLE}</head>
<body class="verify"><main id="main">
{body}
</main></body></html>"""


def not_found_page(extract_id: str, malformed: bool) -> str:
    """The 404 page for an unknown (or, ``malformed``, impossible) extract id: Indonesian first, English below."""
    shown = escape(extract_id[:40])
    why = "vp_malformed" if malformed else "vp_unknown"
    halves = []
    for lang, level in (("id", 1), ("en", 2)):
        lead = _w("vp_not_found_lead", lang, id=extract_id[:40]).replace(shown, f"<code>{shown}</code>")
        halves.append(
            f"<h{level}>{_w('vp_not_found', lang)}</h{level}>\n"
            f'<p class="lead">{lead} {_w(why, lang)}</p>\n<p>{_w("vp_check_again", lang)}</p>'
        )
    body = (
        f'{halves[0]}\n<section class="en-block" lang="en">{halves[1]}</section>\n'
        f'<p><a href="/">{_w("vp_map", "id")} / {_w("vp_map", "en")}</a></p>'
    )
    return page(f"{_w('vp_not_found', 'id')} / {_w('vp_not_found', 'en')}", body)


def _conformity_item(conf: dict | None, lang: str) -> str:
    """The stored conformity check: the verdict in words, how many checks failed or were not checked."""
    if not conf:
        return ""
    ind, eng = verdict_words(conf.get("verdict"))
    checks = conf.get("checks") or []
    failed = sum(c.get("result") == "fail" for c in checks)
    open_ = sum(c.get("result") == "not_checked" for c in checks)
    reasons = "".join(f"<li>{escape(str(t))}</li>" for t in conf.get("reasons") or [])  # stored as issued
    counts = _w("vp_checks", lang, checks=len(checks), failed=failed, open=open_)
    return (
        f"<dt>{_w('vp_conformity', lang)}</dt><dd><strong>{escape(eng if lang == 'en' else ind)}</strong>"
        f" — {counts}{f'<ul>{reasons}</ul>' if reasons else ''}</dd>\n"
    )


def _verdict_block(answer: dict, lang: str) -> str:
    act = answer.get("activity") or {}
    ind, eng, colour = class_verdict(act.get("class"))
    what = f"{escape(str(act.get('code') or ''))} {escape(str(act.get('name') or ''))}".strip() or "–"
    return (
        f'<div class="verdict" style="--v:{colour}"><div>{_w("vp_activity", lang)}: {what}'
        f" ({_w('vp_itbx_class', lang, klass=act.get('class') or '–')})</div>"
        f'<strong data-testid="verdict">{escape(eng if lang == "en" else ind)}</strong></div>'
    )


#: The limits listed: (field, label key, decimals, unit).
_LIMITS = (
    ("max_footprint_m2", "pv_max_footprint", 1, " m²"),
    ("max_floor_area_m2", "pv_max_floor_area", 1, " m²"),
    ("min_green_area_m2", "pv_min_green", 1, " m²"),
    ("max_height_m", "pv_max_height", 1, " m"),
    ("max_floors", "pv_max_floors", 0, ""),
)


def verification_page(r: dict, lang: str = "id") -> str:
    """The page of a stored extract ``r`` in ``lang``: verdict, plan version and legal basis, officer, date, hashes."""
    e = escape
    answer = r.get("answer") or {}
    parcel = answer.get("parcel") or {}
    zones = "".join(
        f"<li><strong>{e(str(z.get('subzone_code')))}</strong> {e(str(z.get('subzone_name') or ''))}"
        f" — {_num(z.get('area_m2'), lang, 1, ' m²')} ({_num((z.get('share') or 0) * 100, lang, 1, ' %')})</li>"
        for z in answer.get("zones") or []
    )
    plans = "".join(f"<li>{_w('vp_plan', lang, **_plan_fields(p))}</li>" for p in r.get("plans") or [])
    limits_ = answer.get("limits") or {}
    limits = "".join(
        f"<li>{_w(key, lang)}: {_num(limits_.get(field), lang, digits, unit)}</li>"
        for field, key, digits, unit in _LIMITS
    )
    created = datetime.fromisoformat(r["created_at"].replace("Z", "+00:00"))
    nip = r.get("officer_nip")
    officer = e(r["officer"]) + (f" — NIP. {e(nip_text(nip))}" if nip else "")
    office = (r.get("request") or {}).get("office") or {}
    office_item = (
        f"<dt>{_w('vp_office', lang)}</dt><dd>{e(str(office.get('name')))}<br>{e(str(office.get('address') or ''))}"
        "</dd>\n"
        if office.get("name")
        else ""
    )
    rule = COMBINING_RULE_EN if lang == "en" else COMBINING_RULE_ID
    body = f"""<h1>{_w("vp_title", lang)}</h1>
<p class="lead">{_w("vp_on_record", lang)}</p>
{_verdict_block(answer, lang)}
<dl>
{_conformity_item(answer.get("conformity"), lang)}<dt>{_w("vp_id", lang)}</dt><dd><code>{e(r["id"])}</code></dd>
<dt>{_w("vp_issued", lang)}</dt>
<dd><time datetime="{e(r["created_at"])}">{_date(created, lang)}, {created:%H:%M} UTC</time></dd>
{office_item}<dt>{_w("vp_officer", lang)}</dt><dd>{officer}</dd>
<dt>{_w("vp_reference", lang)}</dt><dd>{e(r.get("reference") or "–")}</dd>
<dt>{_w("vp_plans", lang)}</dt><dd><ul>{plans}</ul></dd>
<dt>{_w("vp_parcel_area", lang)}</dt><dd>{_num(parcel.get("area_m2"), lang, 1, " m²")}</dd>
<dt>{_w("pv_subzone", lang)}</dt><dd><ul>{zones}</ul></dd>
<dt>{_w("vp_limits", lang)}</dt><dd><ul>{limits}</ul><small>{e(rule)}</small></dd>
<dt>{_w("vp_pdf_hash", lang)}</dt><dd><code class="hash">{e(r["sha256"])}</code></dd>
<dt>{_w("vp_answer_hash", lang)}</dt><dd><code class="hash">{e(r.get("answer_sha256") or "–")}</code></dd>
</dl>
<p><a href="{e(r["pdf"])}">{_w("vp_download", lang)}</a> · <a href="?f=json">{_w("vp_json", lang)}</a> · \\
<a href="/">{_w("vp_map", lang)}</a></p>
<p class="note">{e(r["notice"])} {_w("vp_oss", lang)}</p>"""
    return page(_w("vp_page_title", lang, id=r["id"]), body, lang)


def _plan_fields(p: dict) -> dict:
    return {k: p.get(k) for k in ("name", "version", "legal_basis", "effective_from")}
