"""Encoders for legacy Vietnamese encodings, to write test fixtures the decoder must read."""

from __future__ import annotations

import unicodedata

from viparse.normalize.encodings import CHARMAPS

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Windows-1258: precomposed base vowels, combining tone marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        tones = "".join(c for c in parts if c in TONES)
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def to_legacy(text: str, name: str) -> bytes:
    """TCVN3 or VNI bytes, by inverting viparse's conversion table."""
    inverse: dict[str, str] = {}
    for legacy, uni in CHARMAPS[name].pairs:
        inverse.setdefault(unicodedata.normalize("NFC", uni), legacy)
    surface = "".join(inverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
    try:
        return surface.encode("cp1252")
    except UnicodeEncodeError:
        return surface.encode("latin-1")
