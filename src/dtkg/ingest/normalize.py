"""Text normalisation: one canonical form for every article, so offsets mean one thing.

NFC; CRLF and lone CR folded to LF; no-break and other Unicode spaces to a plain space;
zero-width characters and BOMs dropped; tone marks on oa/oe/uy moved to one convention
("hoà" → "hòa", "thuỷ" → "thủy"). Idempotent. The tone step preserves length.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\v\f]")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_TONES = {"\u0300": "grave", "\u0301": "acute", "\u0309": "hook", "\u0303": "tilde", "\u0323": "dot"}
# Old placement: the tone sits on the second vowel of an open oa/oe/uy syllable. "oă" is not
# "oa": in NFD the dot below comes before the breve ("hoặc"), and that syllable is left alone;
# "uỷ" without an onset ("Uỷ ban") moves too.
_OLD_STYLE = re.compile(
    r"(?<![qQ\w])([^\W\d_]*?)([oO])([aAeE])([\u0300\u0301\u0309\u0303\u0323])(?![^\W\d_]|[\u0302\u0306])"
    r"|(?<![qQ\w])((?:[^\W\d_]*?[^qQ\W\d_])?)([uU])([yY])([\u0300\u0301\u0309\u0303\u0323])(?![^\W\d_])"
)


def normalize_text(text: str) -> str:
    """The canonical form of an article's text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text)
    return normalize_tones(unicodedata.normalize("NFC", text))


def normalize_tones(text: str) -> str:
    """Move tone marks of open oa/oe/uy syllables to the first vowel; keeps NFC length."""
    decomposed = unicodedata.normalize("NFD", text)
    if not any(t in decomposed for t in _TONES):
        return text
    fixed = _OLD_STYLE.sub(_swap, decomposed)
    return unicodedata.normalize("NFC", fixed)


def _swap(match: re.Match[str]) -> str:
    if match.group(2):
        onset, first, second, tone = match.group(1), match.group(2), match.group(3), match.group(4)
    else:
        onset, first, second, tone = match.group(5), match.group(6), match.group(7), match.group(8)
    if onset and onset[-1] in "qQ":
        return match.group(0)
    return f"{onset}{first}{tone}{second}"
