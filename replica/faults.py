"""The broken pages a replica built with ``faults=True`` lists among its articles.

Each has a ``fault``: ``404`` and ``500`` (HTTP errors), ``slow`` (answers after
``slow_seconds``), ``empty`` (no body), ``baddate`` (an impossible date; the URL
path date is valid), ``soup`` (tag soup, still readable), ``truncated`` (bytes
cut before the body), ``loop`` (redirects to a page that redirects back),
``chain`` (a chain of ``CHAIN_HOPS`` redirects, longer than a crawler follows).
``Replica.fix_faults()`` repairs them all (the site's admin fixed the pages).
"""

from __future__ import annotations

from replica.model import ReplicaArticle, make_article

#: Failure kind a correct crawl records for each fault ("soup" is no failure: it is read).
FAILURE_KIND = {"404": "http", "500": "http", "slow": "timeout", "empty": "body", "truncated": "body",
                "baddate": "date", "loop": "redirect", "chain": "redirect"}
#: Faults whose page yields no article at all.
UNREADABLE = {"404", "500", "slow", "empty", "truncated", "loop", "chain"}
CHAIN_HOPS = 30

FAULTS = (
    ("zj", "zj-fault-missing", "404", 2293000, "2018-10-09 10:00:00", "Partner County Officials Visit Yiwu Market"),
    ("zj", "zj-fault-empty", "empty", 2293010, "2018-10-09 11:00:00", "Notice on Agricultural Trade Fair Schedule"),
    ("zj", "zj-fault-baddate", "baddate", 2293020, "2018-10-09 12:00:00", "Ningbo Technicians Train Herders in Haixi"),
    ("sx", "sx-fault-slow", "slow", 46000010, "2020-04-01 10:00:00", "Shaoxing companies open workshops in Guizhou"),
    ("sx", "sx-fault-chain", "chain", 46000020, "2020-04-02 10:00:00", "Shaoxing nurses join a Guizhou clinic"),
    ("wttimes", "wt-fault-error", "500", 0, "2021-04-01 10:00:00", "Server error page for a listed post"),
    ("xznmx", "nmx-fault-soup", "soup", 4080010, "2022-02-10 10:00:00", "援藏资金支持尼玛县修建乡村道路"),
    ("xznmx", "nmx-fault-truncated", "truncated", 4080020, "2022-02-11 10:00:00", "尼玛县召开援藏项目推进会"),
    ("xznmx", "nmx-fault-loop", "loop", 4080030, "2022-02-12 10:00:00", "尼玛县畜牧站开展牦牛防疫培训"),
)
REGIONS = {"zj": ["qinghai"], "sx": ["guizhou"], "wttimes": [], "xznmx": ["tibet"]}
TEXT = {
    "zj": ["Technicians from Ningbo spent two weeks in Haixi teaching herders how to repair solar water pumps.",
           "The course will be repeated in Wulan County next spring.",
           "Each herder who finished the course received a set of tools paid for by aid funds."],
    "sx": ["Two Shaoxing garment companies opened workshops in Guizhou this month.",
           "The workshops employ 160 women who can work close to home.",
           "Orders come from the companies' own brands, so the workshops do not depend on local demand."],
    "wttimes": ["This post is never served: the server answers 500.", "Nothing here reaches a reader.",
                "A crawler records the failure and tries again next time."],
    "xznmx": ["在杭州援藏资金支持下，尼玛县今年新修乡村道路86公里，方便了牧民群众出行。",
              "道路建成后，牧区合作社的牦牛肉可以更快运往那曲和拉萨。",
              "县交通运输局表示，将加强道路日常养护，确保冬季道路安全畅通。"],
}
EXTRA = {"wttimes": {"author": "News Desk"}}


def fault_articles() -> list[ReplicaArticle]:
    """The broken pages listed only when the replica is built with faults."""
    articles = []
    for portal, key, fault, number, published, title in FAULTS:
        slug = "-".join(title.lower().split()) if portal == "wttimes" else ""
        article = make_article(portal, {"key": key, "id": number, "slug": slug, "published": published,
                                        "title": title, "paragraphs": TEXT[portal], "regions": REGIONS[portal],
                                        **EXTRA.get(portal, {})})
        article.fault = fault
        articles.append(article)
    return articles
