"""Watches: webhooks that say when a new plan version changes the answer for a parcel or an area.

- :func:`create` / :func:`show` / :func:`delete`: ``POST``/``GET``/``DELETE /v1/watches``. The secret is
  stored (it signs every delivery) and returned once, at creation, never again; a wrong secret reads as an
  unknown watch.
- :func:`write_outbox`: called by the plan load inside its transaction, just before commit: for each watch
  the new version concerns, the compare between the version in force before it and the new one, computed on
  the load's own connection (it sees the uncommitted version); one ``watch_delivery`` row when
  ``changed``. A load that rolls back (a dry run included) therefore notifies nobody.
- :func:`deliver_pending`: sends due deliveries (``SELECT … FOR UPDATE SKIP LOCKED``: several processes
  never send one twice), signed ``X-Rdtr-Signature: sha256=<HMAC-SHA256(secret, body)>``, with
  exponential backoff; :class:`DeliveryThread` runs it every few seconds in the API.
- URLs: http/https only, and never to a loopback, private, link-local, multicast, reserved or unspecified
  address (unless ``RDTR_WEBHOOK_ALLOW_PRIVATE``) — checked at creation and again when sending, where the
  connection goes to the checked address itself (no second resolution: DNS rebinding); no redirects.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import hmac
import ipaddress
import logging
import secrets
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import orjson
from sqlalchemy import text

from rdtr import messages
from rdtr.config import get_settings
from rdtr.db import Database
from rdtr.db.database import prepare_once
from rdtr.errors import InvalidInput, NotFound, RdtrError
from rdtr.messages import Message
from rdtr.parcel_input import parse_geojson

log = logging.getLogger("rdtr.watches")

MAX_URL = 2000
RESOLVE_TIMEOUT_S = 3.0
BACKOFF_S = 30.0  #: the first retry waits this long, each next one twice as long …
BACKOFF_MAX_S = 3600.0  #: … up to an hour
MAX_ATTEMPTS = 10  #: then the delivery is ``failed``
_RESOLVER = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="rdtr-resolve")


class WatchNotFound(NotFound):
    """No such watch, or not with this secret (the two are not told apart)."""

    title = "Unknown watch"


# --- URLs ---------------------------------------------------------------------------------------------------


def _refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def resolve_public(url: str, allow_private: bool | None = None) -> tuple[object, list[str]]:
    """``(split URL, addresses)`` of an http(s) URL whose host resolves only to public addresses; else
    :class:`InvalidInput` (422) saying why. Resolution takes at most ``RESOLVE_TIMEOUT_S``."""
    if not isinstance(url, str) or not url:
        raise InvalidInput(Message("url_http"))
    if len(url) > MAX_URL:
        raise InvalidInput(Message("url_long", limit=MAX_URL))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidInput(Message("url_unusable", why=str(exc))) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(Message("url_host"))
    if parts.username is not None or parts.password is not None:
        raise InvalidInput(Message("url_credentials"))
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise InvalidInput(Message("url_spaces"))
    port = port or (443 if parts.scheme == "https" else 80)
    allow = get_settings().webhook_allow_private if allow_private is None else allow_private
    host = parts.hostname
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        future = _RESOLVER.submit(_resolve, host, port)
        try:
            addresses = future.result(timeout=RESOLVE_TIMEOUT_S)
        except concurrent.futures.TimeoutError:
            raise InvalidInput(Message("url_slow", host=repr(host), seconds=float(RESOLVE_TIMEOUT_S))) from None
        except (OSError, UnicodeError) as exc:
            raise InvalidInput(Message("url_unresolved", host=repr(host), why=str(exc))) from None
    if not addresses:
        raise InvalidInput(Message("url_no_address", host=repr(host)))
    if not allow:
        bad = [a for a in addresses if _refused(ipaddress.ip_address(a.split("%")[0]))]
        if bad:
            raise InvalidInput(Message("url_private", address=bad[0]))
    return parts, addresses


def check_url(url: str) -> str:
    """The URL when it may be watched (see :func:`resolve_public`); blocking: call it in a worker thread."""
    resolve_public(url)
    return url


# --- the watch itself -----------------------------------------------------------------------------------------


def _watch_geometry(doc) -> str:
    batch = parse_geojson(doc, max_parcels=1)
    if batch.collection:
        raise InvalidInput(Message("watch_one_shape"))
    parcel = batch.parcels[0]
    if not parcel.ok:
        raise InvalidInput(parcel.error)
    return parcel.geom.wkt


def parse_request(body) -> dict:
    """``{geometry (WKT), activity, plan, url}`` from a ``POST /v1/watches`` body, checked (URL not yet)."""
    from rdtr.text import is_plan_id

    if not isinstance(body, dict):
        raise InvalidInput(Message("watch_body"))
    shapes = [k for k in ("parcel", "area") if body.get(k) is not None]
    if len(shapes) != 1:
        raise InvalidInput(Message("watch_shape"))
    activity, plan, url = body.get("activity"), body.get("plan"), body.get("url")
    if activity is not None and (not isinstance(activity, str) or not 1 <= len(activity.strip()) <= 200):
        raise InvalidInput(Message("watch_activity"))
    if plan is not None and (not isinstance(plan, str) or not is_plan_id(plan)):
        raise InvalidInput(Message("watch_plan"))
    if not isinstance(url, str):
        raise InvalidInput(Message("watch_url"))
    geometry = _watch_geometry(body[shapes[0]])
    return {"geometry": geometry, "activity": activity.strip() if activity else None, "plan": plan, "url": url}


def create(db: Database, request: dict) -> dict:
    """Store a watch from :func:`parse_request`'s dict (its URL checked); ``{"id", "secret"}`` — the
    secret is shown here only."""
    from rdtr.answers.plans import require_plan

    if request["plan"] is not None:
        require_plan(db, request["plan"])
    check_url(request["url"])
    watch_id, secret = str(uuid.uuid4()), secrets.token_urlsafe(32)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO watch (id, geom, activity, plan_id, url, secret) VALUES "
                "(:id, ST_Multi(ST_GeomFromText(:g, 4326)), :a, :p, :u, :s)"
            ),
            {
                "id": watch_id,
                "g": request["geometry"],
                "a": request["activity"],
                "p": request["plan"],
                "u": request["url"],
                "s": secret,
            },
        )
    return {"id": watch_id, "secret": secret}


def _authorised(conn, watch_id: str, secret: str | None, token=None):
    # ``token`` (an rdtr.auth.TokenInfo) stands in for the secret: an officer of the watch's plan manages it.
    try:
        watch_id = str(uuid.UUID(watch_id))
    except (ValueError, TypeError, AttributeError):
        raise WatchNotFound(Message("no_watch", id=repr(watch_id[:40]))) from None
    row = (
        conn.execute(
            text(
                "SELECT id, url, activity, plan_id, secret, created_at, ST_AsGeoJSON(geom, 9)::jsonb AS geometry "
                "FROM watch WHERE id = :id AND deleted_at IS NULL"
            ),
            {"id": watch_id},
        )
        .mappings()
        .first()
    )
    if row is not None and secret and hmac.compare_digest(row["secret"].encode(), secret.encode()):
        return row
    if row is not None and token is not None:  # no (right) secret: the token's scope decides
        from rdtr.auth import require_watch_plan

        require_watch_plan(token, row["plan_id"])
        return row
    raise WatchNotFound(Message("no_watch", id=repr(watch_id)))


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def show(db: Database, watch_id: str, secret: str | None) -> dict:
    """The watch (its secret not included) and its deliveries, newest first; :class:`WatchNotFound` unless
    ``secret`` is the watch's."""
    with db.engine.connect() as conn:
        row = _authorised(conn, watch_id, secret)
        deliveries = (
            conn.execute(
                text(
                    "SELECT id, plan_id, from_version, to_version, status, attempts, next_attempt_at, last_error, "
                    "created_at, delivered_at, (body->'compare'->>'changed')::boolean AS changed FROM watch_delivery "
                    "WHERE watch_id = :id ORDER BY created_at DESC, id LIMIT 200"
                ),
                {"id": row["id"]},
            )
            .mappings()
            .all()
        )
    return {
        "id": row["id"],
        "url": row["url"],
        "plan": row["plan_id"],
        "activity": row["activity"],
        "geometry": row["geometry"],
        "created_at": _iso(row["created_at"]),
        "deliveries": [
            {
                "id": d["id"],
                "plan": d["plan_id"],
                "from_version": d["from_version"],
                "to_version": d["to_version"],
                "status": d["status"],
                "attempts": d["attempts"],
                "next_attempt_at": _iso(d["next_attempt_at"]) if d["status"] == "pending" else None,
                "last_error": d["last_error"],
                "created_at": _iso(d["created_at"]),
                "delivered_at": _iso(d["delivered_at"]),
            }
            for d in deliveries
        ],
    }


