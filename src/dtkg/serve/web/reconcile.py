"""``/reconcile``: the W3C Reconciliation Service API (version 0.2, as OpenRefine 3.x speaks it; 1.0-draft batches too).

- ``GET /reconcile``: the service manifest;
- ``GET|POST /reconcile`` with ``queries=`` (form-encoded or a URL parameter, JSON): a batch of
  queries ``{"q0": {"query": …, "type": …, "limit": …, "properties": [{"pid", "v"}]}}``,
  answered ``{"q0": {"result": [{"id", "name", "type", "score", "match", "features"}]}}``;
  a JSON body ``{"queries": [{"conditions": […]}]}`` (1.0-draft) is answered ``{"results": [{"candidates": […]}]}``;
- ``GET /reconcile/preview?id=IRI``: a small HTML card for the entity;
- ``GET /reconcile/suggest/entity|type|property?prefix=…``: auto-completion.

Entity identifiers are the resources' IRIs; types are the classes in :data:`KIND_IRI`;
scores run from 0 to 100, and ``match`` is true only for a name matched in full, well ahead
of the next candidate, with no property that disagrees.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dtkg import __version__
from dtkg.serve.protocol import parse_params
from dtkg.serve.web.catalog import KIND_IRI, Catalog, Entry, Hit, Kind
from dtkg.serve.web.fold import fold
from dtkg.serve.web.items import Linker, wikidata_id
from dtkg.serve.web.render import FRAMED_POLICY, html, page_for, render
from dtkg.serve.web.routes import Web
from dtkg.serve.web.search import limit_of

VERSIONS = ["0.2", "1.0-draft"]
MATCH_SCORE = 95.0
MATCH_LEAD = 10.0
MAX_QUERIES = 500
SUGGEST_LIMIT = 10
KIND_NAMES = {
    Kind.ORGANIZATION: ("Tổ chức", "Organisation"),
    Kind.PERSON: ("Người", "Person"),
    Kind.PLACE: ("Địa phương", "Place"),
    Kind.ARTICLE: ("Bài báo", "News article"),
    Kind.AGREEMENT: ("Thỏa thuận hợp tác", "Cooperation agreement"),
    Kind.DOCUMENT: ("Văn bản chính sách", "Policy document"),
    Kind.CONCEPT: ("Chủ đề chuyển đổi số", "Digital-transformation concept"),
}


@dataclass(frozen=True)
class Property:
    """A property a query may constrain: its id (``pid``), name, and the catalogue link it reads."""

    id: str
    name: str
    description: str
    kinds: tuple[Kind, ...]


PROPERTIES = (
    Property("memberOf", "holds a post at (tổ chức công tác)", "organisation where the person holds a post",
             (Kind.PERSON,)),
    Property("governs", "governs (quản lý địa bàn)", "place a government body governs", (Kind.ORGANIZATION,)),
    Property("parentOrganization", "part of (trực thuộc)", "organisation this one belongs to", (Kind.ORGANIZATION,)),
    Property("successor", "merged into (sáp nhập vào)", "unit that took the place over in 2025", (Kind.PLACE,)),
    Property("party", "party (bên ký)", "organisation party to the agreement", (Kind.AGREEMENT,)),
    Property("sameAs", "Wikidata (owl:sameAs)", "Wikidata item, as Q-number or IRI",
             (Kind.ORGANIZATION, Kind.PLACE, Kind.PERSON)),
)
PROPERTY_IDS = {p.id: p for p in PROPERTIES}


class BadRequest(Exception):
    """A reconciliation request that cannot be read; the message says what is wrong."""


def manifest(base: str, web: Web) -> dict[str, Any]:
    """The service manifest, with absolute URLs under ``base`` (the server's root URL, no trailing slash)."""
    return {
        "versions": VERSIONS,
        "name": "dtkg: Vietnamese digital-transformation news (organisations, people, places, agreements)",
        "identifierSpace": web.site.base_iri,
        "schemaSpace": "https://w3id.org/dtkg/ontology#",
        "documentation": f"{base}/reconcile?format=html",
        "serviceVersion": __version__,
        "view": {"url": "{{id}}"},
        "defaultTypes": [type_json(k) for k in (Kind.ORGANIZATION, Kind.PERSON, Kind.PLACE)],
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 420, "height": 180},
        "suggest": {
            name: {"service_url": base, "service_path": f"/reconcile/suggest/{name}"}
            for name in ("entity", "type", "property")
        },
    }


def type_json(kind: Kind) -> dict[str, str]:
    """A type as the API writes it: the class IRI and a name."""
    vi, en = KIND_NAMES[kind]
    return {"id": KIND_IRI[kind], "name": f"{en} ({vi})"}


