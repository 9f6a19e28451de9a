"""What every route shares: where jobs run, where the data's IRIs live, the limits, and the ontology to serve."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from dtkg.errors import DtkgError
from dtkg.serve.engine import Engine, fetch
from dtkg.serve.jobs import JobFailed, StatsJob
from dtkg.serve.ontology import OntologyDoc, ontology_path, read_ontology
from dtkg.serve.site import Site
from dtkg.serve.views import Viewer
from dtkg.settings import ServeSettings

if TYPE_CHECKING:
    from dtkg.serve.void import ArtefactMaker

log = logging.getLogger("uvicorn.error")


@dataclass
class Service:
    """What the routes share: the engine running jobs over the store, the site, the limits and the ontology folder."""

    engine: Engine
    site: Site
    settings: ServeSettings
    ontology_dir: Path | None
    artefacts: ArtefactMaker | None = None  # the dataset's statistics and dumps, for /.well-known/void
    _stats: dict[str, int] | None = field(default=None, init=False)

    async def stats(self) -> dict[str, int] | None:
        """Number of named graphs and of quads, counted once (None if counting failed; tried again next time)."""
        if self._stats is None:
            try:
                _, body = await fetch(self.engine, StatsJob())
            except JobFailed as exc:
                log.warning("cannot count the dataset for the landing page: %s", exc.message)
                return None
            self._stats = json.loads(body)
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
