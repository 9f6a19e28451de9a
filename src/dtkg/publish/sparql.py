"""The SPARQL and N-Quads dtkg publish sends, from the ``.rq``/``.nq`` files beside this module.

Values are bound into the files as RDF terms written by pyoxigraph (IRIs checked, literals
escaped); a request of several operations joins them with ``;``.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from string import Template

import pyoxigraph as ox

XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


@cache
def _template(name: str) -> Template:
    return Template(files("dtkg.publish").joinpath(name).read_text(encoding="utf-8"))


def iri(value: str) -> str:
    """An IRI as a SPARQL/N-Quads term (``<…>``); a malformed IRI raises ``ValueError``."""
    return str(ox.NamedNode(value))


def text(value: str) -> str:
    """A plain string literal as a term."""
    return str(ox.Literal(value))


def integer(value: int) -> str:
    """An ``xsd:integer`` literal as a term."""
    return str(ox.Literal(str(value), datatype=XSD_INTEGER))


def render(name: str, **values: str) -> str:
    """The file ``name`` (``"forget.rq"``, ``"record.nq"``…) with ``values`` bound, comment lines dropped."""
    filled = _template(name).substitute(values)
    return "\n".join(line for line in filled.splitlines() if not line.startswith("#")).strip() + "\n"


def request(operations: list[str]) -> str:
    """One SPARQL Update request of several operations."""
    return " ;\n".join(op.rstrip().rstrip(";") for op in operations) + "\n"