def reconcile_one(catalog: Catalog, query: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Candidates for one 0.2 query, best first."""
    text = str(query.get("query", "")).strip()
    limit = limit_of(str(query.get("limit", "")) if query.get("limit") is not None else None, default=5)
    kinds, known = _types(query.get("type"))
    if not known:
        return []
    constraints = [(str(p.get("pid", "")), p.get("v")) for p in query.get("properties") or [] if isinstance(p, Mapping)]
    return _candidates(catalog, text, kinds, constraints, limit)


def _types(value: object) -> tuple[list[Kind], bool]:
    """The kinds a ``type`` names, and whether every type named is known (an unknown type matches nothing)."""
    if value is None or value == "" or value == []:
        return [], True
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else [value]
    by_name = {**{iri: k for k, iri in KIND_IRI.items()}, **{k.value: k for k in Kind}}
    kinds = [by_name.get(str(n)) for n in names]
    known = [k for k in kinds if k is not None]
    return known, bool(known)


def _candidates(catalog: Catalog, text: str, kinds: list[Kind], constraints: list[tuple[str, Any]],
                limit: int) -> list[dict[str, Any]]:
    hits = catalog.search(text, kinds=kinds, limit=max(limit * 5, 25)) if text else []
    scored = []
    for hit in hits:
        name_score = hit.score * 100
        checks = [(pid, _property_matches(catalog, hit.entry, pid, v)) for pid, v in constraints]
        agree = sum(1 for _, ok in checks if ok)
        score = name_score if not checks else 0.7 * name_score + 30.0 * agree / len(checks)
        scored.append((round(score, 2), hit, checks))
    scored.sort(key=lambda s: (-s[0], -s[1].entry.articles))
    results = []
    for rank, (score, hit, checks) in enumerate(scored[:limit]):
        runner_up = scored[rank + 1][0] if rank + 1 < len(scored) else 0.0
        exact = hit.score >= 1.0 and all(ok for _, ok in checks)
        results.append(_result(catalog, hit, score, checks,
                               match=rank == 0 and exact and score >= MATCH_SCORE - (0 if not checks else 25)
                               and score - runner_up >= MATCH_LEAD))
    return results


def _result(catalog: Catalog, hit: Hit, score: float, checks: list[tuple[str, bool]], *, match: bool) -> dict[str, Any]:
    entry = hit.entry
    result: dict[str, Any] = {
        "id": entry.iri,
        "name": entry.name("vi") or entry.iri,
        "score": score,
        "match": match,
        "type": [type_json(entry.kind)] if entry.kind else [],
        "features": [{"id": "name", "value": round(hit.score * 100, 2)}]
        + [{"id": pid, "value": ok} for pid, ok in checks],
    }
    description = describe(catalog, entry)
    if description:
        result["description"] = description
    return result


def describe(catalog: Catalog, entry: Entry) -> str:
    """A short line telling namesakes apart: a person's organisations, else the definition, else the article count."""
    if entry.kind is Kind.PERSON and entry.links.get("memberOf"):
        return ", ".join(catalog.label(i) for i in entry.links["memberOf"][:3])
    definition = entry.definitions.get("vi") or entry.definitions.get("en")
    if definition:
        return definition
    return f"{entry.articles} bài báo" if entry.articles else ""


def _property_matches(catalog: Catalog, entry: Entry, pid: str, wanted: Any) -> bool:
    """Whether one of the entry's values of ``pid`` is ``wanted`` (an id, a name, or a list of either)."""
    values = entry.links.get(pid, [])
    options = wanted if isinstance(wanted, list) else [wanted]
    for option in options:
        if isinstance(option, Mapping):
            if option.get("id") in values:
                return True
            option = option.get("name", "")
        text = str(option).strip()
        if not text:
            continue
        if pid == "sameAs" and any(text in (iri, wikidata_id(iri)) for iri in values):
            return True
        folded = fold(text)
        if text in values or any(folded in (fold(catalog.label(iri)),) for iri in values):
            return True
        entry_names = [catalog.get(iri) for iri in values]
        if any(e is not None and folded in {fold(n) for n in (*e.names.values(), *e.other)} for e in entry_names):
            return True
    return False


def reconcile_batch(catalog: Catalog, queries: Mapping[str, Any]) -> dict[str, Any]:
    """The answer to a 0.2 batch: the same keys, each with its candidates."""
    if len(queries) > MAX_QUERIES:
        raise BadRequest(f"a batch holds at most {MAX_QUERIES} queries, this one {len(queries)}")
    answer = {}
    for key, query in queries.items():
        if not isinstance(query, Mapping):
            raise BadRequest(f"query {key!r} is not a JSON object")
        answer[str(key)] = {"result": reconcile_one(catalog, query)}
    return answer


def reconcile_draft(catalog: Catalog, queries: list[Any]) -> dict[str, Any]:
    """The answer to a 1.0-draft batch: ``{"results": [{"candidates": […]}]}`` in query order."""
    if len(queries) > MAX_QUERIES:
        raise BadRequest(f"a batch holds at most {MAX_QUERIES} queries, this one {len(queries)}")
    results = []
    for number, query in enumerate(queries):
        if not isinstance(query, Mapping):
            raise BadRequest(f"query {number} is not a JSON object")
        conditions = [c for c in query.get("conditions") or [] if isinstance(c, Mapping)]
        name = " ".join(str(c.get("propertyValue", "")) for c in conditions if c.get("matchType") == "name")
        constraints = [(str(c.get("propertyId", "")), c.get("propertyValue")) for c in conditions
                       if c.get("matchType") == "property"]
        kinds, known = _types(query.get("type"))
        found = _candidates(catalog, name, kinds, constraints, limit_of(str(query.get("limit") or 5))) if known else []
        candidates = [{**{k: v for k, v in r.items() if k != "type"}, "types": r["type"]} for r in found]
        for c in candidates:
            c["features"] = [{"id": f["id"], "value": f["value"]} for f in c["features"]]
        results.append({"candidates": candidates})
    return {"results": results}


async def service(web: Web, request: Request) -> Response:
    """The manifest, or the answer to a batch of queries."""
    try:
        batch = await _read_batch(request)
    except BadRequest as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    base = str(request.base_url).rstrip("/")
    if batch is None:
        if request.query_params.get("format") == "html":
            page = page_for(request)
            return html(render("reconcile.html", page, manifest=manifest(base, web), properties=PROPERTIES), page)
        return JSONResponse(manifest(base, web))
    catalog = await web.catalog()
    try:
        if isinstance(batch, list):
            return JSONResponse(reconcile_draft(catalog, batch))
        return JSONResponse(reconcile_batch(catalog, batch))
    except BadRequest as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)


