"""``/.well-known/void``: the dataset's VoID and DCAT description; ``/dumps/…``: its dumps.

The statistics and dumps are made once per state of the data (see :mod:`dtkg.serve.artefacts`)
by :class:`ArtefactMaker`, in the background from the first request for either (so that a
server nobody asks for them never spends the CPU); until they are ready the description says
what it can (endpoint, licence, formats) and is marked not to be cached, and the dumps answer
503 with Retry-After. The description's RDF comes from the CONSTRUCT
queries in ``void/`` with the statistics bound by substitution, one query per class, property,
vocabulary, subset and dump; relative IRIs in them resolve against the description's own URL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response

import dtkg
from dtkg.serve import artefacts, formats
from dtkg.serve.artefacts import Artefacts
from dtkg.serve.engine import Engine
from dtkg.serve.formats import NotAcceptable
from dtkg.serve.responses import choose_for, text
from dtkg.serve.service import Service

log = logging.getLogger("uvicorn.error")
QUERIES = Path(__file__).resolve().parent / "void"
IANA = "http://www.iana.org/assignments/media-types/"
APACHE = "https://www.apache.org/licenses/LICENSE-2.0"
RETRY_SECONDS = 10
PREFIXES = {
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "spdx": "http://spdx.org/rdf/terms#",
    "format": "http://www.w3.org/ns/formats/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
DUMP_TITLES = {
    artefacts.NQUADS_DUMP: "every quad of the dataset, gzip'd N-Quads",
    artefacts.TURTLE_DUMP: "one Turtle file per graph, zipped (index.tsv names each file's graph)",
}

State = tuple[str, "Path | ox.Store"]


@dataclass
class ArtefactMaker:
    """Makes (in the background) and finds the artefacts of the data's current state.

    ``state`` says which state that is: a key, and what to read (a store folder, read by a
    separate process, or an in-memory store, read on a thread).
    """

    state: Callable[[], State]
    root: Path
    base_iri: str
    modified: Callable[[], str]
    _ready: Artefacts | None = None
    _task: asyncio.Task[None] | None = None
    _making: str | None = None
    failure: str | None = None

    pinned: set[str] | None = None  # where to note the store folder being read, so that it is kept meanwhile

    @classmethod
    def for_engine(cls, engine: Engine, source: Path | ox.Store, *, base_iri: str) -> "ArtefactMaker":
        """The maker for what ``engine`` reads: an in-memory store (artefacts in a temporary folder) or a
        store folder (artefacts beside ``source``, the store the server was given)."""
        if isinstance(source, ox.Store):
            memory = source
            root = Path(tempfile.mkdtemp(prefix="dtkg-void-"))
            started = artefacts.now()
            return cls(state=lambda: (f"memory-{engine.generation}", memory), root=root, base_iri=base_iri,
                       modified=lambda: started if engine.generation == 0 else artefacts.now())
        reading: Callable[[], str] = getattr(engine, "reading_store", lambda: str(source))

        def state() -> State:
            folder = Path(reading())
            return artefacts.version(folder), folder

        return cls(state=state, root=artefacts.root_for(Path(source)), base_iri=base_iri,
                   modified=lambda: artefacts.modified_time(Path(reading())),
                   pinned=getattr(engine, "pinned", None))

    def start(self) -> None:
        """Begin making the current state's artefacts, unless they exist or are being made."""
        key, source = self.state()
        if self._ready is not None and self._ready.version == key:
            return
        found = artefacts.load(self.root, key)
        if found is not None:
            self._ready = found
            return
        if self._making == key and self._task is not None and not self._task.done():
            return
        self._making, self.failure = key, None
        self._task = asyncio.ensure_future(self._make(key, source))

    async def current(self) -> Artefacts | None:
        """The artefacts of the current state, or None while they are being made (or could not be)."""
        self.start()
        key, _ = self.state()
        return self._ready if self._ready is not None and self._ready.version == key else None

    async def wait(self, timeout: float) -> Artefacts | None:
        """The current artefacts, waiting up to ``timeout`` seconds for them to be made."""
        self.start()
        if self._task is not None and not self._task.done():
            await asyncio.wait({self._task}, timeout=timeout)
        return await self.current()

    async def _make(self, key: str, source: Path | ox.Store) -> None:
        modified = self.modified()
        try:
            if isinstance(source, ox.Store):
                made = await run_in_threadpool(artefacts.make, source, self.root, key, base_iri=self.base_iri,
                                               modified=modified)
            else:
                made = await self._in_process_of_its_own(key, source, modified)  # type: ignore[assignment]
        except Exception as exc:
            self.failure = f"{type(exc).__name__}: {exc}"
            log.warning("the dataset's statistics and dumps could not be made: %s", self.failure)
            return
        if made is not None:
            self._ready = made

    async def _in_process_of_its_own(self, key: str, folder: Path, modified: str) -> Artefacts | None:
        if self.pinned is not None:
            self.pinned.add(str(folder))
        try:
            return await self._run_process(key, folder, modified)
        finally:
            if self.pinned is not None:
                self.pinned.discard(str(folder))

    async def _run_process(self, key: str, folder: Path, modified: str) -> Artefacts | None:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "dtkg.serve.artefacts", str(folder), str(self.root), key, self.base_iri, modified,
            str(os.getpid()), stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            _, errors = await process.communicate()
        except asyncio.CancelledError:
            process.kill()
            raise
        if process.returncode != 0:
            self.failure = errors.decode(errors="replace").strip() or f"exit {process.returncode}"
            log.warning("the dataset's statistics and dumps could not be made: %s", self.failure)
            return None
        return artefacts.load(self.root, key)

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        if self.root.name.startswith("dtkg-void-"):
            shutil.rmtree(self.root, ignore_errors=True)


