"""The route class of the API: documented by FastAPI as usual, answered without its per-request machinery.

Every endpoint takes the :class:`Request` and returns a :class:`Response`: its query is parsed by its
``QuerySpec`` (api.params), its body by the readers there, so FastAPI's dependency solving and response
re-validation would only repeat work (measured: about as costly as the indexed SQL of a point answer).
The OpenAPI document still comes from the route's declaration (``openapi_extra``, ``response_model``,
``responses``). Errors propagate to the app's one problem table (api.problems).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.types import Receive, Scope, Send


class LeanRoute(APIRoute):
    """An :class:`APIRoute` whose endpoint is ``async def endpoint(request) -> Response``."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer by calling ``endpoint(request)`` with the bare :class:`Request`; other methods get FastAPI's 405."""
        if self.methods and scope["method"] not in self.methods:
            await super().handle(scope, receive, send)  # FastAPI's 405 with Allow
            return
        response = await self.endpoint(Request(scope, receive, send))
        await response(scope, receive, send)


def add_routes(app: FastAPI, router: APIRouter) -> None:
    """Put ``router``'s routes straight into the app's route table, in order. FastAPI 0.165's
    ``include_router`` wraps each router in an ``_IncludedRouter`` that is matched again on every request
    (≈ 300 µs of CPU per request over the 15 routers, measured: more than a point answer's SQL); ours have no
    prefix, dependencies or other options to apply, so their routes need no wrapper. The OpenAPI document is
    the same (tags are the routes' own)."""
    wraps = (router.prefix, router.dependencies, router.callbacks, router.redirect_slashes is False)
    if any(wraps):
        raise ValueError(f"add_routes takes plain routers only, not one with {wraps}")
    app.router.routes.extend(router.routes)
