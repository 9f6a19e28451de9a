"""Bytes → text: detect and decode UTF-8 (with or without BOM), UTF-16, Windows-1258,
TCVN3 and VNI, or say clearly why the bytes are not an article."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from viparse.normalize.encodings import CHARMAPS
from viparse.normalize.tables import convert

from dtkg.errors import IngestError

_VI_LETTERS = frozenset(
    unicodedata.normalize("NFC", c)
    for c in "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
)
_VI_LETTERS = _VI_LETTERS | {c.upper() for c in _VI_LETTERS}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
TRIED = "UTF-8, UTF-16, Windows-1258, TCVN3, VNI"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode(raw: bytes, *, name: str) -> Decoded:
    """Decode an article's raw bytes; :class:`IngestError` names the file, the reason and the fix."""
    if not raw.strip():
        raise IngestError("the file is empty", path=name, fix="remove it or fill it with the article's text")
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return _strict(raw, codec, name)
    if _looks_utf16(raw):
        return _strict(raw, "utf-16-le" if raw[1::2].count(0) > raw[0::2].count(0) else "utf-16-be", name)
    if b"\x00" in raw[:65536]:
        raise IngestError("the file is binary (it holds NUL bytes)", path=name, fix="give dtkg text articles (.txt or .jsonl)")
    try:
        return _checked(raw.decode("utf-8"), "utf-8", name)
    except UnicodeDecodeError:
        return _legacy(raw, name)


def _looks_utf16(raw: bytes) -> bool:
    head = raw[:4096]
    if len(head) < 4:
        return False
    zeros_even, zeros_odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    return max(zeros_even, zeros_odd) > 0.3 * half and min(zeros_even, zeros_odd) < 0.05 * half


def _strict(raw: bytes, codec: str, name: str) -> Decoded:
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"the file starts like {codec} but byte {exc.start} is not valid {codec}",
            path=name,
            fix="re-save the file as UTF-8",
        ) from exc
    return _checked(text.lstrip("\ufeff"), codec.removesuffix("-sig"), name)


def _checked(text: str, encoding: str, name: str) -> Decoded:
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) > 0.01 * len(sample):
        raise IngestError("the file is binary (it holds control characters)", path=name, fix="give dtkg text articles")
    return Decoded(text, encoding)


def vietnamese_ratio(text: str) -> float:
    """Share of non-ASCII letters that are Vietnamese letters: near 1 for Vietnamese text."""
    nfc = unicodedata.normalize("NFC", text)
    non_ascii = [c for c in nfc if ord(c) > 127 and not c.isspace() and c not in "“”‘’–—…•·°€"]
    if not non_ascii:
        return 0.0
    return sum(c in _VI_LETTERS for c in non_ascii) / len(non_ascii)


def _legacy(raw: bytes, name: str) -> Decoded:
    """Try the 8-bit Vietnamese encodings and keep the one that reads as Vietnamese."""
    surface = raw.decode("cp1252", errors="ignore") if _cp1252_ok(raw) else raw.decode("latin-1")
    candidates: list[tuple[str, str]] = []
    try:
        candidates.append(("windows-1258", unicodedata.normalize("NFC", raw.decode("cp1258"))))
    except UnicodeDecodeError:
        pass
    for key, label in (("tcvn3", "tcvn3"), ("vni", "vni")):
        candidates.append((label, unicodedata.normalize("NFC", convert(surface, CHARMAPS[key]))))
    scored = sorted(((vietnamese_ratio(text), label, text) for label, text in candidates), reverse=True)
    best_score, best_label, best_text = scored[0]
    if best_score < 0.9:
        raise IngestError(
            f"the bytes are not UTF-8 and decode in no supported encoding ({TRIED})",
            path=name,
            fix="convert the file to UTF-8 (for example with iconv) and build again",
        )
    return _checked(best_text, best_label, name)


def _cp1252_ok(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True
