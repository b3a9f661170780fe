"""What the app holds while it runs: the database (one pool and its per-version cache) and the worker
threads heavy work is sent to, so the event loop stays free for the short answers."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from fastapi import Request

from rdtr.db import Database

T = TypeVar("T")


def database(request: Request) -> Database:
    """The app's :class:`Database` (opened by the lifespan, or injected by a test)."""
    return request.app.state.db


def worker_pool(threads: int) -> ThreadPoolExecutor:
    """The threads heavy work runs in (``RDTR_WORKER_THREADS`` per API worker process)."""
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="rdtr-work")


async def in_worker(request: Request, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``func`` in the app's worker threads, never on the event loop: parcel analysis, batches, extracts,
    conversions, uploads, tiles (bounded by the pool's size, so a burst of them queues here)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(request.app.state.workers, functools.partial(func, *args, **kwargs))
