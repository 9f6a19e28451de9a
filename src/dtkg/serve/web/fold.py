"""Folding text for search: case and Vietnamese diacritics ignored, 'đ' read as 'd'.

"Nam Định", "NAM ĐỊNH" and "nam dinh" all fold to ``nam dinh``.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_D = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(text: str) -> str:
    """``text`` lowercased, without diacritics, with runs of anything but letters and digits as one space."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _NOT_WORD.sub(" ", bare).strip()


def tokens(text: str) -> list[str]:
    """The folded words of ``text``."""
    return fold(text).split()
