"""The SQLite store: schema, idempotent upserts, ids, search, duplicates, health and errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from coopfeed.errors import StoreError
from storage import Store, item_id

T1, T2, T3 = "2026-01-01T00:00:00+00:00", "2026-01-02T00:00:00+00:00", "2026-01-03T00:00:00+00:00"
ARTICLE = {"url": "http://english.zj.gov.cn/art/2018/8/17/art_5798_2288150.html",
           "title": "Long-Haired Rabbits Bring Income to Qiandongnan Villages",
           "text": "Rabbit farms set up with help from Zhejiang provide income to 3,000 households in Qiandongnan. "
                   "Li Ming, a farmer in Taijiang county, now sells wool to a company in Hangzhou.\n\n"
                   "The county plans twelve more farms next year with money from its partner city.",
           "html": "<p>Rabbit farms…</p>", "published": "2018-08-17T08:55:03+08:00", "author": None,
           "origin": "Zhejiang Daily", "editor": None, "language": "en"}
CHINESE = {"url": "http://www.xznmx.gov.cn/yzdt_4226/202203/t20220315_4110031.html",
           "title": "杭州援藏工作组召开会议", "text": "3月14日，杭州市援藏工作组召开专题会议，部署2022年援藏工作。",
           "html": "", "published": "2022-03-15T10:09:55+08:00", "language": "zh"}
MUSEUM = {**ARTICLE, "url": "http://en.sx.gov.cn/art/2018/8/18/art_1501262_10.html",
          "title": "Shaoxing opens a yellow wine museum",
          "text": "The museum in Shaoxing shows 2,500 years of yellow wine brewing, from clay jars to modern cellars.",
          "published": "2018-08-18T11:00:00+08:00"}

CONTRACT = {
    "sources": ["name", "title", "profile", "start_urls", "language", "timezone", "schedule", "added", "last_run",
                "status", "status_reason", "status_since"],
    "items": ["id", "url", "source", "title", "published", "published_utc", "author", "origin", "editor", "language",
              "text", "html", "first_seen", "last_seen", "updated", "content_hash", "translation_of", "duplicate_of",
              "changed"],
    "crawl_runs": ["id", "source", "started", "finished", "pages", "new", "updated", "unchanged", "failed", "status",
                   "links", "not_modified", "listing_complete", "error"],
    "failures": ["id", "url", "source", "reason", "kind", "time", "run_started"],
    "failed_pages": ["source", "url", "fetch_url", "item_id", "kind", "reason", "attempts", "first_failed", "last_failed",
                     "next_attempt", "given_up"],
    "health_events": ["id", "source", "status", "previous", "reason", "time"],
    "item_topics": ["item_id", "topic", "assigned"],
}


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "coopfeed.db") as opened:
        yield opened


def titles(rows: list[dict]) -> list[str]:
    return [row["title"] for row in rows]


# -- schema ---------------------------------------------------------------------

def test_schema_has_exactly_the_documented_tables_columns_and_keys(store):
    db = store.db
    for table, columns in CONTRACT.items():
        assert list(db[table].columns_dict) == columns, table
    assert db["sources"].pks == ["name"] and db["items"].pks == ["id"] and db["crawl_runs"].pks == ["id"]
    assert db["failures"].pks == ["id"] and db["item_topics"].pks == ["item_id", "topic"]
    indexed = {tuple(index.columns) for index in db["items"].indexes}
    assert {("source", "first_seen"), ("published_utc",), ("url",)} <= indexed


def test_full_text_index_is_fts5_trigram_with_triggers(store):
    db = store.db
    assert db["items"].detect_fts() == "items_fts"
    assert "fts5" in db["items_fts"].schema.lower() and "trigram" in db["items_fts"].schema
    assert {"items_ai", "items_ad", "items_au"} <= {trigger.name for trigger in db["items"].triggers}


def test_store_is_in_wal_mode(store, tmp_path):
    assert store.db.journal_mode == "wal"
    assert sqlite_utils.Database(tmp_path / "coopfeed.db").journal_mode == "wal"


def test_opening_twice_changes_nothing(tmp_path):
    Store(tmp_path / "a.db").close()
    schema = sqlite_utils.Database(tmp_path / "a.db").schema
    Store(tmp_path / "a.db").close()
    assert sqlite_utils.Database(tmp_path / "a.db").schema == schema


def test_an_older_file_gets_the_missing_columns_and_a_trigram_index(tmp_path):
    old = sqlite_utils.Database(tmp_path / "old.db")
    old["items"].insert({"id": "x1", "url": "a.cn/1", "source": "s", "title": "Old rabbit story",
                         "text": "援藏工作 in an old file", "published": "2018-08-17T08:55:03+08:00"}, pk="id")
    old["items"].enable_fts(["title", "text"], fts_version="FTS5", create_triggers=True)  # default tokenizer
    old.close()
    with Store(tmp_path / "old.db") as store:
        assert set(store.db["items"].columns_dict) == set(CONTRACT["items"])  # added columns come last
        assert store.item("x1")["published_utc"] == "2018-08-17T00:55:03Z"
        assert "trigram" in store.db["items_fts"].schema
        assert titles(store.search("援藏工作")) == ["Old rabbit story"]


# -- save_item ------------------------------------------------------------------

def test_same_article_never_makes_a_second_row(store):
    first = store.save_item(ARTICLE, source="zj_news", now=T1)
    second = store.save_item(ARTICLE, source="zj_news", now=T2)
    assert first == (item_id(ARTICLE["url"]), "new") and second == (first[0], "unchanged")
    row = store.item(first[0])
    assert store.db["items"].count == 1
    assert row["first_seen"] == row["updated"] == T1 and row["last_seen"] == T2


def test_changed_article_updates_its_fields_hash_and_updated_time(store):
    store.save_item(ARTICLE, source="zj_news", now=T1)
    before = store.item(item_id(ARTICLE["url"]))["content_hash"]
    edited = {**ARTICLE, "text": ARTICLE["text"] + " More farms will open.", "editor": "Wang Fang"}
    assert store.save_item(edited, source="zj_news", now=T3) == (item_id(ARTICLE["url"]), "updated")
    row = store.item(item_id(ARTICLE["url"]))
    assert row["text"].endswith("More farms will open.") and row["editor"] == "Wang Fang"
    assert row["content_hash"] != before and row["updated"] == row["last_seen"] == T3 and row["first_seen"] == T1
    assert store.db["items"].count == 1


def test_published_keeps_its_offset_and_gets_a_utc_twin(store):
    store.save_item(ARTICLE, source="zj_news")
    undated_id, _ = store.save_item({**MUSEUM, "published": None}, source="sx_hotnews")
    row = store.item(item_id(ARTICLE["url"]))
    assert row["published"] == "2018-08-17T08:55:03+08:00" and row["published_utc"] == "2018-08-17T00:55:03Z"
    assert store.item(undated_id)["published"] is None and store.item(undated_id)["published_utc"] is None


def test_a_published_time_without_zone_is_refused_with_the_url(store):
    with pytest.raises(StoreError, match="art_5798_2288150.html.*no time zone"):
        store.save_item({**ARTICLE, "published": "2018-08-17T08:55:03"}, source="zj_news")
    assert store.db["items"].count == 0


def test_times_come_from_the_clock_when_not_given(store):
    store.save_item(ARTICLE, source="zj_news")
    seen = store.item(item_id(ARTICLE["url"]))["first_seen"]
    assert seen.endswith("+00:00") and seen[:4] >= "2026"


def test_id_is_stable_across_scheme_fragment_host_case_and_default_port():
    url = "http://english.zj.gov.cn/art/2018/8/17/art_5798_2288150.html"
    same = ["https://english.zj.gov.cn/art/2018/8/17/art_5798_2288150.html",
            "http://english.zj.gov.cn/art/2018/8/17/art_5798_2288150.html#",
            "http://English.ZJ.gov.cn:80/art/2018/8/17/art_5798_2288150.html#top",
            "https://english.zj.gov.cn:443/art/2018/8/17/art_5798_2288150.html"]
    assert {item_id(other) for other in same} == {item_id(url)}
    assert len(item_id(url)) == 16 and int(item_id(url), 16) >= 0
    assert item_id(url.replace("/art/", "/ART/")) != item_id(url)  # the path is case-sensitive
    assert item_id("http://english.zj.gov.cn:8080/art/x.html") != item_id("http://english.zj.gov.cn/art/x.html")


def test_translated_copy_is_its_own_row_pointing_to_the_original(store):
    store.save_item(CHINESE, source="xznmx")
    english = {**CHINESE, "title": "Hangzhou Tibet aid group meets", "text": "The group met.", "language": "en"}
    new_id, outcome = store.save_item(english, source="xznmx_en", translated=True)
    assert outcome == "new" and store.db["items"].count == 2
    assert new_id == item_id(CHINESE["url"], "en", translated=True) != item_id(CHINESE["url"])
    assert store.item(new_id)["translation_of"] == item_id(CHINESE["url"])
    assert store.item(item_id(CHINESE["url"]))["title"] == "杭州援藏工作组召开会议"
    assert store.item(item_id(CHINESE["url"]))["translation_of"] is None
    assert store.save_item(english, source="xznmx_en", translated=True) == (new_id, "unchanged")


def test_an_article_found_again_by_another_source_stays_with_the_first(store):
    store.save_item(ARTICLE, source="zj_news")
    store.save_item({**ARTICLE, "url": ARTICLE["url"].replace("http:", "https:"), "title": "New"}, source="zj_en")
    assert store.db["items"].count == 1 and store.item(item_id(ARTICLE["url"]))["source"] == "zj_news"


def test_items_are_newest_first_and_known_urls_are_per_source(store):
    store.save_item(ARTICLE, source="zj_news")
    store.save_item(CHINESE, source="xznmx")
    store.save_item(MUSEUM, source="sx_hotnews")
    assert titles(store.items()) == [CHINESE["title"], MUSEUM["title"], ARTICLE["title"]]
    assert titles(store.items(source="zj_news")) == [ARTICLE["title"]] and len(store.items(limit=2)) == 2
    assert store.known_urls("zj_news") == {ARTICLE["url"]} and store.known_urls("nowhere") == set()


def test_topic_items_are_newest_first_whether_the_topic_is_large_or_small(store):
    articles = [({**ARTICLE, "url": f"http://a.cn/{n}.html", "title": f"Story {n}",
                  "published": f"2026-01-{1 + n % 28:02d}T{n % 24:02d}:00:00+08:00" if n % 7 else None}, "zj_news", False)
                for n in range(600)]
    store.save_items(articles, now=T1)
    ids = [row["id"] for row in store.db.query("select id from items")]
    store.db["item_topics"].insert_all([{"item_id": i, "topic": "all", "assigned": T1} for i in ids])
    store.db["item_topics"].insert_all([{"item_id": i, "topic": "rare", "assigned": T1} for i in ids[::300]])
    for topic, members in (("all", ids), ("rare", ids[::300])):
        expected = list(store.db.query(
            "select id from items where id in (select value from json_each(?)) "
            "order by coalesce(published_utc, first_seen) desc, rowid desc", [json.dumps(members)]))
        assert [row["id"] for row in store.topic_items(topic, 1000)] == [row["id"] for row in expected]
        first = store.topic_items(topic, 1)[0]
        after = store.topic_items(topic, 2, before=(first["newest"], first["rowid"]))
        assert [row["id"] for row in after] == [row["id"] for row in expected[1:3]]
    assert store.topic_items("nothing", 10) == []


# -- search ---------------------------------------------------------------------

@pytest.fixture
def filled(store):
    store.save_item(ARTICLE, source="zj_news")
    store.save_item(CHINESE, source="xznmx")
    store.save_item(MUSEUM, source="sx_hotnews")
    return store


def test_control_characters_in_a_query_are_spaces(filled):
    assert titles(filled.search("Rabbit\x00farms")) == titles(filled.search("Rabbit farms")) != []
    assert filled.search("\x00\x01") == []


def test_search_finds_english_ranked_and_quoted(filled):
    rows = filled.search("Qiandongnan rabbit")
    assert titles(rows) == [ARTICLE["title"]]
    assert set(rows[0]) >= {"id", "url", "source", "title", "published", "snippet"}
    assert "[Rabbit]" in rows[0]["snippet"] and "\n" not in rows[0]["snippet"]  # the first hit in the text
    assert "[Qiandongnan]" in filled.search("Qiandongnan")[0]["snippet"]
    assert titles(filled.search("Shaoxing")) == [MUSEUM["title"]]  # title and text: one row
    assert titles(filled.search('"yellow wine"')) == [MUSEUM["title"]]
    assert filled.search("rabbit museum") == []  # every term must match


def test_search_ranks_by_bm25(store):
    store.save_item(MUSEUM, source="sx_hotnews")
    store.save_item({**ARTICLE, "text": ARTICLE["text"] + " Shaoxing too."}, source="zj_news")
    assert titles(store.search("Shaoxing")) == [MUSEUM["title"], ARTICLE["title"]]


def test_search_finds_chinese_of_three_characters_or_more(filled):
    assert titles(filled.search("援藏工作组")) == [CHINESE["title"]]
    assert titles(filled.search("专题会议")) == [CHINESE["title"]]
    assert "[专题会议]" in filled.search("专题会议")[0]["snippet"]


@pytest.mark.parametrize("query", ["援藏", "Li", "Li Ming", "援藏 会议", "援藏 专题会议", "li qiandongnan"])
def test_a_term_shorter_than_three_characters_falls_back_to_like(filled, query):
    expected = CHINESE["title"] if "援藏" in query else ARTICLE["title"]
    assert titles(filled.search(query)) == [expected]


def test_search_filters_by_source_and_language(filled):
    assert filled.search("Qiandongnan", source="xznmx") == []
    assert titles(filled.search("Qiandongnan", source="zj_news", language="en")) == [ARTICLE["title"]]
    assert filled.search("援藏", language="en") == [] and filled.search("援藏工作组", language="en") == []
    assert len(filled.search("the", limit=1)) == 1


@pytest.mark.parametrize("query", [
    "scrapy-redis", '"unbalanced', "AND OR", "AND OR NOT", "title:x", "text:Rabbit", "*", "a", "", "  ", "((",
    "NEAR(rabbit farm)", "^Rabbit", "rabbit*", '""', '"""', "'; drop table items; --", "%_\\", "援藏 OR",
    "x" * 500, "- -", "{title}: farm", "Li NOT*", "a OR farm"])
