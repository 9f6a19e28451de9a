"""HTTP to the store: one ``PUT`` (Graph Store Protocol) or one update ``POST`` per graph, via httpx.

Each call returns ``None`` on success or a :class:`GraphFailure` naming the graph, the URL,
the status and the server's own words. Only an unreachable server raises (every other
graph would fail the same way), as a :class:`PublishError` naming the URL.
"""

from __future__ import annotations

from importlib.resources import files
from string import Template

import httpx

from dtkg import __version__
from dtkg.errors import PublishError
from dtkg.publish.payload import GraphPayload, chunks
from dtkg.publish.profiles import AuthScheme, StoreProfile
from dtkg.publish.report import GraphFailure

NTRIPLES = "application/n-triples"
SPARQL_UPDATE = "application/sparql-update; charset=utf-8"
OK_STATUSES = frozenset({200, 201, 204})
MESSAGE_LIMIT = 300


def open_client(*, timeout: float) -> httpx.Client:
    """An httpx client with the caller's timeout; credentials are set once the store is known."""
    return httpx.Client(timeout=timeout, headers={"user-agent": f"dtkg/{__version__}"})


def credentials(user: str | None, password: str | None, scheme: AuthScheme) -> httpx.Auth | None:
    """HTTP basic or digest credentials for ``user``, or None to send none."""
    if user is None:
        return None
    auth = httpx.DigestAuth if scheme is AuthScheme.DIGEST else httpx.BasicAuth
    return auth(user, password or "")


def probe(client: httpx.Client, endpoint: str) -> httpx.Response:
    """GET the query endpoint once (its ``Server`` header names the store); unreachable raises."""
    try:
        return send(client, "GET", endpoint)
    except httpx.TimeoutException as exc:
        raise PublishError(
            f"{endpoint} did not answer within {client.timeout.read}s",
            fix="is the SPARQL server running at that address? raise --timeout if it is slow",
        ) from exc


def put_graph(client: httpx.Client, graph_store: str, profile: StoreProfile, payload: GraphPayload) -> GraphFailure | None:
    """Replace one graph with ``PUT {graph_store}?graph=IRI`` (or ``?default``), N-Triples body."""
    url = graph_url(graph_store, profile, payload)
    try:
        response = send(client, "PUT", url, content=payload.ntriples, headers={"content-type": NTRIPLES})
    except httpx.TimeoutException:
        return timed_out(payload.graph, url, client.timeout.read)
    return None if response.status_code in OK_STATUSES else failure(payload.graph, url, response)


def graph_url(graph_store: str, profile: StoreProfile, payload: GraphPayload) -> str:
    """The Graph Store Protocol URL addressing one graph (``?default`` for the default graph)."""
    if payload.is_default:
        return f"{graph_store}{'&' if '?' in graph_store else '?'}default"
    return str(httpx.URL(graph_store).copy_merge_params({profile.graph_param: payload.graph}))


def update_graph(client: httpx.Client, update: str, profile: StoreProfile, payload: GraphPayload) -> tuple[GraphFailure | None, bool]:
    """Replace one graph with SPARQL Update; (failure or None, whether it took more than one request).

    One request (``DROP SILENT GRAPH`` + ``INSERT DATA``) when the graph fits the profile's
    size limit or holds blank nodes (which must not be split); otherwise the first chunk
    drops and inserts and the rest insert, so the replacement is no longer atomic.
    """
    pieces = [payload.ntriples] if payload.has_blank_nodes else chunks(payload.ntriples, profile.max_update_bytes)
    for index, piece in enumerate(pieces):
        try:
            response = send_update(client, update, profile, update_text(payload, piece, first=index == 0))
        except httpx.TimeoutException:
            return timed_out(payload.graph, update, client.timeout.read), len(pieces) > 1
        if response.status_code not in OK_STATUSES:
            return failure(payload.graph, update, response, chunk=(index, len(pieces))), len(pieces) > 1
    return None, len(pieces) > 1


def update_text(payload: GraphPayload, ntriples: bytes, *, first: bool) -> str:
    """The SPARQL Update replacing (first chunk) or extending (later chunks) the graph."""
    name = ("replace" if first else "insert") + ("_default" if payload.is_default else "_graph")
    return query_template(name).substitute(graph=f"<{payload.graph}>", triples=ntriples.decode("utf-8"))


def query_template(name: str) -> Template:
    """A SPARQL file shipped beside this module, as a ``string.Template``."""
    return Template(files("dtkg.publish").joinpath(f"{name}.rq").read_text(encoding="utf-8"))


def send_update(client: httpx.Client, update: str, profile: StoreProfile, text: str) -> httpx.Response:
    """POST an update directly (``application/sparql-update``) or as a form, as the profile says."""
    if profile.update_as_form:
        return send(client, "POST", update, data={"update": text})
    return send(client, "POST", update, content=text.encode("utf-8"), headers={"content-type": SPARQL_UPDATE})


def send(client: httpx.Client, method: str, url: str, **kwargs: object) -> httpx.Response:
    """One request; an unreachable server raises a :class:`PublishError` naming the URL.

    A read or write timeout is left to the caller (``httpx.TimeoutException``): it concerns
    one graph, and the others may still go through.
    """
    try:
        return client.request(method, url, **kwargs)  # type: ignore[arg-type]
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise PublishError(
            f"cannot reach {url}: {exc or type(exc).__name__}",
            fix="is the SPARQL server running at that address? check --endpoint, or give --graph-store URL / --update URL",
        ) from exc
    except httpx.TimeoutException:
        raise
    except httpx.TransportError as exc:
        raise PublishError(
            f"{method} {url} failed: {exc or type(exc).__name__}",
            fix="is the SPARQL server running at that address? check --endpoint, or give --graph-store URL / --update URL",
        ) from exc


def timed_out(graph: str, url: str, timeout: float | None) -> GraphFailure:
    """The failure recorded when the server did not answer within the timeout."""
    return GraphFailure(
        graph=graph,
        url=url,
        status=None,
        message=f"no answer within {timeout}s",
        fix="raise --timeout, or check that the server is not overloaded",
    )


def failure(graph: str, url: str, response: httpx.Response, *, chunk: tuple[int, int] | None = None) -> GraphFailure:
    """A :class:`GraphFailure` from an error reply: status, the server's words and the likely fix."""
    text = " ".join(response.text.split())[:MESSAGE_LIMIT] or response.reason_phrase
    if chunk is not None and chunk[1] > 1:
        text = f"{text} (chunk {chunk[0] + 1} of {chunk[1]}; the graph is now incomplete on the server)"
    return GraphFailure(graph=graph, url=url, status=response.status_code, message=text, fix=fix_for(response.status_code))


def fix_for(status: int) -> str:
    """What usually cures an HTTP error status from a store."""
    if status in {401, 403}:
        return "give --user and --password of an account allowed to write (Virtuoso: digest auth, SPARQL_UPDATE role)"
    if status in {404, 405, 501}:
        return "this URL does not accept writes: give the right --graph-store URL (Oxigraph …/store, Fuseki …/DATASET/data, Virtuoso …/sparql-graph-crud-auth) or --update URL"
    if status == 413:
        return "the graph is too large for one request to this server: raise its request size limit"
    if status == 400:
        return "the server rejected the data; check the server's message and its RDF/SPARQL support"
    return "see the server's log"
