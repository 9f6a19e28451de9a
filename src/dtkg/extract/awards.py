"""Awards won: the award (or awards programme), and its recipient.

"X đạt giải Y tại Giải thưởng Z", "X được vinh danh tại Giải thưởng Z", "X giành giải
thưởng Sao Khuê". The recipient is the sentence's subject: an organisation when it is
one, else a named project ("Trung tâm Điều hành thành phố thông minh tại Huế").
"""

from __future__ import annotations

import re

from dtkg import iris
from dtkg.extract.entities import Found
from dtkg.model import Article, Award, EntityType, Evidence

_PROGRAMME = re.compile(r"(?P<name>(?:Giải thưởng|giải thưởng|Giải|Danh hiệu)\s+(?:[A-ZĐÀ-Ỹ0-9“\"][^,.;:()“”]*?))(?=\s+(?:năm|lần|do|cho|với|và)\b|[,.;:()]|$)")
_WIN = re.compile(r"(?<!\w)(?:đạt|giành|đoạt|nhận|được trao|được vinh danh|được tôn vinh|được đánh giá là|lọt vào|được công nhận)(?!\w)")
_CATEGORY = re.compile(r"(?:đạt|giành|đoạt|nhận)\s+(?:giải|giải thưởng|danh hiệu)\s+(?P<cat>[A-ZĐÀ-Ỹ][^,.;:]*?)(?=\s+tại\s+|[,.;:]|$)")
_LEADIN = re.compile(r"^(?:(?:Vừa qua|Trước đó|Năm \d{4}|Gần đây|Đặc biệt|Ngoài ra|Bên cạnh đó|Cũng trong năm)\s*,\s*)", re.I)
_SUBJECT_END = re.compile(r"\s+(?:do|của\s+(?=\S+\s+(?:đã|được))|cũng|đã|được|vừa|đạt|giành|đoạt|nhận|lọt)\s")


def extract_awards(article: Article, mentions: list[Found], base: str) -> tuple[list[Award], list[tuple[str, str]]]:
    """Awards, and the projects (IRI, name) created as recipients."""
    awards: list[Award] = []
    projects: list[tuple[str, str]] = []
    for sentence in article.sentences:
        text = sentence.text
        win = _WIN.search(text)
        programme = _PROGRAMME.search(text)
        category = _CATEGORY.search(text)
        if not win or not (programme or category):
            continue
        name = programme.group("name").strip() if programme else category.group("cat").strip()  # type: ignore[union-attr]
        if not re.match(r"(?i)giải|danh hiệu", name) and category is None:
            continue
        recipient, label = _recipient(text, sentence.span.start, mentions, article.key, base, len(projects) + 1)
        if recipient is None:
            continue
        if recipient.startswith(iris.article(base, article.key)):
            projects.append((recipient, label))
        event = programme.group("name").strip() if programme and category else None
        awards.append(Award(name, recipient, label, Evidence(sentence.index, sentence.span, text), event=event))
    return awards, projects


def _recipient(text: str, offset: int, mentions: list[Found], key: str, base: str, n: int) -> tuple[str | None, str]:
    lead = _LEADIN.match(text)
    start = lead.end() if lead else 0
    end = _SUBJECT_END.search(text, start)
    subject = text[start: end.start() if end else start].strip(" ,")
    if not subject or len(subject.split()) > 14:
        return None, ""
    for f in mentions:
        if f.type is not EntityType.PERSON and f.start - offset == start and f.end - offset == start + len(subject):
            return f.iri, f.name
    if subject[0].islower() and "của" in subject:
        owner = [f for f in mentions if f.type is not EntityType.PERSON and start <= f.start - offset < start + len(subject)]
        if owner:
            return owner[-1].iri, owner[-1].name
    return iris.fact(iris.article(base, key), "project", n), subject
