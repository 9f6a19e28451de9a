"""Folding text for search: case and Vietnamese diacritics ignored, 'đ' read as 'd'.

"Nam Định", "NAM ĐỊNH" and "nam dinh" all fold to ``nam dinh``. Latin letters with
diacritics go through one translation table (built once from their Unicode decompositions),
so folding runs at C speed; anything the table does not cover is decomposed the slow way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_NOT_WORD = re.compile(r"[\W_]+")  # anything but letters and digits (of any script)
_LATIN = [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00), *range(0x0300, 0x0370)]


@cache
def _table() -> dict[int, str]:
    """Each Latin letter with diacritics → its bare lowercase letter(s); combining marks → nothing."""
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "d", ord("ð"): "d", ord("Ð"): "d"}
    for code in _LATIN:
        char = chr(code)
        if code in table:
            continue
        bare = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        table[code] = bare.casefold()
    return table


def fold(text: str) -> str:
    """``text`` lowercased, without diacritics, with runs of anything but letters and digits as one space."""
    bare = text.translate(_table()).casefold()
    if not bare.isascii():  # letters the table does not cover (other scripts, decomposed input)
        decomposed = unicodedata.normalize("NFD", bare)
        bare = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_table()).casefold()
    return _NOT_WORD.sub(" ", bare).strip()


def tokens(text: str) -> list[str]:
    """The folded words of ``text``."""
    return fold(text).split()
