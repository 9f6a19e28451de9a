"""When a post was held, as the article says it: the time cues around a position.

"nguyên Chủ tịch" / "khi còn là …" → the post had ended by the article's date;
"tân Giám đốc" / "vừa được bổ nhiệm …" → it began around the article's date (not after it);
"từ tháng 3/2024", "từ năm 2021" → it began then; "giai đoạn 2016–2020", "nhiệm kỳ 2021-2026"
→ it ran from the first year to the second. With no cue the post is only observed on the
article's date. The cue words are data (``data/tenure.toml``). Also here: the title of
office a position label stands for, from the titles of the reference data, so that
"Chủ tịch HĐTV" and "Chủ tịch Hội đồng thành viên" are one title.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache

from dtkg.extract.gazetteer import Gazetteer
from dtkg.extract.vocab import DATA, alternation
from dtkg.model import Tenure

_YEAR = r"(?:19|20)\d\d"
_DASH = r"\s*(?:-|–|—|đến|tới)\s*"


@dataclass(frozen=True)
class _Cues:
    former_title: re.Pattern[str]
    former_lead: re.Pattern[str]
    new_title: re.Pattern[str]
    new_lead: re.Pattern[str]
    period: re.Pattern[str]
    since: re.Pattern[str]
    until: re.Pattern[str]


@cache
def _cues() -> _Cues:
    with (DATA / "tenure.toml").open("rb") as handle:
        t = tomllib.load(handle)

    def words(table: str, key: str) -> str:
        return alternation(t[table][key])

    date = rf"(?:ngày\s+(?P<d>\d{{1,2}})[/.\-](?P<dm>\d{{1,2}})[/.\-](?P<dy>{_YEAR})|tháng\s+(?P<m>\d{{1,2}})[/.\-](?P<my>{_YEAR})|(?:năm\s+)?(?P<y>{_YEAR}))"
    return _Cues(
        re.compile(rf"^(?:{words('former', 'before_title')})\s+", re.I),
        re.compile(rf"(?<!\w)(?:{words('former', 'lead_ins')})(?:\s+\S+){{0,3}}\s*$", re.I),
        re.compile(rf"^(?:{words('new', 'before_title')})\s+", re.I),
        re.compile(rf"(?<!\w)(?:{words('new', 'lead_ins')})(?:\s+\S+){{0,3}}\s*$", re.I),
        re.compile(rf"(?<!\w)(?:{words('period', 'nouns')})\s+(?P<a>{_YEAR}){_DASH}(?P<b>{_YEAR})(?!\d)", re.I),
        re.compile(rf"(?<!\w)(?:{words('period', 'since')})\s+{date}(?!\d)", re.I),
        re.compile(rf"(?<!\w)(?:{words('period', 'until')})\s+{date}(?!\d)", re.I),
    )


def _when(m: re.Match[str]) -> str | None:
    """The date a cue names, as precisely as it names it: YYYY-MM-DD, YYYY-MM or YYYY."""
    if m.group("dy"):
        day, month = int(m.group("d")), int(m.group("dm"))
        return f"{m.group('dy')}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None
    if m.group("my"):
        month = int(m.group("m"))
        return f"{m.group('my')}-{month:02d}" if 1 <= month <= 12 else None
    return m.group("y")


_VERB = re.compile(r"(?<!\w)(?:giữ chức|giữ cương vị|đảm nhận|đảm nhiệm|nhận chức|làm|là)(?!\w)", re.I)
_AFTER = re.compile(r"^\s*[,(]?\s*")


def read_tenure(text: str, label: str, span: tuple[int, int], clause: tuple[int, int], observed: str | None) -> Tenure:
    """The tenure of the post ``label`` written at ``span`` (title to organisation), read in its
    clause ``clause`` (offsets into ``text``); ``observed`` is the article's date, or None.

    A stated period counts only right after the post ("Giám đốc Sở … giai đoạn 2016–2020",
    "…, từ tháng 3/2024") or before it with a verb of holding ("Từ năm 2021, ông A giữ chức …"),
    so that an agreement's period in the same sentence is not taken for the post's."""
    cues = _cues()
    before = text[max(clause[0], span[0] - 60):span[0]]
    after_text = text[span[1]:min(clause[1], span[1] + 40)]
    after = after_text[_AFTER.match(after_text).end():]  # type: ignore[union-attr]
    start = end = start_by = end_by = None
    if cues.former_title.match(label) or cues.former_lead.search(before):
        end_by = observed
    elif cues.new_title.match(label) or cues.new_lead.search(before):
        start_by = observed
    period = cues.period.match(after)
    since = cues.since.match(after)
    if since is None:
        earlier = list(cues.since.finditer(before))
        since = earlier[-1] if earlier and _VERB.search(before[earlier[-1].end():]) else None
    if period and period.group("a") <= period.group("b"):
        start, end = period.group("a"), period.group("b")
    elif since:
        start = _when(since)
        until = cues.until.match(since.string[since.end():].lstrip())
        end = _when(until) if until else None
    if start:
        start_by = None
    if end:
        end_by = None
    stated = start or end or start_by or end_by
    return Tenure(start, end, start_by, end_by, None if stated else observed)


def title_of(label: str, gaz: Gazetteer) -> str | None:
    """The title of office (an IRI of the titles reference data) a position label stands for:
    the title the label starts with, once "nguyên"/"tân" are set aside; none when the label
    adds "Phó" or "Quyền" to a title that does not have it."""
    cues = _cues()
    core = cues.new_title.sub("", cues.former_title.sub("", label)).strip()
    matches = [m for m in gaz.titles.find(core) if m.start == 0]
    if not matches:
        return None
    entry = matches[0].entry
    for prefix in ("Phó ", "Quyền "):
        if core.lower().startswith(prefix.lower()) and not entry.name.lower().startswith(prefix.lower()):
            return None
    return entry.iri
