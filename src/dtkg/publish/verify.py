"""Read back what the store holds: triples per graph, counted with SELECT queries via SPARQLWrapper."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from urllib.error import URLError

from SPARQLWrapper import BASIC, DIGEST, JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from dtkg import __version__
from dtkg.errors import PublishError
from dtkg.publish.profiles import AuthScheme
from dtkg.publish.report import DEFAULT_GRAPH, GraphFailure
from dtkg.publish.transport import query_template

GRAPHS_PER_QUERY = 200


def remote_counts(
    endpoint: str,
    graphs: Sequence[str],
    *,
    user: str | None,
    password: str | None,
    auth: AuthScheme,
    timeout: float,
) -> dict[str, int]:
    """Triples the store at ``endpoint`` holds in each of ``graphs`` (0 for a graph it lacks)."""
    client = _client(endpoint, user=user, password=password, auth=auth, timeout=timeout)
    counts = {g: 0 for g in graphs}
    named = [g for g in graphs if g != DEFAULT_GRAPH]
    for batch in _batches(named, GRAPHS_PER_QUERY):
        values = " ".join(f"<{g}>" for g in batch)
        for row in _select(client, query_template("count_graphs").substitute(graphs=values)):
            counts[row["g"]["value"]] = int(row["triples"]["value"])
    if DEFAULT_GRAPH in counts:
        rows = _select(client, query_template("count_default").substitute())
        counts[DEFAULT_GRAPH] = int(rows[0]["triples"]["value"]) if rows else 0
    return counts


def mismatches(url: str, expected: dict[str, int], found: dict[str, int]) -> list[GraphFailure]:
    """A failure for each graph whose remote triple count differs from the dataset's."""
    return [
        GraphFailure(
            graph=graph,
            url=url,
            status=None,
            message=f"the server holds {found.get(graph, 0)} triples, the dataset {count}",
            fix="publish again; if it persists, the store rewrites literals or shares graphs (union default graph?)",
        )
        for graph, count in expected.items()
        if found.get(graph, 0) != count
    ]


def _client(endpoint: str, *, user: str | None, password: str | None, auth: AuthScheme, timeout: float) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint, agent=f"dtkg/{__version__}")
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(max(1, round(timeout)))
    if user is not None:
        client.setHTTPAuth(DIGEST if auth is AuthScheme.DIGEST else BASIC)
        client.setCredentials(user, password or "")
    return client


def _select(client: SPARQLWrapper, query: str) -> list[dict[str, dict[str, str]]]:
    """The bindings of one SELECT; any failure is a :class:`PublishError` naming the endpoint."""
    client.setQuery(query)
    try:
        result = client.queryAndConvert()
    except (SPARQLWrapperException, URLError, OSError, ValueError) as exc:
        raise PublishError(
            f"cannot verify at {client.endpoint}: {' '.join(str(exc).split())[:300]}",
            fix="check --endpoint (the SPARQL query URL), or publish without verification",
        ) from exc
    return list(result["results"]["bindings"])  # type: ignore[index]


def _batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
