"""Every user error of every command: one line on stderr, exit status 1, no traceback, nothing started."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
import sqlite_utils

from conftest import ROOT, run_coopfeed


def one_line_error(result, *expected: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1, result.stderr
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for text in expected:
        assert text in lines[0], lines[0]


@pytest.fixture
def taken_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_usage_error_is_one_line(tmp_path):
    one_line_error(run_coopfeed("nosuch"), "No such command 'nosuch'", "coopfeed --help")
    one_line_error(run_coopfeed("crawl", "--nosuch"), "No such option '--nosuch'", "coopfeed crawl --help")


@pytest.mark.parametrize("args", [["replica", "serve", "--port", "99999"], ["demo", "--port", "99999"],
                                  ["run", "--port", "70000"], ["serve", "--port", "99999"]])
def test_a_port_out_of_range_is_one_line(args):
    one_line_error(run_coopfeed(*args), "is not in the range 0<=x<=65535")


def test_replica_serve_on_a_port_in_use_is_one_line(taken_port):
    one_line_error(run_coopfeed("replica", "serve", "--port", str(taken_port)),
                   f"cannot serve the replica on port {taken_port}: Address already in use")


def test_run_on_a_port_in_use_says_so_before_crawling(site, taken_port, tmp_path):
    result = run_coopfeed("run", "--config", str(site.config), "--db", str(tmp_path / "x.db"), "--port",
                          str(taken_port), "--out", str(tmp_path / "out"))
    one_line_error(result, f"port {taken_port} on 127.0.0.1 is in use")
    assert not site.server.requests and not (tmp_path / "x.db").exists()


def test_demo_on_a_port_in_use_says_so_before_crawling(taken_port, tmp_path):
    one_line_error(run_coopfeed("demo", "--dir", str(tmp_path / "d"), "--port", str(taken_port)),
                   f"port {taken_port} on 127.0.0.1 is in use")
    assert not (tmp_path / "d" / "coopfeed.db").exists()


def test_serve_on_a_port_in_use_is_one_line(taken_port, tmp_path):
    one_line_error(run_coopfeed("serve", "--out", str(tmp_path), "--no-db", "--port", str(taken_port)),
                   f"port {taken_port} on 127.0.0.1 is in use: choose another with --port")


@pytest.mark.parametrize("args, expected", [
    (["--out", "no-such-folder"], "Directory 'no-such-folder' does not exist"),
    (["--workers", "0"], "0 is not in the range 1<=x<=64")])
def test_serve_with_a_bad_option_is_one_line(tmp_path, args, expected):
    one_line_error(run_coopfeed("serve", "--no-db", *args, cwd=tmp_path), expected, "coopfeed serve --help")


def test_serve_on_an_unknown_host_is_one_line(tmp_path):
    one_line_error(run_coopfeed("serve", "--out", str(tmp_path), "--no-db", "--host", "no-such-host.invalid"),
                   "cannot listen on no-such-host.invalid", "--host")


@pytest.mark.parametrize("content, expected", [
    (b"just text, not SQLite\n", "file is not a database"), (None, "no such table: items"),
    ("missing", "no such store")])
def test_serve_with_a_db_that_is_no_store_is_one_line(tmp_path, content, expected):
    db = tmp_path / "store.txt"
    if content is None:
        sqlite_utils.Database(db)["other"].insert({"x": 1})
    elif content != "missing":
        db.write_bytes(content)
    result = run_coopfeed("serve", "--out", str(tmp_path), "--db", str(db), "--port", "0", timeout=30)
    one_line_error(result, str(db), expected)
    assert result.stdout == ""  # nothing served


def test_run_with_a_bad_config_says_so_once(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[[source]]\nname = "x"\nprofile = "nosuch"\nstart_urls = ["http://127.0.0.1:9/"]\n')
    one_line_error(run_coopfeed("run", "--config", str(config), "--db", str(tmp_path / "x.db")),
                   "unknown profile 'nosuch'")


def test_feeds_build_into_a_python_package_is_refused(crawled, tmp_path):
    site, _ = crawled
    result = run_coopfeed("feeds", "build", "--config", str(site.config), "--db", str(site.db),
                          "--out", str(ROOT / "feeds"))
    one_line_error(result, "holds Python code", "choose another --out")
    assert not (ROOT / "feeds" / "all.rss").exists()


def test_a_regex_that_backtracks_without_end_is_one_line_not_a_hang(crawled, tmp_path):
    site, _ = crawled
    db = tmp_path / "copy.db"
    db.write_bytes(site.db.read_bytes())
    sqlite_utils.Database(db)["items"].insert({"id": "aaaa", "url": "http://x/a", "source": "wttimes",
                                               "title": "a", "text": "a" * 5000 + "!", "changed": "2030"})
    (tmp_path / "topics.toml").write_bytes((site.config.parent / "topics.toml").read_bytes())
    config = tmp_path / "sources.toml"
    config.write_text(site.config.read_text(encoding="utf-8") + '\n[[topic]]\nname = "slow"\ntitle = "Slow"\n'
                      'include_regex = ["(a|aa)+$"]\n', encoding="utf-8")
    result = run_coopfeed("feeds", "build", "--config", str(config), "--db", str(db), "--out", str(tmp_path / "o"),
                          timeout=60)
    one_line_error(result, "topic 'slow': its patterns took over 1 s", "rewrite them")


@pytest.mark.parametrize("args, expected", [
    ([], "spider 'hanweb' needs a source: scrapy crawl hanweb -a source=NAME"),
    (["-a", "source=nope"], "no source named 'nope'"),
    (["-a", "source=wttimes"], "source 'wttimes' has the profile 'wordpress'"),
])
def test_scrapy_crawl_with_a_missing_or_wrong_source_is_one_line(site, args, expected):
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "hanweb", *args, "-s",
                             f"COOPFEED_CONFIG={site.config}", "-s", f"COOPFEED_DB={site.db}"],
                            capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    one_line_error(result, expected)