def test_hostile_queries_never_raise(filled, query):
    assert isinstance(filled.search(query), list)
    assert filled.db["items"].count == 3


def test_search_finds_rows_saved_and_changed_later(store):
    store.save_item(ARTICLE, source="zj_news")
    store.save_item({**ARTICLE, "title": "Angora rabbits in Taijiang"}, source="zj_news")
    assert titles(store.search("Angora")) == ["Angora rabbits in Taijiang"] and store.search("Long-Haired") == []


@pytest.mark.parametrize("query, title", [("Qiandongnan", ARTICLE["title"]), ("援藏工作组", CHINESE["title"])])
def test_sqlite_utils_search_works_on_the_file(filled, tmp_path, query, title):
    filled.close()
    command = [str(Path(sys.executable).parent / "sqlite-utils"), "search", str(tmp_path / "coopfeed.db"),
               "items", query, "-c", "title"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert title in result.stdout


def test_datasette_searches_the_file(filled, tmp_path):
    datasette = Path(sys.executable).parent / "datasette"
    if not datasette.exists():
        pytest.skip("datasette is not installed (pip install -e '.[test]')")
    filled.close()
    result = subprocess.run([str(datasette), str(tmp_path / "coopfeed.db"), "--get",
                             "/coopfeed/items.json?_search=援藏工作组&_shape=array"],
                            capture_output=True, text=True, check=True)
    assert titles(json.loads(result.stdout)) == [CHINESE["title"]]


# -- duplicates -----------------------------------------------------------------

MIRROR = {**ARTICLE, "url": "http://en.sx.gov.cn/art/2018/8/18/art_1501262_9.html",
          "title": "Long-haired rabbits bring income to villages in Qiandongnan",
          "text": ARTICLE["text"].replace("3,000", "about 3,000") + " (Source: Zhejiang Daily)",
          "published": "2018-08-18T10:00:00+08:00"}


def test_near_duplicate_from_another_source_points_to_the_earlier_copy(store):
    original_id, _ = store.save_item(ARTICLE, source="zj_news")
    mirror_id, _ = store.save_item(MIRROR, source="sx_hotnews")
    other_id, _ = store.save_item(MUSEUM, source="sx_hotnews")
    assert store.item(mirror_id)["duplicate_of"] == original_id
    assert store.item(other_id)["duplicate_of"] is None and store.item(original_id)["duplicate_of"] is None


def test_duplicate_direction_does_not_depend_on_the_order_of_saving(store):
    mirror_id, _ = store.save_item(MIRROR, source="sx_hotnews")
    original_id, _ = store.save_item(ARTICLE, source="zj_news")
    assert store.item(mirror_id)["duplicate_of"] == original_id
    assert store.item(original_id)["duplicate_of"] is None


def test_same_title_with_a_reworded_body_is_a_duplicate(store):
    original_id, _ = store.save_item(CHINESE, source="xznmx")
    reworded = {**CHINESE, "url": "http://www.hangzhou.gov.cn/art/2022/3/16/art_1.html",
                "text": "杭州日报讯 记者从市援藏办获悉，工作组当天研究了新一年的项目安排和资金计划。",
                "published": "2022-03-16T09:00:00+08:00"}
    assert store.item(store.save_item(reworded, source="hz_news")[0])["duplicate_of"] == original_id


def test_no_duplicate_from_the_same_source_another_language_or_outside_three_days(store):
    store.save_item(ARTICLE, source="zj_news")
    same_source = {**MIRROR, "url": "http://english.zj.gov.cn/art/2018/8/18/copy.html"}
    late = {**MIRROR, "url": "http://en.sx.gov.cn/late.html", "published": "2018-08-25T09:00:00+08:00"}
    other_language = {**MIRROR, "url": "http://en.sx.gov.cn/fr.html", "language": "fr"}
    undated = {**MIRROR, "url": "http://en.sx.gov.cn/undated.html", "published": None}
    ids = [store.save_item(same_source, source="zj_news")[0], store.save_item(late, source="sx_hotnews")[0],
           store.save_item(other_language, source="sx_fr")[0], store.save_item(undated, source="sx_x")[0]]
    assert [store.item(id)["duplicate_of"] for id in ids] == [None, None, None, None]


# -- sources, runs, failures, health --------------------------------------------

def test_save_source_stores_json_start_urls_and_keeps_added(store):
    store.save_source("zj_news", title="Zhejiang NEWS", profile="hanweb", start_urls=["http://x/"], now=T1)
    store.save_source("zj_news", title="Zhejiang News", now=T2)
    row = store.db["sources"].get("zj_news")
    assert row["start_urls"] == '["http://x/"]' and row["title"] == "Zhejiang News" and row["added"] == T1
    with pytest.raises(StoreError, match="sources has no column colour"):
        store.save_source("zj_news", colour="red")


def test_record_run_and_failure_store_their_fields(store):
    store.save_source("zj_news", title="Zhejiang NEWS")
    run_id = store.record_run("zj_news", T1, T2, pages=20, new=3, updated=1, unchanged=5, failed=2, status="finished")
    assert store.db["crawl_runs"].get(run_id) == {
        "id": run_id, "source": "zj_news", "started": T1, "finished": T2, "pages": 20, "new": 3, "updated": 1,
        "unchanged": 5, "failed": 2, "status": "finished", "links": None, "not_modified": None,
        "listing_complete": None, "error": None}
    assert store.db["sources"].get("zj_news")["last_run"] == T2
    store.record_failure("zj_news", "http://x/a.html", "no publication date", kind="date", now=T1, run_started=T1)
    assert store.failures("zj_news") == [{"id": 1, "url": "http://x/a.html", "source": "zj_news",
                                          "reason": "no publication date", "kind": "date", "time": T1,
                                          "run_started": T1}]


def test_source_health_shows_the_last_run_and_its_failures_by_kind(store):
    store.save_source("zj_news", title="Zhejiang NEWS", profile="hanweb", start_urls=["http://x/"])
    store.save_item(ARTICLE, source="zj_news", now=T1)
    store.record_failure("zj_news", "http://x/old.html", "HTTP 500", kind="http", now=T1, run_started=T1)
    store.record_run("zj_news", T1, "2026-01-01T00:05:00+00:00", pages=9, failed=1)
    for url, kind in [("a", "date"), ("b", "date"), ("c", "body")]:
        store.record_failure("zj_news", f"http://x/{url}.html", f"no {kind}", kind=kind, now=T2, run_started=T2)
    store.record_failure("zj_news", "http://x/d.html", "HTTP 404", kind="http", now="2026-01-02T00:01:00+00:00")
    store.record_run("zj_news", T2, "2026-01-02T00:05:00+00:00", pages=20, new=1, failed=4, status="finished")
    store.save_item(CHINESE, source="xznmx")
    health = {row["source"]: row for row in store.source_health()}
    zj = health["zj_news"]
    assert zj["items"] == 1 and zj["newest"] == ARTICLE["published"] and zj["last_added"] == T1
    assert {key: zj["last_run"][key] for key in ("started", "pages", "new", "failed", "status")} == {
        "started": T2, "pages": 20, "new": 1, "failed": 4, "status": "finished"}
    assert zj["failures"] == {"body": 1, "date": 2, "http": 1}
    assert zj["last_failure"]["url"] == "http://x/d.html"
    assert health["xznmx"]["last_run"] is None and health["xznmx"]["failures"] == {}


def test_failed_pages_are_retried_with_backoff_until_stored_or_given_up(store):
    first = store.note_failed_page("zj_news", "http://x/a.html", kind="http", reason="HTTP 404", now=T1)
    assert first["attempts"] == 1 and first["next_attempt"] == T1  # the next crawl tries again at once
    store.note_failed_page("zj_news", ARTICLE["url"], kind="body", reason="no body", fetch_url="http://w/x", now=T1)
    assert store.due_retries("zj_news", now=T1) == ["http://x/a.html", "http://w/x"]
    store.save_item(ARTICLE, source="zj_news", now=T1)  # stored at last: no longer a failed page
    assert store.due_retries("zj_news", now=T1) == ["http://x/a.html"]
    second = store.note_failed_page("zj_news", "http://x/a.html", kind="http", reason="HTTP 404", now=T1)
    assert second["next_attempt"] == "2026-01-01T01:00:00+00:00" and second["first_failed"] == T1
    assert store.due_retries("zj_news", now=T1) == []
    for _ in range(8):
        last = store.note_failed_page("zj_news", "http://x/a.html", kind="http", reason="HTTP 404", now=T1)
    assert last["attempts"] == 10 and last["given_up"] == 1
    assert store.due_retries("zj_news", now="2027-01-01T00:00:00+00:00") == []
    assert store.due_retries("zj_news", now="2027-01-01T00:00:00+00:00", include_given_up=True) == ["http://x/a.html"]
    assert store.source_health()[0]["given_up"] == 1


# -- errors ---------------------------------------------------------------------

def test_a_file_that_is_not_a_database_gives_one_clear_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some text, not SQLite\n" * 100)
    with pytest.raises(StoreError, match=r"notes\.db: .*not a SQLite database") as raised:
        Store(path)
    assert "\n" not in str(raised.value)
    assert path.read_text().startswith("just some text")  # left alone


def test_a_folder_or_a_missing_folder_gives_one_clear_error(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        Store(tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "no" / "such" / "coopfeed.db")


def test_sqlite_errors_later_become_store_errors_naming_the_file(store):
    store.close()
    with pytest.raises(StoreError, match="coopfeed.db"):
        store.save_item(ARTICLE, source="zj_news")


def test_an_article_without_url_is_refused(store):
    with pytest.raises(StoreError, match="without a url"):
        store.save_item({**ARTICLE, "url": ""}, source="zj_news")


def test_a_copy_re_pointed_as_a_duplicate_leaves_multi_source_topics_at_the_next_assignment(store):
    from feeds.membership import assign_topics
    from feeds.topics import builtin_topics

    topics = builtin_topics({"zj_news": "Zhejiang", "sx_hotnews": "Shaoxing"})
    mirror_id, _ = store.save_item(MIRROR, source="sx_hotnews", now=T1)  # the later copy arrives first
    assign_topics(store, topics, now=T1)
    assert store.db.execute("select topic from item_topics where item_id = ?", [mirror_id]).fetchall() == [
        ("all",), ("source-sx_hotnews",)]
    original_id, _ = store.save_item(ARTICLE, source="zj_news", now=T2)  # the earlier copy, in a later crawl
    assert store.item(mirror_id)["duplicate_of"] == original_id and store.item(mirror_id)["changed"] == T2
    assign_topics(store, topics, now=T3)  # incremental: only rows changed since T1
    members = {row[0] for row in store.db.execute("select item_id from item_topics where topic = 'all'")}
    assert members == {original_id}
    assert store.db.execute("select topic from item_topics where item_id = ?", [mirror_id]).fetchall() == [
        ("source-sx_hotnews",)]


def test_seeing_an_article_again_does_not_touch_the_full_text_index(store):
    store.save_item(ARTICLE, source="zj_news", now=T1)
    segments = store.db.execute("select count(*) from items_fts_data").fetchone()
    assert store.save_item(ARTICLE, source="zj_news", now=T2)[1] == "unchanged"
    assert store.db.execute("select count(*) from items_fts_data").fetchone() == segments
    store.save_item({**ARTICLE, "text": ARTICLE["text"] + " Twelve farms."}, source="zj_news", now=T3)
    assert store.db.execute("select count(*) from items_fts_data").fetchone() != segments
    assert titles(store.search("Twelve farms")) == [ARTICLE["title"]]


def test_a_batch_saves_each_article_or_says_why_not(store):
    results = store.save_items([(ARTICLE, "zj_news", False), ({**ARTICLE, "url": ""}, "zj_news", False),
                                (CHINESE, "xznmx", False)], now=T1)
    assert [r[1] for r in results if isinstance(r, tuple)] == ["new", "new"]
    assert isinstance(results[1], StoreError) and "without a url" in str(results[1])
    assert store.db["items"].count == 2


def many(store, count: int, text: str, title: str = "Notice") -> list[str]:
    """``count`` items with ``text``, one day apart (the last is the newest); their ids, oldest first."""
    from datetime import datetime, timedelta, timezone

    start = datetime(2020, 1, 1, tzinfo=timezone(timedelta(hours=8)))
    batch = [({**ARTICLE, "url": f"http://x.cn/{title}/{n}.html", "title": f"{title} {n}", "text": text,
               "published": (start + timedelta(days=n)).isoformat()}, "zj_news", False) for n in range(count)]
    return [result[0] for result in store.save_items(batch, now=T1)]


def test_a_two_character_chinese_term_uses_the_pair_index_and_follows_edits(store):
    store.save_item(CHINESE, source="xznmx", now=T1)
    assert titles(store.search("援藏")) == [CHINESE["title"]]  # in the title and text: a pair of characters
    assert store.search("藏工")  # any pair, across word boundaries
    assert store.search("援工") == []
    store.save_item({**CHINESE, "title": "尼玛县召开会议", "text": "3月14日，尼玛县召开专题会议。"}, source="xznmx", now=T2)
    assert store.search("援藏") == [] and titles(store.search("专题")) == ["尼玛县召开会议"]
    assert store.db.execute("select count(*) from items_cjk").fetchone() == (1,)


def test_past_max_ranked_matches_results_come_newest_first_and_page(store, monkeypatch):
    import storage.search

    many(store, 30, "Zhejiang teachers in Sichuan villages.")
    monkeypatch.setattr(storage.search, "MAX_RANKED", 10)
    monkeypatch.setattr(storage.search, "FEW", 5)
    first = store.search("Sichuan", limit=10)
    published = [row["published"] for row in first]
    assert published == sorted(published, reverse=True) and len(first) == 10
    second = store.search("Sichuan", limit=10, offset=10)
    assert not {r["id"] for r in first} & {r["id"] for r in second} and len(second) == 10
    assert store.search("Sichuan", source="xznmx") == []  # a second condition: the set plan, still right
    assert [r["id"] for r in store.search("Sichuan teachers", limit=30)] == [r["id"] for r in
                                                                             store.search("Sichuan", limit=30)]


def test_the_topic_counts_kept_by_assignments_equal_a_count_of_the_rows(store):
    from feeds.membership import assign_topics
    from feeds.topics import parse_topics

    def counted() -> dict[str, int]:
        return dict(store.db.execute("select topic, count(*) from item_topics group by topic").fetchall())

    def topics(include: list[str]):
        return parse_topics([{"name": "rabbits", "include": include}], {"zj_news": "Zhejiang", "sx_hotnews": "Shaoxing"})

    store.save_item(MIRROR, source="sx_hotnews", now=T1)
    assert assign_topics(store, topics(["rabbits"]), now=T1) == counted()
    store.save_item(ARTICLE, source="zj_news", now=T2)  # the original: the mirror becomes its duplicate
    other = {**ARTICLE, "url": ARTICLE["url"].replace("2288150", "2288151"), "title": "Tea from Guizhou",
             "text": "Tea gardens in Guizhou. " * 30}
    store.save_item(other, source="zj_news", now=T2)
    assert assign_topics(store, topics(["rabbits"]), now=T2) == counted()
    store.save_item({**other, "text": other["text"] + " Rabbits too."}, source="zj_news", now=T3)  # now in
    assert assign_topics(store, topics(["rabbits"]), now=T3) == counted()
    assert assign_topics(store, topics(["tea"]), now=T3) == counted()  # a changed rule: counted again
    store.db.execute("update topic_rules set members = null")  # as a store from before counts were kept
    assert assign_topics(store, topics(["tea"]), now=T3) == counted()
    assert dict(store.db.execute("select topic, members from topic_rules").fetchall()) == {
        **{name: 0 for name in ("all", "source-zj_news", "source-sx_hotnews", "rabbits")}, **counted()}