def delete(db: Database, watch_id: str, secret: str | None, token=None) -> None:
    """Mark the watch deleted and give up its pending deliveries; :class:`WatchNotFound` unless ``secret``
    is the watch's — or, given ``token`` (:class:`rdtr.auth.TokenInfo`), :class:`Forbidden` unless the token
    may act on the watch's plan (:func:`rdtr.auth.require_watch_plan`)."""
    with db.engine.begin() as conn:
        row = _authorised(conn, watch_id, secret, token)
        conn.execute(text("UPDATE watch SET deleted_at = now() WHERE id = :id"), {"id": row["id"]})
        conn.execute(
            text(
                "UPDATE watch_delivery SET status = 'failed', last_error = 'the watch was deleted' "
                "WHERE watch_id = :id AND status = 'pending'"
            ),
            {"id": row["id"]},
        )


# --- the outbox: written by the load, in its transaction --------------------------------------------------------


class _OneConnection:
    """What :class:`Database` code reaches through ``db.engine.connect()``: the load's connection, never closed."""

    def __init__(self, conn):
        self._conn = conn

    @contextlib.contextmanager
    def connect(self):
        yield self._conn


class InTransaction(Database):
    """A :class:`Database` whose reads run on one SQLAlchemy connection inside its open transaction (the load's):
    the answers see the version being loaded before it commits. Its own version cache, dropped with it."""

    def __init__(self, conn, url: str = ""):  # noqa: D107 - no pool of its own
        from rdtr.versions import VersionCache

        self.url = url
        self.conn = conn
        self.engine = _OneConnection(conn)  # type: ignore[assignment]
        self.versions = VersionCache(self)

    def close(self) -> None:
        """Forget the cached versions; the connection belongs to the load."""
        self.versions.clear()

    def _execute(self, statement: str, params, prepare=None) -> list[tuple]:
        fairy = self.conn.connection  # the pooled connection: its "prepared" set is the pool's, kept consistent
        with fairy.dbapi_connection.cursor() as cur:
            if prepare is not None:
                prepare_once(fairy.info, cur, prepare)
            cur.execute(statement, params)
            return cur.fetchall()


