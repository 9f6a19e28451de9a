"""The embedded, read-only SPARQL 1.1 endpoint and linked-data server behind ``dtkg serve``.

- :func:`create_app`: the Starlette application over a store folder or a pyoxigraph store;
- :func:`open_store`: a dataset file or Oxigraph store folder, opened in this process;
- :func:`run`: a dataset file or store folder served with uvicorn and query worker processes.

(Imported lazily, so that a query worker, ``python -m dtkg.serve.worker``, loads no web framework.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dtkg.serve.app import create_app
    from dtkg.serve.source import open_store, run

__all__ = ["create_app", "open_store", "run"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from dtkg.serve.app import create_app

        return create_app
    if name in ("open_store", "run"):
        from dtkg.serve import source

        return getattr(source, name)
    raise AttributeError(f"module 'dtkg.serve' has no attribute {name!r}")
