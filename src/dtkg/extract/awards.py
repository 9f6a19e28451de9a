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
from dtkg.extract.patterns import LO, NOT_NAME, UP
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


#: A prize's name: "Giải thưởng Chuyển đổi số Việt Nam 2024", "Giải thưởng Sản phẩm công nghệ số Make in
#: Viet Nam 2024" (lowercase words only between capitalised ones).
_NAMED_PRIZE = re.compile(
    rf"(?<![\w])Giải thưởng\s+(?:[{UP}][\w&-]*)(?:\s+[{UP}0-9][\w&-]*|(?:\s+(?!{NOT_NAME})[{LO}]+){{1,4}}(?=\s+[{UP}]))*"
)
#: Where a list of winners begins: "được trao cho:", "gọi tên", "thuộc về:", "trao Bằng khen cho … gồm:".
_LIST_CUE = re.compile(
    r"(?:(?:được\s+)?trao(?:\s+(?:giải|giải thưởng|Bằng khen|bằng khen|danh hiệu))?\s+cho|gọi tên|thuộc về|ghi nhận"
    r"|(?:được\s+)?vinh danh(?:\s+là|,?\s+trong đó có|\s+gồm)|tôn vinh(?:\s+là|\s+gồm)|,?\s+gồm)\s*:?\s+"
)
_AWARD_CONTEXT = re.compile(r"(?<![\w])(?:giải|hạng mục|bằng khen|vinh danh|tôn vinh|danh hiệu|cờ thi đua)(?![\w])", re.I)
#: Winners listed before the verb: "A và B nhận giải ở hạng mục …".
_LIST_VERB = re.compile(r"\s+(?:cùng\s+)?(?:nhận giải|đoạt giải|giành giải|được vinh danh|được trao giải|được tôn vinh)(?![\w])")
_PRODUCT = re.compile(r"^(?:nền tảng|hệ thống|ứng dụng|giải pháp|sản phẩm|mô hình|phần mềm|dự án|dịch vụ)\s", re.I)
_ITEM_START = re.compile(r"^(?:ông|bà|anh|chị|TS\.?|ThS\.?|PGS\.?|GS\.?|nền tảng|hệ thống|ứng dụng|giải pháp|sản phẩm|"
                         r"mô hình|phần mềm|dự án|dịch vụ)(?![\w])", re.I)


def _programme(text: str) -> str | None:
    named = [m.group(0).strip() for m in _NAMED_PRIZE.finditer(text)]
    if named:
        return named[-1]
    old = [m.group(0).strip() for m in _PROGRAMME.finditer(text)]
    return old[-1] if old else None


def _listed(sentence: Sentence, mentions: list[Found], programme: str | None, base: str, key: str,
            projects: dict[str, str]) -> list[_Win]:
    """Winners given as a list: "giải thưởng được trao cho: A …; B …", "Hạng mục X gọi tên A của O và B",
    "A và B nhận giải ở hạng mục …", "trao Bằng khen cho 5 tập thể, gồm: A, B và C"."""
    text = sentence.text
    if not _AWARD_CONTEXT.search(text):
        return []
    khen = re.search(r"(?:Bằng khen|Cờ thi đua)(?:\s+của\s+[^,:;]{3,50}?)?(?=\s+cho|[,:;.]|$)", text)
    name = programme or (khen.group(0).strip() if khen else None)
    if not name:
        return []
    inside = [f for f in mentions if sentence.span.start <= f.start < sentence.span.end and not f.nested]
    spans = [(f.start - sentence.span.start, f.end - sentence.span.start) for f in inside]
    regions = _regions(text, list(_LIST_CUE.finditer(text)))
    if not regions:
        verb = _LIST_VERB.search(text)
        if verb is None or not re.search(r"\s(?:và|cùng)\s", text[: verb.start()]):
            return []
        lead = re.match(r"^(?:[^,]{0,40},\s+)?", text[: verb.start()])
        regions = [(lead.end() if lead else 0, verb.start(), False)]
    items: list[tuple[int, int]] = []
    for start, end, single in regions:
        found = _items(text, start, end, spans)
        if len(found) >= 2 or single:
            items += found
    out: list[_Win] = []
    for a, b in items:
        winner = _item_winner(text, a, b, sentence.span.start, inside, base, key, projects)
        if winner:
            out.append(_Win(name, winner[0], winner[1], None))
    return out


def _regions(text: str, cues: list[re.Match[str]]) -> list[tuple[int, int, bool]]:
    """Where each list of winners runs: from its cue to the clause of the next cue ("Giải Vàng được trao
    cho A của X; Giải Bạc được trao cho B"); whether one winner alone is enough (a "trao cho" cue)."""
    out: list[tuple[int, int, bool]] = []
    for i, cue in enumerate(cues):
        generic = cue.group(0).strip(" ,:").endswith(("gồm", "ghi nhận"))
        if generic and not _AWARD_CONTEXT.search(text[: cue.start()]):
            continue
        start = cue.end()
        counted = re.match(r"[^:;“”\"]{0,40}:\s*", text[start:])  # "… trao cho 4 địa phương: A …; B …"
        start += counted.end() if counted else 0
        end = len(text)
        if i + 1 < len(cues):
            cut = text.rfind(";", start, cues[i + 1].start())
            end = cut if cut != -1 else cues[i + 1].start()
        single = cue.group(0).strip().startswith(("trao", "được trao", "gọi tên", "thuộc về"))
        out.append((start, end, single))
    return out


