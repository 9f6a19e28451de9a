"""Generate a corpus of raw Vietnamese news pages about digital transformation, with gold.

    python benchmarks/corpus.py -n 1000 --out /tmp/corpus [--seed 7]

Writes ``N`` article files to ``OUT`` and ``OUT/gold.json`` in the scorer's format
(``../shared/eval/score.py OUT OUT/gold.json`` runs on it). Deterministic: the same seed
gives the same bytes, and article ``i`` is the same whatever ``N`` is.

What the pages are like (every sentence below is a template written for this generator):

- genres: cooperation agreements (a telecom or IT group, or a bank, with a province, a
  ministry, the provincial police, an army unit, a company, a university or a hospital),
  awards, provincial plans with targets, index (DTI) reports, and opinion pieces with
  nothing to extract;
- page noise: menus, breadcrumbs, share bars, photo captions, tag lines, comment
  headings, related-article teasers, bylines;
- every common date form (``Thứ Hai, 12/5/2025 08:30 (GMT+7)``, ``12-05-2025``,
  ``ngày 12 tháng 5 năm 2025``, ``2025-05-12T08:30:00+07:00``, ``Sáng 12/5``, …);
- both tone conventions (``hòa``/``thủy``, and the old ``hoà``/``thuỷ`` in some articles);
- some files in legacy encodings (Windows-1258, TCVN3, VNI, with the project's test
  encoders in ``tests/legacy.py``) and some as saved HTML pages.

Names of groups, ministries, provinces and documents are real; people, figures and
events are invented.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------- who and where

PROVINCES = [
    "Hà Giang", "Cao Bằng", "Lào Cai", "Yên Bái", "Thái Nguyên", "Lạng Sơn", "Bắc Giang", "Phú Thọ",
    "Hòa Bình", "Sơn La", "Điện Biên", "Lai Châu", "Quảng Ninh", "Hải Dương", "Hưng Yên", "Thái Bình",
    "Nam Định", "Ninh Bình", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế",
    "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Ninh Thuận", "Bình Thuận", "Kon Tum",
    "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước", "Tây Ninh", "Bình Dương", "Đồng Nai",
    "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp", "An Giang", "Kiên Giang",
    "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau",
]
CITIES = ["Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ"]


@dataclass(frozen=True)
class Org:
    """An organisation: its full name, the short names an article uses, and its kind."""

    name: str
    short: str
    kind: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys([self.short, self.name, *self.aliases]))


GROUPS = [
    Org("Tập đoàn Công nghiệp - Viễn thông Quân đội", "Viettel", "telecom", ("Tập đoàn Viettel",)),
    Org("Tập đoàn Bưu chính Viễn thông Việt Nam", "VNPT", "telecom", ("Tập đoàn VNPT",)),
    Org("Tổng công ty Viễn thông MobiFone", "MobiFone", "telecom"),
    Org("Công ty Cổ phần FPT", "FPT", "it", ("Tập đoàn FPT",)),
    Org("Tập đoàn Công nghệ CMC", "CMC", "it"),
    Org("Công ty Cổ phần MISA", "MISA", "it"),
]
BANKS = [
    Org("Ngân hàng TMCP Đầu tư và Phát triển Việt Nam", "BIDV", "bank"),
    Org("Ngân hàng TMCP Ngoại thương Việt Nam", "Vietcombank", "bank"),
    Org("Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam", "Agribank", "bank"),
]
MINISTRIES = [
    Org("Bộ Y tế", "Bộ Y tế", "ministry"), Org("Bộ Giáo dục và Đào tạo", "Bộ Giáo dục và Đào tạo", "ministry"),
    Org("Bộ Tài chính", "Bộ Tài chính", "ministry"), Org("Bộ Khoa học và Công nghệ", "Bộ Khoa học và Công nghệ", "ministry"),
    Org("Bộ Nông nghiệp và Môi trường", "Bộ Nông nghiệp và Môi trường", "ministry"),
]
ARMY = [
    Org("Bộ Tư lệnh Cảnh sát biển Việt Nam", "Bộ Tư lệnh Cảnh sát biển", "army"),
    Org("Bộ Tư lệnh Quân khu 4", "Quân khu 4", "army"), Org("Bộ Tư lệnh Quân khu 7", "Quân khu 7", "army"),
    Org("Binh đoàn 12", "Binh đoàn 12", "army"),
]
COMPANIES = [
    Org("Tổng công ty Hàng không Việt Nam", "Vietnam Airlines", "company"),
    Org("Tập đoàn Điện lực Việt Nam", "EVN", "company"),
    Org("Tổng công ty Bưu điện Việt Nam", "Vietnam Post", "company"),
]
SCHOOLS = [
    Org("Trường Đại học Bách khoa Hà Nội", "Đại học Bách khoa Hà Nội", "school"),
    Org("Đại học Quốc gia Thành phố Hồ Chí Minh", "Đại học Quốc gia TP.HCM", "school"),
    Org("Học viện Công nghệ Bưu chính Viễn thông", "Học viện Công nghệ Bưu chính Viễn thông", "school"),
]
HOSPITALS = [Org("Bệnh viện Bạch Mai", "Bệnh viện Bạch Mai", "hospital"),
             Org("Bệnh viện Chợ Rẫy", "Bệnh viện Chợ Rẫy", "hospital")]
COUNTERPART_KINDS = ["province", "province", "province", "ministry", "police", "army", "company", "school",
                     "hospital", "bank"]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
          "Trịnh", "Đinh", "Lương", "Tạ", "Hà", "Mai", "Tô"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Anh", "Ngọc", "Xuân"]
MIDDLE_F = ["Thị", "Thu", "Thanh", "Ngọc", "Hồng", "Kim", "Phương", "Minh"]
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Khánh", "Phong", "Long", "Sơn", "Hải", "Bình", "Trung", "Thắng", "Việt",
           "Cường", "Lâm", "Quân", "Toàn", "Hiếu", "Nam", "Thịnh", "Kiên"]
GIVEN_F = ["Lan", "Hương", "Mai", "Hà", "Nga", "Thảo", "Dung", "Hạnh", "Linh", "Trang", "Yến", "Vân"]
AUTHORS = ["Minh Châu", "Thanh Hà", "Quốc Bảo", "Hải Yến", "Ngọc Mai", "Đức Anh", "Lê Vy", "Hoàng Phúc",
           "Phương Thảo", "Trọng Nghĩa"]
RANKS = ["Thiếu tướng", "Đại tá", "Thượng tá", "Trung tá"]

# ---------------------------------------------------------------- what they do

CONCEPT_PHRASES = {
    "hạ tầng số": ["phát triển hạ tầng số", "nâng cấp hạ tầng số"],
    "chính quyền số": ["xây dựng chính quyền số", "hoàn thiện mô hình chính quyền số"],
    "kinh tế số": ["phát triển kinh tế số", "thúc đẩy kinh tế số"],
    "xã hội số": ["hình thành xã hội số"],
    "đô thị thông minh": ["triển khai đô thị thông minh", "xây dựng đô thị thông minh"],
    "an toàn thông tin": ["bảo đảm an toàn thông tin", "giám sát an toàn thông tin"],
    "nhân lực số": ["đào tạo nhân lực số", "bồi dưỡng nhân lực số"],
    "cải cách hành chính": ["đẩy mạnh cải cách hành chính"],
    "y tế": ["số hóa hồ sơ trong ngành y tế", "ứng dụng công nghệ số trong y tế"],
    "giáo dục": ["chuyển đổi số trong giáo dục", "triển khai học bạ số trong giáo dục"],
    "nông nghiệp": ["truy xuất nguồn gốc nông sản trong nông nghiệp", "ứng dụng công nghệ vào nông nghiệp"],
    "du lịch": ["quảng bá du lịch trên nền tảng số"],
    "giao thông": ["giám sát giao thông bằng camera"],
    "băng rộng cáp quang": ["kéo băng rộng cáp quang tới thôn, bản"],
    "5G": ["mở rộng vùng phủ sóng 5G", "phủ sóng 5G tại các khu công nghiệp"],
    "điện toán đám mây": ["chuyển hệ thống lên điện toán đám mây"],
    "kho dữ liệu dùng chung": ["xây dựng kho dữ liệu dùng chung"],
    "trung tâm dữ liệu": ["xây dựng trung tâm dữ liệu"],
    "trung tâm điều hành thông minh": ["vận hành Trung tâm điều hành thông minh (IOC)"],
    "trí tuệ nhân tạo": ["ứng dụng trí tuệ nhân tạo", "thử nghiệm trợ lý ảo dùng trí tuệ nhân tạo"],
    "dữ liệu lớn": ["phân tích dữ liệu lớn"],
    "chữ ký số": ["phổ cập chữ ký số"],
    "thanh toán không dùng tiền mặt": ["thúc đẩy thanh toán không dùng tiền mặt"],
}
TARGET_KINDS = [
    ("{p}% thủ tục hành chính được giải quyết trực tuyến toàn trình", "trực tuyến toàn trình"),
    ("{p}% hộ gia đình có đường truyền cáp quang", "cáp quang"),
    ("kinh tế số chiếm {q}% GRDP", "kinh tế số"),
    ("vào nhóm {k} địa phương dẫn đầu cả nước về chuyển đổi số", "dẫn đầu"),
    ("{p}% người trưởng thành có tài khoản thanh toán điện tử", "thanh toán điện tử"),
    ("{p}% thôn, bản có sóng di động băng rộng", "sóng di động"),
]
AWARDS = [
    ("Giải thưởng Chuyển đổi số Việt Nam", ["Giải thưởng Chuyển đổi số Việt Nam"]),
    ("Giải thưởng Sao Khuê", ["Giải thưởng Sao Khuê", "Sao Khuê"]),
    ("Giải thưởng Make in Viet Nam", ["Giải thưởng Make in Viet Nam", "Make in Viet Nam"]),
    ("Giải thưởng Thành phố thông minh Việt Nam", ["Giải thưởng Thành phố thông minh Việt Nam"]),
]
PRODUCTS = ["nền tảng {g} iGate", "ứng dụng {g} Money", "hệ thống {g} eCabinet", "giải pháp {g} SmartEdu",
            "nền tảng {g} HIS"]
DOCUMENTS = [
    ("Quyết định", "749/QĐ-TTg", "Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030"),
    ("Quyết định", "06/QĐ-TTg", "Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử"),
    ("Nghị quyết", "57-NQ/TW", "đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia"),
    ("Quyết định", "411/QĐ-TTg", "Chiến lược quốc gia phát triển kinh tế số và xã hội số"),
    ("Nghị định", "13/2023/NĐ-CP", "bảo vệ dữ liệu cá nhân"),
]

NOISE_MENUS = ["Trang chủ | Thời sự | Kinh tế | Công nghệ | Xã hội | Văn hóa | Thể thao",
               "Thời sự  Chính trị  Số hóa  Kinh doanh  Bạn đọc", "MENU  Tìm kiếm  Đăng nhập"]
NOISE_SHARE = ["Chia sẻ: Facebook Zalo Twitter", "Facebook Twitter Copy link In bài", "Chia sẻ bài viết"]
NOISE_TAGS = ["Từ khóa: chuyển đổi số, chính quyền số", "Tags: chuyển đổi số  hạ tầng số  kinh tế số",
              "Chủ đề: Chuyển đổi số"]
NOISE_COMMENTS = ["Ý kiến bạn đọc (0)", "Bình luận", "Gửi bình luận của bạn"]
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]


# ---------------------------------------------------------------- an article being written


@dataclass
class Draft:
    """One article: its parts, and what a careful reader gets out of it (the gold)."""

    title: str
    published: dt.datetime
    author: str
    paragraphs: list[str] = field(default_factory=list)
    teasers: list[tuple[str, str]] = field(default_factory=list)
    gold: dict = field(default_factory=dict)  # type: ignore[type-arg]
    orgs: dict[str, list[str]] = field(default_factory=dict)
    places: dict[str, list[str]] = field(default_factory=dict)
    persons: list[str] = field(default_factory=list)

    def mention_org(self, org: Org) -> str:
        self.orgs.setdefault(org.short, org.names)
        return org.short

    def mention_place(self, name: str, *aliases: str) -> str:
        self.places.setdefault(name, [name, *aliases])
        return name


class Writer:
    """Writes article ``i`` from its own random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, items):  # type: ignore[no-untyped-def]
        return self.rng.choice(items)

    def person(self, female: bool | None = None) -> str:
        female = self.rng.random() < 0.35 if female is None else female
        middle = self.pick(MIDDLE_F if female else MIDDLE_M)
        given = self.pick(GIVEN_F if female else GIVEN_M)
        return f"{self.pick(FAMILY)} {middle} {given}"

    def date(self) -> dt.datetime:
        day = dt.date(2021, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 5 * 365))
        return dt.datetime(day.year, day.month, day.day, self.rng.randrange(6, 22), self.rng.randrange(0, 60))

    def concepts(self, n: int) -> list[str]:
        return self.rng.sample(sorted(CONCEPT_PHRASES), n)

    def phrase(self, concept: str) -> str:
        return self.pick(CONCEPT_PHRASES[concept])

    def percent(self) -> int:
        return self.rng.choice([60, 70, 75, 80, 85, 90, 95, 100])

    def decimal(self, low: float, high: float) -> float:
        return round(self.rng.uniform(low, high), 1)


