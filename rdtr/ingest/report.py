"""The validation report of one ingest run: counts, errors, warnings and repairs.

Every message says where it comes from: the package file, and a feature id (vector layers) or a
row and column (tables; ``row`` is the line number a spreadsheet shows, the header being line 1).
The report is a plain JSON document (``Report.to_dict()``); the CLI prints a human summary of it,
``--report FILE.json`` writes it whole, the API returns it, and ``plan_version.validation_report`` /
``ingest_run.report`` store it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rdtr.messages import Message, join

#: Messages kept per message code; the counts stay exact beyond it.
MAX_ITEMS_PER_CODE = 500


class Report:
    def __init__(self, source: str | None = None):
        self.source = source
        self.plan_id: str | None = None
        self.checksum: str | None = None
        self.counts: dict[str, int] = {}
        self.errors: list[dict] = []
        self.warnings: list[dict] = []
        self.repaired: list[dict] = []
        self.info: dict[str, Any] = {}
        self.topology: dict[str, Any] = {}
        self.timings: dict[str, float] = {}
        self._per_code: Counter = Counter()
        self._omitted: Counter = Counter()

    # -- adding messages -------------------------------------------------------------------------
    def _add(self, bucket: list, level: str, code: str, message: str, where: dict) -> None:
        self._per_code[(level, code)] += 1
        if self._per_code[(level, code)] > MAX_ITEMS_PER_CODE:
            self._omitted[(level, code)] += 1
            return
        item = {"code": code, "message": message}
        item.update({k: v for k, v in where.items() if v is not None})
        bucket.append(item)

    def error(self, code: str, message: str, **where) -> None:
        """A problem that stops the load (file, feature, row, column, … say where)."""
        self._add(self.errors, "error", code, message, where)

    def warning(self, code: str, message: str, **where) -> None:
        """Something a user should know; the load goes on."""
        self._add(self.warnings, "warning", code, message, where)

    def repair(self, code: str, message: str, **where) -> None:
        """Something the ingest fixed (a repaired polygon, a swapped axis order, …)."""
        self._add(self.repaired, "repair", code, message, where)

    def merge(self, other: Report) -> None:
        """Add another report's messages and counts (e.g. from a worker thread)."""
        for level, src, dst in (
            ("error", other.errors, self.errors),
            ("warning", other.warnings, self.warnings),
            ("repair", other.repaired, self.repaired),
        ):
            for item in src:
                extra = {k: v for k, v in item.items() if k not in ("code", "message")}
                self._add(dst, level, item["code"], item["message"], extra)
        for (level, code), n in other._omitted.items():
            self._per_code[(level, code)] += n
            self._omitted[(level, code)] += n
        self.counts.update(other.counts)

    def count(self, name: str, value: int) -> None:
        """Record the count ``name`` (features read, zones, …) as ``value``, replacing any earlier one."""
        self.counts[name] = int(value)

    @property
    def ok(self) -> bool:
        """True when the run had no error (counting errors beyond the messages kept)."""
        return not self.errors and not self._has_omitted("error")

    def n_errors(self) -> int:
        """The number of errors, including those beyond ``MAX_ITEMS_PER_CODE`` whose messages were not kept."""
        return sum(n for (level, _), n in self._per_code.items() if level == "error")

    def n_warnings(self) -> int:
        """The number of warnings, including those beyond ``MAX_ITEMS_PER_CODE`` whose messages were not kept."""
        return sum(n for (level, _), n in self._per_code.items() if level == "warning")

    def n_repaired(self) -> int:
        """The number of repairs, including those beyond ``MAX_ITEMS_PER_CODE`` whose messages were not kept."""
        return sum(n for (level, _), n in self._per_code.items() if level == "repair")

    def _has_omitted(self, level: str) -> bool:
        return any(lv == level for (lv, _) in self._omitted)

    def first_error(self) -> str | None:
        """The first error as one line (see :func:`format_item`), or None when there is none."""
        if not self.errors:
            return None
        return format_item(self.errors[0])

    # -- output ----------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The report as a plain JSON document: ok, counts, errors, warnings, repairs, and topology, info,
        omitted counts and timings (s) when there are any."""
        doc: dict[str, Any] = {
            "ok": self.ok,
            "source": self.source,
            "plan_id": self.plan_id,
            "checksum": self.checksum,
            "counts": dict(self.counts),
            "n_errors": self.n_errors(),
            "n_warnings": self.n_warnings(),
            "n_repaired": self.n_repaired(),
            "errors": list(self.errors),
            "warnings": list(self.warnings),
            "repaired": list(self.repaired),
        }
        if self.topology:
            doc["topology"] = self.topology
        if self.info:
            doc["info"] = dict(self.info)
        if self._omitted:
            doc["omitted"] = [
                {"level": level, "code": code, "count": n} for (level, code), n in sorted(self._omitted.items())
            ]
        if self.timings:
            doc["timings_s"] = {k: round(v, 3) for k, v in self.timings.items()}
        return doc


def format_item(item: dict) -> str:
    """``"zones/pola_ruang.gpkg feature 12: …"`` — one line for a message."""
    where = []
    if item.get("file"):
        where.append(str(item["file"]))
    if item.get("feature") is not None:
        where.append(Message("at_feature", feature=str(item["feature"])))
    if item.get("row") is not None:
        where.append(Message("at_row", row=str(item["row"])))
    if item.get("column") is not None:
        where.append(Message("at_column", column=repr(item["column"])))
    if not where:
        return item["message"]
    return Message("report_item", where=join(" ", where), message=item["message"])
