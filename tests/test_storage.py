"""The SQLite store: schema, idempotent upserts, ids, search, duplicates, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from coopfeed.errors import StoreError
from storage import Store, item_id

ARTICLE = {"url": "http://english.zj.gov.cn/art/2018/8/17/art_5798_2288150.html",
           "title": "Long-Haired Rabbits Bring Income to Qiandongnan Villages",
           "text": "Rabbit farms set up with help from Zhejiang provide income to 3,000 households in Qiandongnan.",
           "html": "<p>Rabbit farms…</p>", "published": "2018-08-17T08:55:03+08:00", "author": None,
           "origin": "Zhejiang Daily", "editor": None, "language": "en"}
CHINESE = {"url": "http://www.xznmx.gov.cn/yzdt_4226/202203/t20220315_4110031.html",
           "title": "杭州援藏工作组召开会议", "text": "3月14日，杭州市援藏工作组召开专题会议，部署2022年援藏工作。",
           "html": "", "published": "2022-03-15T10:09:55+08:00", "language": "zh"}


@pytest.fixture
def store(tmp_path):
    opened = Store(tmp_path / "coopfeed.db")
    yield opened
    opened.close()


def test_schema_has_the_documented_tables_and_columns(store):
    db = store.db
    assert {"sources", "items", "crawl_runs", "failures", "item_topics", "topic_rules"} <= set(db.table_names())
    assert {"id", "url", "source", "title", "published", "author", "origin", "editor", "language", "text", "html",
            "first_seen", "last_seen", "updated", "content_hash"} <= set(db["items"].columns_dict)
    assert {"source", "started", "finished", "pages", "new", "updated", "failed"} <= set(db["crawl_runs"].columns_dict)
    assert {"url", "source", "reason", "time"} <= set(db["failures"].columns_dict)
    assert db["items"].detect_fts() == "items_fts"
    assert db.journal_mode == "wal"


def test_opening_twice_changes_nothing(tmp_path):
    Store(tmp_path / "a.db").close()
    schema = sqlite_utils.Database(tmp_path / "a.db").schema
    Store(tmp_path / "a.db").close()
    assert sqlite_utils.Database(tmp_path / "a.db").schema == schema


def test_same_article_never_makes_a_second_row(store):
    first = store.save_item(ARTICLE, source="zj_news", now="2026-01-01T00:00:00+00:00")
    second = store.save_item(ARTICLE, source="zj_news", now="2026-01-02T00:00:00+00:00")
    assert first == (item_id(ARTICLE["url"]), "new") and second[1] == "unchanged"
    row = store.item(first[0])
    assert store.db["items"].count == 1
    assert row["first_seen"] == row["updated"] == "2026-01-01T00:00:00+00:00"
    assert row["last_seen"] == "2026-01-02T00:00:00+00:00"


def test_changed_article_updates_its_row_and_updated_time(store):
    store.save_item(ARTICLE, source="zj_news", now="2026-01-01T00:00:00+00:00")
    edited = {**ARTICLE, "text": ARTICLE["text"] + " More farms will open."}
    assert store.save_item(edited, source="zj_news", now="2026-01-03T00:00:00+00:00")[1] == "updated"
    row = store.item(item_id(ARTICLE["url"]))
    assert row["text"].endswith("More farms will open.") and row["updated"] == "2026-01-03T00:00:00+00:00"
    assert row["first_seen"] == "2026-01-01T00:00:00+00:00"


def test_published_keeps_its_offset_and_gets_a_utc_twin(store):
    store.save_item(ARTICLE, source="zj_news")
    row = store.item(item_id(ARTICLE["url"]))
    assert row["published"] == "2018-08-17T08:55:03+08:00" and row["published_utc"] == "2018-08-17T00:55:03Z"


def test_id_is_stable_across_scheme_fragment_host_case_and_default_port():
    url = "http://english.zj.gov.cn/art/2018/8/17/art_5798_2288150.html"
    same = ["https://english.zj.gov.cn/art/2018/8/17/art_5798_2288150.html",
            "http://English.ZJ.gov.cn:80/art/2018/8/17/art_5798_2288150.html#top"]
    assert all(item_id(other) == item_id(url) for other in same)
    assert item_id(url, "en", translated=True) != item_id(url)


def test_translated_copy_is_its_own_row(store):
    store.save_item(CHINESE, source="xznmx")
    english = {**CHINESE, "title": "Hangzhou Tibet aid group meets", "text": "The group met.", "language": "en"}
    new_id, outcome = store.save_item(english, source="xznmx_en", translated=True)
    assert outcome == "new" and store.db["items"].count == 2
    assert store.item(new_id)["translation_of"] == item_id(CHINESE["url"])
    assert store.item(item_id(CHINESE["url"]))["title"] == "杭州援藏工作组召开会议"


def test_search_finds_english_and_chinese(store):
    store.save_item(ARTICLE, source="zj_news")
    store.save_item(CHINESE, source="xznmx")
    assert [r["title"] for r in store.search("Qiandongnan rabbit")] == [ARTICLE["title"]]
    assert [r["title"] for r in store.search("援藏工作组")] == [CHINESE["title"]]
    assert [r["title"] for r in store.search("援藏")] == [CHINESE["title"]]  # 2 characters: LIKE fallback
    assert [r["title"] for r in store.search("Qiandongnan", source="xznmx")] == []
    assert "[Qiandongnan]" in store.search("Qiandongnan")[0]["snippet"]


@pytest.mark.parametrize("query", ["scrapy-redis", '"unbalanced', "AND OR NOT", "title:x", "*", "a", "  ", "(("])
def test_hostile_queries_never_raise(store, query):
    store.save_item(ARTICLE, source="zj_news")
    assert isinstance(store.search(query), list)


def test_sqlite_utils_search_works_on_the_file(store, tmp_path):
    store.save_item(ARTICLE, source="zj_news")
    store.close()
    command = [str(Path(sys.executable).parent / "sqlite-utils"), "search", str(tmp_path / "coopfeed.db"), "items",
               "Qiandongnan"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "Long-Haired Rabbits" in result.stdout


def test_near_duplicate_from_another_source_points_to_the_earlier_copy(store):
    store.save_item(ARTICLE, source="zj_news")
    mirror = {**ARTICLE, "url": "http://en.sx.gov.cn/art/2018/8/18/art_1501262_9.html",
              "title": "Long-haired rabbits bring income to villages in Qiandongnan",
              "published": "2018-08-18T10:00:00+08:00"}
    other = {**ARTICLE, "url": "http://en.sx.gov.cn/art/2018/8/18/art_1501262_10.html",
             "title": "Shaoxing opens a yellow wine museum", "text": "The museum shows 2,500 years of brewing.",
             "published": "2018-08-18T11:00:00+08:00"}
    mirror_id, _ = store.save_item(mirror, source="sx_hotnews")
    other_id, _ = store.save_item(other, source="sx_hotnews")
    assert store.item(mirror_id)["duplicate_of"] == item_id(ARTICLE["url"])
    assert store.item(other_id)["duplicate_of"] is None
    assert store.item(item_id(ARTICLE["url"]))["duplicate_of"] is None


def test_runs_failures_and_health_per_source(store):
    store.save_source("zj_news", title="Zhejiang NEWS", profile="hanweb", start_urls=["http://x/"])
    store.save_item(ARTICLE, source="zj_news")
    store.record_failure("zj_news", "http://x/a.html", "HTTP 404", kind="http", run_started="2026-01-01T00:00:00+00:00")
    store.record_run("zj_news", started="2026-01-01T00:00:00+00:00", finished="2026-01-01T00:01:00+00:00",
                     pages=20, new=1, failed=1)
    health = store.source_health()[0]
    assert health["source"] == "zj_news" and health["items"] == 1 and health["failures"] == {"http": 1}
    assert health["last_run"]["pages"] == 20
    assert store.retry_urls("zj_news") == ["http://x/a.html"]


def test_a_file_that_is_not_a_database_gives_one_clear_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some text, not SQLite\n" * 100)
    with pytest.raises(StoreError, match="notes.db"):
        Store(path)


def test_a_store_in_a_missing_folder_gives_one_clear_error(tmp_path):
    with pytest.raises(StoreError, match="cannot open|not a usable"):
        Store(tmp_path / "no" / "such" / "dir" / "coopfeed.db")
