"""Abuse limits: requests per client, and failed token attempts per client, over a sliding minute.

The client is the connection's peer address, or — only when that peer is one of ``RDTR_TRUSTED_PROXIES`` —
the nearest untrusted address in ``X-Forwarded-For``. Over a limit the answer is 429 problem+json with
``Retry-After``. Counted per API worker process (a token bucket each); ``RDTR_RATE_LIMIT=off`` turns both
off (benchmarks do). Static assets and ``/health`` are not counted.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time

from rdtr.config import get_settings
from rdtr.errors import RdtrError
from rdtr.messages import Message

UNCOUNTED = ("/static/", "/health", "/docs", "/redoc", "/openapi.json")
MAX_CLIENTS = 100_000  #: buckets kept; beyond this the table starts over (memory stays bounded)


class RateLimited(RdtrError):
    """Too many requests (or failed token attempts) from one client; ``Retry-After`` says when to retry."""

    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, retry_after_s: float):
        super().__init__(detail)
        self.headers = {"Retry-After": str(max(1, math.ceil(retry_after_s)))}


class Buckets:
    """Token buckets per key: ``per_minute`` tokens, refilled continuously."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self.rate = per_minute / 60.0
        self.state: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one token for ``key``: 0 when allowed, else the seconds until one is available."""
        now = time.monotonic()
        with self.lock:
            tokens, last = self.state.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * self.rate)
            if tokens >= 1:
                if len(self.state) >= MAX_CLIENTS:
                    self.state.clear()
                self.state[key] = (tokens - 1, now)
                return 0.0
            self.state[key] = (tokens, now)
            return (1 - tokens) / self.rate

    def blocked(self, key: str) -> float:
        """Seconds until ``key`` has a token again (0: it has one now), without taking any."""
        now = time.monotonic()
        with self.lock:
            tokens, last = self.state.get(key, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - last) * self.rate)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate


def client_key(scope) -> str:
    """The client address of a request (trusting ``X-Forwarded-For`` only from configured proxies)."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    trusted = get_settings().trusted_proxies
    if not trusted or not _in(peer, trusted):
        return peer
    forwarded = ""
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-for":
            forwarded = value.decode("latin-1")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):  # the nearest hop not one of ours is the client
        if not _in(hop, trusted):
            return hop
    return hops[0] if hops else peer


def _in(address: str, networks: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


class RateLimitMiddleware:
    """Counts each request against its client's bucket; answers 429 problem+json when it is empty."""

    def __init__(self, app):
        self.app = app
        settings = get_settings()
        self.enabled = settings.rate_limit
        self.requests = Buckets(settings.rate_limit_per_minute)

    async def __call__(self, scope, receive, send):
        if self.enabled and scope["type"] == "http" and not scope["path"].startswith(UNCOUNTED):
            wait = self.requests.take(client_key(scope))
            if wait:
                from starlette.datastructures import Headers

                from api.problems import as_problem, language

                exc = RateLimited(Message("rate_limited", limit=self.requests.per_minute), wait)
                await as_problem(exc, language(Headers(scope=scope)))(scope, receive, send)
                return
        await self.app(scope, receive, send)


#: Failed token attempts per client (checked before a token is verified, counted when one fails).
_failures: Buckets | None = None


def failures() -> Buckets:
    """The failed-token buckets of this process."""
    global _failures
    per_minute = get_settings().auth_failures_per_minute
    if _failures is None or _failures.per_minute != per_minute:
        _failures = Buckets(per_minute)
    return _failures
