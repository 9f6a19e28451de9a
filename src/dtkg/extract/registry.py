"""The one registry of pattern families, and the order they run in.

Every family implements :class:`dtkg.extract.family.Family`; adding one means writing
the class and listing it in :data:`FAMILIES`. :func:`ordered` sorts them so that each
runs after the families it requires.
"""

from __future__ import annotations

from dtkg.errors import ExtractError
from dtkg.extract.agreements import Agreements
from dtkg.extract.awards import Awards
from dtkg.extract.concepts import Concepts
from dtkg.extract.documents import Documents
from dtkg.extract.entities import Mentions
from dtkg.extract.family import Family
from dtkg.extract.indicators import Indicators
from dtkg.extract.people import Positions
from dtkg.extract.quotes import Quotes
from dtkg.extract.targets import Targets

#: Every pattern family dtkg runs on an article's text.
FAMILIES: tuple[Family, ...] = (  # type: ignore[assignment]
    Mentions(), Positions(), Agreements(), Targets(), Quotes(), Documents(), Awards(), Indicators(), Concepts(),
)


def ordered(families: tuple[Family, ...] = FAMILIES) -> tuple[Family, ...]:
    """The families in an order where each runs after those it requires (stable otherwise)."""
    done: list[Family] = []
    names: set[str] = set()
    pending = list(families)
    while pending:
        ready = next((f for f in pending if set(f.requires) <= names), None)
        if ready is None:
            missing = {f.name: sorted(set(f.requires) - names) for f in pending}
            raise ExtractError(f"pattern families with unmet or circular requirements: {missing}")
        done.append(ready)
        names.add(ready.name)
        pending.remove(ready)
    return tuple(done)
