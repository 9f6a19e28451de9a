"""Awards won: the award (its programme, or its title), and who or what won it.

Read from clauses with a winning verb — "đoạt/giành/đạt/nhận giải …", "được trao Bằng khen",
"được vinh danh tại Giải thưởng …", "được bình chọn là …", "lọt Top 10 …", "Giải thưởng X
gọi tên Y". The award is the programme ("Giải thưởng Sao Khuê 2024") when the sentence names
one, else the quoted or stated title ("Xã thương mại điện tử tiêu biểu"), else the programme
the article named last. The recipient is the clause's subject: an organisation or place when
it is one, else a named product or project ("nền tảng VNPT iGate").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dtkg import iris
from dtkg.extract.entities import Found, main_province
from dtkg.extract.patterns import LO, UP
from dtkg.extract.family import Context
from dtkg.extract.vocab import vocabulary
from dtkg.model import Article, Award, EntityType, Evidence, Sentence

_V = vocabulary()
_PRIZE = rf"(?:{_V.alt('prizes')}|Top\s+\d+|top\s+\d+)"
_WIN = re.compile(
    rf"(?<!\w)(?:(?:đoạt|giành|đạt|nhận|được trao(?: tặng)?|được tặng|được nhận)\s+(?={_PRIZE})"
    rf"|được vinh danh|được tôn vinh|được bình chọn là|được công nhận là|lọt(?:\s+vào)?\s+(?=[Tt]op\s+\d)|gọi tên"
    rf"|được đánh giá (?:là|cao)(?=[^.;]*?\stại\s+(?:Giải thưởng|giải thưởng)))"
)
_PROGRAMME = re.compile(
    rf"(?:Giải thưởng|giải thưởng)\s+(?:[{UP}0-9\"“][^,.;:()“”\"]*?)(?=\s+(?:ở|tại|do|cho|với|vì|năm nay|lần)\b|[,.;:()“”]|$)"
)
_TITLE = re.compile(
    rf"(?:danh hiệu|giải|bình chọn là|công nhận là|hạng mục)\s+[\"“](?P<title>[^\"”]{{3,80}})[\"”]"
    rf"|(?:bình chọn là|công nhận là)\s+(?P<plain>[{LO}][^,.;:]{{5,100}})"
    rf"|(?P<khen>Bằng khen(?: của [^,.;]{{3,60}})?|Huân chương [{UP}][^,.;]{{2,40}}|Cờ thi đua[^,.;]{{0,40}})"
)
_LEAD = re.compile(r"^(?:(?:Năm|Cuối năm|Đầu năm)\s+\d{4}|Vừa qua|Trước đó|Trong khi đó|Nhờ đó|Bên cạnh đó|Ngoài ra|Đặc biệt|"
                   r"Cũng tại [^,]{1,40}|Ở lĩnh vực [^,]{1,60}|Tại [^,]{1,60}|Trong đó)\s*,\s*", re.I)
_TAIL_ADVERBS = re.compile(r"(?:\s+(?:đã|cũng|vừa|tiếp tục|từng|nhiều lần|lần thứ \d+|đã nhiều lần|mới đây|năm nay|liên tiếp))+$")
_DESCRIPTOR = re.compile(r"^(?:nền tảng|ứng dụng|giải pháp|hệ thống|sản phẩm|dự án|mô hình|phần mềm|Trung tâm|trung tâm|chương trình)\s", re.I)
_DEMONSTRATIVE = re.compile(r"^(?P<head>[Nn]ền tảng|[Ứứ]ng dụng|[Gg]iải pháp|[Hh]ệ thống|[Ss]ản phẩm|[Dd]ự án|[Mm]ô hình|[Pp]hần mềm)\s+này$")
_LOCAL = re.compile(r"^(?:thành phố|tỉnh|địa phương|địa phương này|tỉnh này|thành phố này)$", re.I)


@dataclass(frozen=True)
class _Win:
    name: str
    recipient: str
    label: str
    event: str | None


def extract_awards(article: Article, mentions: list[Found], base: str) -> tuple[list[Award], list[tuple[str, str]]]:
    """Awards, and the projects (IRI, name) created as their recipients."""
    main = main_province(mentions, article.text)
    mentions = [f for f in mentions if not f.nested]
    awards: list[Award] = []
    projects: dict[str, str] = {}
    last_programme: str | None = None
    previous: Sentence | None = None
    for sentence in article.sentences:
        for win in _wins(sentence, previous, mentions, main, base, article.key, projects, last_programme):
            awards.append(Award(win.name, win.recipient, win.label, Evidence(sentence.index, sentence.span, sentence.text),
                                event=win.event))
        programmes = _PROGRAMME.findall(sentence.text)
        last_programme = programmes[-1].strip() if programmes else last_programme
        previous = sentence
    return _dedupe(awards), sorted(projects.items())


def _wins(sentence: Sentence, previous: Sentence | None, mentions: list[Found], main: str | None, base: str,
          key: str, projects: dict[str, str], last_programme: str | None) -> list[_Win]:
    text = sentence.text
    out: list[_Win] = []
    programmes = [m.group(0).strip() for m in _PROGRAMME.finditer(text)]
    for m in _WIN.finditer(text):
        clause_start, clause_end = _clause(text, m.start())
        after = text[m.start():clause_end]
        programme = next((p for p in programmes if p in after), None) or (programmes[0] if programmes else None)
        title = _TITLE.search(after)
        title_text = (title.group("title") or title.group("plain") or title.group("khen")).strip() if title else None
        name = programme or title_text or last_programme
        if not name:
            continue
        if m.group(0) == "gọi tên":
            subject = re.split(r"\s+(?:của|do)\s+|[,.;]", text[m.end():clause_end].strip())[0]
            subject_start = m.end() + text[m.end():].find(subject)
        else:
            subject, subject_start = _subject(text, clause_start, m.start())
        resolved = _recipient(subject, sentence.span.start + subject_start, previous, mentions, main, base, key, projects)
        if resolved is None:
            continue
        iri, label = resolved
        out.append(_Win(name, iri, label, programme if programme and title_text else None))
    return out


def _clause(text: str, at: int) -> tuple[int, int]:
    starts = [m.end() for m in re.finditer(r";\s*|,\s+(?=\S)", text[:at])]
    end = re.search(r";|\.\s|$", text[at:])
    start = starts[-1] if starts else 0
    return start, at + (end.start() if end else len(text) - at)


def _subject(text: str, start: int, verb: int) -> tuple[str, int]:
    segment = text[start:verb]
    lead = _LEAD.match(segment)
    offset = start + (lead.end() if lead else 0)
    subject = _TAIL_ADVERBS.sub("", text[offset:verb].rstrip())
    subject = re.split(r"\s+do\s+", subject)[0]
    return subject.strip(" ,"), offset


def _recipient(subject: str, at: int, previous: Sentence | None, mentions: list[Found], main: str | None,
               base: str, key: str, projects: dict[str, str]) -> tuple[str, str] | None:
    subject = re.sub(r"\s*\([^()]{1,40}\)$", "", subject).strip()
    if not subject or len(subject.split()) > 18 or re.search(r"\d", subject.split()[0]):
        return None
    if re.search(r"(?<!\w)(?:và|của|với|cho|là|được|các|những)$", subject):
        return None
    inside = [f for f in mentions if at <= f.start < at + len(subject) and f.type is not EntityType.PERSON]
    bare = re.sub(r"^(?:xã|phường|huyện|quận|thị xã|tỉnh|thành phố|TP\.?|Tập đoàn|tập đoàn)\s+", "", subject)
    for f in inside:
        if f.surface in (subject, bare) or f.name in (subject, bare):
            return f.iri, f.name
    if _LOCAL.match(subject) and main:
        entity = next((f for f in mentions if f.iri == main), None)
        return main, entity.name if entity else subject
    demonstrative = _DEMONSTRATIVE.match(subject)
    if demonstrative and previous is not None:
        earlier = re.search(rf"{demonstrative.group('head').lower()}\s+[^,.;]*?(?=\s+(?:đang|đã|được|do|của|tại)\s|[,.;]|$)",
                            previous.text.lower())
        if earlier:
            start = earlier.start()
            subject = previous.text[start:earlier.end()]
    if subject[0].islower() and not _DESCRIPTOR.match(subject):
        if not inside:
            return None
        return inside[-1].iri, inside[-1].name
    name = subject.replace("“", "").replace("”", "").replace('"', "")
    iri = iris.project(base, key, name)
    projects[iri] = name
    return iri, name


def _dedupe(awards: list[Award]) -> list[Award]:
    seen: set[tuple[str, str]] = set()
    out = []
    for a in awards:
        if (a.name, a.recipient) not in seen:
            seen.add((a.name, a.recipient))
            out.append(a)
    return out


@dataclass(frozen=True)
class AwardFacts:
    awards: tuple[Award, ...]
    projects: tuple[tuple[str, str], ...]  # (IRI, name) of products and projects that won


class Awards:
    """Awards won, with their recipients."""

    name = "awards"
    requires = ("mentions",)

    def extract(self, context: Context) -> AwardFacts:
        awards, projects = extract_awards(context.article, context["mentions"], context.base)
        return AwardFacts(tuple(awards), tuple(projects))