def number_vi(value: float) -> str:
    """``1234.5`` → ``1.234,5`` (Vietnamese separators)."""
    whole, _, frac = f"{value:.1f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return grouped if frac == "0" else f"{grouped},{frac}"


# ---------------------------------------------------------------- dates in every form


def date_line(when: dt.datetime, rng: random.Random) -> str:
    weekday = WEEKDAYS[when.weekday()]
    forms = [
        f"{weekday}, {when.day}/{when.month}/{when.year} {when:%H:%M} (GMT+7)",
        f"{weekday}, {when:%d/%m/%Y} - {when:%H:%M}",
        f"{when:%d/%m/%Y %H:%M} GMT+7",
        f"{when:%d-%m-%Y} {when:%H:%M}",
        f"Cập nhật: {when:%H:%M} ngày {when:%d/%m/%Y}",
        f"ngày {when.day} tháng {when.month} năm {when.year}",
        f"{when:%Y-%m-%dT%H:%M:%S}+07:00",
        f"{when:%d.%m.%Y} | {when:%H:%M}",
        f"{weekday.lower()}, ngày {when:%d/%m/%Y}, {when:%H:%M}",
    ]
    return rng.choice(forms)


def event_day(when: dt.datetime, rng: random.Random) -> tuple[dt.date, str]:
    """The day of an event shortly before publication, written as articles write it in a lede."""
    day = (when - dt.timedelta(days=rng.choice([0, 0, 1, 1, 2]))).date()
    part = rng.choice(["Sáng", "Chiều", "Tối", "Ngày", "Hôm qua"])
    if part == "Hôm qua":
        day = (when - dt.timedelta(days=1)).date()
        return day, f"Hôm qua ({day.day}/{day.month})"
    form = rng.choice([f"{day.day}/{day.month}", f"{day.day}-{day.month}", f"{day.day}.{day.month}",
                       f"{day.day}/{day.month}/{day.year}", f"{day.day} tháng {day.month}"])
    return day, f"{part} {form}"


