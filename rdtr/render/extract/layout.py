"""The flowing part of the extract (page 2 on): the story of pieces, intensity and limits, the activity, the
conformity check (with a proposal), special provisions, vertex coordinates and notes."""

from __future__ import annotations

import json
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, NextPageTemplate, PageBreak, Paragraph, Spacer

from rdtr.render.extract.conformity import conformity_story
from rdtr.render.extract.geometry import MapView, _transformer, crs_name, parcel_vertices
from rdtr.render.extract.model import ExtractInput
from rdtr.render.extract.page import OSS_NOTE_EN, OSS_NOTE_ID
from rdtr.render.extract.tables import _class_label, _heading, _table
from rdtr.render.extract.text import _p, fmt_num
from rdtr.render.extract.words import COMBINING_RULE_EN, COMBINING_RULE_ID
from rdtr.units import INTENSITY


def _plans(answer: dict) -> list[dict]:
    seen = {}
    for z in answer.get("zones") or []:
        plan = z.get("plan") or {}
        key = (plan.get("id"), plan.get("version"))
        if key not in seen and plan:
            seen[key] = plan
    return list(seen.values())


def _intensity_rows(answer: dict) -> list[list[Any]]:
    rows = [["Sub-zona", *(m.with_unit("id") for m in INTENSITY)]]
    seen = set()
    for z in answer.get("zones") or []:
        it = z.get("intensity") or {}
        key = (z.get("subzone_code"), json.dumps(it, sort_keys=True, default=str))
        if key in seen:
            continue
        seen.add(key)
        rows.append([z.get("subzone_code"), *(fmt_num(it.get(m.field), m.digits) for m in INTENSITY)])
    return rows


def numbered_conditions(answer: dict) -> list[tuple[str | None, str, list[str]]]:
    """The activity's condition texts as the numbered list prints them: (code or ``None``, text, sub-zones),
    each once, in the order of the pieces. A text is paired with its code when the cell's numbered codes
    and its texts match one to one (the legend explains every numbered code)."""
    out: dict[tuple[str | None, str], list[str]] = {}
    act = answer.get("activity") or {}
    by_zone = {bz.get("subzone_code"): bz for bz in act.get("by_zone") or []}
    for z in answer.get("zones") or []:
        cell = z.get("activity") or {}
        texts = [t for t in cell.get("conditions") or [] if t]
        if not texts:
            bz = by_zone.get(z.get("subzone_code")) or {}
            texts = [t for t in bz.get("conditions") or [] if t]
            codes = bz.get("codes") or []
        else:
            codes = cell.get("codes") or []
        numbered = [c for c in codes if any(ch.isdigit() for ch in str(c))]
        pairs = zip(numbered, texts, strict=True) if len(numbered) == len(texts) else ((None, t) for t in texts)
        for code, text in pairs:
            zones = out.setdefault((code, text), [])
            if z.get("subzone_code") not in zones:
                zones.append(z.get("subzone_code"))
    return [(code, text, zones) for (code, text), zones in out.items()]


