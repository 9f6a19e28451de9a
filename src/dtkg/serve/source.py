"""Opening what ``dtkg serve`` serves (a dataset file or an Oxigraph store folder) and running the server."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pyoxigraph as ox

from dtkg.errors import ServeError, UsageError
from dtkg.store import load_dataset


def open_store(source: Path) -> ox.Store:
    """A store over ``source``: a dataset file loaded into memory, or an Oxigraph store folder opened read-only."""
    source = Path(source)
    if source.is_dir():
        try:
            return ox.Store.read_only(str(source))
        except OSError as exc:
            raise ServeError(
                f"not an Oxigraph store folder: {exc}",
                path=str(source),
                fix="give a dataset file (.nq, .trig, .jsonld, .ttl) or a folder written by pyoxigraph.Store(path)",
            ) from exc
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
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc}", fix="choose another --host or --port") from exc


def run(source: Path, *, host: str = "127.0.0.1", port: int = 8000, base_iri: str) -> None:
    """Serve ``source`` at http://host:port/ until interrupted (uvicorn logs; nothing is printed here)."""
    import uvicorn

    from dtkg.serve.app import create_app

    app = create_app(open_store(source), base_iri=base_iri)
    sock = bind(host, port)
    server = uvicorn.Server(uvicorn.Config(app, log_level="info"))
    bound_host, bound_port = sock.getsockname()[:2]
    logging.getLogger("uvicorn.error").info(
        "dtkg serving %s at http://%s:%d/ (SPARQL endpoint /sparql, data under %s)",
        source,
        bound_host,
        bound_port,
        base_iri,
    )
    with sock:
        server.run(sockets=[sock])
