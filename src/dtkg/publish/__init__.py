"""Publishing a built dataset to the SPARQL stores users scale out to (``dtkg publish``).

Only what changed goes: the store keeps a publication record (a graph holding the digest of
every graph dtkg published there), and a run sends the graphs whose digest differs, each
replaced all-or-nothing together with its record entry, so a run that dies leaves every
graph either as before or as in the dataset, and the next run completes the job. With
``prune``, graphs dtkg published that the dataset no longer has are dropped. Store profiles
(Oxigraph server, Virtuoso, Fuseki, generic SPARQL 1.1) supply URL conventions,
authentication and request limits; the SPARQL sent lives in the files beside this module.
"""

from __future__ import annotations

from dtkg.publish.core import publish
from dtkg.publish.options import Credentials, PublishSettings, credentials_from
from dtkg.publish.profiles import FUSEKI, GENERIC, OXIGRAPH, PROFILES, VIRTUOSO, AuthScheme, StoreKind, StoreProfile, profile_named
from dtkg.publish.report import DEFAULT_GRAPH, GraphFailure, PublishReport

__all__ = [
    "DEFAULT_GRAPH",
    "FUSEKI",
    "GENERIC",
    "OXIGRAPH",
    "PROFILES",
    "VIRTUOSO",
    "AuthScheme",
    "Credentials",
    "GraphFailure",
    "PublishReport",
    "PublishSettings",
    "StoreKind",
    "StoreProfile",
    "credentials_from",
    "profile_named",
    "publish",
]