def build_story(data: ExtractInput, view: MapView, st: dict) -> list:
    """The story of pages 2 on: pieces and shares, intensity and limits, the activity, the conformity check
    (only with a proposal), provisions and TPZ, the vertex coordinates (EPSG:4326 and the view's UTM CRS,
    metres), notes."""
    answer = data.answer
    story: list = []
    # Page 1 is drawn on the canvas (map, summary); the flowing part starts on page 2.
    story.append(NextPageTemplate("later"))
    story.append(PageBreak())

    # 1. Pieces and shares.
    story.append(_heading(st, "1. Bagian persil per sub-zona", "Parcel pieces by sub-zone"))
    rows = [
        [
            "No.",
            "Kode sub-zona",
            "Nama sub-zona",
            "Zona",
            "Blok / sub-blok",
            "Kelurahan, kecamatan",
            "Luas (m²)",
            "Bagian (%)",
        ]
    ]
    for i, z in enumerate(answer.get("zones") or [], start=1):
        rows.append(
            [
                i,
                z.get("subzone_code"),
                z.get("subzone_name"),
                f"{z.get('zone_code') or '-'} {z.get('zone_name') or ''}".strip(),
                f"{z.get('block') or '-'} / {z.get('subblock') or '-'}",
                f"{z.get('kelurahan') or '-'}, {z.get('kecamatan') or '-'}",
                fmt_num(z.get("area_m2"), 1),
                fmt_num((z.get("share") or 0) * 100, 1),
            ]
        )
    story.append(_table(rows, [8, 20, 40, 30, 20, 36, 16, 16], st, numeric_cols=(6, 7)))
    slivers = answer.get("slivers") or []
    if slivers:
        story.append(Spacer(1, 2 * mm))
        story.append(
            Paragraph(
                _p(
                    "Bagian kecil (sliver) di bawah toleransi, tidak menentukan hasil / "
                    "Slivers below the tolerance, not deciding the verdict:"
                ),
                st["small"],
            )
        )
        srows = [["Kode sub-zona", "Luas (m²)", "Bagian (%)"]]
        for s in slivers:
            srows.append([s.get("subzone_code"), fmt_num(s.get("area_m2"), 2), fmt_num((s.get("share") or 0) * 100, 2)])
        story.append(_table(srows, [30, 25, 25], st, numeric_cols=(1, 2)))
    boundary = answer.get("boundary") or {}
    if boundary.get("near_boundary") or boundary.get("crosses_boundary"):
        story.append(Spacer(1, 1.5 * mm))
        story.append(
            Paragraph(
                _p(
                    f"Persil {'dilintasi' if boundary.get('crosses_boundary') else 'dekat'} batas zona. "
                    "Toleransi posisi "
                    f"peta RDTR {fmt_num(boundary.get('tolerance_m'), 1)} m; luas yang tidak pasti di sepanjang batas "
                    f"~{fmt_num(boundary.get('uncertain_area_m2'), 1)} m². / The parcel "
                    f"{'crosses' if boundary.get('crosses_boundary') else 'is near'} a zone boundary; "
                    "the map's positional "
                    "tolerance applies."
                ),
                st["base"],
            )
        )
    covered = answer.get("covered_share")
    if covered is not None and covered < 0.999:
        story.append(
            Paragraph(
                _p(
                    f"Hanya {fmt_num(covered * 100, 1)} % persil tercakup RDTR; bagian lain "
                    "mengikuti RTRW. / Only part of the parcel is covered by an RDTR."
                ),
                st["base"],
            )
        )

    # 2. Intensity and limits.
    story.append(_heading(st, "2. Intensitas pemanfaatan ruang dan batas", "Intensity and limits"))
    story.append(_table(_intensity_rows(answer), [22, 19, 17, 19, 19, 21, 18, 19, 22], st, numeric_cols=range(1, 9)))
    limits = answer.get("limits") or {}
    story.append(Spacer(1, 2 * mm))
    lrows = [
        ["Batas untuk persil ini / Limit for this parcel", "Nilai / Value"],
        ["Luas lantai dasar maksimum (KDB x luas) / max footprint", fmt_num(limits.get("max_footprint_m2"), 1, " m²")],
        [
            "Luas seluruh lantai maksimum (KLB x luas) / max floor area",
            fmt_num(limits.get("max_floor_area_m2"), 1, " m²"),
        ],
        ["Luas ruang hijau minimum (KDH x luas) / min green area", fmt_num(limits.get("min_green_area_m2"), 1, " m²")],
        ["Tinggi bangunan maksimum / max height", fmt_num(limits.get("max_height_m"), 1, " m")],
        ["Jumlah lantai maksimum / max floors", fmt_num(limits.get("max_floors"), 0)],
        [
            Paragraph(
                f"{_p(COMBINING_RULE_ID)}<br/><font name='Helvetica-Oblique' color='#555555'>"
                f"{_p(COMBINING_RULE_EN)}</font>",
                st["cell"],
            ),
            "",
        ],
    ]
    limits_table = _table(lrows, [120, 50], st, numeric_cols=(1,))
    limits_table.setStyle([("SPAN", (0, len(lrows) - 1), (1, len(lrows) - 1))])
    story.append(limits_table)
    lot = answer.get("lot_size") or {}
    if lot.get("breach"):
        story.append(Spacer(1, 1.5 * mm))
        story.append(
            Paragraph(
                _p(
                    "Luas persil di bawah luas kavling minimum / the parcel is below the minimum lot "
                    f"size: {'; '.join(str(b) for b in lot.get('breaches') or [])}"
                ),
                st["base"],
            )
        )

    # 3. The activity.
    act = answer.get("activity")
    story.append(_heading(st, "3. Kegiatan yang dimohon (ITBX)", "Requested activity (ITBX)"))
    if act:
        kbli = act.get("kbli")
        head = (
            f"<b>{_p(act.get('code'))} {_p(act.get('name'))}</b>"
            + (f" (KBLI {_p(', '.join(kbli) if isinstance(kbli, list) else kbli)})" if kbli else "")
            + f" - kelas / class: <b>{_p(_class_label(act.get('class')))}</b>"
        )
        story.append(Paragraph(head, st["base"]))
        story.append(Spacer(1, 1.5 * mm))
        arows = [["Sub-zona", "Bagian (%)", "Kelas / class", "Kode ketentuan / codes", "Ketentuan / conditions"]]
        numbered = numbered_conditions(answer)
        for bz in act.get("by_zone") or []:
            note = " (sliver: tidak menentukan / does not decide)" if bz.get("sliver") else ""
            numbers = [str(i) for i, (_code, _text, zones) in enumerate(numbered, 1) if bz.get("subzone_code") in zones]
            arows.append(
                [
                    f"{bz.get('subzone_code')}{note}",
                    fmt_num((bz.get("share") or 0) * 100, 1),
                    _class_label(bz.get("class")),
                    ", ".join(bz.get("codes") or []) or "-",
                    f"no. {', '.join(numbers)} (di bawah / below)" if numbers else "-",
                ]
            )
        story.append(_table(arows, [30, 16, 50, 30, 59], st, numeric_cols=(1,)))
        if numbered:
            story.append(Spacer(1, 2 * mm))
            story.append(Paragraph(_p("Ketentuan kegiatan / conditions of the activity:"), st["cellb"]))
            item = ParagraphStyle("numbered", parent=st["base"], leftIndent=6 * mm, firstLineIndent=-6 * mm)
            for i, (code, text, zones) in enumerate(numbered, 1):
                where = f" <font color='#555555'>(sub-zona {_p(', '.join(zones))})</font>"
                label = f"<b>{_p(code)}</b>: " if code else ""
                story.append(Paragraph(f"{i}.&nbsp;&nbsp;{label}{_p(text)}{where}", item))
    else:
        story.append(
            Paragraph(
                _p(f"Tidak ada kegiatan yang diminta / no activity requested ({data.activity or '-'})."), st["base"]
            )
        )

    # 4. The conformity check, with a proposal (the later sections move down one).
    section = 4
    conformity = answer.get("conformity")
    if conformity:
        story.extend(conformity_story(conformity, section, st))
        section += 1

    # Special provisions, TPZ, overlays.
    story.append(_heading(st, f"{section}. Ketentuan khusus dan TPZ", "Special provisions and zoning techniques"))
    krows = [["Sub-zona", "Ketentuan khusus / special provisions", "TPZ"]]
    for z in answer.get("zones") or []:
        sp = z.get("special_provisions") or []
        sp_text = "; ".join(f"{p.get('kind')}: {p.get('value')}" for p in sp if isinstance(p, dict)) or "Tidak ada"
        texts = {t.get("code"): t.get("text") for t in z.get("tpz_texts") or [] if isinstance(t, dict)}
        tpz = z.get("tpz") or []
        tpz_text = (
            "; ".join(
                (f"{t}: {texts[t]}" if texts.get(t) else str(t)) if isinstance(t, str) else json.dumps(t) for t in tpz
            )
            or "Tidak ada"
        )
        krows.append([z.get("subzone_code"), sp_text, tpz_text])
    story.append(_table(krows, [25, 110, 50], st))
    overlays = answer.get("overlays") or []
    if overlays:
        story.append(Spacer(1, 2 * mm))
        orows = [["Lapisan / overlay", "Nama / name", "Ketentuan / text"]]
        for o in overlays:
            orows.append([o.get("kind"), o.get("name"), o.get("text")])
        story.append(_table(orows, [25, 50, 110], st))

    # Vertex coordinates.
    story.append(CondPageBreak(40 * mm))
    story.append(_heading(st, f"{section + 1}. Koordinat titik batas persil", "Parcel vertex coordinates"))
    story.append(
        Paragraph(
            _p(
                f"Bujur/lintang EPSG:4326 (WGS 84 ~ SRGI2013), derajat desimal dengan titik / decimal degrees; "
                f"E/N {crs_name(view.epsg)} (EPSG:{view.epsg}), meter."
            ),
            st["small"],
        )
    )
    story.append(Spacer(1, 1 * mm))
    vrows = [["No.", "Bujur / lon", "Lintang / lat", "E (m)", "N (m)"]]
    tr = _transformer(4326, view.epsg)
    for number, lon, lat in parcel_vertices(data.parcel):
        e, n = tr.transform(lon, lat)
        vrows.append([number, f"{lon:.7f}", f"{lat:.7f}", fmt_num(e, 2), fmt_num(n, 2)])
    story.append(_table(vrows, [12, 32, 32, 32, 32], st, numeric_cols=(1, 2, 3, 4)))

    # Notes.
    story.append(_heading(st, f"{section + 2}. Catatan", "Notes"))
    notes = [
        OSS_NOTE_ID,
        OSS_NOTE_EN,
        f"SHA-256 jawaban (JSON kanonik): {data.answer_sha256}. Nilai ini adalah SHA-256 dari jawaban "
        "analisis pada catatan ekstrak, ditulis sebagai JSON dengan kunci terurut, tanpa spasi, UTF-8. "
        "SHA-256 berkas PDF ini sendiri tercatat pada URL verifikasi (field sha256).",
        "The printed hash is the SHA-256 of the record's answer as canonical JSON (sorted keys, no "
        "whitespace, UTF-8). The SHA-256 of this PDF file is the record's sha256 at the verification URL.",
        f"Verifikasi / verify: {data.verify_url}",
    ]
    for note in notes:
        story.append(Paragraph(_p(note), st["base"]))
        story.append(Spacer(1, 1 * mm))
    return story