def _compare(tx: InTransaction, geometry: dict, activity, plan_id: str, effective_from: date) -> dict:
    from rdtr.answers.compare import compare

    args = {"date_from": effective_from - timedelta(days=1), "date_to": effective_from, "plan": plan_id}
    try:
        return compare(tx, geometry, activity=activity, **args)
    except NotFound:
        if activity is None:
            raise
        return compare(tx, geometry, **args)  # the activity is unknown to this version: compare the rest


def write_outbox(conn, plan_id: str, version: int, version_id: int, effective_from: date) -> int:
    """In the load's transaction (``conn``), one pending delivery for each live watch whose answer the new
    version changes: the plan's watches and those of any plan whose area it covers. Returns how many.
    A watch whose compare fails is logged and skipped: a watch never stops a load."""
    if not conn.execute(text("SELECT to_regclass('watch_delivery') IS NOT NULL")).scalar():
        return 0  # not yet migrated to 0006
    watches = (
        conn.execute(
            text(
                "SELECT w.id, w.activity, ST_AsGeoJSON(w.geom, 15)::jsonb AS geometry FROM watch w, plan_version pv "
                "WHERE pv.id = :pv AND w.deleted_at IS NULL AND (w.plan_id = :p OR (w.plan_id IS NULL AND "
                "ST_Intersects(w.geom, pv.bbox))) ORDER BY w.created_at, w.id"
            ),
            {"pv": version_id, "p": plan_id},
        )
        .mappings()
        .all()
    )
    if not watches:
        return 0
    before = conn.execute(
        text(
            "SELECT version FROM plan_version WHERE plan_id = :p AND effective_from < :ef "
            "ORDER BY effective_from DESC LIMIT 1"
        ),
        {"p": plan_id, "ef": effective_from},
    ).scalar()
    tx = InTransaction(conn)
    written = 0
    for w in watches:
        try:
            with conn.begin_nested():
                answer = _compare(tx, w["geometry"], w["activity"], plan_id, effective_from)
                if not answer.get("changed"):
                    continue
                body = {
                    "watch": w["id"],
                    "plan": plan_id,
                    "from_version": before,
                    "to_version": version,
                    "compare": orjson.loads(messages.dumps(answer)),
                }
                conn.execute(
                    text(
                        "INSERT INTO watch_delivery (id, watch_id, plan_id, from_version, to_version, body) "
                        "VALUES (:id, :w, :p, :f, :t, CAST(:b AS jsonb)) ON CONFLICT DO NOTHING"
                    ),
                    {
                        "id": str(uuid.uuid4()),
                        "w": w["id"],
                        "p": plan_id,
                        "f": before,
                        "t": version,
                        "b": orjson.dumps(body).decode(),
                    },
                )
                written += 1
        except Exception as exc:  # noqa: BLE001 - the savepoint is rolled back; the load goes on
            log.warning("watch %s: no delivery for %s version %s: %s", w["id"], plan_id, version, exc)
    tx.close()
    return written


