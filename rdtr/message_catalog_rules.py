"""The sentences of an ingest report about the plan's rule tables (``rdtr.ingest``: the sub-zone table, ITBX
matrix, legend, KBLI, TPZ and intensity tables), in English and Indonesian (merged into
:data:`rdtr.messages.CATALOG`).

Plan data (file and column names, codes, ``plan.toml`` keys) is kept as written: placeholders.
"""

from __future__ import annotations

RULES: dict[str, tuple[str, str]] = {
    # --- the sub-zone table (rdtr.ingest.subzones) ------------------------------------------------------------
    "subzone_empty": ("empty sub-zone", "sub-zona kosong"),
    "subzone_ambiguous": ("{text} names several sub-zones ({codes})", "{text} menamai beberapa sub-zona ({codes})"),
    "subzone_unknown_code": (
        "{text} is not a sub-zone code of the plan's sub-zone table ({source})",
        "{text} bukan kode sub-zona dalam tabel sub-zona rencana ({source})",
    ),
    "subzone_unknown_code_or_name": (
        "{text} is not a sub-zone code or name of the plan's sub-zone table ({source})",
        "{text} bukan kode atau nama sub-zona dalam tabel sub-zona rencana ({source})",
    ),
    "subzone_table_derived": ("derived from the zone layer", "diturunkan dari lapisan zona"),
    "note_subzone_table_derived": (
        "sub-zone table derived from the zone layer",
        "tabel sub-zona diturunkan dari lapisan zona",
    ),
    "subzones_no_column": (
        "[subzones.columns] {setting} = {column}: no such column (columns: {columns})",
        "[subzones.columns] {setting} = {column}: kolom itu tidak ada (kolom yang ada: {columns})",
    ),
    "subzones_no_code_column": (
        "the sub-zone table has no sub-zone code column: name it subzone_code or map it with [subzones.columns] "
        'subzone_code = "…"',
        "tabel sub-zona tidak memiliki kolom kode sub-zona: beri nama subzone_code atau petakan dengan "
        '[subzones.columns] subzone_code = "…"',
    ),
    "subzone_code_empty": ("sub-zone code is empty", "kode sub-zona kosong"),
    "subzone_twice": (
        "sub-zone {code} is listed twice (also on row {row})",
        "sub-zona {code} tercantum dua kali (juga di baris {row})",
    ),
    "subzone_inconsistent": (
        "sub-zone {code} has several {column} values ({values}): the most frequent, {chosen}, is used",
        "sub-zona {code} memiliki beberapa nilai {column} ({values}): yang dipakai yang paling sering, {chosen}",
    ),
    "subzones_no_zone": (
        "no zone code (KODZON) for sub-zones {codes}: give a sub-zone table ([subzones]) to name their zones",
        "tidak ada kode zona (KODZON) untuk sub-zona {codes}: sertakan tabel sub-zona ([subzones]) untuk "
        "menyebutkan zonanya",
    ),
    "note_names_from_namobj": (
        "sub-zone names taken from NAMOBJ (no NAMSZN values)",
        "nama sub-zona diambil dari NAMOBJ (tidak ada nilai NAMSZN)",
    ),
    "note_lot_classes_closed": (
        "lot-size classes written as inclusive whole numbers (e.g. 40–100, 101–200 m²) stored half-open: "
        "[40, 101), [101, 201) …",
        "kelas luas persil yang ditulis sebagai bilangan bulat inklusif (misalnya 40–100, 101–200 m²) disimpan "
        "setengah terbuka: [40, 101), [101, 201) …",
    ),
    "note_generated_codes": (
        "generated in order of first appearance (the lists carry names only)",
        "dibuat sesuai urutan kemunculan pertama (daftar hanya memuat nama)",
    ),
    "subzone_table_empty": ("the sub-zone table is empty", "tabel sub-zona kosong"),
    # --- rule tables in general (rdtr.ingest.rule_tables) -----------------------------------------------------
    "section_unknown_key": (
        "[{section}] {setting} is not a column rdtr knows ({known}): ignored",
        "[{section}] {setting} bukan kolom yang dikenal rdtr ({known}): diabaikan",
    ),
    "section_no_column": (
        "[{section}] {setting} = {column}: no such column (columns: {columns})",
        "[{section}] {setting} = {column}: kolom itu tidak ada (kolom yang ada: {columns})",
    ),
    "column_not_subzone": ("column {problem}; {hint}", "kolom {problem}; {hint}"),
    # --- the ITBX matrix (rdtr.ingest.itbx_matrix) ------------------------------------------------------------
    "activity_code_empty": ("activity code is empty", "kode kegiatan kosong"),
    "activity_name_empty": ("activity name is empty", "nama kegiatan kosong"),
    "itbx_bad_cell": (
        "{cell} is not an ITBX class (I, T, B, X) or condition code like T1 or B3",
        "{cell} bukan kelas ITBX (I, T, B, X) atau kode ketentuan seperti T1 atau B3",
    ),
    "itbx_list_bad_cell": ("[itbx.lists] {column}: {problem}", "[itbx.lists] {column}: {problem}"),
    "itbx_repaired_cell": (
        "{count} cell {cell} read as {fixed} (condition codes are separated by commas)",
        "{count} sel {cell} dibaca sebagai {fixed} (kode ketentuan dipisahkan dengan koma)",
    ),
    "itbx_repaired_cells": (
        "{count} cells {cell} read as {fixed} (condition codes are separated by commas)",
        "{count} sel {cell} dibaca sebagai {fixed} (kode ketentuan dipisahkan dengan koma)",
    ),
    "itbx_no_activity_column": (
        'no activity name column: name it activity (or kegiatan) or map it with [itbx.fields] activity = "…"',
        "tidak ada kolom nama kegiatan: beri nama activity (atau kegiatan) atau petakan dengan [itbx.fields] "
        'activity = "…"',
    ),
    "itbx_hint_exclude": (
        "map it in the sub-zone table (aliases) or list it in [itbx].exclude",
        "petakan di tabel sub-zona (aliases) atau cantumkan di [itbx].exclude",
    ),
    "itbx_columns_same_subzone": (
        "columns {first} and {second} are both sub-zone {code}",
        "kolom {first} dan {second} sama-sama sub-zona {code}",
    ),
    "itbx_generated_codes": (
        "no activity code column: activities are numbered 1–{count} in file order",
        "tidak ada kolom kode kegiatan: kegiatan diberi nomor 1–{count} sesuai urutan di berkas",
    ),
    "itbx_activity_twice": ("activity code {code} also on row {row}", "kode kegiatan {code} juga ada di baris {row}"),
    "itbx_empty_cells": (
        "{count} empty ITBX cells (no rule for that activity and sub-zone)",
        "{count} sel ITBX kosong (tidak ada ketentuan untuk kegiatan dan sub-zona itu)",
    ),
    "itbx_long_needs": (
        'long ITBX needs a {need} column: map it with [itbx.fields] {need} = "…"',
        'ITBX format panjang memerlukan kolom {need}: petakan dengan [itbx.fields] {need} = "…"',
    ),
    "itbx_generated_codes_long": (
        "no activity code column: activities numbered in order of first appearance",
        "tidak ada kolom kode kegiatan: kegiatan diberi nomor sesuai urutan kemunculan pertamanya",
    ),
    "itbx_code_two_names": (
        "activity code {code} names both {first} and {second}",
        "kode kegiatan {code} menamai {first} sekaligus {second}",
    ),
    "itbx_pair_twice": (
        "activity {activity} in sub-zone {code} is also on row {row} with another cell",
        "kegiatan {activity} di sub-zona {code} juga ada di baris {row} dengan sel yang berbeda",
    ),
    "itbx_lists_no_column": (
        "[itbx.lists] {setting} = {cell}: the zone layer has no column {column}",
        "[itbx.lists] {setting} = {cell}: lapisan zona tidak memiliki kolom {column}",
    ),
    "itbx_truncated_list": (
        "{column} is {length} characters long, the dBase limit: its last item {item} is probably cut off and was "
        "left out",
        "{column} sepanjang {length} karakter, batas dBase: butir terakhirnya {item} kemungkinan terpotong dan "
        "tidak dipakai",
    ),
    "itbx_list_conflicts": (
        "{count} activity/sub-zone pairs carry more than one class (listed in several lists, e.g. both TBT and "
        "BST, or differently by polygons of one sub-zone): their codes are merged and the most restrictive class "
        "applies",
        "{count} pasangan kegiatan/sub-zona memiliki lebih dari satu kelas (tercantum di beberapa daftar, misalnya "
        "TBT dan BST sekaligus, atau berbeda antarpoligon satu sub-zona): kodenya digabung dan yang berlaku kelas "
        "yang paling ketat",
    ),
    "itbx_undefined_codes": (
        "condition codes used in the ITBX but not in the legend: {codes}",
        "kode ketentuan yang dipakai di ITBX tetapi tidak ada di legenda: {codes}",
    ),
    "no_itbx": (
        "the package has no ITBX table ([itbx]): activities cannot be checked",
        "paket tidak memiliki tabel ITBX ([itbx]): kegiatan tidak dapat diperiksa",
    ),
    "no_intensity_table": (
        "the package has no intensity table ([intensity])",
        "paket tidak memiliki tabel intensitas ([intensity])",
    ),
    "subzones_without_cells": ("sub-zones without ITBX cells: {codes}", "sub-zona tanpa sel ITBX: {codes}"),
    "zones_without_rules": (
        "zones of sub-zones {codes} have no ITBX rules",
        "zona pada sub-zona {codes} tidak memiliki ketentuan ITBX",
    ),
    # --- the legend, KBLI and TPZ tables (rdtr.ingest.legend) --------------------------------------------------
    "legend_code_twice": ("code {code} is defined twice", "kode {code} didefinisikan dua kali"),
    "legend_code_no_text": ("code {code} has no text", "kode {code} tidak memiliki teks"),
    "legend_text_only": (
        "conditions that stay text only (no rule column): {codes}; a conformity check they govern needs an "
        "officer's review",
        "ketentuan yang tetap berupa teks saja (tanpa kolom aturan): {codes}; pemeriksaan kesesuaian yang "
        "diaturnya perlu ditinjau petugas",
    ),
    "legend_bad_rule": ("code {code}: {why}", "kode {code}: {why}"),
    "legend_lot_min_max": (
        "code {code}: min_lot_area_m2 = {low} is more than max_lot_area_m2 = {high}",
        "kode {code}: min_lot_area_m2 = {low} lebih besar dari max_lot_area_m2 = {high}",
    ),
    "legend_unknown_column": (
        "the legend has a column {name} rdtr does not know; the legend's columns are code, text and the rule "
        "columns {rules} (map a column named otherwise in [itbx.codes_columns])",
        "legenda memiliki kolom {name} yang tidak dikenal rdtr; kolom legenda adalah code, text dan kolom aturan "
        "{rules} (petakan kolom yang bernama lain di [itbx.codes_columns])",
    ),
    "kbli_columns": (
        "the KBLI table needs a kbli and an activity_code column",
        "tabel KBLI memerlukan kolom kbli dan kolom activity_code",
    ),
    "kbli_bad": ("KBLI {kbli} is not a five-digit KBLI 2020 code", "KBLI {kbli} bukan kode KBLI 2020 lima digit"),
    "kbli_unknown_activity": ("activity {code} is not in the ITBX matrix", "kegiatan {code} tidak ada di matriks ITBX"),
    "tpz_code_twice": ("TPZ code {code} is defined twice", "kode TPZ {code} didefinisikan dua kali"),
    "code_table_columns": ("{what} needs a code and a text column", "{what} memerlukan kolom kode dan kolom teks"),
    "tpz_undefined": (
        "TPZ codes on zones but not in the TPZ table: {codes}",
        "kode TPZ pada zona yang tidak ada di tabel TPZ: {codes}",
    ),
    # --- the intensity table (rdtr.ingest.intensity_table) -----------------------------------------------------
    "intensity_free_text": (
        "{field} is free text, kept verbatim in the note: {text}",
        "{field} berupa teks bebas, disimpan apa adanya di catatan: {text}",
    ),
    "intensity_klb_percent": ("KLB {raw} read as a percent: {value}", "KLB {raw} dibaca sebagai persen: {value}"),
    "intensity_fraction": (
        "{field} {raw} read as a fraction: {value} %",
        "{field} {raw} dibaca sebagai pecahan: {value} %",
    ),
    "intensity_no_subzone_column": (
        'no sub-zone column in the intensity table: map it with [intensity.columns] subzone = "…"',
        'tidak ada kolom sub-zona di tabel intensitas: petakan dengan [intensity.columns] subzone = "…"',
    ),
    "intensity_no_parameter_column": (
        'layout = "parameter-rows" needs the parameter column: [intensity.columns] parameter = "…"',
        'layout = "parameter-rows" memerlukan kolom parameter: [intensity.columns] parameter = "…"',
    ),
    "intensity_hint_exclude": (
        "list it in [intensity].exclude if it is not a sub-zone",
        "cantumkan di [intensity].exclude bila kolom itu bukan sub-zona",
    ),
    "intensity_unknown_key": (
        "[intensity.parameters] {setting} is not an intensity field ({known}): ignored",
        "[intensity.parameters] {setting} bukan isian intensitas ({known}): diabaikan",
    ),
    "intensity_unknown_parameter": (
        'parameter {label} is not known: map it with [intensity.parameters] kdb_max = "…"',
        'parameter {label} tidak dikenal: petakan dengan [intensity.parameters] kdb_max = "…"',
    ),
    "intensity_not_a_number": ("{field} {value} is not a number", "{field} {value} bukan angka"),
    "intensity_zones_no_column": (
        "[intensity.columns] {setting} = {column}: the zone layer has no such column",
        "[intensity.columns] {setting} = {column}: lapisan zona tidak memiliki kolom itu",
    ),
    "intensity_zones_none": (
        '[intensity] source = "zones" but the zone layer has none of the intensity columns (KDB, KLB, KDH, KTB): '
        "map them with [intensity.columns]",
        '[intensity] source = "zones" tetapi lapisan zona tidak memiliki satu pun kolom intensitas (KDB, KLB, '
        "KDH, KTB): petakan dengan [intensity.columns]",
    ),
    "intensity_inconsistent": (
        "the polygons of sub-zone {code} carry {count} different intensity values (not separated by block): each "
        "is kept with the features it comes from as its variant",
        "poligon sub-zona {code} membawa {count} nilai intensitas yang berbeda (tidak dipisahkan per blok): "
        "masing-masing disimpan bersama fiturnya sebagai varian",
    ),
    "intensity_duplicate": (
        "sub-zone {code} has a second intensity row for the same lot class/variant (first on row {row}): both kept",
        "sub-zona {code} memiliki baris intensitas kedua untuk kelas luas persil/varian yang sama (yang pertama "
        "di baris {row}): keduanya disimpan",
    ),
    "intensity_lot_overlap": (
        "lot-size classes of sub-zone {code} overlap ({first} and {second} m²)",
        "kelas luas persil sub-zona {code} tumpang tindih ({first} dan {second} m²)",
    ),
    # --- a rule column's value (rdtr.conditions.parse_rule_value) ----------------------------------------
    "rule_hours": ("hours: {why}", "jam: {why}"),
    "rule_list_empty": ("{column} names no approval or document", "{column} tidak menyebut izin atau dokumen apa pun"),
    "rule_not_number": ("{column} = {raw} is not a number", "{column} = {raw} bukan angka"),
    "rule_not_whole": ("{column} = {raw} is not a whole number", "{column} = {raw} bukan bilangan bulat"),
    "rule_more_than": ("{column} = {raw} must be more than {low}", "{column} = {raw} harus lebih dari {low}"),
    "rule_at_least": ("{column} = {raw} must be at least {low}", "{column} = {raw} paling sedikit harus {low}"),
    "rule_too_high": (
        "{column} = {raw} is more than {high} ({unit})",
        "{column} = {raw} lebih dari {high} ({unit})",
    ),
}
