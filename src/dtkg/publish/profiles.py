"""Store profiles: what each kind of SPARQL server calls its URLs and how it wants to be logged into.

A profile turns the one URL a user knows (the query endpoint) into the Graph Store Protocol
and SPARQL Update URLs of that server, and names its authentication scheme and limits.
Oxigraph is tested against a real server; the Virtuoso and Fuseki profiles follow those
servers' documented conventions and are not yet exercised by the test suite.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from dtkg.errors import UsageError


class AuthScheme(enum.Enum):
    """HTTP authentication schemes a store may ask for."""

    BASIC = "basic"
    DIGEST = "digest"


class StoreKind(enum.Enum):
    """The kinds of SPARQL server dtkg knows the URL conventions of."""

    OXIGRAPH = "oxigraph"
    VIRTUOSO = "virtuoso"
    FUSEKI = "fuseki"
    GENERIC = "generic"


@dataclass(frozen=True, kw_only=True)
class StoreProfile:
    """How to talk to one kind of store: URL conventions, authentication, request limits."""

    kind: StoreKind
    auth: AuthScheme = AuthScheme.BASIC
    graph_param: str = "graph"
    update_as_form: bool = False
    max_update_bytes: int = 32 * 1024 * 1024

    def graph_store_url(self, endpoint: str, *, authenticated: bool) -> str | None:
        """The Graph Store Protocol URL of the store whose query endpoint is ``endpoint``, if known."""
        return _derive(self.kind, endpoint, authenticated)[1]

    def update_url(self, endpoint: str, *, authenticated: bool) -> str | None:
        """The SPARQL Update URL of the store whose query endpoint is ``endpoint``, if known."""
        return _derive(self.kind, endpoint, authenticated)[0]


OXIGRAPH = StoreProfile(kind=StoreKind.OXIGRAPH)
VIRTUOSO = StoreProfile(
    kind=StoreKind.VIRTUOSO,
    auth=AuthScheme.DIGEST,
    graph_param="graph-uri",
    update_as_form=True,
    max_update_bytes=1024 * 1024,
)
FUSEKI = StoreProfile(kind=StoreKind.FUSEKI)
GENERIC = StoreProfile(kind=StoreKind.GENERIC)

PROFILES: dict[StoreKind, StoreProfile] = {p.kind: p for p in (OXIGRAPH, VIRTUOSO, FUSEKI, GENERIC)}


def profile_named(name: str | StoreKind | StoreProfile) -> StoreProfile:
    """The profile for ``name`` (``"oxigraph"``, ``"virtuoso"``, ``"fuseki"``, ``"generic"``)."""
    if isinstance(name, StoreProfile):
        return name
    try:
        return PROFILES[StoreKind(name)]
    except ValueError:
        choices = ", ".join(k.value for k in StoreKind)
        raise UsageError(f"unknown store profile {name!r}", fix=f"use one of {choices}") from None


def detect_profile(endpoint: str, response: httpx.Response | None) -> StoreProfile:
    """Guess the store from the ``Server`` header of a reply, else from the endpoint's path."""
    server = (response.headers.get("server", "") if response is not None else "").lower()
    if "oxigraph" in server:
        return OXIGRAPH
    if "virtuoso" in server:
        return VIRTUOSO
    if "fuseki" in server or (response is not None and "fuseki-request-id" in response.headers):
        return FUSEKI
    return _profile_from_path(endpoint)


def _profile_from_path(endpoint: str) -> StoreProfile:
    """Oxigraph serves ``/query``; Fuseki serves ``/DATASET/sparql`` or ``/DATASET/query``."""
    segments = _segments(endpoint)
    if segments == ["query"]:
        return OXIGRAPH
    if len(segments) == 2 and segments[1] in {"sparql", "query"}:
        return FUSEKI
    return GENERIC


def _segments(url: str) -> list[str]:
    return [s for s in urlsplit(url).path.split("/") if s]


def _with_path(url: str, segments: list[str]) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + "/".join(segments), "", ""))


def _derive(kind: StoreKind, endpoint: str, authenticated: bool) -> tuple[str | None, str | None]:
    """(update URL, graph store URL) by the server's convention; (None, None) when unknown."""
    parent = _segments(endpoint)[:-1]
    if kind is StoreKind.OXIGRAPH:
        return _with_path(endpoint, [*parent, "update"]), _with_path(endpoint, [*parent, "store"])
    if kind is StoreKind.FUSEKI:
        dataset = _segments(endpoint)
        dataset = dataset[:-1] if dataset and dataset[-1] in {"sparql", "query"} else dataset
        return _with_path(endpoint, [*dataset, "update"]), _with_path(endpoint, [*dataset, "data"])
    if kind is StoreKind.VIRTUOSO:
        suffix = "-auth" if authenticated else ""
        return _with_path(endpoint, [*parent, f"sparql{suffix}"]), _with_path(
            endpoint, [*parent, f"sparql-graph-crud{suffix}"]
        )
    return None, None
