"""Figures reported about a subject: rates, counts, amounts and ranks (Vietnamese number formats).

A number followed by a unit or a counted noun ("99,21% dân số", "72 trạm 5G", "hơn 30
tỉnh, thành phố", "6.500 giáo viên"), a rate announced before it ("Tỷ lệ hồ sơ … đạt 62,4%")
or a rank ("xếp thứ 41/63"), in a clause that states a fact, not a target; never a year,
a date, a document number or an ordinal. The subject is the organisation or place named
nearest before the figure in its clause, else in its sentence, else the article's main
province, else the country.
"""

from __future__ import annotations

import re

from dtkg.extract.entities import Found, last_unit_before, main_province
from dtkg.extract.family import Context
from dtkg.extract.patterns import BULLET, LOCATIVE_BEFORE, NUMBER, PLAN_HEADER, parse_number
from dtkg.model import Article, EntityType, Evidence, Indicator

_UNIT = re.compile(r"^\s*(?P<unit>%|(?:phần trăm|triệu|tỷ|nghìn|ngàn|tỉ)(?!\w))?\s*(?P<about>[a-zà-ỹđA-Z0-9][^,.;:()“”]{0,60})?")
_SKIP_BEFORE = re.compile(
    r"(?:năm|giai đoạn|top|nhóm|thứ|lần|số|Quyết định|Nghị quyết|Kế hoạch|Đề án|ngày|tháng|quý|khóa|khoá|Điều|"
    r"Khoản|hạng|mục tiêu|mức độ|cấp|tổng đài|đường dây|hotline|Tier|phiên bản|\d[,/])\s*$", re.I)
_FUTURE = re.compile(r"phấn đấu|mục tiêu|đến năm|tới năm|\bsẽ\b|ít nhất|kế hoạch|dự kiến|kỳ vọng", re.I)
_TARGET_CUE = re.compile(r"mục tiêu|phấn đấu|đến năm|tới năm", re.I)
_PAST = re.compile(r"(?<!\w)(?:đã|về đích|đạt được|Hiện|hiện)(?!\w)|[.;:]\s")
_APPROX = re.compile(r"(?:hơn|gần|trên|khoảng|đạt|tới|lên|có|với)\s*$", re.I)
_NOT_COUNTED = re.compile(r"^(?:năm|tháng|ngày|giờ|phút|tuổi|lần|giây|G\b)", re.I)
_FUNCTION_WORDS = frozenset("mới đã đạt là được có sẽ và hoặc trong của cho với tại từ đến so vẫn còn chỉ".split())
_RATE = re.compile(r"(?:[Tt]ỷ lệ|[Tt]ỉ lệ|[Tt]ỷ trọng)\s+(?P<about>[^,;:]{3,80}?)\s+(?:của\s+[^,;:]{1,40}?\s+)?"
                   r"(?:mới\s+|chỉ\s+|đã\s+|ước\s+)*(?:đạt|là|chiếm|ở mức|lên tới|tăng lên)\s+(?:khoảng\s+|gần\s+|hơn\s+)?$")
#: Indexes that rank provinces and ministries; a decimal after "đạt", "với" is a score on them.
_INDEX = re.compile(r"(?<![\w])(?:DTI|PAPI|PCI|PAR Index|SIPAS|EGDI|GII|ICT Index|[Cc]hỉ số [^\d,.;:()]{3,40}?(?=\s+(?:năm|đạt|của|là|với|\d)|[,.;:()]))")
_SCORE_BEFORE = re.compile(r"(?:đạt|với|là|ở mức|lên|còn|được)\s+(?:mức\s+|khoảng\s+)?$")
_GROWTH = re.compile(r"(?<![\w])(?:tăng|giảm)(?:\s+(?:trưởng|thêm|khoảng|gần|hơn))?\s+$")
#: A figure said of the whole country: "Ở cấp quốc gia, DTI …", "DTI trung bình cấp tỉnh …", "cả nước có …".
_NATIONAL = re.compile(r"(?<![\w])(?:cấp quốc gia|cả nước|toàn quốc|trung bình cấp tỉnh|bình quân cả nước)(?![\w])", re.I)
_RANK = re.compile(r"(?:xếp|đứng|xếp hạng)\s+(?:thứ\s+)?(?P<n>\d{1,3})(?:/(?P<of>\d{1,3}))?(?P<rest>[^,.;]{0,80})")


def extract_indicators(article: Article, mentions: list[Found], country: str | None = None) -> list[Indicator]:
    article_main = main_province(mentions, article.text) or country
    out: list[Indicator] = []
    previous = None
    index_context: re.Match[str] | None = _INDEX.search(article.title or "")
    plan = False  # inside the bullets of a plan's "Mục tiêu đến năm …:" — targets, not facts
    for sentence in article.sentences:
        text = sentence.text
        plan = bool(plan and BULLET.match(text))
        header = PLAN_HEADER.search(text)
        if header:
            plan = True
        if "“" in text or '"' in text or plan and not header:
            previous = sentence
            continue
        window = [f for f in mentions if f.start >= (previous.span.start if previous else sentence.span.start)]
        local = re.search(r"(?<!\w)(?:toàn tỉnh|tỉnh này|địa phương này|thành phố này)(?!\w)", text)
        main = (last_unit_before(window, sentence.span.start) if local else None) or article_main
        previous = sentence
        found = [f for f in mentions if sentence.span.start <= f.start < sentence.span.end and f.type is not EntityType.PERSON
                 and not f.nested
                 and not LOCATIVE_BEFORE.search(article.text[max(0, f.start - 16):f.start])]
        index_context = _INDEX.search(text) or index_context  # the index a report is about, named before
        ranks = {m.start("n") for m in _RANK.finditer(text)}
        for m in _RANK.finditer(text):
            out += _rank(m, text, sentence, found, main)
        for m in NUMBER.finditer(text):
            if m.start() in ranks or header and m.start() > header.start():
                continue
            national = country if _NATIONAL.search(text[: m.start()]) else None
            indicator = _figure(m, text, sentence, found, national or main, national=bool(national),
                                index_context=index_context)
            if indicator is not None:
                out.append(indicator)
    return out


