"""Human documentation of the ontology, generated from the ontology file: one Markdown page
per class and property (Vietnamese and English) and an index."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dtkg import iris, resources
from dtkg.store import PREFIXES, atomic_writer


@dataclass(frozen=True)
class TermPage:
    iri: str
    kind: str
    name: str
    label_vi: str
    label_en: str
    definition_vi: str
    definition_en: str
    parents: tuple[str, ...]
    domains: tuple[str, ...]
    ranges: tuple[str, ...]


def terms(ontology: Path | None = None) -> list[TermPage]:
    """The documented terms of the ontology file."""
    store = ox.Store()
    store.load(path=str(ontology or resources.ontology_dir() / "dtkg.ttl"), format=ox.RdfFormat.TURTLE)
    query = (Path(__file__).parent / "docs.rq").read_text(encoding="utf-8")
    out = []
    for row in store.query(query):  # type: ignore[union-attr]
        value = lambda name, row=row: row[name].value if row[name] is not None else ""  # noqa: E731
        out.append(TermPage(value("term"), value("kind"), value("term").rsplit("#", 1)[-1], value("labelVi"),
                            value("labelEn"), value("definitionVi"), value("definitionEn"),
                            tuple(value("parents").split()), tuple(value("domains").split()),
                            tuple(value("ranges").split())))
    return out


def _curie(iri: str) -> str:
    if iri.startswith(iris.ONTOLOGY):
        name = iri[len(iris.ONTOLOGY):]
        return f"[dtkg:{name}]({name}.md)"
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"`{prefix}:{iri[len(ns):]}`"
    return f"<{iri}>"


def page(term: TermPage) -> str:
    """The Markdown page of one term."""
    lines = [f"# dtkg:{term.name} — {term.label_vi} / {term.label_en}", "", f"`{term.iri}` ({term.kind})", "",
             f"**vi:** {term.definition_vi}", "", f"**en:** {term.definition_en}", ""]
    for title, values in (("Subclass or subproperty of", term.parents), ("Domain", term.domains), ("Range", term.ranges)):
        if values:
            lines.append(f"- {title}: " + ", ".join(_curie(v) for v in values))
    return "\n".join(lines).rstrip() + "\n"


def index(pages: list[TermPage]) -> str:
    """The index page: every class, then every property, with both labels."""
    lines = ["# dtkg ontology", "", "Generated from `ontology/dtkg.ttl` by `dtkg docs`; do not edit by hand.", ""]
    for kind, title in (("class", "Classes"), ("object property", "Object properties"), ("datatype property", "Datatype properties")):
        lines += [f"## {title}", ""]
        lines += [f"- [dtkg:{t.name}]({t.name}.md) — {t.label_vi} / {t.label_en}" for t in pages if t.kind == kind]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_docs(out_dir: Path, *, ontology: Path | None = None) -> list[Path]:
    """Write the index and one page per term into ``out_dir``; the paths written."""
    pages = terms(ontology)
    written = []
    for name, text in [("index", index(pages))] + [(t.name, page(t)) for t in pages]:
        path = out_dir / f"{name}.md"
        with atomic_writer(path, "w") as handle:
            handle.write(text)
        written.append(path)
    return written
