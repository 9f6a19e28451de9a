"""The embedded, read-only SPARQL 1.1 endpoint and linked-data server behind ``dtkg serve``.

- :func:`create_app`: the Starlette application over a pyoxigraph store;
- :func:`open_store`: a dataset file or Oxigraph store folder, opened for serving;
- :func:`run`: both, served with uvicorn.
"""

from __future__ import annotations

from dtkg.serve.app import create_app
from dtkg.serve.source import open_store, run

__all__ = ["create_app", "open_store", "run"]
