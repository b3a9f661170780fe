"""Ingestion of plan packages: read, normalise, validate, load (one transaction per plan version).

``ingest_package(source, dry_run=False, progress=False, url=None) -> IngestResult`` is the entry point;
see :mod:`rdtr.package` for the ``plan.toml`` keys and :mod:`rdtr.ingest.rules` for the table layouts.
"""

from rdtr.ingest.pipeline import IngestResult, ingest_package

__all__ = ["IngestResult", "ingest_package"]
