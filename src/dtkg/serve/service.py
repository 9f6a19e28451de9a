"""What every route shares: the store, where its IRIs live, and the ontology to serve."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from dtkg.errors import DtkgError
from dtkg.serve.ontology import OntologyDoc, ontology_path, read_ontology
from dtkg.serve.site import Site
from dtkg.serve.views import Viewer


@dataclass
class Service:
    """What the routes share: the store, where its IRIs live, and the ontology folder."""

    store: ox.Store
    site: Site
    ontology_dir: Path | None
    _stats: dict[str, int] | None = field(default=None, init=False)

    def viewer(self) -> Viewer:
        """A fresh viewer (its label cache lives for one request)."""
        return Viewer(self.site, self.store)

    def stats(self) -> dict[str, int]:
        """Number of named graphs and of quads, counted once (the served store is read-only)."""
        if self._stats is None:
            self._stats = {"graphs": sum(1 for _ in self.store.named_graphs()), "quads": len(self.store)}
        return self._stats

    @cached_property
    def ontology_file(self) -> Path | None:
        """The ontology file to serve, or None when there is none."""
        if self.ontology_dir is None:
            return None
        path = ontology_path(self.ontology_dir)
        return path if path.is_file() else None

    @cached_property
    def ontology_doc(self) -> OntologyDoc | None:
        """The ontology's documentation model, read once."""
        return read_ontology(self.ontology_file, Viewer(self.site, None)) if self.ontology_file else None


def packaged_ontology_dir() -> Path | None:
    """The ontology folder shipped with dtkg, or None when the installation has none."""
    from dtkg import resources

    try:
        return resources.ontology_dir()
    except DtkgError:
        return None
