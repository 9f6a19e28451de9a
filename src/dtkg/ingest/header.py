"""The short lines around a news article, told apart by what they name: the site (a masthead),
a category (a section label), the article itself (a headline) or who wrote it (a byline, a
credit such as "Bài và ảnh: …", a source such as "Theo …"); and the author's name as a byline
gives it. Every function here reads one line of text; where a line stands on the page is the
layout's business (:mod:`dtkg.ingest.layout`).
"""

from __future__ import annotations

import re

from dtkg.ingest import vocabulary as vocab

_UPPER = "A-Z" + "".join(chr(c) for c in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)] if chr(c).isupper())
_NAME_WORD = re.compile(rf"^[{_UPPER}][\wÀ-ỹ]*\.?(?:[{_UPPER}][\wÀ-ỹ]*)?$")  # "Hằng", "TTXVN", "Tr.Thường"
_DEGREE = re.compile(r"^(?:(?:GS|PGS|TS|ThS|BS|CN|KS|NCS|Ths|Th\.S)\.?\s*)+(?=[" + _UPPER + r"])")
_BYLINE_TAIL = re.compile(rf"\s*(?:\([^)]{{1,30}}\)|-\s*\S.{{0,30}}|\s(?:từ|tại)\s+[{_UPPER}][\wÀ-ỹ]*(?:\s+[{_UPPER}][\wÀ-ỹ]*){{0,3}})$")
_SOURCE = re.compile(
    rf"^\(?\s*(?:Theo|Nguồn)\s*:?\s+(?P<name>[{_UPPER}\d][^,;!?()]{{0,60}}?|[\w.-]+\.(?:vn|com|net|org)(?:\.vn)?)\s*\)?\s*$"
)
_CREDIT = re.compile(
    r"^\(?\s*(?:(?:Bài|Tin|Nội dung|Văn bản)\s*(?:,|và|&|/|-)\s*(?:ảnh|video|clip)|Bài viết|Bài|Tin|Thực hiện|Nhóm thực hiện"
    r"|Nhóm phóng viên|Tác giả|Phóng viên|Ghi chép)\s*:\s*(?P<name>[^:]{2,60}?)"
    r"(?:\s*[-–;,|]\s*(?:Ảnh|Video|Đồ họa|Đồ hoạ|Clip|Thiết kế|Trình bày)\s*:.*)?\s*\)?\s*\.?$",
    re.IGNORECASE,
)
_ROLE = re.compile(r"\s*\((?:thực hiện|tổng hợp|lược dịch|biên dịch|dịch|ghi|theo [^)]{1,40})\)\s*$", re.IGNORECASE)
_PLACE_TAIL = re.compile(rf"\s+(?:từ|tại)\s+[{_UPPER}][\wÀ-ỹ]*(?:\s+[{_UPPER}][\wÀ-ỹ]*){{0,3}}$")
_HEADS = ("Báo", "Tạp chí", "Tạp san", "Cổng thông tin", "Cổng TTĐT", "Trang thông tin", "Trang tin",
          "Đài Phát thanh và Truyền hình", "Đài Phát thanh - Truyền hình", "Đài Phát thanh", "Đài Truyền hình", "Đài PT-TH",
          "Đài PTTH", "Truyền hình", "Thông tấn xã", "Bản tin", "Kênh")
_OUTLET_HEAD = re.compile(r"^(?:" + "|".join(_HEADS) + r")(?:\s+(?:điện tử|online|in|chính thức|của))*\s+[" + _UPPER + "]")
_OUTLET_TAIL = re.compile(r"\s(?:điện tử|online|Online|ONLINE|News|Plus|TV)$|\.(?:vn|com|net|org)$")
_OUTLET_WORDS = re.compile(r"^(?:" + "|".join(_HEADS) + r")\b|" + _OUTLET_TAIL.pattern, re.IGNORECASE)
_CONNECTORS = frozenset({"và", "&", "-", "điện", "tử", "online", "của", "tỉnh", "thành", "phố", "huyện"})
_SEGMENTS = re.compile(r"\s+[-–&]\s+|\s*,\s*")
_DATEISH = re.compile(r"\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)\d\d\b|\b\d{1,2}:\d{2}\b")
_LABEL_VALUE = re.compile(r"^[^:]{1,24}:\s*\S{1,24}$")
_AGENCY = re.compile(rf"^\s*(?:\([^()]{{1,30}}\)\s*[-–—:]?|(?:[{_UPPER}]{{2,}}[\w.&+]*|[\w.]+\.vn)(?:\s+Online)?\s*[-–—])\s")
_LEDE_END = re.compile(r"[.;:…]\s*[\"”’)]?\s*$")


def _words(line: str) -> list[str]:
    return [w for w in re.split(r"\s+", line.strip()) if re.search(r"\w", w)]


def _letters_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def lede_like(line: str) -> bool:
    """The first paragraph of the body rather than a header line: long, or ended like a sentence."""
    return len(line) > 220 or bool(_LEDE_END.search(line))


def opens_with_agency(line: str) -> bool:
    """A lede's opening mark of the agency or site: "(TTXVN) - …", "(GLO)- …", "QĐND Online - …"."""
    return bool(_AGENCY.match(line))


