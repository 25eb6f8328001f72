"""Topic feeds built from a crawled replica: parsed by feedparser, checked against the truth."""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import parsedate_to_datetime

import feedparser
import pytest
import sqlite_utils

from conftest import copy_site, run_coopfeed
from feeds.entries import tag_uri
from replica.truth import expected_articles
from storage import item_id

REGIONS = ["sichuan", "guizhou", "hubei", "jilin", "xinjiang", "qinghai", "tibet", "chongqing"]
BASE = "http://127.0.0.1:8080/"


def build(site, out) -> str:
    result = run_coopfeed("feeds", "build", "--config", str(site.config), "--db", str(site.db),
                          "--out", str(out), "--base-url", BASE)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="session")
def built(crawled, tmp_path_factory):
    site, _ = crawled
    out = tmp_path_factory.mktemp("feeds")
    build(site, out)
    return site, out


def entry_time(text: str) -> datetime:
    """An Atom (RFC 3339) or RSS (RFC 822) date as an aware datetime."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return parsedate_to_datetime(text)


def guid(row: dict) -> str:
    return tag_uri("item", item_id(row["url"], row["language"], translated=row["translated"]))


def topic_names(out) -> list[str]:
    return sorted(path.stem for path in out.glob("*.rss"))


def expected_members(site, topic: str) -> set[str]:
    """GUIDs a topic must carry, from the replica's ground truth."""
    rows = expected_articles(site.replica, site.base_url)
    duplicate = "sx-sichuan-agreement"  # the later copy of a story zj_news published first
    if topic == "all":
        return {guid(r) for r in rows if r["key"] != duplicate}
    if topic.startswith("source-"):
        return {guid(r) for r in rows if r["source"] == topic[len("source-"):]}
    return {guid(r) for r in rows if topic in r["regions"] and r["key"] != duplicate}


def test_every_feed_of_every_topic_parses_without_error(built):
    _, out = built
    assert len(topic_names(out)) == 21  # 14 topics, all, 5 sources, health
    for name in topic_names(out):
        for suffix in ("rss", "atom"):
            parsed = feedparser.parse((out / f"{name}.{suffix}").read_bytes())
            assert parsed.bozo == 0, (name, suffix, parsed.get("bozo_exception"))
        feed = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        assert feed["version"] == "https://jsonfeed.org/version/1.1"


@pytest.mark.parametrize("topic", ["all", "source-zj_news", "source-xznmx_en", *REGIONS])
def test_feed_has_exactly_the_expected_items_times_and_guids(built, topic):
    site, out = built
    expected = {guid(r): r for r in expected_articles(site.replica, site.base_url)}
    members = expected_members(site, topic)
    for suffix in ("rss", "atom"):
        entries = feedparser.parse((out / f"{topic}.{suffix}").read_bytes()).entries
        assert {e.id for e in entries} == members, (topic, suffix)
        for entry in entries:
            truth = expected[entry.id]
            assert entry.title == truth["title"]
            assert entry.link == truth["url"]
            assert entry_time(entry.published) == datetime.fromisoformat(truth["published"])
    items = json.loads((out / f"{topic}.json").read_text(encoding="utf-8"))["items"]
    assert {item["id"] for item in items} == members
    for item in items:
        assert item["date_published"] == expected[item["id"]]["published"]


def test_entries_are_newest_first_with_zone_and_source_as_author(built):
    site, out = built
    entries = feedparser.parse((out / "source-xznmx.atom").read_bytes()).entries
    times = [e.published for e in entries]
    assert times == sorted(times, reverse=True) and all(t.endswith("+08:00") for t in times)
    assert {e.author for e in entries} == {"浙江在线", "那曲新闻网", "尼玛县人民政府: 援藏动态"}  # origin, else portal
    wordpress = feedparser.parse((out / "source-wttimes.rss").read_bytes()).entries
    assert all(e.author for e in wordpress)


def test_off_topic_article_is_in_all_but_in_no_region_topic(built):
    site, out = built
    row = next(r for r in expected_articles(site.replica, site.base_url) if r["key"] == "zj-lower-saxony")
    assert guid(row) in {e.id for e in feedparser.parse((out / "all.atom").read_bytes()).entries}
    for region in REGIONS:
        assert guid(row) not in {e.id for e in feedparser.parse((out / f"{region}.atom").read_bytes()).entries}


def test_categories_summary_and_full_content(built):
    site, out = built
    entries = feedparser.parse((out / "tibet.rss").read_bytes()).entries
    for entry in entries:
        assert "tibet" in [tag.term for tag in entry.tags] or "Tibet (Xizang)" in [tag.term for tag in entry.tags]
        assert entry.summary and entry.content[0].value.startswith("<p>")


