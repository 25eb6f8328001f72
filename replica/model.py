"""Replica articles: loaded from the TOML content files, plus generated ones."""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

CONTENT_DIR = Path(__file__).parent / "content"
PORTALS = ("zj", "sx", "wttimes", "xznmx")


@dataclass
class ReplicaArticle:
    """One article of a replica portal and everything needed to render it."""

    key: str
    portal: str
    title: str
    published: datetime  # Beijing local time, naive
    paragraphs: list[str]
    id: int = 0
    slug: str = ""
    list_title: str = ""
    origin: str = ""
    editor: str = ""
    author: str = ""
    regions: list[str] = field(default_factory=list)
    body: str = "p"
    theme: str = "modern"
    images: list[str] = field(default_factory=list)
    gbk: bool = False
    pubdate_meta: bool = True
    unsafe: bool = False
    control_char: bool = False
    en: dict | None = None
    fault: str | None = None
    synthetic: bool = False
    modified: float = 0.0

    @property
    def path(self) -> str:
        """The article's address on the replica server."""
        p = self.published
        if self.portal == "zj":
            return f"/zj/art/{p.year}/{p.month}/{p.day}/art_5798_{self.id}.html"
        if self.portal == "sx":
            return f"/sx/art/{p.year}/{p.month}/{p.day}/art_1501262_{self.id}.html"
        if self.portal == "wttimes":
            return f"/wttimes/{p:%Y/%m/%d}/{self.slug}/"
        return f"/xznmx/yzdt_4226/{p:%Y%m}/t{p:%Y%m%d}_{self.id}.html"

    @property
    def language(self) -> str:
        return "zh" if self.portal == "xznmx" else "en"


def load_articles() -> list[ReplicaArticle]:
    """Every hand-written article of every portal."""
    articles = []
    for portal in PORTALS:
        data = tomllib.loads((CONTENT_DIR / f"{portal}.toml").read_text(encoding="utf-8"))
        for entry in data["article"]:
            articles.append(make_article(portal, entry))
    return articles


def make_article(portal: str, entry: dict) -> ReplicaArticle:
    """A ReplicaArticle from a content-file entry (or keyword arguments)."""
    fields = dict(entry)
    published = fields.pop("published")
    if isinstance(published, str):
        published = datetime.strptime(published, "%Y-%m-%d %H:%M:%S")
    article = ReplicaArticle(portal=portal, published=published, **fields)
    article.modified = article.published.timestamp()
    return article


FAULTS = (
    ("zj", "zj-fault-missing", "404", 2293000, "2018-10-09 10:00:00", "Partner County Officials Visit Yiwu Market"),
    ("zj", "zj-fault-empty", "empty", 2293010, "2018-10-09 11:00:00", "Notice on Agricultural Trade Fair Schedule"),
    ("zj", "zj-fault-baddate", "baddate", 2293020, "2018-10-09 12:00:00", "Ningbo Technicians Train Herders in Haixi"),
    ("sx", "sx-fault-slow", "slow", 46000010, "2020-04-01 10:00:00", "Shaoxing companies open workshops in Guizhou"),
    ("wttimes", "wt-fault-error", "500", 0, "2021-04-01 10:00:00", "Server error page for a listed post"),
    ("xznmx", "nmx-fault-soup", "soup", 4080010, "2022-02-10 10:00:00", "援藏资金支持尼玛县修建乡村道路"),
    ("xznmx", "nmx-fault-truncated", "truncated", 4080020, "2022-02-11 10:00:00", "尼玛县召开援藏项目推进会"),
)

FAULT_REGIONS = {"zj": ["qinghai"], "sx": ["guizhou"], "wttimes": [], "xznmx": ["tibet"]}
FAULT_TEXT = {
    "zj": ["Technicians from Ningbo spent two weeks in Haixi teaching herders how to repair solar water pumps.",
           "The course will be repeated in Wulan County next spring."],
    "sx": ["Two Shaoxing garment companies opened workshops in Guizhou this month."],
    "wttimes": ["This post is never served: the server answers 500."],
    "xznmx": ["在杭州援藏资金支持下，尼玛县今年新修乡村道路86公里，方便了牧民群众出行。",
              "道路建成后，牧区合作社的牦牛肉可以更快运往那曲和拉萨。"],
}


