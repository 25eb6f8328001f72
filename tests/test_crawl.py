"""End to end: the replica over real HTTP, crawled into a real SQLite file."""

from __future__ import annotations

import re

import sqlite_utils

from replica.truth import expected_articles, expected_failures
from storage import item_id

FIELDS = ("title", "published", "author", "origin", "editor", "language", "text")
#: Every boilerplate line of ../shared/seeds and portals.md §3.3, English and Chinese.
BOILERPLATE = [
    "home > NEWS", "Home>Hot News", "Eyesight Protection", "[Print]", "[Close]", "Print this page",
    "Close window", "Leave Comment", "Leave a Reply", "Your email address will not be published",
    "Required fields are marked", "Editor in charge", "Sponsor:", "Sponsored by", "Address:", "Tel:",
    "Website ID", "Public security record", "Tibetan public network security", "Record No.", "Zang ICP Bei",
    "Technical support", "Tibet Media Group", "Share this", "Share to", "Related", "Current position",
    "Current location", "Font size", "Scan to open", "Copyright", "All rights reserved", "Powered by WordPress",
    "来源：", "责任编辑", "主办：", "地址：", "电话：", "网站标识码", "藏公网安备", "公网安备", "藏ICP备", "ICP备",
    "技术支持", "西藏传媒集团", "打印本页", "关闭窗口", "字号", "分享到", "扫一扫", "当前位置", "Cancel reply",
    "Post Comment", "Recent Posts",
]


def stored(site) -> dict[str, dict]:
    db = sqlite_utils.Database(site.db)
    return {row["id"]: row for row in db["items"].rows}


def expected_id(row: dict) -> str:
    return item_id(row["url"], row["language"], translated=row["translated"])


def test_crawl_exits_cleanly_with_one_summary_line_per_source(crawled):
    site, result = crawled
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr
    summaries = [line for line in result.stdout.splitlines() if re.match(r"^\w+: \d+ new", line)]
    assert [line.split(":")[0] for line in summaries] == ["zj_news", "sx_hotnews", "wttimes", "xznmx", "xznmx_en"]


def test_every_replica_article_lands_exactly_once_with_the_right_fields(crawled):
    site, _ = crawled
    items = stored(site)
    expected = expected_articles(site.replica, site.base_url)
    assert len(items) == len(expected)
    for row in expected:
        item = items[expected_id(row)]
        assert item["url"] == row["url"]
        assert item["source"] == row["source"]
        for field in FIELDS:
            assert item[field] == row[field], (row["key"], field)


def test_published_times_keep_beijing_time_with_its_offset(crawled):
    site, _ = crawled
    items = stored(site)
    row = next(r for r in expected_articles(site.replica, site.base_url) if r["key"] == "zj-conference-2018")
    item = items[expected_id(row)]
    assert item["published"] == "2018-09-03T09:35:20+08:00"
    assert item["published_utc"] == "2018-09-03T01:35:20Z"


def test_no_body_holds_any_boilerplate(crawled):
    site, _ = crawled
    for item in stored(site).values():
        for phrase in BOILERPLATE:
            assert phrase not in item["text"], (item["url"], phrase)
            assert phrase not in item["html"], (item["url"], phrase)


def test_html_is_sanitized_and_images_absolute(crawled):
    site, _ = crawled
    rows = {r["key"]: r for r in expected_articles(site.replica, site.base_url)}
    items = stored(site)
    for row in rows.values():
        html = items[expected_id(row)]["html"]
        assert "<script" not in html and "onclick" not in html and "javascript:" not in html
        for image in row["images"]:
            assert f'src="{image}"' in html
    assert "<p>" in items[expected_id(rows["nmx-doctors"])]["html"]


def test_gbk_pages_decode_with_characters_outside_gb2312(crawled):
    site, _ = crawled
    items = stored(site)
    texts = " ".join(item["text"] for item in items.values())
    assert "王喆" in texts and "李堃" in texts
    assert "\ufffd" not in texts


def test_translated_copy_is_its_own_row_and_never_overwrites_the_original(crawled):
    site, _ = crawled
    rows = [r for r in expected_articles(site.replica, site.base_url) if r["key"].startswith("nmx-delegation-naqu")]
    items = stored(site)
    original, translated = (items[expected_id(r)] for r in sorted(rows, key=lambda r: r["translated"]))
    assert original["url"] == translated["url"]
    assert original["language"] == "zh" and translated["language"] == "en"
    assert translated["translation_of"] == original["id"]
    assert original["title"].startswith("浙江省党政代表团")