def _items(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """List items between ``start`` and ``end``: cut at ';', and at ',' or 'và' before a new entity or product."""
    items: list[tuple[int, int]] = []
    begin = start
    for m in re.finditer(r";\s*|,\s+|\s+và\s+", text[start:end]):
        at, after = start + m.start(), start + m.end()
        if any(s <= at < e for s, e in spans):
            continue
        if ";" in m.group(0) or any(s == after for s, _ in spans) or _ITEM_START.match(text[after:]):
            items.append((begin, at))
            begin = after
    items.append((begin, end))
    return [(a, b) for a, b in items if text[a:b].strip(" ,.;:")]


def _item_winner(text: str, a: int, b: int, offset: int, inside: list[Found], base: str, key: str,
                 projects: dict[str, str]) -> tuple[str, str] | None:
    """Who one list item names: a product's owner ("… của Công ty X"), the entity it opens with, or the product."""
    item = text[a:b].strip(" ,.;:")
    a = a + text[a:b].find(item)
    found = [f for f in inside if a <= f.start - offset < a + len(item)]
    product = _PRODUCT.match(item)
    if product:
        label = re.split(r"\s+(?:với|ở|tại|của|do)\s+", item)[0]
        owner = re.search(r"\s(?:của|do)\s", item)
        owned = [f for f in found if owner and f.start - offset >= a + owner.end() and f.family == "Organization"]
        if owned and not re.search(rf"\s[{UP}0-9]", label):  # an unnamed product stands for its owner
            return owned[0].iri, owned[0].name
        iri = iris.project(base, key, label)
        projects[iri] = label
        return iri, label
    if found and found[0].start - offset - a <= 12:
        return found[0].iri, found[0].name
    return None


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
        programme = _programme(sentence.text) or last_programme
        listed = _listed(sentence, mentions, programme, base, article.key, projects)
        wins = listed or _wins(sentence, previous, mentions, main, base, article.key, projects, last_programme)
        for win in wins:
            awards.append(Award(win.name, win.recipient, win.label, Evidence(sentence.index, sentence.span, sentence.text),
                                event=win.event))
        last_programme = _programme(sentence.text) or last_programme
        previous = sentence
    return _dedupe(awards), sorted(projects.items())


def _wins(sentence: Sentence, previous: Sentence | None, mentions: list[Found], main: str | None, base: str,
          key: str, projects: dict[str, str], last_programme: str | None) -> list[_Win]:
    text = sentence.text
    out: list[_Win] = []
    programmes = [m.group(0).strip() for m in _PROGRAMME.finditer(text)]
    for m in _WIN.finditer(text):
        if _quoted(text, m.start()) or re.search(r"(?<![\w])(?:sau khi|khi|để|trước khi|nếu)\s+$", text[: m.start()]):
            continue  # speech, or a time clause ("… chia sẻ sau khi nhận giải"): not who won
        clause_start, clause_end = _clause(text, m.start())
        after = text[m.start():clause_end]
        programme = next((p for p in programmes if p in after), None) or (programmes[0] if programmes else None)
        title = _TITLE.search(after)
        title_text = (title.group("title") or title.group("plain") or title.group("khen")).strip() if title else None
        name = programme or last_programme or title_text
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


def _quoted(text: str, at: int) -> bool:
    before = text[:at]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _clause(text: str, at: int) -> tuple[int, int]:
    starts = [m.end() for m in re.finditer(r";\s*|:\s+|,\s+(?=\S)", text[:at])]
    end = re.search(r";|\.\s|$", text[at:])
    start = starts[-1] if starts else 0
    return start, at + (end.start() if end else len(text) - at)


def _subject(text: str, start: int, verb: int) -> tuple[str, int]:
    segment = text[start:verb]
    lead = _LEAD.match(segment)
    offset = start + (lead.end() if lead else 0)
    subject = _TAIL_ADVERBS.sub("", text[offset:verb].rstrip())
    subject = re.split(r"\s+do\s+", subject)[0]
    if re.search(r"\s(?:và|cũng)$", subject):  # "Giải pháp X đang được … sử dụng và từng giành giải …"
        subject = re.split(r"\s+(?:đang|đã|được|hiện|vừa|là)\s", subject)[0]
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
    if subject[0].islower() and (not _DESCRIPTOR.match(subject) or re.search(r"\d|(?<![\w])(?:các|những)(?![\w])", subject)):
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
