"""Bearer-token dependencies: ``Depends(require_role("officer"))`` / ``require_role("admin")``.

A missing or invalid token is a 401 with ``WWW-Authenticate: Bearer``; a token without the role is a 403
(an admin token may do everything an officer token may). The dependency returns the
:class:`rdtr.auth.TokenInfo` (``name``, ``role``) of the caller.

Usage::

    from api.auth import AuthRoute, require_role
    router = APIRouter(route_class=AuthRoute)

    @router.post("/v1/extracts")
    def create(..., who: TokenInfo = Depends(require_role("officer"))): ...

``AuthRoute`` adds the ``WWW-Authenticate: Bearer`` header to 401 problem responses of the router's
routes (the app-wide problem handler does not set headers).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.problems import language, problem
from api.ratelimit import RateLimited, client_key, failures
from api.runtime import database, in_worker
from rdtr.auth import ROLES, TokenInfo, require, verify_token
from rdtr.config import get_settings
from rdtr.errors import Unauthorized
from rdtr.messages import Message

_bearer = HTTPBearer(auto_error=False, description="an rdtr API token (`rdtr token create`)")

WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="rdtr"'}


def require_role(role: str) -> Callable:
    """A dependency that checks the bearer token has ``role`` (``"officer"`` or ``"admin"``)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    async def dependency(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
    ) -> TokenInfo:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise Unauthorized(Message("token_needed"))
        key = client_key(request.scope)
        limited = get_settings().rate_limit
        if limited and (wait := failures().blocked(key)):
            raise RateLimited(Message("token_attempts"), wait)
        try:
            info = await in_worker(request, verify_token, database(request), credentials.credentials)
        except Unauthorized:
            if limited:
                failures().take(key)
            raise
        return require(info, role)

    dependency.__name__ = f"require_{role}"
    return dependency


class AuthRoute(APIRoute):
    """Route class whose 401 problems carry ``WWW-Authenticate: Bearer``."""

    def get_route_handler(self) -> Callable:
        """FastAPI's handler, with :class:`Unauthorized` turned into a 401 problem carrying the Bearer challenge."""
        handler = super().get_route_handler()

        async def with_challenge(request: Request):
            try:
                return await handler(request)
            except Unauthorized as exc:
                response = problem(exc.status, exc.title, exc.detail, lang=language(request.headers))
                response.headers.update(WWW_AUTHENTICATE)
                return response

        return with_challenge
