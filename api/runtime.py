"""What the app holds while it runs: the database (one pool and its per-version cache) and the worker
threads heavy work is sent to, so the event loop stays free for the short answers."""

from __future__ import annotations

import asyncio
import functools
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request

from rdtr.db import Database

T = TypeVar("T")


def database(request: Request) -> Database:
    """The app's :class:`Database` (opened by the lifespan, or injected by a test)."""
    return request.app.state.db


def _settle(future: asyncio.Future, ok: bool, value: Any) -> None:
    if not future.cancelled():  # the client went away meanwhile: nobody awaits it
        future.set_result(value) if ok else future.set_exception(value)


class WorkerThreads:
    """``RDTR_WORKER_THREADS`` threads per API worker process, fed from one queue (so a burst of heavy work
    queues here). Lighter than ``run_in_executor``: one asyncio future per job and no
    ``concurrent.futures.Future`` with its lock and callback chain (≈10 against ≈35 µs of CPU per hop,
    measured; see bench/parcel.md)."""

    def __init__(self, threads: int):
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._serve, name=f"rdtr-work_{i}", daemon=True) for i in range(max(1, threads))
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, func: Callable[[], T]) -> asyncio.Future:
        """A future of the event loop this is called on, settled with ``func()``'s value or exception."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._jobs.put((loop, future, func))
        return future

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            loop, future, func = job
            if future.cancelled():
                continue
            try:
                outcome = (True, func())
            except BaseException as exc:  # handed to the awaiting request, which maps it to its answer
                outcome = (False, exc)
            try:
                loop.call_soon_threadsafe(_settle, future, *outcome)
            except RuntimeError:  # the loop closed while this ran (shutdown)
                pass
            del job, future, func, outcome

    def shutdown(self) -> None:
        """Let the queued jobs finish, then stop the threads."""
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()


async def in_worker(request: Request, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``func`` in the app's worker threads, never on the event loop: parcel analysis, batches, extracts,
    conversions, uploads, tiles."""
    return await request.app.state.workers.submit(functools.partial(func, *args, **kwargs))