# ---------------------------------------------------------------- genres


def agreement(w: Writer) -> Draft:
    rng = w.rng
    group = w.pick(GROUPS + BANKS[:1]) if rng.random() < 0.9 else w.pick(BANKS)
    kind = w.pick([k for k in COUNTERPART_KINDS if not (group.kind == "bank" and k == "bank")])
    province = w.pick(PROVINCES + CITIES)
    unit = "thành phố" if province in CITIES else "tỉnh"
    counterpart, counterpart_aliases, signer_title = _counterpart(w, kind, province, unit)
    when = w.date()
    draft = Draft("", when, w.pick(AUTHORS))
    day, lede_day = event_day(when, rng)
    start = when.year if rng.random() < 0.7 else when.year + 1
    end = start + rng.choice([2, 3, 4, 5])
    horizon = rng.choice([None, end + 5, 2030 if end < 2030 else None])
    doc_word = rng.choice(["thỏa thuận hợp tác", "biên bản ghi nhớ", "thỏa thuận hợp tác chiến lược",
                           "chương trình phối hợp"])
    g = draft.mention_org(group)
    if kind in ("province", "police"):
        draft.mention_place(province, f"{unit} {province}")
    if isinstance(counterpart, Org):
        c = draft.mention_org(counterpart)
        c_aliases = counterpart.names
    else:
        c = counterpart
        c_aliases = counterpart_aliases
        draft.orgs.setdefault(c, c_aliases)
    period = f"giai đoạn {start}-{end}" if rng.random() < 0.5 else f"giai đoạn {start} - {end}"
    orient = f", định hướng đến năm {horizon}" if horizon else ""
    verb = rng.choice(["đã ký kết", "ký kết", "tổ chức lễ ký", "trao"])
    place = rng.choice([f"tại {unit} {province}", f"tại trụ sở {c}"] if kind in ("province", "police")
                       else ["tại Hà Nội", f"tại trụ sở {c}"])
    draft.title = rng.choice([
        f"{g} và {c} ký {doc_word} về chuyển đổi số",
        f"{g} đồng hành cùng {c} thúc đẩy chuyển đổi số {period}",
        f"{c} bắt tay {g} xây dựng chính quyền số",
    ])
    draft.paragraphs.append(
        f"{lede_day}, {place}, {c} và {group.name} ({g}) {verb} {doc_word} về chuyển đổi số {period}{orient}. "
        + rng.choice(["Đây là bước cụ thể hóa chủ trương của Trung ương về chuyển đổi số.",
                      "Hai bên đã có nhiều năm phối hợp trong lĩnh vực viễn thông và công nghệ thông tin.",
                      "Buổi lễ diễn ra trong khuôn khổ hội nghị tổng kết công tác chuyển đổi số."]))
    agreement_gold = {"parties": [group.names, c_aliases], "start": start, "end": end}
    if horizon:
        agreement_gold["horizon"] = horizon
    if lede_day.split()[0] != "Hôm":
        agreement_gold["signed"] = day.isoformat()
    draft.gold["agreements"] = [agreement_gold]
    people = _signatories(w, draft, group, c, c_aliases, signer_title, kind)
    concepts = w.concepts(rng.randint(3, 5))
    draft.paragraphs.append(
        rng.choice(["Theo nội dung đã ký, hai bên tập trung ", "Theo thỏa thuận, hai bên sẽ phối hợp ",
                    "Nội dung hợp tác gồm "])
        + "; ".join(w.phrase(x) for x in concepts) + ".")
    draft.gold["concepts"] = concepts
    draft.gold["concepts_optional"] = sorted(set(CONCEPT_PHRASES) - set(concepts)) + [
        "chính quyền điện tử", "dữ liệu số", "nền tảng số dùng chung", "4G", "dịch vụ công trực tuyến", "số hóa",
        "thương mại điện tử", "mạng di động", "hồ sơ sức khỏe điện tử", "chỉ số chuyển đổi số DTI"]
    if kind in ("province", "police"):  # the province's own targets and figures
        _targets(w, draft, province, unit, start, end)
        _indicators(w, draft, province, unit)
    else:
        draft.gold.update(targets=[], indicators=[])
    _quote(w, draft, people)
    _document(w, draft)
    _filler(w, draft, g)
    return draft


