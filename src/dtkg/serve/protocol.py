"""The SPARQL 1.1 Protocol query operation: reading a request into a query and its dataset.

Pure functions over the request's parts (method, URL parameters, content type, body), so
they can be tested without a server. Anything the protocol forbids, and any update (this
endpoint is read-only), becomes a :class:`ProtocolError` carrying the HTTP status to send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from dtkg.sparql_text import nesting_problem

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")

READ_ONLY = "this SPARQL endpoint is read-only: updates are refused"
NO_FEDERATION = "federated query (SERVICE) is disabled on this endpoint"

Params = list[tuple[str, str]]


class ProtocolError(Exception):
    """A request the protocol (or this read-only endpoint) refuses, with the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryRequest:
    """A query operation: the query text, its protocol dataset (empty: the whole store) and a ``format`` override."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None

    @property
    def has_dataset(self) -> bool:
        """Whether the request names its own RDF dataset with default-graph-uri/named-graph-uri."""
        return bool(self.default_graphs or self.named_graphs)


def parse_params(raw: bytes | str) -> Params:
    """``application/x-www-form-urlencoded`` pairs; bytes that are not UTF-8 are a 400."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the request parameters are not UTF-8: {exc}") from exc


def split_content_type(header: str | None) -> tuple[str, str | None]:
    """A Content-Type header's media type (lower case) and its charset parameter, if any."""
    media_type, *params = (header or "").split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


def read_operation(method: str, params: Params, content_type: str | None, body: bytes) -> QueryRequest | None:
    """The query a request asks for, or None for a bare GET (which asks for the service description)."""
    fields = params if method in ("GET", "HEAD") else params + _body_fields(content_type, body)
    names = [name for name, _ in fields]
    if any(name in UPDATE_PARAMS for name in names):
        raise ProtocolError(400 if method in ("GET", "HEAD") else 403, _update_refusal(method))
    queries = [value for name, value in fields if name == "query"]
    if not queries:
        if method in ("GET", "HEAD") and not any(name in DATASET_PARAMS for name in names):
            return None
        raise ProtocolError(400, "missing the 'query' parameter")
    if len(queries) > 1:
        raise ProtocolError(400, f"exactly one 'query' parameter is allowed, not {len(queries)}")
    problem = nesting_problem(queries[0])
    if problem is not None:  # before any parser sees it: pyoxigraph's recursive parser would overflow its stack
        raise ProtocolError(400, f"the query is not valid SPARQL 1.1 here: {problem}")
    if uses_service(queries[0]):
        raise ProtocolError(403, NO_FEDERATION)
    return QueryRequest(
        query=queries[0],
        default_graphs=tuple(v for n, v in fields if n == "default-graph-uri"),
        named_graphs=tuple(v for n, v in fields if n == "named-graph-uri"),
        format=",".join(v for n, v in fields if n == "format") or None,  # every format value, first first
    )


def _update_refusal(method: str) -> str:
    """Why an update was refused: by method (GET) or because we are read-only."""
    if method in ("GET", "HEAD"):
        return "an update cannot be sent with GET (the SPARQL Protocol requires POST), and " + READ_ONLY
    return READ_ONLY


def _body_fields(content_type: str | None, body: bytes) -> Params:
    """The operation's fields carried in a POST body, by its media type."""
    media_type, charset = split_content_type(content_type)
    if media_type == SPARQL_UPDATE:
        raise ProtocolError(403, READ_ONLY)
    if media_type not in (FORM, SPARQL_QUERY):
        shown = media_type or "no Content-Type"
        raise ProtocolError(415, f"a query POST must be {FORM} or {SPARQL_QUERY}, not {shown}")
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"the request body must be UTF-8, not {charset}")
    if media_type == FORM:
        return parse_params(body)
    try:
        return [("query", body.decode("utf-8"))]
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the query is not UTF-8: {exc}") from exc


_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*"
    r"|(?P<service>(?<![\w:?$])SERVICE(?!\w))",
    re.IGNORECASE | re.DOTALL,
)


def uses_service(query: str) -> bool:
    """Whether the query has a SERVICE keyword outside strings, IRIs and comments (false alarms possible, misses not).

    Oxigraph (like this scan) reads ``\\u`` escapes only inside strings, so the raw text is scanned.
    """
    return any(m.group("service") for m in _TOKENS.finditer(query))
