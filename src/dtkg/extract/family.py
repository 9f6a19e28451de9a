"""The interface every pattern family implements, and the context they share.

A family has a ``name``, the names of the families whose results it ``requires``, and an
``extract`` method that reads the article (and those results) from a :class:`Context` and
returns its facts. :mod:`dtkg.extract.registry` lists the families and runs them in
dependency order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from dtkg.extract.gazetteer import Gazetteer
from dtkg.extract.vocab import Vocabulary
from dtkg.model import Article


@dataclass
class Context:
    """One article being extracted: its text, the shared resources and the results so far."""

    article: Article
    gaz: Gazetteer
    vocab: Vocabulary
    base: str
    country: str | None
    results: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, family: str) -> Any:
        """The result of a family that ran before (declared in ``requires``)."""
        return self.results[family]


class Family(Protocol):
    """A pattern family: one kind of fact, read by rules over the shared vocabulary."""

    name: ClassVar[str]
    requires: ClassVar[tuple[str, ...]]

    def extract(self, context: Context) -> Any:
        """The facts of this family in ``context.article``."""
        ...