def _counterpart(w: Writer, kind: str, province: str, unit: str) -> tuple[Org | str, list[str], str]:
    if kind == "province":
        name = f"UBND {unit} {province}"
        return name, [name, f"Ủy ban nhân dân {unit} {province}", province], f"Chủ tịch UBND {unit}"
    if kind == "police":
        name = f"Công an {unit} {province}"
        return name, [name], f"Giám đốc Công an {unit}"
    pools = {"ministry": MINISTRIES, "army": ARMY, "company": COMPANIES, "school": SCHOOLS, "hospital": HOSPITALS,
             "bank": BANKS}
    org = w.pick(pools[kind])
    title = {"ministry": "Thứ trưởng", "army": "Tư lệnh", "company": "Tổng Giám đốc", "school": "Hiệu trưởng",
             "hospital": "Giám đốc", "bank": "Tổng Giám đốc"}[kind]
    return org, org.names, title


def _signatories(w: Writer, draft: Draft, group: Org, c: str, c_aliases: list[str], title: str,
                 kind: str) -> list[str]:
    rng = w.rng
    head = w.person()
    other = w.person()
    head_title = rng.choice(["Tổng Giám đốc", "Phó Tổng Giám đốc", "Chủ tịch Hội đồng thành viên"])
    rank = rng.choice(RANKS) if kind in ("police", "army") else ""
    ranked = f"{rank} {other}" if rank else other
    draft.paragraphs.append(rng.choice([
        f"Ký thỏa thuận có ông {head}, {head_title} {group.short} và ông {ranked}, {title} {c}.",
        f"Chứng kiến lễ ký có {ranked}, {title} {c}; ông {head}, {head_title} {group.short} cùng đại diện các sở, ngành.",
    ]))
    draft.persons += [head, other]
    person_gold = [{"name": head, "positions": [[head_title]], "org": group.names},
                   {"name": other, "positions": [[title, title.split()[0]]], "org": c_aliases}]
    if rank:
        person_gold[1]["rank"] = rank
    draft.gold["people"] = person_gold
    return [head, other]