def fault_articles() -> list[ReplicaArticle]:
    """The broken pages listed only when the replica is built with faults."""
    articles = []
    for portal, key, fault, number, published, title in FAULTS:
        slug = "server-error-page-for-a-listed-post" if portal == "wttimes" else ""
        articles.append(make_article(portal, {
            "key": key, "id": number, "slug": slug, "published": published, "title": title,
            "paragraphs": FAULT_TEXT[portal], "fault": fault, "regions": FAULT_REGIONS[portal]}))
    return articles


REGIONS = [("Sichuan", "Guangyuan"), ("Guizhou", "Qiandongnan"), ("Hubei", "Enshi"), ("Jilin", "Yanbian"),
           ("Xinjiang", "Aksu"), ("Qinghai", "Haixi"), ("Tibet", "Nagqu"), ("Chongqing", "Fuling")]
SUBJECTS = ["tea cooperative", "vocational school", "county hospital", "e-commerce centre", "labour station",
            "solar farm", "cold-chain depot", "textile workshop", "kiwi orchard", "yak dairy"]
VERBS = ["opens", "expands", "reports record sales at", "hosts training at", "receives new equipment for"]
SENTENCES = [
    "Officials from Zhejiang and {region} inspected the {subject} in {place} on {day}.",
    "The project was funded by counterpart assistance from {city} and employs {n} local residents.",
    "Cooperatives in {place} sold products worth {n} thousand yuan through the new channel.",
    "Cadres on temporary duty from {city} helped to draw up the plan for the {subject}.",
    "Local officials said the {subject} would be expanded next year with support from Zhejiang.",
    "Training courses for {n} villagers were organised by experts from {city}.",
]
ZH_SENTENCES = ["杭州援藏工作队近日到尼玛县{place}开展调研，察看了{subject}建设情况。",
                "该项目由援藏资金支持，带动当地{n}名群众就业增收。",
                "工作队表示，将继续推动产业帮扶和人才交流，巩固拓展脱贫攻坚成果。"]
ZH_SUBJECTS = ["牦牛养殖基地", "寄宿制学校", "卫生院", "光伏电站", "饲草基地"]
ZH_PLACES = ["文部乡", "中仓乡", "荣玛乡", "卓尼乡", "甲谷乡"]
CITIES = ["Hangzhou", "Ningbo", "Wenzhou", "Huzhou", "Jiaxing", "Shaoxing", "Jinhua", "Taizhou"]


def synthetic_articles(portal: str, count: int, seed: int = 7) -> list[ReplicaArticle]:
    """``count`` generated articles for a portal, older than the hand-written ones, deterministic."""
    rng = random.Random(f"{seed}-{portal}")
    start = {"zj": datetime(2017, 6, 30, 9), "sx": datetime(2019, 4, 30, 9),
             "wttimes": datetime(2020, 12, 31, 9), "xznmx": datetime(2021, 9, 30, 9)}[portal]
    articles = []
    for index in range(count):
        published = start - timedelta(hours=7 * index + 1, minutes=rng.randrange(60), seconds=rng.randrange(60))
        region, place = REGIONS[index % len(REGIONS)]
        subject = SUBJECTS[(index // len(REGIONS)) % len(SUBJECTS)]
        fields = {"key": f"{portal}-synthetic-{index}", "published": published, "synthetic": True,
                  "regions": [region.lower()], "id": 1_000_000 + index, "slug": f"synthetic-report-{index}"}
        if portal == "xznmx":
            fields["title"] = f"尼玛县{ZH_PLACES[index % 5]}{ZH_SUBJECTS[index % 5]}建设动态（第{index + 1}期）"
            fields["paragraphs"] = [s.format(place=ZH_PLACES[index % 5], subject=ZH_SUBJECTS[index % 5],
                                             n=rng.randrange(20, 400)) for s in ZH_SENTENCES]
            fields["origin"], fields["editor"] = "浙江在线", "次旦"
        else:
            fields["title"] = f"{place} {subject} {VERBS[index % len(VERBS)]} Zhejiang partnership, report {index + 1}"
            fields["paragraphs"] = [_sentences(rng, region, place, subject) for _ in range(rng.randrange(3, 6))]
            fields["author"] = "Synthetic Desk"
        articles.append(make_article(portal, fields))
    return articles


def _sentences(rng: random.Random, region: str, place: str, subject: str) -> str:
    return " ".join(
        rng.choice(SENTENCES).format(region=region, place=place, subject=subject, city=rng.choice(CITIES),
                                     n=rng.randrange(20, 900), day=f"May {rng.randrange(1, 29)}")
        for _ in range(rng.randrange(2, 4)))