def test_no_feed_carries_script_event_handlers_or_javascript_urls(built):
    _, out = built
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8")
        for bad in ("<script", "&lt;script", "onclick", "javascript:", "stealCookies"):
            assert bad not in text, (path.name, bad)


def test_control_character_still_yields_valid_xml(built):
    site, out = built
    row = next(r for r in expected_articles(site.replica, site.base_url) if r["key"] == "wt-alaer-textiles")
    for suffix in ("rss", "atom", "json"):
        data = (out / f"source-wttimes.{suffix}").read_bytes()
        assert b"\x0b" not in data
    entries = feedparser.parse((out / "source-wttimes.atom").read_bytes()).entries
    assert guid(row) in {e.id for e in entries}


def test_opml_and_index_list_every_topic(built):
    _, out = built
    opml = (out / "topics.opml").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in topic_names(out):
        assert f'xmlUrl="{BASE}{name}.rss"' in opml
        assert f'href="{BASE}{name}.atom"' in index and f'href="{BASE}{name}.json"' in index
    assert index.count('rel="alternate" type="application/atom+xml"') == 21
    assert "Zhejiang Doctors Open Heart Surgery Centre in Aksu" in index


def test_rebuild_without_changes_rewrites_nothing(built, tmp_path):
    site, out = built
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir()}
    stdout = build(site, out)
    assert "0 files written" in stdout
    assert before == {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir()}


def test_a_build_renders_only_feeds_whose_entries_changed_or_whose_files_are_gone(built, tmp_path):
    site, out = built
    folder = tmp_path / "copy"
    build(site, folder)
    (folder / "tibet.json").unlink()
    (folder / "all.rss").write_bytes(b"edited by hand")  # same entries: not rendered again, left alone
    stdout = build(site, folder)
    assert "1 files written" in stdout  # tibet.json (index.html and topics.opml: rendered, unchanged)
    assert (folder / "tibet.json").is_file() and (folder / "all.rss").read_bytes() == b"edited by hand"
    state = json.loads((folder / ".coopfeed-build").read_text())
    assert set(state) == {path.stem for path in folder.glob("*.rss")}


def test_guids_survive_recrawl_and_edit_and_only_changed_feeds_are_rewritten(site, tmp_path):
    out = tmp_path / "feeds"
    site.crawl()
    build(site, out)
    key = "wt-aksu-apples"
    url = site.base_url + site.replica.articles[key].path
    ids_before = {e.id for e in feedparser.parse((out / "all.atom").read_bytes()).entries}
    untouched = out / "source-xznmx.atom"
    untouched_state = (untouched.stat().st_mtime_ns, untouched.read_bytes())
    site.replica.edit_article(key, paragraphs=["Apples from Aksu now reach Ningbo in 40 hours."])
    assert site.crawl("--refresh").returncode == 0
    build(site, out)
    entries = feedparser.parse((out / "all.atom").read_bytes()).entries
    assert {e.id for e in entries} == ids_before
    edited = next(e for e in entries if e.link == url)
    assert "40 hours" in edited.content[0].value
    assert edited.updated_parsed > edited.published_parsed
    assert (untouched.stat().st_mtime_ns, untouched.read_bytes()) == untouched_state
    rows = list(sqlite_utils.Database(site.db).query("select count(*) n from items where url = ?", [url]))
    assert rows[0]["n"] == 1


def test_item_topics_are_stored_for_sql_users(built):
    site, _ = built
    db = sqlite_utils.Database(site.db)
    topics = {row["topic"] for row in db.query("select distinct topic from item_topics")}
    assert {"all", "tibet", "sichuan", "source-zj_news"} <= topics


def test_self_links_come_from_feeds_base_url_when_set_else_from_where_they_are_served(crawled, tmp_path):
    from coopfeed.publishing import publish, serving_url

    site, _ = crawled
    config, db = copy_site(site, tmp_path)
    publish(config, db, tmp_path / "a", serving_url("127.0.0.1", 9999))
    assert feedparser.parse((tmp_path / "a" / "all.atom").read_bytes()).feed.links[0].href == \
        "http://127.0.0.1:9999/all.atom"
    config.write_text(config.read_text(encoding="utf-8") + '\n[feeds]\nbase_url = "https://feeds.example.org/"\n',
                      encoding="utf-8")
    publish(config, db, tmp_path / "b", serving_url("0.0.0.0", 9999))
    assert feedparser.parse((tmp_path / "b" / "all.atom").read_bytes()).feed.links[0].href == \
        "https://feeds.example.org/all.atom"
    assert "0.0.0.0" not in serving_url("0.0.0.0", 8080) and serving_url("0.0.0.0", 8080).endswith(":8080/")