def _targets(w: Writer, draft: Draft, province: str, unit: str, start: int, end: int) -> None:
    rng = w.rng
    chosen = rng.sample(TARGET_KINDS, rng.randint(1, 3))
    parts, gold = [], []
    for template, keyword in chosen:
        year = rng.choice([end, start + 1, 2030])
        text = template.format(p=w.percent(), q=rng.choice([20, 25, 30, 35]), k=rng.choice([10, 15, 20]))
        parts.append(f"đến năm {year}, {text}")
        gold.append({"subject": [province, f"{unit} {province}", f"UBND {unit} {province}"], "year": year,
                     "keywords": [keyword]})
    draft.paragraphs.append(rng.choice([f"{unit.capitalize()} {province} đặt mục tiêu ", "Mục tiêu đặt ra là "])
                            + "; ".join(parts) + ".")
    draft.gold["targets"] = gold


def _indicators(w: Writer, draft: Draft, province: str, unit: str) -> None:
    rng = w.rng
    bts = rng.randrange(300, 4000)
    share = w.decimal(40, 99)
    draft.paragraphs.append(rng.choice([
        f"Hiện toàn {unit} có {number_vi(bts)} trạm phát sóng BTS, tỷ lệ người dân sử dụng điện thoại thông minh "
        f"đạt {number_vi(share)}%.",
        f"Theo báo cáo, {province} hiện có {number_vi(bts)} trạm BTS; {number_vi(share)}% hồ sơ thủ tục hành chính "
        "đã được tiếp nhận trực tuyến.",
    ]))
    draft.gold["indicators"] = [{"value": float(bts), "subject": [province, f"{unit} {province}"]},
                                {"value": share, "subject": [province, f"{unit} {province}"]}]


def _quote(w: Writer, draft: Draft, people: list[str]) -> None:
    rng = w.rng
    speaker = w.pick(people)
    said = rng.choice([
        "Chúng tôi coi dữ liệu là tài nguyên chung, phải được làm sạch và dùng chung giữa các cấp",
        "Mỗi thủ tục đưa lên môi trường số là bớt một lần người dân phải đi lại",
        "Hạ tầng chỉ là điều kiện cần, con người mới quyết định thành công của chuyển đổi số",
        "Chúng tôi cam kết đưa đội ngũ kỹ sư về tận cơ sở để vận hành các hệ thống",
    ])
    given = speaker.split()[-1]
    draft.paragraphs.append(rng.choice([
        f"“{said}”, ông {given} nói.",
        f"Phát biểu tại buổi lễ, ông {speaker} khẳng định: “{said}.”",
        f"“{said}”, ông {speaker} chia sẻ.",
    ]))
    draft.gold["quotes"] = [{"speaker": speaker, "contains": said[:40]}]


def _document(w: Writer, draft: Draft) -> None:
    kind, number, about = w.pick(DOCUMENTS)
    draft.paragraphs.append(w.rng.choice([
        f"Các nội dung hợp tác bám sát {kind} số {number} về {about}.",
        f"Việc hợp tác nhằm cụ thể hóa {kind} {number} về {about}.",
    ]))
    draft.gold["documents"] = [{"kind": kind, "number": number}]


def _filler(w: Writer, draft: Draft, who: str) -> None:
    """Background paragraphs with nothing new to extract."""
    pool = [
        "Thời gian qua, công tác chuyển đổi số của địa phương có nhiều chuyển biến, song vẫn còn khoảng cách "
        "giữa đô thị và vùng sâu, vùng xa.",
        "Theo đánh giá chung, nguồn lực đầu tư cho chuyển đổi số còn phân tán, nhiều hệ thống chưa kết nối được "
        "với nhau.",
        f"Đại diện {who} cho biết đơn vị sẽ thành lập tổ công tác để triển khai các nội dung ngay sau lễ ký.",
        "Lãnh đạo các sở, ngành đề nghị hai bên sớm xây dựng kế hoạch chi tiết cho từng năm.",
        "Người dân ở nhiều xã đã quen với việc nộp hồ sơ qua mạng, tra cứu kết quả trên điện thoại.",
        "Tại các điểm một cửa, cán bộ trẻ được phân công hướng dẫn người dân cài đặt và sử dụng ứng dụng. Nhiều "
        "người lớn tuổi cho biết chỉ cần được chỉ một hai lần là có thể tự làm ở nhà.",
        "Khó khăn lớn nhất hiện nay là dữ liệu còn nằm rải rác ở nhiều phần mềm khác nhau, mỗi phần mềm do một "
        "đơn vị quản lý. Việc làm sạch và chuẩn hóa dữ liệu đòi hỏi nhiều thời gian và công sức.",
        "Bên cạnh hạ tầng, vấn đề an toàn thông tin cũng được đặt ra khi ngày càng nhiều hệ thống được kết nối "
        "với nhau và mở ra cho người dân, doanh nghiệp truy cập.",
        "Các chuyên gia cho rằng cần có cơ chế chia sẻ chi phí hợp lý giữa nhà nước và doanh nghiệp, tránh tình "
        "trạng đầu tư trùng lặp ở nhiều nơi.",
        "Ở khu vực nông thôn, hợp tác xã và hộ kinh doanh đã bắt đầu bán hàng qua sàn thương mại điện tử, dù "
        "quy mô còn nhỏ và chưa đều giữa các vùng.",
        "Trong năm qua, nhiều cuộc họp của các sở, ngành đã được tổ chức trực tuyến, tiết kiệm đáng kể thời gian "
        "đi lại và chi phí in ấn tài liệu.",
        "Nhiều ý kiến đề nghị tiếp tục rà soát, cắt giảm thành phần hồ sơ trước khi đưa thủ tục lên môi trường số.",
    ]
    draft.paragraphs += w.rng.sample(pool, w.rng.randint(4, 7))


