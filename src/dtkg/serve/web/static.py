"""``/static/…``: the pages' style sheet, scripts and the vendored YASGUI, from ``serve/static/``."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

STATIC = Path(__file__).resolve().parent.parent / "static"
TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}


def static_file(path: str) -> Path | None:
    """The file under ``static/`` that ``path`` names, or None (never anything outside it)."""
    root = STATIC.resolve()
    candidate = (root / path).resolve()
    if root not in candidate.parents or not candidate.is_file() or candidate.suffix not in TYPES:
        return None
    return candidate


async def asset(web: object, request: Request) -> Response:
    """A static file, cached for a day."""
    found = static_file(request.path_params["path"])
    if found is None:
        return PlainTextResponse("no such file\n", status_code=404)
    return FileResponse(found, media_type=TYPES[found.suffix], headers={"Cache-Control": "public, max-age=86400"})
