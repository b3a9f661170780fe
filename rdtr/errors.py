"""A typed error per failure kind. The API maps them to problem+json statuses, the CLI to one line."""

from __future__ import annotations

from rdtr.messages import Message


class RdtrError(Exception):
    """Base of every error a user can be told about. ``status`` is the HTTP status it maps to."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, **extra):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class InvalidInput(RdtrError):
    status = 422
    title = "Invalid input"


class NotFound(RdtrError):
    status = 404
    title = "Not found"


class MalformedJSON(InvalidInput):
    """A body that is not JSON at all (400), as opposed to JSON that is not a usable parcel (422)."""

    status = 400
    title = "Malformed JSON"


class PayloadTooLarge(RdtrError):
    """A request body above its configured limit (the detail names the limit)."""

    status = 413
    title = "Payload too large"


class UnsupportedMediaType(RdtrError):
    """A body of a kind the route does not take (not multipart, not a zip, an unknown file type)."""

    status = 415
    title = "Unsupported media type"


class LimitExceeded(InvalidInput):
    """A request that would cause more work than a configured limit allows (vertices, pieces, answer size);
    the detail names the limit and its setting."""

    status = 422
    title = "Limit exceeded"


class Conflict(RdtrError):
    status = 409
    title = "Conflict"


class Unauthorized(RdtrError):
    status = 401
    title = "Unauthorized"


class Forbidden(RdtrError):
    status = 403
    title = "Forbidden"


class PackageError(RdtrError):
    """A plan package that cannot be loaded. ``report`` carries the validation report."""

    status = 422
    title = "Invalid plan package"

    def __init__(self, detail: str, report: dict | None = None):
        super().__init__(detail)
        self.report = report


class DatabaseUnavailable(RdtrError):
    """The database cannot be reached. The detail a user sees says only that (no host, socket or port: the
    cause goes to the log)."""

    status = 503
    title = "Database unavailable"
    DETAIL = Message("db_unavailable")

    def __init__(self, detail: str | None = None, **extra):
        super().__init__(detail or self.DETAIL, **extra)


def database_unavailable(exc: BaseException, log_name: str = "rdtr.db") -> DatabaseUnavailable:
    """A :class:`DatabaseUnavailable` for a driver error, its first line logged for the operator only."""
    import logging

    text = str(getattr(exc, "orig", exc)).strip()
    logging.getLogger(log_name).warning("database unavailable: %s", text.splitlines()[0] if text else type(exc))
    return DatabaseUnavailable()


class NoPublicURL(RdtrError):
    """The service cannot issue something that prints its own address (RDTR_PUBLIC_URL is not set)."""

    status = 503
    title = "No public address configured"


class SchemaMissing(DatabaseUnavailable):
    title = "Database not migrated"


SCHEMA_MISSING = Message("db_schema_missing")


def as_schema_missing(exc: BaseException) -> SchemaMissing | None:
    """A :class:`SchemaMissing` when ``exc`` (psycopg2 or SQLAlchemy) is about a missing table or column."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "pgcode", None) in ("42P01", "42703"):  # undefined_table, undefined_column
        return SchemaMissing(SCHEMA_MISSING)
    return None


class UnknownPlan(NotFound):
    """A plan id that no loaded plan has (the one wording every route and command uses)."""

    def __init__(self, plan_id: str):
        from rdtr.messages import Message  # rdtr.messages needs nothing from here; kept local to stay a leaf

        super().__init__(Message("unknown_plan", plan=repr(plan_id)), plan=plan_id)
