"""The conformity check as the extract prints it (an extract made with a proposal): the verdict in words,
one row per check with the rule it applies, the requirements and the reasons — all read from the stored
answer's ``conformity`` (:func:`rdtr.answers.check.conformity`, without its nested analysis)."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from rdtr.answers.check_text import RULE_LABELS, VERDICT_WORDS
from rdtr.proposal import FIELDS
from rdtr.render.extract.tables import _class_label, _heading, _table
from rdtr.render.extract.text import _p, fmt_num
from rdtr.units import BY_FIELD

#: a check's result → (Indonesian, English)
RESULTS = {
    "pass": ("Memenuhi", "pass"),
    "fail": ("Tidak memenuhi", "fail"),
    "not_checked": ("Belum diperiksa", "not checked"),
}
#: rules the reasons' table does not name: (Indonesian, English)
_MORE_RULES = {
    "activity_class": ("kelas kegiatan (ITBX)", "activity class (ITBX)"),
    "condition": ("ketentuan tertulis", "condition in words"),
}
#: proposal field → the rule whose label names it
_PROPOSAL_RULES = {
    "footprint_m2": "footprint",
    "floor_area_m2": "floor_area",
    "floors": "floors",
    "height_m": "height",
    "green_area_m2": "green_area",
    "setback_m": "setback",
    "hours": "hours",
}
#: intensity fields printed by their legal abbreviation ("KDB 60 %")
_SHORT = {"kdb_max": "KDB", "klb_max": "KLB", "kdh_min": "KDH", "ktb_max": "KTB", "gsb_min_m": "GSB"}
_UNITS = {"m2": " m²", "m": " m", "floors": " lantai"}
_SENSE = {"max": "maks. ", "min": "min. "}
_GREY = "#555555"


def verdict_words(verdict: str | None) -> tuple[str, str]:
    """The verdict in words, (Indonesian, English); an unknown verdict as it is."""
    return VERDICT_WORDS.get(verdict or "", (str(verdict or "-"), str(verdict or "-")))


def rule_label(rule: str) -> tuple[str, str]:
    """What a check checks, (Indonesian, English), capitalised: ``height`` → (``Tinggi bangunan``, ...)."""
    if rule in RULE_LABELS or rule in _MORE_RULES:
        ind, eng = RULE_LABELS.get(rule) or _MORE_RULES[rule]
    elif rule.endswith("_height"):
        kind = rule.removesuffix("_height").upper()
        ind, eng = f"batas tinggi {kind}", f"{kind} height limit"
    else:
        ind = eng = rule
    return ind[:1].upper() + ind[1:], eng[:1].upper() + eng[1:]


def amount(value, unit: str | None) -> str:
    """A limit or proposed value with its unit, Indonesian number format: ``12,0 m``, ``3 lantai``."""
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return fmt_num(value, 0 if unit == "floors" else 1, _UNITS.get(unit or "", ""))


def _limit(c: dict) -> str:
    if c["rule"] == "activity_class":
        return _class_label(c.get("limit"))
    if c.get("limit") is None:
        return "-"
    return _SENSE.get(c.get("sense") or "", "") + amount(c["limit"], c.get("unit"))


def _proposed(c: dict) -> str:
    if c["rule"] == "activity_class":
        return str(c.get("proposed") or "-")
    return amount(c.get("proposed"), c.get("unit"))


def _intensity(field: str | None, value) -> str:
    measure = BY_FIELD.get(field or "")
    if measure is None:
        return f"{field}: {fmt_num(value, 1)}"
    unit = f" {measure.unit}" if measure.unit else ""
    return f"{_SHORT.get(measure.field, measure.label_id)} {fmt_num(value, measure.digits, unit)}"


def _what(src: dict) -> str:
    """The rule itself: ``KDB 60 %``, ``ketentuan T1: <text>``, ``matriks ITBX: kelas I``."""
    by = src.get("by")
    if by == "intensity":
        if src.get("detail") and src.get("field") not in BY_FIELD:
            return f"kelas luas kavling: {src['detail']}"
        return _intensity(src.get("field"), src.get("value"))
    if by == "condition":
        if src.get("code") is None:
            return "kelas T tanpa ketentuan tertulis / class T without stated limits"
        return f"ketentuan {src['code']}: {src.get('text') or '-'}"
    if by == "itbx":
        codes = ", ".join(c for c in src.get("codes") or [] if c != src.get("class"))
        return f"matriks ITBX: kelas {src.get('class') or '-'}" + (f" ({codes})" if codes else "")
    if by == "overlay":
        return f"{src.get('kind') or ''} {src.get('name') or ''}: {src.get('text') or '-'}".strip()
    return "-"


def source_lines(src: dict) -> list[str]:
    """Where a check's limit comes from, as printed lines: plan version and sub-zone, then the rule."""
    head = []
    if src.get("plan"):
        head.append(f"{src['plan']} versi {src.get('version') if src.get('version') is not None else '-'}")
    if src.get("subzone_code"):
        head.append(f"sub-zona {src['subzone_code']}")
    elif src.get("subzones"):
        head.append(f"sub-zona {', '.join(src['subzones'])}")
    lines = [", ".join(head)] if head else []
    parts = src.get("parts")
    if parts:
        for part in parts:
            where = part.get("subzone_code") or ", ".join(part.get("subzones") or [])
            lines.append(f"{where}: {_what(part)}" if where else _what(part))
    else:
        lines.append(_what(src))
    return lines