# --- delivery --------------------------------------------------------------------------------------------------


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256(secret, body)>``, the ``X-Rdtr-Signature`` header of a delivery."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def http_send(url: str, body: bytes, headers: dict) -> int:
    """POST ``body`` to ``url`` — connecting to the address just checked (:func:`resolve_public`), never
    following a redirect — and return the status code; raises on a refused address or a connection error."""
    import httpx

    parts, addresses = resolve_public(url)
    address = addresses[0]
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    headers = {**headers, "Host": parts.netloc, "User-Agent": "rdtr-watches/1"}
    with httpx.Client(timeout=get_settings().webhook_timeout_s, follow_redirects=False, trust_env=False) as client:
        response = client.post(target, content=body, headers=headers, extensions={"sni_hostname": parts.hostname})
        return response.status_code


def backoff(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed attempts: 30 s × 2^(attempts − 1), at most an hour."""
    return timedelta(seconds=min(BACKOFF_S * 2 ** max(attempts - 1, 0), BACKOFF_MAX_S))


_DUE = text(
    "SELECT d.id, d.body, d.attempts, w.url, w.secret FROM watch_delivery d JOIN watch w ON w.id = d.watch_id "
    "WHERE d.status = 'pending' AND d.next_attempt_at <= :now AND w.deleted_at IS NULL "
    "AND NOT (d.id = ANY(CAST(:seen AS text[]))) ORDER BY d.next_attempt_at, d.id LIMIT 1 FOR UPDATE OF d SKIP LOCKED"
)


def deliver_pending(
    db: Database, now: datetime | None = None, send: Callable[[str, bytes, dict], int] | None = None, limit: int = 500
) -> dict:
    """Send the deliveries due at ``now`` (default: now), each at most once per pass: 2xx → ``delivered``;
    anything else or an error → another attempt after :func:`backoff`, ``failed`` after ``MAX_ATTEMPTS``.
    ``send(url, body, headers) -> status`` defaults to :func:`http_send`. Returns the counts."""
    send = send or http_send
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    seen: list[str] = []
    while len(seen) < limit:
        at = now or datetime.now(UTC)
        with db.engine.begin() as conn:
            row = conn.execute(_DUE, {"now": at, "seen": seen}).mappings().first()
            if row is None:
                break
            seen.append(row["id"])
            body = orjson.dumps(row["body"])
            headers = {
                "Content-Type": "application/json",
                "X-Rdtr-Delivery": row["id"],
                "X-Rdtr-Signature": signature(row["secret"], body),
            }
            error = None
            try:
                status = send(row["url"], body, headers)
                if not 200 <= status < 300:
                    error = f"HTTP {status}" + (" (redirects are not followed)" if 300 <= status < 400 else "")
            except Exception as exc:  # noqa: BLE001 - any failure to send is a failed attempt
                error = f"{type(exc).__name__}: {exc}"[:500]
            attempts = row["attempts"] + 1
            if error is None:
                status_, next_at, counts["delivered"] = "delivered", at, counts["delivered"] + 1
            elif attempts >= MAX_ATTEMPTS:
                status_, next_at, counts["failed"] = "failed", at, counts["failed"] + 1
            else:
                status_, next_at, counts["retrying"] = "pending", at + backoff(attempts), counts["retrying"] + 1
            conn.execute(
                text(
                    "UPDATE watch_delivery SET status = :s, attempts = :a, next_attempt_at = :n, last_error = :e, "
                    "delivered_at = CASE WHEN :s = 'delivered' THEN CAST(:now AS timestamptz) END WHERE id = :id"
                ),
                {"s": status_, "a": attempts, "n": next_at, "e": error, "now": at, "id": row["id"]},
            )
    return counts


class DeliveryThread:
    """:func:`deliver_pending` every ``interval`` seconds in a daemon thread, until :meth:`stop`."""

    def __init__(self, db: Database, interval: float):
        self.db, self.interval = db, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rdtr-watches", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                deliver_pending(self.db)
            except RdtrError as exc:  # the database is down or not migrated: next time
                log.warning("watch deliveries: %s", exc.detail)
            except Exception:  # noqa: BLE001 - keep delivering after a bug, but say so
                log.exception("watch deliveries failed")

    def stop(self) -> None:
        """Stop after the pass under way (at most one delivery's timeout)."""
        self._stop.set()
        self._thread.join(timeout=get_settings().webhook_timeout_s + 5)