# ---------------------------------------------------------------- the description


def description(made: Artefacts | None, *, url: str, base_iri: str, license: str | None) -> list[ox.Triple]:
    """The VoID/DCAT triples of the dataset, for the description at ``url``."""
    empty = ox.Store()

    def run(name: str, **values: ox.NamedNode | ox.Literal | None) -> list[ox.Triple]:
        bound = {ox.Variable(k): v for k, v in values.items() if v is not None}
        results = empty.query((QUERIES / f"{name}.rq").read_text(encoding="utf-8"), base_iri=url, substitutions=bound)  # type: ignore[arg-type]
        assert isinstance(results, ox.QueryTriples)
        return list(results)

    stats = made.statistics if made is not None else None
    triples = run(
        "dataset",
        license=ox.NamedNode(license) if license else None,
        modified=_datetime(made.modified) if made is not None else None,
        uriSpace=ox.Literal(base_iri),
        triples=ox.Literal(stats.triples) if stats else None,
        entities=ox.Literal(stats.entities) if stats else None,
        classes=ox.Literal(len(stats.classes)) if stats else None,
        properties=ox.Literal(len(stats.properties)) if stats else None,
        server=ox.Literal(f"dtkg {dtkg.__version__}"),
    )
    if not license:
        triples += run("rights")
    if stats is None or made is None:
        return triples
    for value in stats.built_with:
        triples += run("built-with-agent", builtWith=ox.Literal(value))
    for iri, count in stats.classes:
        triples += run("class-partition", **{"class": ox.NamedNode(iri)}, entities=ox.Literal(count))
    for iri, count in stats.properties:
        triples += run("property-partition", property=ox.NamedNode(iri), triples=ox.Literal(count))
    for vocabulary in stats.vocabularies:
        triples += run("vocabulary", vocabulary=ox.NamedNode(vocabulary))
    for graph, count in stats.graph_triples:
        licence = ox.NamedNode(APACHE) if graph.endswith("graph/reference") else None
        triples += run("subset", graph=ox.NamedNode(graph), triples=ox.Literal(count), license=licence)
    for dump in made.dumps:
        triples += run(
            "dump",
            url=ox.NamedNode(_join(url, f"../dumps/{dump.name}")),
            title=ox.Literal(DUMP_TITLES.get(dump.name, dump.name), language="en"),
            mediaType=ox.NamedNode(IANA + dump.media_type),
            compressFormat=ox.NamedNode(IANA + dump.compression) if dump.compression else None,
            packageFormat=ox.NamedNode(IANA + dump.package) if dump.package else None,
            bytes=ox.Literal(str(dump.bytes), datatype=ox.NamedNode(PREFIXES["xsd"] + "nonNegativeInteger")),
            modified=_datetime(made.modified),
            sha256=ox.Literal(dump.sha256, datatype=ox.NamedNode(PREFIXES["xsd"] + "hexBinary")),
        )
    return triples


def _datetime(iso: str) -> ox.Literal:
    return ox.Literal(iso, datatype=ox.NamedNode(PREFIXES["xsd"] + "dateTime"))


def _join(url: str, relative: str) -> str:
    from urllib.parse import urljoin

    return urljoin(url, relative)


# ---------------------------------------------------------------- routes


async def void(service: Service, request: Request) -> Response:
    """The VoID and DCAT description, negotiated (Turtle by default)."""
    try:
        representation = choose_for(request, formats.VOID_OFFERS)
    except NotAcceptable as exc:
        return text(406, str(exc))
    made = await service.artefacts.current() if service.artefacts is not None else None
    url = str(request.url.replace(query=""))
    triples = description(made, url=url, base_iri=service.site.base_iri, license=service.settings.license)
    assert representation.rdf is not None
    body = ox.serialize(triples, format=representation.rdf, prefixes=PREFIXES) or b""
    headers = {"Vary": "Accept"}
    if made is None:
        headers["Cache-Control"] = "no-store"  # the statistics and dumps are still being made
    return Response(body, media_type=representation.media_type, headers=headers)


async def dump(service: Service, request: Request) -> Response:
    """A dump file, once made (503 with Retry-After until then)."""
    name = request.path_params["name"]
    made = await service.artefacts.current() if service.artefacts is not None else None
    if made is None:
        reason = service.artefacts.failure if service.artefacts is not None else None
        if reason:
            return text(500, f"the dumps could not be made: {reason}")
        response = text(503, f"the dumps are being made; retry in {RETRY_SECONDS} s")
        response.headers["Retry-After"] = str(RETRY_SECONDS)
        return response
    found = made.dump(name)
    if found is None:
        names = ", ".join(d.name for d in made.dumps)
        return text(404, f"no dump named {name!r} here (the dumps: {names}; see /.well-known/void)")
    media_type = found.package or found.compression or found.media_type
    return FileResponse(made.folder / found.name, media_type=media_type, filename=found.name,
                        headers={"ETag": f'"{found.sha256}"', "Cache-Control": "public, max-age=3600"})
