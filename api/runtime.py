"""What the app holds while it runs: the database (one pool and its per-version cache) and the worker
threads heavy work is sent to, so the event loop stays free for the short answers."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

import anyio.to_thread
from fastapi import Request

from rdtr.db import Database

T = TypeVar("T")


def database(request: Request) -> Database:
    """The app's :class:`Database` (opened by the lifespan, or injected by a test)."""
    return request.app.state.db


async def in_worker(request: Request, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``func`` in the app's worker threads (at most ``RDTR_WORKER_THREADS`` at once), never on the loop:
    parcel analysis, batches, extracts, conversions, uploads."""
    return await anyio.to_thread.run_sync(functools.partial(func, *args, **kwargs),
                                          limiter=request.app.state.work_limiter)