async def _read_batch(request: Request) -> dict[str, Any] | list[Any] | None:
    """The queries of a request (a dict for 0.2, a list for 1.0-draft), or None for the manifest."""
    params = dict(parse_params(request.scope["query_string"])) if request.scope["query_string"] else {}
    raw: str | None = params.get("queries")
    if request.method == "POST":
        body = await request.body()
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json":
            return _draft_queries(body)
        raw = dict(parse_params(body)).get("queries", raw)
    if raw is None:
        return None
    try:
        queries = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"'queries' is not JSON: {exc}") from None
    if not isinstance(queries, dict):
        raise BadRequest("'queries' must be a JSON object mapping keys to queries, e.g. {\"q0\": {\"query\": \"Viettel\"}}")
    return queries


def _draft_queries(body: bytes) -> list[Any]:
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the body is not JSON: {exc}") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("queries"), list):
        raise BadRequest('a JSON body must be {"queries": [ … ]} (Reconciliation API 1.0-draft)')
    return payload["queries"]


async def preview(web: Web, request: Request) -> Response:
    """A small HTML card for one entity, for OpenRefine's preview pane."""
    iri = request.query_params.get("id", "")
    catalog = await web.catalog()
    entry = catalog.get(iri)
    if entry is None or entry.kind is None:
        return JSONResponse({"error": f"no entity with id {iri!r}"}, status_code=404)
    page = page_for(request)
    linker = Linker(web.site, catalog, page.lang)
    body = render("preview.html", page, item=linker.iri(iri), kind=entry.kind.value,
                  description=describe(catalog, entry), articles=entry.articles)
    return html(body, page, policy=FRAMED_POLICY)


async def suggest(web: Web, request: Request) -> Response:
    """Auto-completion of entities, types or properties by prefix."""
    kind = request.path_params["kind"]
    prefix = request.query_params.get("prefix", "").strip()[:200]
    cursor = _int(request.query_params.get("cursor"))
    if kind == "entity":
        catalog = await web.catalog()
        kinds, known = _types(request.query_params.get("type") or None)
        hits = catalog.search(prefix, kinds=kinds, limit=cursor + SUGGEST_LIMIT) if prefix and known else []
        result = [_suggested(catalog, h) for h in hits[cursor:]]
    elif kind == "type":
        result = [{**type_json(k), "description": KIND_NAMES[k][1]} for k in Kind if _prefixed(prefix, *KIND_NAMES[k], k.value)]
    elif kind == "property":
        result = [{"id": p.id, "name": p.name, "description": p.description} for p in PROPERTIES
                  if _prefixed(prefix, p.id, p.name)]
    else:
        return JSONResponse({"error": f"no suggest service {kind!r}: use entity, type or property"}, status_code=404)
    return JSONResponse({"result": result[cursor:] if kind != "entity" else result})


def _suggested(catalog: Catalog, hit: Hit) -> dict[str, Any]:
    entry = hit.entry
    found: dict[str, Any] = {"id": entry.iri, "name": entry.name("vi") or entry.iri}
    description = describe(catalog, entry)
    if description:
        found["description"] = description
    found["notable"] = [type_json(entry.kind)] if entry.kind else []
    return found


def _prefixed(prefix: str, *names: str) -> bool:
    wanted = fold(prefix)
    return not wanted or any(w.startswith(wanted) for n in names for w in [fold(n), *fold(n).split()])


def _int(value: str | None) -> int:
    try:
        return max(0, min(int(value or 0), 1000))
    except ValueError:
        return 0