def award(w: Writer) -> Draft:
    rng = w.rng
    name, aliases = w.pick(AWARDS)
    when = w.date()
    draft = Draft("", when, w.pick(AUTHORS))
    year = when.year
    winners = rng.sample(GROUPS, rng.randint(2, 3))
    province = w.pick(PROVINCES)
    draft.mention_place(province, f"tỉnh {province}")
    draft.title = rng.choice([f"Công bố {name} năm {year}", f"{len(winners) + 1} đơn vị được vinh danh tại {name} {year}"])
    lines, gold = [], []
    for org in winners:
        short = draft.mention_org(org)
        product = w.pick(PRODUCTS).format(g=short)
        lines.append(rng.choice([f"{product} của {short} đoạt giải {name} {year}",
                                 f"{short} được vinh danh tại {name} {year} với {product}"]))
        gold.append({"award": aliases, "recipient": [product, short, *org.names]})
    lines.append(f"UBND tỉnh {province} nhận giải ở hạng mục địa phương chuyển đổi số tiêu biểu")
    gold.append({"optional": True, "award": aliases, "recipient": [province, f"UBND tỉnh {province}"]})
    _, lede_day = event_day(when, rng)
    draft.paragraphs.append(f"{lede_day}, tại Hà Nội, Ban tổ chức công bố kết quả {name} năm {year}. "
                            "Năm nay có hơn 500 hồ sơ đăng ký, tăng so với năm trước.")
    draft.paragraphs += [line + "." for line in lines]
    judge = w.person()
    draft.persons.append(judge)
    said = "Các sản phẩm năm nay đã đi vào đời sống, có người dùng thật và số liệu vận hành thật"
    draft.paragraphs.append(f"“{said}”, ông {judge}, Trưởng Hội đồng giám khảo, nhận xét.")
    draft.gold.update(awards=gold, quotes=[{"speaker": judge, "contains": said[:40]}],
                      people=[{"optional": True, "name": judge}], agreements=[], concepts=None)
    _filler(w, draft, "Ban tổ chức")
    return draft


def plan(w: Writer) -> Draft:
    rng = w.rng
    province = w.pick(PROVINCES)
    when = w.date()
    draft = Draft("", when, w.pick(AUTHORS))
    draft.mention_place(province, f"tỉnh {province}")
    number = rng.randrange(10, 400)
    year = when.year + rng.choice([0, 1])
    draft.title = rng.choice([f"{province} ban hành kế hoạch chuyển đổi số năm {year}",
                              f"{province} đặt mục tiêu vào nhóm dẫn đầu về chuyển đổi số"])
    draft.paragraphs.append(f"UBND tỉnh {province} vừa ban hành Kế hoạch số {number}/KH-UBND về chuyển đổi số năm {year}. "
                            "Kế hoạch đặt ra nhiều chỉ tiêu cụ thể cho từng sở, ngành và địa phương.")
    gold_targets = []
    for template, keyword in rng.sample(TARGET_KINDS, rng.randint(2, 4)):
        text = template.format(p=w.percent(), q=rng.choice([20, 25, 30]), k=rng.choice([10, 15, 20]))
        draft.paragraphs.append(rng.choice([f"Đến hết năm {year}, tỉnh phấn đấu {text}.",
                                            f"Tỉnh đặt mục tiêu đến năm {year}, {text}."]))
        gold_targets.append({"subject": [province, f"tỉnh {province}", f"UBND tỉnh {province}"],
                             "year": year, "keywords": [keyword]})
    concepts = w.concepts(3)
    draft.paragraphs.append("Các nhiệm vụ trọng tâm gồm " + ", ".join(w.phrase(c) for c in concepts) + ".")
    director = w.person()
    draft.persons.append(director)
    draft.paragraphs.append(f"Ông {director}, Giám đốc Sở Khoa học và Công nghệ tỉnh {province}, cho biết sở sẽ "
                            "theo dõi, đánh giá việc thực hiện hằng quý.")
    draft.orgs[f"Sở Khoa học và Công nghệ tỉnh {province}"] = [f"Sở Khoa học và Công nghệ tỉnh {province}",
                                                             "Sở Khoa học và Công nghệ"]
    draft.gold.update(targets=gold_targets, agreements=[], awards=[], concepts=None,
                      documents=[{"kind": "Kế hoạch", "number": f"{number}/KH-UBND"}],
                      people=[{"name": director, "positions": [["Giám đốc Sở Khoa học và Công nghệ", "Giám đốc"]],
                               "org": [f"Sở Khoa học và Công nghệ tỉnh {province}", "Sở Khoa học và Công nghệ"]}])
    _filler(w, draft, "Sở Khoa học và Công nghệ")
    return draft