def _bilingual(ind: str, eng: str, st: dict, style: str = "cell", color: str | None = None) -> Paragraph:
    text = f"<b>{_p(ind)}</b>" if color is None else f"<font color='{color}'><b>{_p(ind)}</b></font>"
    return Paragraph(f"{text}<br/><font size='6' color='{_GREY}'>{_p(eng)}</font>", st[style])


def _proposal_text(proposal: dict) -> str:
    items = []
    for field, value in proposal.items():
        if field == "documents":
            items.append(f"dokumen / documents: {', '.join(value) or '-'}")
            continue
        rule = _PROPOSAL_RULES.get(field)
        label = rule_label(rule)[0] if rule else field
        items.append(f"{label}: {amount(value, FIELDS[field].unit if field in FIELDS else None)}")
    return "; ".join(items) or "tidak ada nilai yang dinyatakan / no values stated"


def _check_rows(checks: list[dict], st: dict) -> list[list]:
    rows: list[list] = [
        [
            "Aturan / rule",
            "Batas / limit",
            "Usulan / proposed",
            "Hasil / result",
            "Sumber ketentuan / source",
        ]
    ]
    for c in checks:
        ind, eng = rule_label(c["rule"])
        res_id, res_en = RESULTS.get(c.get("result"), (str(c.get("result")), str(c.get("result"))))
        color = "#b00020" if c.get("result") == "fail" else None
        source = "<br/>".join(_p(line) for line in source_lines(c.get("source") or {}))
        rows.append(
            [
                _bilingual(ind, eng, st),
                _limit(c),
                _proposed(c),
                _bilingual(res_id, res_en, st, color=color),
                Paragraph(source, st["cell"]),
            ]
        )
    return rows


def conformity_story(conf: dict, number: int, st: dict) -> list:
    """The section "Pemeriksaan kesesuaian rencana bangunan / Conformity check": verdict in words, the
    proposal, one row per check (rule, limit, proposed, result, source), requirements, reasons."""
    story: list = []
    ind, eng = verdict_words(conf.get("verdict"))
    verdict_style = ParagraphStyle("verdict", parent=st["base"], fontName="Helvetica-Bold", fontSize=11, leading=14)
    head = _heading(st, f"{number}. Pemeriksaan kesesuaian rencana bangunan", "Conformity check")
    verdict = Paragraph(
        f"Hasil / verdict: {_p(ind)} <font name='Helvetica-Oblique' size='8' color='{_GREY}'>/ {_p(eng)}</font>",
        verdict_style,
    )
    story.append(KeepTogether([head, verdict]))
    story.append(
        Paragraph(
            _p(
                "Pemeriksaan otomatis usulan terhadap ketentuan rencana; bukan keputusan KKPR. / "
                "An automatic check of the proposal against the plan's rules; not the KKPR decision."
            ),
            st["small"],
        )
    )
    story.append(Spacer(1, 1.5 * mm))
    story.append(Paragraph(f"<b>Usulan / proposal:</b> {_p(_proposal_text(conf.get('proposal') or {}))}", st["base"]))
    story.append(Spacer(1, 1.5 * mm))
    checks = conf.get("checks") or []
    if checks:
        story.append(_table(_check_rows(checks, st), [36, 30, 24, 24, 72], st))
    else:
        story.append(Paragraph(_p("Tidak ada aturan yang diperiksa / no rule checked."), st["base"]))
    requirements = conf.get("requirements") or []
    if requirements:
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(_p("Persyaratan / requirements"), st["cellb"]))
        rrows: list[list] = [
            ["Persyaratan / requirement", "Ketentuan / condition", "Sub-zona", "Dalam usulan / listed"]
        ]
        for r in requirements:
            listed = ("Ada", "provided") if r.get("provided") else ("Belum ada", "not provided")
            rrows.append(
                [r.get("name"), r.get("code") or "-", r.get("subzone_code") or "-", _bilingual(*listed, st=st)]
            )
        story.append(_table(rrows, [86, 30, 30, 40], st))
    reasons = conf.get("reasons") or []
    if reasons:
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(_p("Alasan / reasons"), st["cellb"]))
        for text in reasons:
            story.append(Paragraph(f"• {_p(text)}", st["base"]))
    return story
