"""Existing RSS feeds as sources: entries land beside crawled articles, never twice."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlite_utils

from conftest import run_coopfeed
from replica.truth import expected_articles


def feed_config(site, fetch_full: str) -> str:
    return (f'[defaults]\ndownload_delay = 0.0\ntimeout = 5.0\n[scrapy]\nAUTOTHROTTLE_START_DELAY = 0.0\n'
            f'[[source]]\nname = "wt_feed"\nprofile = "feed"\nstart_urls = ["{site.base_url}/wttimes/feed/"]\n'
            f'language = "en"\nfetch_full = "{fetch_full}"\n'
            f'[[source]]\nname = "wttimes"\nprofile = "wordpress"\nstart_urls = ["{site.base_url}/wttimes/"]\n'
            f'language = "en"\n')


def rows(db) -> list[dict]:
    return list(sqlite_utils.Database(db)["items"].rows)


def test_feed_entries_become_items_with_their_own_content_and_dates(site, tmp_path):
    config = tmp_path / "feed.toml"
    config.write_text(feed_config(site, "never"), encoding="utf-8")
    db = tmp_path / "feed.db"
    result = run_coopfeed("crawl", "wt_feed", "--config", str(config), "--db", str(db))
    assert result.returncode == 0 and "Traceback" not in result.stderr
    posts = [a for a in site.replica.listing("wttimes")][:10]
    stored = {row["url"]: row for row in rows(db)}
    assert len(stored) == len(posts)
    shanghai = ZoneInfo("Asia/Shanghai")
    for post in posts:
        row = stored[site.base_url + post.path]
        assert row["title"] == post.title and row["source"] == "wt_feed"
        assert row["published"] == post.published.replace(tzinfo=shanghai).isoformat()
        assert row["text"] == "\n\n".join(post.paragraphs)
    assert not [p for p in site.server.fetched() if p.startswith("/wttimes/20")]  # no page fetched


def test_a_page_found_by_feed_and_by_crawl_is_stored_once(site, tmp_path):
    config = tmp_path / "feed.toml"
    config.write_text(feed_config(site, "always"), encoding="utf-8")
    db = tmp_path / "feed.db"
    assert run_coopfeed("crawl", "wt_feed", "--config", str(config), "--db", str(db)).returncode == 0
    result = run_coopfeed("crawl", "wttimes", "--config", str(config), "--db", str(db))
    expected = [r for r in expected_articles(site.replica, site.base_url) if r["source"] == "wttimes"]
    stored = rows(db)
    assert len(stored) == len(expected)
    assert sorted(r["url"] for r in stored) == sorted(r["url"] for r in expected)
    by_url = {r["url"]: r for r in stored}
    for row in expected:  # fetched pages were extracted like the crawl would
        assert by_url[row["url"]]["text"] == row["text"]
    assert "wttimes: 0 new" in result.stdout
