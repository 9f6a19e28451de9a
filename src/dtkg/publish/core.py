"""Publishing a built dataset to an external SPARQL 1.1 store, one graph replacement at a time."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import httpx

from dtkg.errors import PublishError, UsageError
from dtkg.publish import transport
from dtkg.publish.payload import GraphPayload, dataset_graphs, payloads, select_graphs
from dtkg.publish.profiles import StoreKind, StoreProfile, detect_profile, profile_named
from dtkg.publish.report import GraphFailure, PublishMethod, PublishReport
from dtkg.publish.verify import mismatches, remote_counts
from dtkg.store import load_dataset


@dataclass(frozen=True, kw_only=True)
class Target:
    """Where and how graphs go: the resolved URLs, the method and the store profile."""

    endpoint: str
    profile: StoreProfile
    method: PublishMethod
    url: str


def publish(
    dataset: Path,
    *,
    endpoint: str,
    update: str | None = None,
    graph_store: str | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
    graphs: Collection[str] | None = None,
    profile: str | StoreKind | StoreProfile | None = None,
    method: PublishMethod = PublishMethod.AUTO,
    verify: bool = False,
) -> PublishReport:
    """Replace each graph of ``dataset`` (or each of ``graphs``) on the store at ``endpoint``.

    Graphs go by Graph Store Protocol ``PUT`` when a graph store URL is given or known for
    the store (``profile``, detected from the server when ``None``), else by one SPARQL
    Update request per graph. Graphs on the server that the dataset does not name are left
    alone; publishing the same dataset twice changes nothing. A graph that fails is listed
    in the report and the others still go; if none goes through, or the server cannot be
    reached, :class:`PublishError` is raised. ``verify`` counts the triples per graph on the
    server afterwards (a SELECT at ``endpoint``) and reports any difference as a failure.
    """
    _check_options(endpoint=endpoint, user=user, password=password, timeout=timeout)
    store = load_dataset(Path(dataset))
    selected, skipped = select_graphs(dataset_graphs(store), graphs)
    with transport.open_client(timeout=timeout) as client:
        store_profile = _resolve_profile(client, endpoint, profile)
        client.auth = transport.credentials(user, password, store_profile.auth)
        target = _target(endpoint, update, graph_store, store_profile, method, authenticated=user is not None)
        sent, failures, chunked = _send_all(client, target, payloads(store, selected))
    verified = _verify(target, sent, user=user, password=password, timeout=timeout) if verify and sent else None
    failures += mismatches(target.endpoint, sent, verified) if verified is not None else []
    return _report(target, sent, skipped, failures, chunked, verified)


def _check_options(*, endpoint: str, user: str | None, password: str | None, timeout: float) -> None:
    """Usage errors the caller can fix before anything is sent."""
    if not endpoint.startswith(("http://", "https://")):
        raise UsageError(f"endpoint {endpoint!r} is not an http(s) URL", fix="for example --endpoint http://127.0.0.1:7878/query")
    if password is not None and user is None:
        raise UsageError("a password was given without a user", fix="give --user too")
    if timeout <= 0:
        raise UsageError(f"timeout must be positive, not {timeout}")


def _resolve_profile(client: httpx.Client, endpoint: str, profile: str | StoreKind | StoreProfile | None) -> StoreProfile:
    """The profile asked for, or the one the server's reply (or the endpoint's path) suggests."""
    if profile is not None:
        return profile_named(profile)
    return detect_profile(endpoint, transport.probe(client, endpoint))


def _target(
    endpoint: str,
    update: str | None,
    graph_store: str | None,
    profile: StoreProfile,
    method: PublishMethod,
    *,
    authenticated: bool,
) -> Target:
    """Pick the method and URL: Graph Store Protocol if known, else SPARQL Update, else a usage error."""
    graph_store = graph_store or profile.graph_store_url(endpoint, authenticated=authenticated)
    update = update or profile.update_url(endpoint, authenticated=authenticated)
    if method in {PublishMethod.AUTO, PublishMethod.GRAPH_STORE} and graph_store:
        return Target(endpoint=endpoint, profile=profile, method=PublishMethod.GRAPH_STORE, url=graph_store)
    if method in {PublishMethod.AUTO, PublishMethod.UPDATE} and update:
        return Target(endpoint=endpoint, profile=profile, method=PublishMethod.UPDATE, url=update)
    wanted = {PublishMethod.GRAPH_STORE: "--graph-store URL", PublishMethod.UPDATE: "--update URL"}
    raise UsageError(
        f"no URL to write to for a {profile.kind.value} store at {endpoint}",
        fix="give " + wanted.get(method, "--graph-store URL or --update URL") + ", or name the store with --profile",
    )


def _send_all(client: httpx.Client, target: Target, graphs: Iterable[GraphPayload]) -> tuple[dict[str, int], list[GraphFailure], list[str]]:
    """Replace each graph in turn: (triples per graph replaced, failures, graphs sent in chunks)."""
    sent: dict[str, int] = {}
    failures: list[GraphFailure] = []
    chunked: list[str] = []
    for payload in graphs:
        failure, in_chunks = _send_one(client, target, payload)
        if in_chunks:
            chunked.append(payload.graph)
        if failure is None:
            sent[payload.graph] = payload.triples
        else:
            failures.append(failure)
    return sent, failures, chunked


def _send_one(client: httpx.Client, target: Target, payload: GraphPayload) -> tuple[GraphFailure | None, bool]:
    """Replace one graph by the target's method: (failure or None, whether it went in chunks)."""
    if target.method is PublishMethod.GRAPH_STORE:
        return transport.put_graph(client, target.url, target.profile, payload), False
    return transport.update_graph(client, target.url, target.profile, payload)


def _verify(target: Target, sent: dict[str, int], *, user: str | None, password: str | None, timeout: float) -> dict[str, int]:
    """Triples the server now holds in each graph that was sent."""
    return remote_counts(target.endpoint, list(sent), user=user, password=password, auth=target.profile.auth, timeout=timeout)


def _report(
    target: Target,
    sent: dict[str, int],
    skipped: list[str],
    failures: list[GraphFailure],
    chunked: list[str],
    verified: dict[str, int] | None,
) -> PublishReport:
    """The report; a :class:`PublishError` instead when graphs were attempted and none went through."""
    if failures and not sent:
        first = failures[0].error()
        more = f" (and {len(failures) - 1} more graphs failed)" if len(failures) > 1 else ""
        raise PublishError(f"nothing was published: {first.message}{more}", fix=first.fix)
    return PublishReport(
        method=target.method,
        url=target.url,
        graphs=tuple(sent),
        triples=MappingProxyType(dict(sent)),
        skipped=tuple(skipped),
        failures=tuple(failures),
        chunked=tuple(chunked),
        verified=MappingProxyType(verified) if verified is not None else None,
    )
