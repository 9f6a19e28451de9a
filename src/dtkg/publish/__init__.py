"""Publishing a built dataset to an external SPARQL 1.1 store (``dtkg publish``).

Each graph of the dataset (article graphs, the meta graph, the reference graph, and the
default graph if it holds anything) *replaces* the graph of the same name on the server:
by a Graph Store Protocol ``PUT`` where the graph store URL is given or known for the
store, else by one SPARQL Update request (``DROP SILENT GRAPH`` + ``INSERT DATA``). A
store :class:`StoreProfile` (oxigraph, virtuoso, fuseki, generic) supplies the URL
conventions and the authentication scheme. The SPARQL sent lives in the ``.rq`` files
beside this module.
"""

from __future__ import annotations

from dtkg.publish.core import publish
from dtkg.publish.profiles import (
    FUSEKI,
    GENERIC,
    OXIGRAPH,
    PROFILES,
    VIRTUOSO,
    AuthScheme,
    StoreKind,
    StoreProfile,
    profile_named,
)
from dtkg.publish.report import DEFAULT_GRAPH, GraphFailure, PublishMethod, PublishReport

__all__ = [
    "DEFAULT_GRAPH",
    "FUSEKI",
    "GENERIC",
    "OXIGRAPH",
    "PROFILES",
    "VIRTUOSO",
    "AuthScheme",
    "GraphFailure",
    "PublishMethod",
    "PublishReport",
    "StoreKind",
    "StoreProfile",
    "profile_named",
    "publish",
]
