"""``/query``: the query page, YASGUI (vendored, no CDN) prefilled with the competency queries as named examples.

Without JavaScript the page is a plain form posting to ``/sparql`` (results as an HTML table);
``?example=<name>`` opens a competency query in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from starlette.requests import Request
from starlette.responses import Response

from dtkg.errors import DtkgError
from dtkg.serve.sparql import example_query
from dtkg.serve.web.render import SCRIPTED_POLICY, html, page_for, render
from dtkg.serve.web.routes import Web
from dtkg.serve.web.static import STATIC


@dataclass(frozen=True)
class Example:
    """A competency query: its file name, its question (the first comment lines) and its text."""

    name: str
    title: str
    query: str


@cache
def examples() -> tuple[Example, ...]:
    """The competency queries shipped with dtkg (``ontology/cq/*.rq``), by name."""
    from dtkg import resources

    try:
        folder = resources.cq_dir()
    except DtkgError:
        return ()
    found = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        comments = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            comments.append(line.lstrip("# ").strip())
        found.append(Example(path.stem, " ".join(comments) or path.stem, text))
    return tuple(found)


def yasgui_available() -> bool:
    """Whether the vendored YASGUI is in the package."""
    return (STATIC / "vendor" / "yasgui" / "yasgui.min.js").is_file()


async def query_page(web: Web, request: Request) -> Response:
    """The query page."""
    page = page_for(request)
    chosen = next((e for e in examples() if e.name == request.query_params.get("example")), None)
    query = chosen.query if chosen else example_query()
    body = render(
        "query.html",
        page,
        examples=examples(),
        query=query,
        yasgui=yasgui_available(),
        config=json.dumps({"endpoint": "/sparql", "examples": [e.__dict__ for e in examples()], "query": query},
                          ensure_ascii=False),
    )
    return html(body, page, policy=SCRIPTED_POLICY if yasgui_available() else None)
