"""``/search?q=…``: resources by name, diacritics and case ignored, as a page or JSON.

Parameters: ``q`` (the words; each matches the start of a word of a name), ``type``
(repeatable: ``organization``, ``person``, ``place``, ``article``, ``agreement``,
``document``, ``concept``), ``limit`` (1–100), ``format=json`` (or ``Accept: application/json``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dtkg.serve.negotiation import negotiate
from dtkg.serve.web.catalog import Hit, Kind
from dtkg.serve.web.items import Linker
from dtkg.serve.web.render import html, page_for, render
from dtkg.serve.web.routes import Web

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def kinds_of(values: list[str]) -> list[Kind]:
    """The kinds named by ``type`` parameters (unknown names are ignored)."""
    known = {k.value: k for k in Kind}
    return [known[v] for v in values if v in known]


def limit_of(value: str | None, default: int = DEFAULT_LIMIT) -> int:
    """A result limit between 1 and :data:`MAX_LIMIT`."""
    try:
        return max(1, min(int(value or default), MAX_LIMIT))
    except ValueError:
        return default


def wants_json(request: Request) -> bool:
    """Whether the request asks for JSON (``format=json`` or its Accept header)."""
    fmt = request.query_params.get("format")
    if fmt:
        return fmt.lower() == "json"
    return negotiate(request.headers.get("accept"), ["text/html", "application/json"]) == "application/json"


async def search(web: Web, request: Request) -> Response:
    """Search results as a page or as JSON."""
    page = page_for(request)
    query = request.query_params.get("q", "").strip()[:200]
    kinds = kinds_of(request.query_params.getlist("type"))
    catalog = await web.catalog()
    hits = catalog.search(query, kinds=kinds, limit=limit_of(request.query_params.get("limit"))) if query else []
    linker = Linker(web.site, catalog, page.lang)
    if wants_json(request):
        return JSONResponse({"query": query, "types": [k.value for k in kinds], "results": [_json(h, linker) for h in hits]})
    body = render("search.html", page, query=query, kinds=list(Kind), chosen=kinds,
                  results=[_view(h, linker) for h in hits])
    return html(body, page)


def _json(hit: Hit, linker: Linker) -> dict[str, object]:
    entry = hit.entry
    return {
        "id": entry.iri,
        "name": entry.name(linker.lang) or entry.iri,
        "type": entry.kind.value if entry.kind else None,
        "score": hit.score,
        "matched": hit.matched,
        "articles": entry.articles,
        "href": linker.site.href(entry.iri),
    }


def _view(hit: Hit, linker: Linker) -> dict[str, object]:
    entry = hit.entry
    name = entry.name(linker.lang) or entry.iri
    return {
        "item": linker.iri(entry.iri),
        "kind": entry.kind.value if entry.kind else "",
        "matched": hit.matched if hit.matched != name else None,
        "articles": entry.articles,
        "definition": entry.definitions.get(linker.lang) or entry.definitions.get("vi"),
    }
