"""The conformity check's reasons: one plain sentence per failing or open item, in Indonesian or English.

Plan data (condition texts, sub-zone codes) stays as the plan wrote it; numbers follow the language
(:mod:`rdtr.numbers`).
"""

from __future__ import annotations

from rdtr.numbers import format_number

#: rule → (Indonesian, English) name of what is checked
RULE_LABELS = {
    "footprint": ("luas lantai dasar", "footprint"),
    "floor_area": ("luas lantai total", "total floor area"),
    "floors": ("jumlah lantai", "number of floors"),
    "height": ("tinggi bangunan", "building height"),
    "green_area": ("luas ruang terbuka hijau", "green area"),
    "setback": ("garis sempadan bangunan (GSB)", "setback (GSB)"),
    "lot_area": ("luas persil", "lot area"),
    "hours": ("jam operasional", "opening hours"),
}
UNITS = {"m2": "m²", "m": "m", "floors": "", "time": ""}
#: verdict → (Indonesian, English) words, as the PDF, the CLI and the page say them
VERDICT_WORDS = {
    "conforms": ("Sesuai", "Conforms"),
    "conforms_with_conditions": ("Sesuai bersyarat", "Conforms with conditions"),
    "does_not_conform": ("Tidak sesuai", "Does not conform"),
    "needs_review": ("Perlu ditinjau petugas", "Needs an officer's review"),
}


def _label(rule: str, lang: str) -> str:
    if rule.endswith("_height") and rule not in RULE_LABELS:
        kind = rule[: -len("_height")].upper()
        return f"batas tinggi {kind}" if lang == "id" else f"{kind} height limit"
    pair = RULE_LABELS.get(rule, (rule, rule))
    return pair[0] if lang == "id" else pair[1]


def _value(value, unit: str | None, lang: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = format_number(value, 0 if unit == "floors" else 1, lang)
        u = UNITS.get(unit or "", "")
        return f"{text} {u}".strip() if u else text
    return str(value)


def _where(source: dict, lang: str) -> str:
    """The rule a check applies, in a few words: "condition T1 in K-1", "intensity of R-2"."""
    by = source.get("by")
    place = source.get("subzone_code") or ", ".join(source.get("subzones") or [])
    if by == "condition":
        return (
            f"ketentuan {source.get('code')} di {place}"
            if lang == "id"
            else f"condition {source.get('code')} in {place}"
        )
    if by == "overlay":
        return source.get("name") or source.get("kind") or ""
    if by == "itbx":
        return f"matriks ITBX, {place}" if lang == "id" else f"ITBX matrix, {place}"
    return f"intensitas {place}" if lang == "id" else f"intensity of {place}"


def reason(lang: str, kind: str, **args) -> str:
    """The sentence for ``kind``: ``fail`` or ``not_checked`` (with ``check``), ``requirement``, ``class_b``,
    ``uncovered`` or ``partly_covered``."""
    lang = "id" if lang == "id" else "en"
    if kind in ("fail", "not_checked"):
        return _check_reason(args["check"], kind, lang)
    if kind == "requirement":
        r = args["requirement"]
        if lang == "id":
            return (
                f"Ketentuan {r['code']} ({r['subzone_code']}) mensyaratkan {r['name']}, "
                "yang belum tercantum dalam usulan."
            )
        return f"Condition {r['code']} ({r['subzone_code']}) requires {r['name']}, which the proposal does not list."
    if kind == "class_b":
        zones = ", ".join(args["subzones"])
        if lang == "id":
            return f"Kegiatan diizinkan bersyarat (kelas B) di {zones}: syaratnya wajib dipenuhi."
        return f"The activity is permitted on conditions (class B) in {zones}: they must be met."
    if kind == "uncovered":
        if lang == "id":
            return (
                "Tidak ada RDTR yang berlaku di persil ini pada tanggal tersebut: RTRW berlaku, perlu ditinjau petugas."
            )
        return "No RDTR covers the parcel on this date: the RTRW applies and an officer must review it."
    if kind == "partly_covered":
        share = format_number(args["share"] * 100, 1, lang)
        if lang == "id":
            return f"Hanya {share} % persil berada di dalam RDTR: sisanya perlu ditinjau petugas."
        return f"Only {share} % of the parcel lies inside the plan: the rest must be reviewed by an officer."
    raise ValueError(f"no reason for {kind!r}")


def _check_reason(c: dict, kind: str, lang: str) -> str:
    rule, src = c["rule"], c["source"]
    where = _where(src, lang)
    if rule == "activity_class":
        zone = src.get("subzone_code")
        if kind == "fail":
            if lang == "id":
                return f"Kegiatan {c['proposed']} tidak diizinkan (kelas X) di sub-zona {zone}."
            return f"The activity {c['proposed']} is not permitted (class X) in sub-zone {zone}."
        if lang == "id":
            return f"Matriks ITBX tidak memuat kegiatan {c['proposed']} untuk sub-zona {zone}: perlu ditinjau petugas."
        return f"The ITBX matrix has no cell for {c['proposed']} in sub-zone {zone}: an officer must review it."
    if rule == "condition":
        code, text, zone = src.get("code"), src.get("text"), src.get("subzone_code")
        if code is None:
            if lang == "id":
                return (
                    f"Sub-zona {zone} mengizinkan kegiatan secara terbatas (T) tanpa menyebut batasnya: "
                    "perlu ditinjau petugas."
                )
            return (
                f"Sub-zone {zone} permits the activity with limits (T) without stating them: an officer must review it."
            )
        quoted = f' ("{text}")' if text else ""
        if lang == "id":
            return f"Ketentuan {code}{quoted} di {zone} hanya berupa teks: perlu ditinjau petugas."
        return f"Condition {code}{quoted} in {zone} is stated only in words: an officer must review it."
    label = _label(rule, lang)
    limit = _value(c["limit"], c["unit"], lang)
    if kind == "not_checked":
        if lang == "id":
            return f"Usulan belum menyebutkan {label}; batasnya {limit} ({where}): lengkapi untuk pemeriksaan."
        return (
            f"The proposal does not state the {label}; the limit is {limit} ({where}): state it to complete the check."
        )
    proposed = _value(c["proposed"], c["unit"], lang)
    sense = c.get("sense")
    if lang == "id":
        verb = {"max": "melebihi batas maksimum", "min": "kurang dari batas minimum"}.get(sense, "di luar batas")
        return f"{label[0].upper()}{label[1:]} {proposed} {verb} {limit} ({where})."
    verb = {"max": "exceeds the maximum of", "min": "is below the minimum of"}.get(sense, "is outside the permitted")
    return f"The {label} of {proposed} {verb} {limit} ({where})."
