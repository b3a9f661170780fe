"""Ingestion of plan packages: read, normalise, validate, load (one transaction per plan version).

``ingest_package(db, source, dry_run=False, progress=False) -> IngestResult`` is the entry point;
see :mod:`rdtr.package` for the ``plan.toml`` keys and :mod:`rdtr.ingest.itbx_matrix` and
:mod:`rdtr.ingest.intensity_table` for the rule-table layouts.
"""

from rdtr.ingest.pipeline import IngestResult, ingest_package

__all__ = ["IngestResult", "ingest_package"]
