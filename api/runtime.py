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
from rdtr.db.database import keep_connections
from rdtr.db.replicas import format_lsn, parse_lsn

T = TypeVar("T")

#: The header a write's answer carries (the primary's WAL location after it) and a later read may send back
#: to read that write on any node: a replica is used only once it has replayed that far.
READ_AFTER = "x-rdtr-read-after"


def database(request: Request) -> Database:
    """The app's :class:`Database` (opened by the lifespan, or injected by a test): the primary, for writes."""
    return request.app.state.db


def reader(request: Request) -> Database:
    """Where this request's reads go: a replica that has replayed this process's writes and the caller's
    ``X-Rdtr-Read-After``, else the primary (:meth:`Database.reader`); the primary when no replica is set."""
    db = request.app.state.db
    if not db.replicas:
        return db
    after = request.headers.get(READ_AFTER)
    return db.reader(parse_lsn(after) if after else 0)


class ReadAfterHeader:
    """ASGI middleware (installed only with replicas): a request that committed a write on the primary
    answers with ``X-Rdtr-Read-After`` — the WAL location a read must see to see that write."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            return await self.app(scope, receive, send)
        db = scope["app"].state.db
        before = db.written_lsn

        async def send_with_lsn(message):
            if message["type"] == "http.response.start" and db.written_lsn > before:
                lsn = format_lsn(db.written_lsn).encode()
                message["headers"] = [*message.get("headers", ()), (READ_AFTER.encode(), lsn)]
            await send(message)

        await self.app(scope, receive, send_with_lsn)


def add_read_after(app, database: Database | None) -> None:
    """Install :class:`ReadAfterHeader` when the app's database has replicas (nothing otherwise)."""
    from rdtr.config import get_settings

    if database.replicas if database is not None else get_settings().replica_urls():
        app.add_middleware(ReadAfterHeader)


def _settle(future: asyncio.Future, ok: bool, value: Any) -> None:
    if not future.cancelled():  # the client went away meanwhile: nobody awaits it
        future.set_result(value) if ok else future.set_exception(value)


class WorkerThreads:
    """``RDTR_WORKER_THREADS`` threads per API worker process, fed from one queue (so a burst of heavy work
    queues here). Lighter than ``run_in_executor``: one asyncio future per job and no
    ``concurrent.futures.Future`` with its lock and callback chain (≈10 against ≈35 µs of CPU per hop,
    measured; see bench/parcel.md)."""

    def __init__(self, threads: int, db: Database | None = None):
        self._db = db  # each thread keeps one connection of it (rdtr.db.database.keep_connections)
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
        keep_connections(self._db is not None)
        try:
            self._work()
        finally:
            if self._db is not None:
                self._db.release_thread()

    def _work(self) -> None:
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