def test_every_page_of_every_list_is_followed(crawled):
    site, _ = crawled
    fetched = site.crawl_requests
    assert sum(1 for path in fetched if "/zj/module/jpage/dataproxy.jsp" in path) >= 2
    assert any("/sx/module/web/jpage/dataproxy.jsp" in path for path in fetched)
    pages = -(-len(site.replica.listing("wttimes")) // 4)
    assert {f"/wttimes/page/{n}/" for n in range(2, pages + 1)} <= set(fetched)
    pages = -(-len(site.replica.listing("xznmx")) // 3)
    assert {f"/xznmx/yzdt_4226/index_{n}.html" for n in range(1, pages)} <= set(fetched)


def test_each_article_is_fetched_once_and_robots_txt_is_obeyed(crawled):
    site, _ = crawled
    retried = {url.split(site.base_url, 1)[1] for _, url, kind in expected_failures(site.replica, site.base_url)
               if kind in ("timeout", "http")}  # the retry middleware tries these once more
    fetched = [path for path in site.crawl_requests if "/art/" in path or "/t20" in path]
    direct = [path for path in fetched if not path.startswith("/translate/") and path not in retried]
    assert len(direct) == len(set(direct))
    assert not [path for path in site.crawl_requests if path.startswith("/zj/private/")]


def test_bad_pages_are_recorded_per_source_with_one_clear_line(crawled):
    site, result = crawled
    db = sqlite_utils.Database(site.db)
    recorded = {(row["source"], row["url"], row["kind"]) for row in db["failures"].rows}
    assert recorded == set(expected_failures(site.replica, site.base_url))
    for source, url, kind in recorded:
        lines = [line for line in result.stderr.splitlines() if url in line]
        assert len(lines) == 1 and lines[0].startswith("WARNING: " + source), (url, lines)


def test_crawl_runs_record_pages_and_counts_per_source(crawled):
    site, _ = crawled
    runs = {row["source"]: row for row in sqlite_utils.Database(site.db)["crawl_runs"].rows}
    assert set(runs) == {"zj_news", "sx_hotnews", "wttimes", "xznmx", "xznmx_en"}
    assert runs["zj_news"]["new"] == 15 and runs["zj_news"]["failed"] == 2
    assert runs["wttimes"]["failed"] == 1 and runs["sx_hotnews"]["failed"] == 2  # a timeout, a long redirect chain
    assert runs["xznmx"]["failed"] == 2  # a truncated page, a redirect loop
    assert all(run["pages"] > 0 and run["status"] == "finished" for run in runs.values())
    assert all(run["listing_complete"] == 1 and run["links"] > 0 for run in runs.values())


def test_second_crawl_adds_no_row_and_fetches_no_stored_article(site):
    assert site.crawl().returncode == 0
    before = stored(site)
    site.server.requests.clear()
    second = site.crawl()
    assert second.returncode == 0
    assert stored(site) == before
    refetched = [p for p in site.server.fetched() if "/art/" in p or "/t20" in p or "/wttimes/20" in p]
    failed_paths = {url.split(site.base_url, 1)[1] for _, url, _ in expected_failures(site.replica, site.base_url)}
    assert set(refetched) <= failed_paths  # only the pages that failed last time are tried again
    assert "0 new, 0 updated" in second.stdout


def test_new_article_is_the_only_page_fetched_on_the_next_crawl(site):
    site.crawl()
    site.server.requests.clear()
    added = site.replica.add_article("zj", key="zj-new", id=2299999, published="2018-12-28 09:00:00",
                                     title="Hangzhou Buyers Sign Tea Contracts with Enshi Cooperatives",
                                     paragraphs=["Buyers from Hangzhou signed contracts with Enshi tea cooperatives."],
                                     regions=["hubei"])
    result = site.crawl("zj_news")
    assert "zj_news: 1 new" in result.stdout
    articles = [p for p in site.server.fetched() if "/art/" in p]
    assert added.path in articles
    assert set(articles) - {added.path} <= {"/zj/art/2018/10/9/art_5798_2293000.html",
                                            "/zj/art/2018/10/9/art_5798_2293010.html"}


def test_changed_article_updates_its_row_and_updated_time(site):
    site.crawl("wttimes")
    key = "wt-haixi-solar"
    url = site.base_url + site.replica.articles[key].path
    before = next(r for r in stored(site).values() if r["url"] == url)
    site.replica.edit_article(key, paragraphs=["The solar farm paid a second dividend in December."])
    result = site.crawl("wttimes", "--refresh")
    assert "1 updated" in result.stdout
    after = next(r for r in stored(site).values() if r["url"] == url)
    assert after["id"] == before["id"] and after["first_seen"] == before["first_seen"]
    assert after["text"] == "The solar farm paid a second dividend in December."
    assert after["updated"] >= before["updated"] and after["content_hash"] != before["content_hash"]
    assert len(stored(site)) == len([r for r in expected_articles(site.replica, site.base_url)
                                     if r["source"] == "wttimes"])
