"""Progress of an ingest: one rich progress bar per stage when asked for, and each stage's time in the report."""

from __future__ import annotations

import time
from contextlib import contextmanager

from rdtr.ingest.report import Report


class Stages:
    """A rich progress bar per stage, or nothing (``progress=False``)."""

    def __init__(self, enabled: bool, report: Report):
        self.enabled = enabled
        self.report = report
        self._progress = None

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("{task.description:<28}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._progress.start()
        return self

    def __exit__(self, *exc):
        if self._progress:
            self._progress.stop()

    @contextmanager
    def stage(self, name: str, total: int | None = 1):
        """Time the block as stage ``name`` (seconds, into the report); yields ``advance(n)`` for its bar."""
        start = time.perf_counter()
        task = self._progress.add_task(name, total=total) if self._progress else None

        def advance(n: int = 1):
            if task is not None:
                self._progress.advance(task, n)

        try:
            yield advance
        finally:
            if task is not None:
                self._progress.update(task, completed=total if total is not None else 1, total=total or 1)
            self.report.timings[name] = self.report.timings.get(name, 0.0) + time.perf_counter() - start