def names_outlet(line: str) -> bool:
    """A site's name: "Báo Miền Núi điện tử", "Tạp chí Công nghệ và Đời sống", "CỔNG THÔNG TIN …",
    "Vùng Cao Online": an outlet's head word, or an outlet's tail after capitalised words, or a short
    line in capitals."""
    words = _words(line)
    if not words or len(words) > 10 or _LEDE_END.search(line) or any(c.isdigit() for c in line):
        return False
    if _letters_upper(line):
        return True
    if head := _OUTLET_HEAD.match(line):
        lower = [w for w in _words(line[head.end() - 1 :]) if not w[:1].isupper() and w.lower() not in _CONNECTORS]
        return len(words) <= 8 and len(lower) <= 3
    tail = _OUTLET_TAIL.search(line)
    before = _words(line[: tail.start()]) if tail else []
    return bool(tail) and 1 <= len(before) <= 5 and all(w[:1].isupper() for w in before)


_PHRASES = frozenset(" ".join(re.sub(r"[-–&,]", " ", p).split()) for p in vocab.SECTIONS)
_LONGEST = max(len(p.split()) for p in _PHRASES)


def _covered(words: list[str]) -> bool:
    reach = [True] + [False] * len(words)
    for i in range(len(words)):
        if reach[i]:
            for n in range(1, min(_LONGEST, len(words) - i) + 1):
                if " ".join(words[i : i + n]) in _PHRASES:
                    reach[i + n] = True
    return reach[-1]


def names_section(line: str) -> bool:
    """A category: made of section names ("Chính trị - Xây dựng Đảng", "Phỏng vấn"), or a few short
    capitalised parts joined by dashes ("Quốc phòng - An ninh")."""
    words = _words(line)
    if not words or len(words) > 6 or _LEDE_END.search(line) or any(c.isdigit() for c in line):
        return False
    if _covered([w.lower() for w in re.sub(r"[-–&,|/>»›]", " ", line).split()]):
        return True
    parts = [p for p in _SEGMENTS.split(line.strip()) if p]
    return len(parts) >= 2 and all(len(p.split()) <= 3 and p[:1].isupper() for p in parts)


def is_source(line: str) -> bool:
    """Where the article was taken from: "Theo Báo Vùng Cao", "(Nguồn: Cổng TTĐT tỉnh)"."""
    return len(line) <= 80 and bool(_SOURCE.match(line))


def is_credit(line: str) -> bool:
    """Who wrote (and photographed) it, labelled: "Bài và ảnh: Minh Châu", "Bài: An Khê - Ảnh: Hà My"."""
    return len(line) <= 120 and bool(_CREDIT.match(line))


def names_person(line: str) -> bool:
    """A byline of people or one signed name: "Nguyễn Thái", "Minh Anh (TTXVN)", "TRẦN AN - HOÀNG NAM",
    "TS. Lê Văn Tâm", "Tr.Thường", "Trần Hà từ Hà Nội"; not a source or a credit."""
    core = _BYLINE_TAIL.sub("", _DEGREE.sub("", line.strip())).strip()
    words = [w for w in re.split(r"\s+và\s+|\s*[-–,]\s*|\s+", core) if w]
    if not 1 <= len(words) <= 8 or len(line) > 60 or line.rstrip().endswith((".", ":", "?", "!", "-", "–")):
        return False
    return all(_NAME_WORD.match(w) for w in words) and not _OUTLET_WORDS.search(core)


def names_office(line: str) -> bool:
    """A short line named like an office, as one signs an article: "Phòng Truyền thông - ĐHVC",
    "Trung tâm Tin học khu vực I" (most words capitalised, no digit)."""
    core = _BYLINE_TAIL.sub("", line).strip()
    words = core.split()
    if not (core[:1].isupper() and 1 <= len(words) <= 10 and len(line) <= 60) or any(c.isdigit() for c in line):
        return False
    return sum(w[:1].isupper() for w in words) * 5 >= len(words) * 2


def looks_like_byline(line: str) -> bool:
    """A byline, a credit or a source line."""
    return is_source(line) or is_credit(line) or names_person(line)


def headline_like(line: str) -> bool:
    """A line that could be the headline: three words or more, not ended like a sentence, holding no
    date, and naming neither the site, a category nor a writer."""
    words = _words(line)
    if len(words) < 3 or len(line) > 300 or re.search(r"[.,;:]\s*$", line) or _DATEISH.search(line):
        return False
    if _LABEL_VALUE.match(line):
        return False
    return not (names_outlet(line) or names_section(line) or looks_like_byline(line))


def author_name(line: str) -> str | None:
    """The author as a byline line gives it: "Theo Báo Vùng Cao" → "Báo Vùng Cao", "Bài và ảnh: Minh
    Châu" → "Minh Châu", "Phương Linh (thực hiện)" → "Phương Linh", "TS. Lê Văn Tâm" → "Lê Văn Tâm",
    "TRẦN AN - HOÀNG NAM" → "Trần An - Hoàng Nam"."""
    line = line.strip()
    for pattern in (_SOURCE, _CREDIT):
        if m := pattern.match(line):
            line = m.group("name").strip()
            break
    line = _PLACE_TAIL.sub("", _ROLE.sub("", _DEGREE.sub("", line))).strip(" .")
    if not line:
        return None
    core = re.sub(r"\s*\([^)]*\)\s*$", "", line)
    if _letters_upper(core) and len(_words(core)) >= 2:
        line = " ".join(_title_case(w) for w in core.split(" ")) + line[len(core):]
    return line


def _title_case(word: str) -> str:
    """"HOÀNG" → "Hoàng"; a word without a vowel ("TTXVN", "PV") stays as it is."""
    if not re.search(r"[AEIOUYĂÂÊÔƠƯÀ-Ỹ]", word, re.IGNORECASE):
        return word
    return word[:1] + word[1:].lower()
