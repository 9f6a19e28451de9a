"""Opening what ``dtkg serve`` serves (a dataset file or an Oxigraph store folder) and running the server."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import uvicorn

from dtkg.errors import ServeError, UsageError
from dtkg.serve.diskstore import check_store, disk_store
from dtkg.serve.site import Site
from dtkg.settings import ServeSettings
from dtkg.store import load_dataset

log = logging.getLogger("uvicorn.error")
GRACE_SECONDS = 1  # on SIGTERM or Ctrl-C, how long answers under way may take to finish


def open_store(source: Path) -> ox.Store:
    """A store over ``source``: a dataset file loaded into memory, or an Oxigraph store folder opened read-only."""
    source = Path(source)
    if source.is_dir():
        check_store(source)
        return ox.Store.read_only(str(source))
    if not source.exists():
        raise UsageError(
            "no such dataset file or store folder",
            path=str(source),
            fix="build a dataset first with `dtkg build INPUT --output dataset.nq`",
        )
    return load_dataset(source)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port); failure is a :class:`ServeError`."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        # proto IPPROTO_TCP, so that asyncio sets TCP_NODELAY on each connection (else a kept-alive
        # connection waits 40 ms for a delayed ACK between a response's headers and its body)
        sock = socket.socket(family, kind, proto or socket.IPPROTO_TCP)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.bind(address)
            sock.listen(socket.SOMAXCONN)
        except BaseException:
            sock.close()
            raise
        return sock
    except (OSError, OverflowError) as exc:
        if isinstance(exc, socket.gaierror):
            reason = f"unknown host ({exc.strerror})"
        elif isinstance(exc, OSError) and exc.errno:
            reason = os.strerror(exc.errno)
        else:
            reason = str(exc)
        raise ServeError(f"cannot listen on {host}:{port}: {reason}", fix="choose another --host or --port") from exc


def run(
    source: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    base_iri: str,
    settings: ServeSettings | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``source`` at http://host:port/ until interrupted.

    A dataset file is served from an on-disk store built beside it (see :mod:`dtkg.serve.diskstore`).
    ``on_ready`` is called with the server's URL once it listens and its query workers are up.
    """
    from dtkg.serve.app import create_app

    Site(base_iri)  # a UsageError now for a bad base IRI
    source = Path(source)
    if not source.exists():
        disk_store(source)  # raises the UsageError saying what to do
    sock = bind(host, port)
    with sock:
        folder = disk_store(source)
        report = source.with_name(source.name + ".validation.txt") if source.is_file() else None
        app = create_app(folder, base_iri=base_iri, settings=settings,
                         report=report if report is not None and report.is_file() else None)
        bound_host, bound_port = sock.getsockname()[:2]
        url = f"http://{_url_host(bound_host)}:{bound_port}/"

        def ready() -> None:
            if on_ready is not None:
                on_ready(url)
            else:
                log.info("dtkg serving %s at %s (SPARQL endpoint /sparql, data under %s)", source, url, base_iri)

        config = uvicorn.Config(app, log_level="info", timeout_graceful_shutdown=GRACE_SECONDS)
        server = _Server(config, ready)
        server.run(sockets=[sock])
        if not server.started:
            raise ServeError("the server could not start (the log above says why)", path=str(source))


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class _Server(uvicorn.Server):
    """uvicorn's server, calling ``ready`` once it has started."""

    def __init__(self, config: uvicorn.Config, ready: Callable[[], None]) -> None:
        super().__init__(config)
        self.ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self.ready()
