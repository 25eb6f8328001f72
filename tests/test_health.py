"""Sources that know they are broken: statuses, reasons, `coopfeed status` and the health feed."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import feedparser
import sqlite_utils

from conftest import ROOT, run_coopfeed
from storage.health import RunFacts, judge

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def runs_every(days: int, count: int) -> list[dict]:
    """Earlier runs, newest first, one every ``days`` days, each finding new articles."""
    return [{"started": (NOW - timedelta(days=days * (n + 1))).isoformat(), "new": 3, "links": 15}
            for n in range(count)]


# -- judge: numbers in, a status and a reason out ---------------------------------

def test_a_healthy_run_is_ok():
    assert judge(RunFacts(links=15, list_pages=2, stored=3, new=3), [], NOW).status == "ok"


def test_an_interrupted_run_is_not_judged():
    assert judge(RunFacts(status="interrupted"), [], NOW) is None


def test_lists_without_links_are_broken_and_say_what_they_had():
    verdict = judge(RunFacts(links=0, list_pages=1), runs_every(1, 3), NOW)
    assert verdict.status == "broken"
    assert verdict.reason == ("its list pages show no article links (last time: 15): a wrong profile, "
                              "or the site's layout changed")


def test_every_list_page_failing_or_every_article_failing_is_broken():
    assert judge(RunFacts(list_pages=1, list_failed=1, list_error="HTTP 500"), [], NOW).reason == \
        "its list page failed (HTTP 500)"
    verdict = judge(RunFacts(links=10, list_pages=1, failures={"body": 9, "http": 1}), [], NOW)
    assert (verdict.status, verdict.reason) == ("broken", "all 10 article pages failed (body 9, http 1)")


def test_some_failures_drift_or_missing_dates_are_degraded():
    verdict = judge(RunFacts(links=10, list_pages=3, list_failed=1, list_error="timeout", stored=8,
                             failures={"http": 1}, problems={"layout": 2, "date": 5}), [], NOW)
    assert verdict.status == "degraded"
    assert verdict.reason == ("1 of 3 list pages failed (timeout); 1 of 9 article pages failed (http 1); "
                              "2 articles read without the profile's body container (layout changed?); "
                              "no usable date on 5 of 8 articles")


def test_no_new_article_for_four_usual_intervals_is_degraded():
    quiet = RunFacts(links=15, list_pages=1)
    assert judge(quiet, [], NOW).status == "ok"  # no history: no usual interval yet
    history = [{"started": (NOW - timedelta(days=d)).isoformat(), "new": 2, "links": 15} for d in (5, 6, 7, 8)]
    verdict = judge(quiet, history, NOW)
    assert (verdict.status, verdict.reason) == ("degraded", "no new article for 5 days (usually one every 24 hours)")
    assert judge(quiet, history, NOW - timedelta(days=2)).status == "ok"


# -- whole crawls ------------------------------------------------------------------

def test_a_source_with_the_wrong_profile_is_broken_in_status_and_in_the_health_feed(site, tmp_path):
    config = site.config.read_text(encoding="utf-8")
    hanweb = 'title = "Shaoxing: Hot News"\nprofile = "hanweb"'
    assert hanweb in config
    site.config.write_text(config.replace(hanweb, hanweb.replace("hanweb", "trs")), encoding="utf-8")
    result = site.crawl("sx_hotnews", "wttimes")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: broken: sx_hotnews (its list pages show no article links: a wrong profile, "
        "or the site's layout changed)")
    status = run_coopfeed("status", "--db", str(site.db))
    assert status.returncode == 1 and status.stderr.strip() == "Error: broken: sx_hotnews"
    assert "sx_hotnews: broken (its list pages show no article links" in status.stdout
    assert "wttimes: degraded (1 of 10 article pages failed (http 1))" in status.stdout
    out = tmp_path / "feeds"
    assert run_coopfeed("feeds", "build", "--config", str(site.config), "--db", str(site.db),
                        "--out", str(out)).returncode == 0
    entries = feedparser.parse((out / "health.atom").read_bytes()).entries
    titles = sorted(entry.title for entry in entries)
    assert titles[0].startswith("Shaoxing: Hot News is broken: its list pages show no article links")
    assert titles[1].startswith("WT Times is degraded")
    assert all(entry.link.startswith(site.base_url) for entry in entries)
    assert 'xmlUrl="http://127.0.0.1:8080/health.rss"' in (out / "topics.opml").read_text(encoding="utf-8")
    health = json.loads((out / "health.json").read_text(encoding="utf-8"))
    assert len(health["items"]) == 2


def test_a_layout_change_breaks_a_source_and_the_repair_makes_it_ok_again(site):
    assert site.crawl("zj_news").returncode == 0
    site.replica.drift.add("zj")
    broken = site.crawl("zj_news")
    assert broken.returncode == 1 and "zj_news (its list pages show no article links (last time: 17)" in broken.stderr
    site.replica.drift.clear()
    site.replica.fix_faults()
    assert site.crawl("zj_news").returncode == 0
    db = sqlite_utils.Database(site.db)
    changes = [(row["previous"], row["status"]) for row in db.query("select * from health_events order by id")]
    assert changes == [("ok", "degraded"), ("degraded", "broken"), ("broken", "ok")]
    assert db["sources"].get("zj_news")["status"] == "ok"


def test_a_spider_exception_is_a_recorded_parse_failure_and_counted(site, tmp_path):
    script = f"""
import sys
from crawler.run import crawl, crawl_settings
from crawler.sources import load_sources
from crawler.spiders.wordpress import WordPressSpider
import crawler.run

class Broken(WordPressSpider):
    def parse_listing(self, response):
        raise TypeError("'HtmlResponse' object is not subscriptable")

crawler.run.SPIDERS["wordpress"] = "__main__.Broken"
source = load_sources({str(site.config)!r})["wttimes"]
[summary] = crawl([source], crawl_settings({str(site.db)!r}, {str(site.config)!r}))
print(summary.failed, summary.health, summary.reason)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.stdout.strip().startswith("1 broken its list page failed (spider error: TypeError")
    assert "Traceback" not in result.stderr
    [row] = sqlite_utils.Database(site.db)["failures"].rows
    assert row["kind"] == "parse" and row["reason"].startswith("list page: spider error: TypeError")


def test_articles_read_without_their_template_make_a_source_degraded_with_the_reason(site):
    site.replica.fix_faults()
    site.replica.drift.add("zj:articles")
    result = site.crawl("zj_news")
    assert result.returncode == 0 and "zj_news: 17 new" in result.stdout
    row = sqlite_utils.Database(site.db)["sources"].get("zj_news")
    assert row["status"] == "degraded"
    assert row["status_reason"] == ("17 articles read without the profile's body container (layout changed?)")
    kinds = {r["kind"] for r in sqlite_utils.Database(site.db)["failures"].rows}
    assert kinds == {"layout"}