def index_report(w: Writer) -> Draft:
    rng = w.rng
    provinces = rng.sample(PROVINCES, 4)
    when = w.date()
    draft = Draft("", when, w.pick(AUTHORS))
    year = when.year - 1
    for p in provinces:
        draft.mention_place(p, f"tỉnh {p}")
    ranks = sorted(rng.sample(range(1, 63), 4))
    draft.title = f"Chỉ số DTI {year}: {provinces[0]} tăng hạng mạnh"
    draft.paragraphs.append(f"Bộ Khoa học và Công nghệ vừa công bố Chỉ số chuyển đổi số cấp tỉnh (DTI) năm {year}. "
                            f"{provinces[0]} xếp thứ {ranks[0]}/63, tăng nhiều bậc so với năm trước.")
    draft.orgs["Bộ Khoa học và Công nghệ"] = ["Bộ Khoa học và Công nghệ"]
    gold = [{"value": float(ranks[0]), "subject": [provinces[0], f"tỉnh {provinces[0]}"]}]
    for p, r in zip(provinces[1:], ranks[1:]):
        score = w.decimal(0.3, 0.8)
        draft.paragraphs.append(rng.choice([f"{p} đứng thứ {r}/63 với {number_vi(score)} điểm.",
                                            f"Xếp sau là {p}, ở vị trí {r}/63."]))
        gold.append({"value": float(r), "subject": [p, f"tỉnh {p}"]})
    draft.paragraphs.append("Chỉ số được đánh giá trên ba trụ cột chính quyền số, kinh tế số và xã hội số.")
    draft.gold.update(indicators=gold, agreements=[], awards=[], concepts=None)
    _filler(w, draft, "Bộ Khoa học và Công nghệ")
    return draft


def opinion(w: Writer) -> Draft:
    """A column: general views, no agreement, no target, no figure, no named person."""
    rng = w.rng
    when = w.date()
    draft = Draft(rng.choice(["Chuyển đổi số bắt đầu từ thói quen", "Đừng số hóa sự rườm rà",
                              "Khi dữ liệu đi thay người dân"]), when, w.pick(AUTHORS))
    pool = [
        "Nhiều người vẫn nghĩ chuyển đổi số là mua sắm thiết bị và phần mềm. Thực ra, phần khó nhất là thay đổi cách làm việc.",
        "Một thủ tục rườm rà trên giấy, khi đưa lên mạng mà giữ nguyên các bước, vẫn là một thủ tục rườm rà.",
        "Cán bộ ở cơ sở cần được hướng dẫn tận tình, không chỉ được giao chỉ tiêu.",
        "Người cao tuổi, người ở vùng sâu cần những kênh hỗ trợ trực tiếp bên cạnh các ứng dụng.",
        "Dữ liệu chỉ có giá trị khi được cập nhật thường xuyên và dùng chung giữa các cơ quan.",
        "Không nên chạy theo số lượng dịch vụ công trực tuyến mà quên đo xem người dân có thực sự dùng hay không.",
        "Điều người dân cần là bớt giấy tờ, bớt đi lại và biết hồ sơ của mình đang nằm ở đâu.",
    ]
    draft.paragraphs = rng.sample(pool, rng.randint(4, 6))
    draft.gold.update(agreements=[], awards=[], targets=[], quotes=[], documents=[])
    return draft


GENRES = [(agreement, 55), (award, 12), (plan, 13), (index_report, 10), (opinion, 10)]


# ---------------------------------------------------------------- pages


def old_tones(text: str) -> str:
    """The old tone placement: 'hòa' → 'hoà', 'thủy' → 'thuỷ' (open syllables only)."""
    def oa(m: re.Match[str]) -> str:
        base = "o" if m.group(1).islower() else "O"
        toned = _TONED[m.group(2).lower()][_TONE_OF[m.group(1).lower()]]
        return base + (toned if m.group(2).islower() else toned.upper())

    def uy(m: re.Match[str]) -> str:
        base = "u" if m.group(1).islower() else "U"
        toned = _TONED["y"][_TONE_OF[m.group(1).lower()]]
        return base + (toned if m.group(2) == "y" else toned.upper())

    text = re.sub(r"(?<![qQ])([òóỏõọÒÓỎÕỌ])([aeAE])(?!\w)", oa, text)
    return re.sub(r"(?<![qQ])([ùúủũụÙÚỦŨỤ])([yY])(?!\w)", uy, text)


_TONE_OF = {c: i for i, c in enumerate("òóỏõọ")} | {c: i for i, c in enumerate("ùúủũụ")}
_TONED = {"a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ"}


def text_page(draft: Draft, rng: random.Random) -> str:
    """A page saved as text: noise around the title, the date line, paragraphs, byline, teasers."""
    lines: list[str] = []
    if rng.random() < 0.4:
        lines.append(rng.choice(NOISE_MENUS))
    if rng.random() < 0.3:
        lines.append(rng.choice(["{keywords}", "{tags}"]))
    lines.append(draft.title)
    lines.append(date_line(draft.published, rng))
    if rng.random() < 0.3:
        lines.append(rng.choice(NOISE_SHARE))
    lines.append("")
    for i, paragraph in enumerate(draft.paragraphs):
        lines += [paragraph, ""]
        if i == 1 and rng.random() < 0.3:
            lines += [f"Quang cảnh buổi lễ. Ảnh: {rng.choice(AUTHORS)}", ""]
    lines += [draft.author, ""]
    if rng.random() < 0.3:
        lines += [rng.choice(NOISE_TAGS), ""]
    for title, lede in draft.teasers:
        lines += [title, "", title, "", lede, ""]
    if rng.random() < 0.2:
        lines.append(rng.choice(NOISE_COMMENTS))
    return "\n".join(lines).rstrip() + "\n"


