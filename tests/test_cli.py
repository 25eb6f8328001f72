"""The command line as users run it: extract, search, status, and clear errors for bad input."""

from __future__ import annotations

import json
import urllib.request

import pytest
from click.testing import CliRunner

from coopfeed.cli import cli
from conftest import run_coopfeed
from replica.truth import expected_articles

KEYS = ["url", "title", "published", "author", "origin", "editor", "language", "text", "html"]


@pytest.fixture
def runner():
    return CliRunner()


def truth(site, key: str) -> dict:
    return next(r for r in expected_articles(site.replica, site.base_url) if r["key"] == key)


def test_extract_prints_one_json_object_per_input_in_order(crawled, tmp_path, runner):
    site, _ = crawled
    first, second = truth(site, "nmx-delegation-naqu"), truth(site, "zj-enshi-tea")
    page = tmp_path / "page.html"
    page.write_bytes(urllib.request.urlopen(first["url"]).read())  # a GBK page, charset only in <meta>
    result = runner.invoke(cli, ["extract", "--url", first["url"], str(page), second["url"]])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [list(row) for row in rows] == [KEYS, KEYS]
    for row, expected in zip(rows, (first, second)):
        for key in ("url", "title", "published", "author", "origin", "editor", "language", "text"):
            assert row[key] == expected[key], key


def test_extract_profile_option_and_bad_inputs(crawled, tmp_path, runner):
    site, _ = crawled
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><nav>menu</nav></body></html>")
    good = truth(site, "wt-haixi-solar")
    result = runner.invoke(cli, ["extract", "--profile", "wordpress", str(tmp_path / "missing.html"), str(empty),
                                 good["url"], site.base_url + "/zj/art/2018/1/1/art_5798_1.html"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert json.loads(lines[0])["error"].startswith("cannot read")
    assert "no article body" in json.loads(lines[1])["error"]
    assert json.loads(lines[2])["title"] == good["title"]
    assert json.loads(lines[3])["error"] == "HTTP 404 Not Found"
    assert "Traceback" not in result.output


def test_search_prints_matches_in_english_and_chinese(crawled):
    site, _ = crawled
    english = run_coopfeed("search", "Qiandongnan", "--db", str(site.db))
    assert english.returncode == 0 and "Long-Haired Rabbits Bring Income to Qiandongnan Villages" in english.stdout
    chinese = run_coopfeed("search", "援藏", "--db", str(site.db), "--json")
    titles = [json.loads(line)["title"] for line in chinese.stdout.splitlines()]
    assert "浙江援藏持续深化交往交流交融行动" in titles


def test_status_shows_each_source_and_its_failures(crawled):
    site, _ = crawled
    result = run_coopfeed("status", "--db", str(site.db))
    assert result.returncode == 0
    zj = next(line for line in result.stdout.splitlines() if line.startswith("zj_news:"))
    assert "15 items" in zj and "body 1" in zj and "http 1" in zj and "date 1" in zj


@pytest.mark.parametrize("config, message", [
    ('[[source]]\nname = "x"\nprofile = "hanwab"\nstart_urls = ["http://127.0.0.1:9/"]\n',
     "source 'x': unknown profile 'hanwab' (expected one of hanweb, wordpress, trs, generic, feed)"),
    ('[[source]]\nname = "x"\nprofile = "trs"\n', "source 'x': 'start_urls' must be a non-empty list"),
    ('[[source]]\nname = "x"\nprofile = "trs"\nstart_urls = ["ftp://h/"]\n', "is not an http(s) URL"),
    ('[[source]]\nname = "x"\nprofile = "trs"\nstart_urls = ["http://h/"]\nschedule = "daily"\n',
     "must be a 5-field cron expression"),
    ('[[source]]\nname = "x"\nprofile = "trs"\nstart_urls = ["http://h/"]\ntimezone = "Mars/Base"\n',
     "unknown timezone 'Mars/Base'"),
    ('[[source]]\nname = "x"\nprofile = "generic"\nstart_urls = ["http://h/"]\n[source.selectors]\nbody = "div[[["\n',
     "source 'x': selectors.body: 'div[[[' is not a valid CSS selector"),
    ('[[source]\nname = "x"\n', "not valid TOML"),
    ('[[topic]]\nname = "t"\ninclude_regex = ["("]\n', "topic 't': bad regular expression"),
])
def test_bad_config_gives_one_clear_line(tmp_path, config, message):
    path = tmp_path / "sources.toml"
    path.write_text(config, encoding="utf-8")
    command = "crawl" if "topic" not in config else "feeds"
    args = ["crawl", "--config", str(path), "--db", str(tmp_path / "x.db")] if command == "crawl" else [
        "feeds", "build", "--config", str(path), "--db", str(tmp_path / "x.db")]
    (tmp_path / "x.db").touch()
    result = run_coopfeed(*args)
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_missing_config_and_unknown_source(tmp_path, crawled):
    site, _ = crawled
    missing = run_coopfeed("crawl", "--config", str(tmp_path / "nope.toml"), "--db", str(tmp_path / "x.db"))
    assert missing.returncode == 1 and "nope.toml: no such configuration file" in missing.stderr
    unknown = run_coopfeed("crawl", "nosuch", "--config", str(site.config), "--db", str(tmp_path / "x.db"))
    assert unknown.returncode == 1 and "no source named 'nosuch'" in unknown.stderr


def test_search_needs_an_existing_store_and_feeds_an_output_folder_they_can_write(tmp_path, crawled):
    site, _ = crawled
    missing = run_coopfeed("search", "x", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 1 and "none.db: no such store" in missing.stderr
    assert not (tmp_path / "none.db").exists()
    (tmp_path / "afile").write_text("")
    out = tmp_path / "afile" / "feeds"
    result = run_coopfeed("feeds", "build", "--config", str(site.config), "--db", str(site.db), "--out", str(out))
    assert result.returncode == 1 and "cannot write the feed file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_unreachable_source_is_a_recorded_broken_source_not_a_crash(tmp_path):
    config = tmp_path / "sources.toml"
    config.write_text('[defaults]\ntimeout = 2.0\ndownload_delay = 0.0\n[scrapy]\nRETRY_TIMES = 0\n'
                      '[[source]]\nname = "gone"\nprofile = "generic"\nstart_urls = ["http://127.0.0.1:9/news/"]\n')
    result = run_coopfeed("crawl", "--config", str(config), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "gone: 0 new" in result.stdout and "connection refused" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: broken: gone (its list page failed (connection refused or failed))")
    status = run_coopfeed("status", "--db", str(tmp_path / "x.db"))
    assert status.returncode == 1 and "gone: broken (its list page failed" in status.stdout
    assert "fetch 1" in status.stdout


def test_a_store_that_is_not_sqlite_gives_one_clear_line(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not a database\n" * 50)
    result = run_coopfeed("search", "x", "--db", str(bad))
    assert result.returncode == 1 and "bad.db: not a usable SQLite store" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
