"""Generated articles: N per portal from seeded word lists, for load tests and benchmarks.

Deterministic (same N, same articles), unique titles and addresses, all
older than the portal's hand-written articles, one region each.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from replica.model import ReplicaArticle, make_article

#: (region key, region name, a place in it) — each place names only its own region.
REGIONS = [("sichuan", "Sichuan", "Guangyuan"), ("guizhou", "Guizhou", "Qiandongnan"),
           ("hubei", "Hubei", "Enshi"), ("jilin", "Jilin", "Yanbian"), ("xinjiang", "Xinjiang", "Aksu"),
           ("qinghai", "Qinghai", "Haixi"), ("tibet", "Tibet", "Nagqu"), ("chongqing", "Chongqing", "Fuling")]
SUBJECTS = ["tea cooperative", "vocational school", "county hospital", "e-commerce centre", "labour station",
            "solar farm", "cold-chain depot", "textile workshop", "kiwi orchard", "yak dairy", "mushroom base",
            "boarding school", "rural clinic", "logistics park", "embroidery workshop"]
VERBS = ["opens", "expands", "reports record sales at", "hosts training at", "receives new equipment for",
         "doubles output at", "welcomes Zhejiang experts to"]
#: Title patterns per portal, so generated titles of two portals never read alike.
TITLES = {
    "zj": "{City} Helps {Place} Build {Subject} under East-West Cooperation, No. {n}",
    "sx": "Shaoxing team checks progress of {subject} project in {place} ({n})",
    "wttimes": "{place} {subject} {verb} Zhejiang partnership, update {n}",
}
CITIES = ["Hangzhou", "Ningbo", "Wenzhou", "Huzhou", "Jiaxing", "Shaoxing", "Jinhua", "Taizhou", "Lishui"]
SENTENCES = [
    "Officials from Zhejiang and {region} inspected the {subject} in {place} on {day}.",
    "The project was funded by counterpart assistance from {city} and employs {n} local residents.",
    "Cooperatives in {place} sold products worth {n} thousand yuan through the new channel.",
    "Cadres on temporary duty from {city} helped to draw up the plan for the {subject}.",
    "Local officials said the {subject} would be expanded next year with support from Zhejiang.",
    "Training courses for {n} villagers were organised by experts from {city}.",
    "Buyers from {city} signed orders for the coming season after visiting the {subject}.",
]
ZH_PLACES = ["文部乡", "中仓乡", "荣玛乡", "卓尼乡", "甲谷乡", "阿索乡", "俄久乡"]
ZH_SUBJECTS = ["牦牛养殖基地", "寄宿制学校", "卫生院", "光伏电站", "饲草基地", "农牧民培训中心", "安居房"]
ZH_SENTENCES = ["杭州援藏工作队近日到尼玛县{place}开展调研，察看了{subject}建设情况。",
                "该项目由援藏资金支持，带动当地{n}名群众就业增收。",
                "工作队与乡村干部座谈，听取了群众对{subject}运营管理的意见建议。",
                "工作队表示，将继续推动产业帮扶和人才交流，巩固拓展脱贫攻坚成果。"]
ZH_ORIGINS = ["浙江在线", "那曲新闻网"]
ZH_EDITORS = ["次旦", "格桑卓玛", "索朗次仁"]
AUTHORS = ["Chen Lu", "Ma Wei", "Lin Qiao", "News Desk"]
ID_BASE = 1_000_000  # below every hand-written id of every portal
STEP = timedelta(hours=7)  # generated articles are this far apart (plus a seeded jitter)


def synthetic_articles(portal: str, count: int, before: datetime, seed: int = 7) -> list[ReplicaArticle]:
    """``count`` generated articles of ``portal``, newest first, all published before ``before``."""
    rng = random.Random(f"{seed}-{portal}")
    articles = []
    for index in range(count):
        published = before - STEP * (index + 1) + timedelta(minutes=rng.randrange(60), seconds=rng.randrange(60))
        fields = {"key": f"{portal}-synthetic-{index}", "published": published, "synthetic": True,
                  "id": ID_BASE + index, "slug": f"synthetic-report-{index}"}
        fields.update(_chinese(rng, index) if portal == "xznmx" else _english(rng, portal, index))
        articles.append(make_article(portal, fields))
    return articles


def _english(rng: random.Random, portal: str, index: int) -> dict:
    key, region, place = REGIONS[index % len(REGIONS)]
    subject = SUBJECTS[(index // len(REGIONS)) % len(SUBJECTS)]
    city = rng.choice(CITIES)
    title = TITLES[portal].format(City=city, Place=place, Subject=subject.title(), place=place, subject=subject,
                                  verb=VERBS[index % len(VERBS)], n=index + 1)
    paragraphs = [_paragraph(rng, region, place, subject) for _ in range(rng.randrange(3, 7))]
    return {"title": title, "paragraphs": paragraphs, "regions": [key], "author": rng.choice(AUTHORS)}


def _paragraph(rng: random.Random, region: str, place: str, subject: str) -> str:
    return " ".join(
        rng.choice(SENTENCES).format(region=region, place=place, subject=subject, city=rng.choice(CITIES),
                                     n=rng.randrange(20, 900), day=f"May {rng.randrange(1, 29)}")
        for _ in range(rng.randrange(1, 4)))


def _chinese(rng: random.Random, index: int) -> dict:
    place, subject = ZH_PLACES[index % len(ZH_PLACES)], ZH_SUBJECTS[(index // 3) % len(ZH_SUBJECTS)]
    paragraphs = [s.format(place=place, subject=subject, n=rng.randrange(20, 400)) for s in ZH_SENTENCES]
    return {"title": f"尼玛县{place}{subject}建设动态（第{index + 1}期）",
            "paragraphs": paragraphs[:rng.randrange(3, 5)],
            "regions": ["tibet"], "origin": rng.choice(ZH_ORIGINS + [""]), "editor": rng.choice(ZH_EDITORS)}
