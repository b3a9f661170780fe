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

A token may be scoped to plans (:class:`rdtr.auth.TokenInfo` ``plans``): the routes check the plan a
request concerns with :func:`rdtr.auth.require_plan` and friends. Routes whose token is optional
(``LeanRoute``s, e.g. the watches) call :func:`bearer_token`.
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


async def _verified(request: Request, token: str) -> TokenInfo:
    """The token's :class:`TokenInfo`, failed attempts counted per client (429 once too many)."""
    key = client_key(request.scope)
    limited = get_settings().rate_limit
    if limited and (wait := failures().blocked(key)):
        raise RateLimited(Message("token_attempts"), wait)
    try:
        return await in_worker(request, verify_token, database(request), token)
    except Unauthorized:
        if limited:
            failures().take(key)
        raise


def require_role(role: str) -> Callable:
    """A dependency that checks the bearer token has ``role`` (``"officer"`` or ``"admin"``)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    async def dependency(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
    ) -> TokenInfo:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise Unauthorized(Message("token_needed"))
        return require(await _verified(request, credentials.credentials), role)

    dependency.__name__ = f"require_{role}"
    return dependency


async def bearer_token(request: Request, role: str = "officer", *, required: bool = False) -> TokenInfo | None:
    """The caller's token when the request sends ``Authorization: Bearer …`` (checked, with ``role``), else
    None (or, ``required``, a 401); for ``LeanRoute``s. A bad token is a 401 with the Bearer challenge."""
    header = request.headers.get("authorization")
    if header is None and not required:
        return None
    scheme, _, token = (header or "").partition(" ")
    try:
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(Message("token_needed"))
        return require(await _verified(request, token.strip()), role)
    except Unauthorized as exc:
        exc.headers = WWW_AUTHENTICATE  # api.problems copies an error's headers onto its problem
        raise


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