def html_page(draft: Draft, rng: random.Random) -> str:
    """A saved news page: head metadata, menus, the article, captions, related links, footer."""
    e = html.escape
    when = draft.published
    body = []
    for i, paragraph in enumerate(draft.paragraphs):
        body.append(f'      <p class="Normal">{e(paragraph)}</p>')
        if i == 0 and rng.random() < 0.5:
            body.append(f'      <figure><img src="/anh/{i}.jpg" alt=""><figcaption>Quang cảnh buổi lễ. '
                        f'Ảnh: {e(rng.choice(AUTHORS))}</figcaption></figure>')
    related = "\n".join(f'      <li><a href="/tin/{n}.html">{e(t)}</a></li>' for n, (t, _l) in enumerate(draft.teasers))
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{e(draft.title)} - Báo Số Hôm Nay</title>
<meta property="og:title" content="{e(draft.title)}">
<meta property="article:published_time" content="{when:%Y-%m-%dT%H:%M:%S}+07:00">
</head>
<body>
<header><nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su">Thời sự</a></li><li><a href="/so-hoa">Số hóa</a></li></ul></nav></header>
<main>
  <div class="breadcrumb"><a href="/so-hoa">Số hóa</a></div>
  <span class="date">{e(date_line(when, rng))}</span>
  <h1 class="title-detail">{e(draft.title)}</h1>
  <article class="content-detail">
{chr(10).join(body)}
      <p class="author"><strong>{e(draft.author)}</strong></p>
  </article>
  <div class="social">Facebook Zalo Copy link</div>
  <section class="related"><h3>Tin liên quan</h3><ul>
{related}
  </ul></section>
</main>
<footer><p>© Báo Số Hôm Nay. Giấy phép số 123/GP-BTTTT.</p></footer>
</body>
</html>
"""


TEASERS = [
    ("Nhiều địa phương tăng tốc số hóa hồ sơ đất đai", "Các sở tài nguyên đang gấp rút hoàn thành việc số hóa hồ sơ địa chính."),
    ("Doanh nghiệp công nghệ tìm đường ra thị trường quốc tế", "Nhiều sản phẩm số Việt đã có khách hàng ở nước ngoài."),
    ("Thanh toán không tiền mặt lan tới chợ quê", "Người bán rau, bán cá ở nhiều chợ đã dùng mã QR."),
]


def write_corpus(n: int, out: Path, *, seed: int = 7) -> dict[str, dict]:  # type: ignore[type-arg]
    """Write ``n`` pages and ``gold.json`` into ``out``; return the gold."""
    sys.path.insert(0, str(ROOT / "tests"))
    from legacy import to_cp1258, to_legacy  # the project's own test encoders

    out.mkdir(parents=True, exist_ok=True)
    gold: dict[str, dict] = {"_about": {"generator": "benchmarks/corpus.py", "seed": seed, "n": n}}  # type: ignore[type-arg]
    genres, weights = zip(*GENRES)
    for i in range(n):
        rng = random.Random(f"{seed}:{i}")
        make = rng.choices(genres, weights)[0]
        draft = make(Writer(rng))
        if rng.random() < 0.3:
            draft.teasers = rng.sample(TEASERS, rng.randint(1, 2))
        roll = rng.random()
        old = rng.random() < 0.3
        name = f"{i:06d}_{make.__name__}"
        if roll < 0.08:
            path, data = out / f"{name}.html", html_page(draft, rng).encode("utf-8")
        else:
            text = text_page(draft, rng)
            text = old_tones(text) if old else text
            path, data = out / f"{name}.txt", _encode(text, roll, to_cp1258, to_legacy)
        path.write_bytes(data)
        gold[path.name] = _gold(draft)
    (out / "gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
    return gold


def _encode(text: str, roll: float, to_cp1258, to_legacy) -> bytes:  # type: ignore[no-untyped-def]
    """UTF-8 mostly; Windows-1258, TCVN3 or VNI for a few (Windows-1258 where a legacy table lacks a letter)."""
    if roll < 0.10:
        return to_cp1258(text)
    if roll < 0.13:
        try:
            return to_legacy(text, "tcvn3" if roll < 0.115 else "vni")
        except UnicodeEncodeError:
            return to_cp1258(text)
    return text.encode("utf-8")


def _gold(draft: Draft) -> dict:  # type: ignore[type-arg]
    gold = {"article": {"author": draft.author, "title_contains": " ".join(draft.title.split()[:5])}}
    gold.update({k: v for k, v in draft.gold.items() if v is not None})
    gold["organizations"] = [names for names in draft.orgs.values()]
    gold["places"] = [names for names in draft.places.values()] + [{"optional": ["Hà Nội", "Việt Nam"]}]
    gold["persons"] = [[name] for name in dict.fromkeys(draft.persons)]
    if "concepts" in draft.gold and draft.gold["concepts"] is None:
        gold.pop("concepts", None)
    return gold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, required=True, help="how many articles")
    parser.add_argument("--out", type=Path, required=True, help="folder to write them to")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    gold = write_corpus(args.n, args.out, seed=args.seed)
    print(f"wrote {len(gold) - 1} articles and gold.json to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
