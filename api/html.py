"""Map previews for ``?f=html`` / ``Accept: text/html`` — placeholder until rdtr.maps lands.

Contract: ``maybe_preview(request, f, kind, answer, geometry)`` returns an HTMLResponse when the caller
asked for HTML, else ``None`` (the route then returns JSON).
"""

from __future__ import annotations


def maybe_preview(request, f: str | None, kind: str, answer: dict, geometry: dict | None = None):
    return None
