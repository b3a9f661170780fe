"""A typed error per failure kind. The API maps them to problem+json statuses, the CLI to one line."""

from __future__ import annotations


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
    status = 503
    title = "Database unavailable"