def _clause(text: str, at: int) -> tuple[int, int]:
    starts = [m.end() for m in re.finditer(r"[,;:]\s", text[:at])]
    end = re.search(r"[,;:]\s|$", text[at:])
    return (starts[-1] if starts else 0), at + (end.start() if end else len(text) - at)


def _figure(m: re.Match[str], text: str, sentence, found: list[Found], main: str | None,  # type: ignore[no-untyped-def]
            *, national: bool = False, index_context: re.Match[str] | None = None) -> Indicator | None:
    surface = m.group("num")
    before = text[: m.start()]
    if re.fullmatch(r"(?:19|20)\d\d", surface) or _SKIP_BEFORE.search(before):
        return None
    c_start, c_end = _clause(text, m.start())
    if _FUTURE.search(text[c_start:c_end]):
        return None
    cue = None
    for cue in _FUTURE.finditer(text[: m.start()]):  # noqa: B007 — the last one is wanted
        pass
    if cue is not None and _TARGET_CUE.match(cue.group(0)) and not _PAST.search(text[cue.end(): m.start()]):
        return None
    unit_m = _UNIT.match(text[m.end():])
    unit = unit_m.group("unit") if unit_m else None
    raw_about = (unit_m.group("about") or "").strip() if unit_m else ""
    about = _trim_about(raw_about)
    index = _INDEX.search(text) or index_context
    if unit == "%" and _GROWTH.search(before) and (not about or raw_about.startswith("so với")):
        about = ("tăng trưởng " if "tăng" in _GROWTH.search(before).group(0) else "giảm ") + (index.group(0) if index else "")  # type: ignore[union-attr]
    elif not unit and index and "," in surface and (_SCORE_BEFORE.search(before) or before.endswith("(")) and (
            not about or raw_about.startswith(("điểm", "so với"))):
        unit, about = "điểm", f"điểm {index.group(0)}"  # "DTI năm 2024 đạt 0,7955", "Huế với 0,7951"
    if unit == "%" and not about and (rate := _RATE.search(before)):
        about = rate.group("about").strip()
    if (not unit and not about) or _NOT_COUNTED.match(about) or re.match(r"^\d", about):
        return None
    if about and about.split()[0].lower() in _FUNCTION_WORDS:
        return None
    subject = _subject(found, sentence.span.start + c_start, sentence.span.start + m.start(), main, national=national)
    if subject is None:
        return None
    approx = _APPROX.search(before)
    start = approx.start() if approx else m.start()
    end = m.end() + (unit_m.end("unit") if unit_m and unit else 0)
    written = text[start:end].strip()
    return Indicator(subject, parse_number(surface), written, Evidence(sentence.index, sentence.span, text),
                     unit=unit, about=about or None)


def _rank(m: re.Match[str], text: str, sentence, found: list[Found], main: str | None) -> list[Indicator]:  # type: ignore[no-untyped-def]
    c_start, _ = _clause(text, m.start())
    subject = _subject(found, sentence.span.start + c_start, sentence.span.start + m.start(), main)
    if subject is None:
        return []
    about = "thứ hạng" + (" " + m.group("rest").strip() if m.group("rest").strip() else "")
    if m.group("of"):
        about += f" (trên {m.group('of')})"
    return [Indicator(subject, float(m.group("n")), m.group(0).split(m.group("rest"))[0].strip() if m.group("rest") else m.group(0),
                      Evidence(sentence.index, sentence.span, text), unit="hạng", about=about)]


def _trim_about(about: str) -> str:
    words = about.split()
    for i, w in enumerate(words):
        if w in {"và", "của", "được", "đã", "trên", "tại", "với", "trong", "khi", "nhưng", "song"} and i >= 1:
            return " ".join(words[: i if w not in {"được", "trên"} else len(words)][:8])
    return " ".join(words[:8])


def _subject(found: list[Found], clause_start: int, at: int, main: str | None, *, national: bool = False) -> str | None:
    in_clause = [f for f in found if clause_start <= f.start < at]
    if in_clause:
        return in_clause[-1].iri
    if national:
        return main
    before = [f for f in found if f.start < at]
    if before:
        places = [f for f in before if f.type is EntityType.PLACE]
        return (places or before)[-1].iri if not _speaker_org(before[-1]) else main
    return main


def _speaker_org(f: Found) -> bool:
    return f.name.startswith("Sở ")


class Indicators:
    """Figures reported about a subject: rates, counts, amounts, scores and ranks."""

    name = "indicators"
    requires = ("mentions",)

    def extract(self, context: Context) -> tuple[Indicator, ...]:
        return tuple(extract_indicators(context.article, context["mentions"], context.country))
