"""The HTTP cache: one file per source on every dbm backend, conditional requests on --refresh.

Debian's own Python has gdbm (python3-gdbm), which locks its files: that is
the backend on most distribution Pythons, so the demo sources are crawled
with it too, in a virtual environment of /usr/bin/python3 (`bash .ci/run`
installs python3-gdbm and python3-venv).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlite_utils

from conftest import ROOT
from replica.truth import expected_articles
from storage.locks import state_dir

SYSTEM_PYTHON = Path("/usr/bin/python3")
DEBIAN_VENV = ROOT / ".venv-debian"


def summary_counts(stdout: str, name: str) -> dict[str, int]:
    line = next(line for line in stdout.splitlines() if line.startswith(name + ":"))
    return {label: int(number) for number, label in re.findall(r"(\d+) (new|unchanged|not modified)", line)}


@pytest.fixture(scope="session")
def debian_python() -> Path:
    """Debian's python3 (with gdbm) in a venv with coopfeed installed; built once, rebuilt when
    pyproject.toml changes."""
    check = subprocess.run([str(SYSTEM_PYTHON), "-c", "import dbm.gnu"], capture_output=True)
    if check.returncode != 0:
        pytest.fail("Debian's python3 with gdbm is needed: apt-get install python3-gdbm python3-venv "
                    "(bash .ci/run does it)")
    stamp = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    marker = DEBIAN_VENV / "coopfeed-pyproject.sha256"
    python = DEBIAN_VENV / "bin" / "python"
    if not marker.exists() or marker.read_text() != stamp:
        shutil.rmtree(DEBIAN_VENV, ignore_errors=True)
        subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", str(DEBIAN_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", str(ROOT)], check=True)
        marker.write_text(stamp)
    return python


@pytest.mark.parametrize("backend", ["dbm.gnu", "dbm.dumb", "crawler.sqlitedbm"])
def test_every_demo_source_stores_its_articles_and_refresh_revalidates(site, debian_python, backend, tmp_path):
    site.replica.fix_faults()
    config = tmp_path / "sources.toml"
    config.write_text(site.config.read_text(encoding="utf-8").replace(
        "[scrapy]", f'[scrapy]\nHTTPCACHE_DBM_MODULE = "{backend}"'), encoding="utf-8")
    db = tmp_path / "cache.db"

    def crawl(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(debian_python), "-m", "coopfeed", "crawl", "--config", str(config),
                               "--db", str(db), *args], capture_output=True, text=True, cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": ""})

    first = crawl()
    assert first.returncode == 0, first.stderr
    expected = expected_articles(site.replica, site.base_url)
    assert sqlite_utils.Database(db)["items"].count == len(expected)
    for source in ("zj_news", "sx_hotnews", "wttimes", "xznmx", "xznmx_en"):
        stored = sum(1 for row in expected if row["source"] == source)
        assert summary_counts(first.stdout, source)["new"] == stored
    files = sorted(path.name for path in (state_dir(db) / "httpcache").iterdir())
    assert {name.split(".db")[0] for name in files} == {"zj_news", "sx_hotnews", "wttimes", "xznmx", "xznmx_en"}
    site.server.requests.clear()
    refresh = crawl("--refresh")
    assert refresh.returncode == 0, refresh.stderr
    articles = [status for _, target, status in site.server.requests
                if re.search(r"/art/|/wttimes/20|t20\d{6}_", target)]
    assert articles == [304] * len(expected)  # every article page sent a validator and was not downloaded
    for source in ("zj_news", "wttimes", "xznmx"):
        counts = summary_counts(refresh.stdout, source)
        assert counts["unchanged"] == counts["not modified"] > 0


def test_a_changed_page_is_downloaded_again_on_refresh(site):
    site.crawl("wttimes")
    site.replica.edit_article("wt-haixi-solar", paragraphs=["The solar farm in Haixi paid its herders a second "
                                                            "dividend in December, twice as much as in June."])
    site.server.requests.clear()
    result = site.crawl("wttimes", "--refresh")
    assert "1 updated, 8 unchanged" in result.stdout and "8 not modified" in result.stdout
    statuses = [status for _, target, status in site.server.requests if "/wttimes/20" in target]
    assert statuses.count(200) == 1 and statuses.count(304) == 8  # only the edited page is downloaded


def test_a_damaged_cache_file_is_started_afresh_and_the_crawl_goes_on(site):
    assert site.crawl("wttimes").returncode == 0
    cache = state_dir(site.db) / "httpcache"
    for path in cache.glob("wttimes.db*"):
        path.write_bytes(b"\x00garbage" * 100)
    result = site.crawl("wttimes", "--refresh")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "HTTP cache" in result.stderr and "started a new one" in result.stderr
    assert "9 unchanged" in result.stdout
