"""Shared fixtures: the replica served over real HTTP, crawls run as the user runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from coopfeed.demo import write_demo_config
from replica import Replica, ReplicaServer

ROOT = Path(__file__).resolve().parent.parent
#: The timeout the test configs give sources, and how long the replica's slow page sleeps.
TEST_TIMEOUT = 1.0
SLOW_SECONDS = 2.5


@dataclass
class CrawlResult:
    returncode: int
    stdout: str
    stderr: str


def run_coopfeed(*args: str, cwd: Path | None = None, timeout: float = 300) -> CrawlResult:
    """Run the ``coopfeed`` command line in a child process (a fresh Scrapy reactor each time)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "coopfeed", *args], capture_output=True, text=True,
                            cwd=cwd, env=env, timeout=timeout)
    return CrawlResult(result.returncode, result.stdout, result.stderr)


def copy_site(site, directory: Path, extra_config: str = "") -> tuple[Path, Path]:
    """A copy of a crawled site's store and configuration (plus ``extra_config``) in ``directory``."""
    db = directory / "copy.db"
    db.write_bytes(site.db.read_bytes())
    (directory / "topics.toml").write_bytes((site.config.parent / "topics.toml").read_bytes())
    config = directory / "sources.toml"
    config.write_text(site.config.read_text(encoding="utf-8") + extra_config, encoding="utf-8")
    return config, db


def get_when_served(url: str, seconds: float = 10) -> bytes | None:
    """The body at ``url`` once a server answers there (None if none did within ``seconds``)."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return urllib.request.urlopen(url, timeout=2).read()
        except OSError:
            time.sleep(0.2)
    return None


def write_config(directory: Path, base_url: str) -> Path:
    """The demo's sources.toml (+ topics.toml) for the served replica, with a short timeout."""
    path = write_demo_config(directory, base_url)
    text = path.read_text(encoding="utf-8").replace("timeout = 10.0", f"timeout = {TEST_TIMEOUT}")
    path.write_text(text.replace("[scrapy]", "[scrapy]\nRETRY_TIMES = 1"), encoding="utf-8")
    return path


class Site:
    """A replica being served, a config pointing at it and a store path."""

    def __init__(self, directory: Path, **replica_options):
        self.replica = Replica(**replica_options)
        self.server = ReplicaServer(self.replica).start()
        self.base_url = self.server.base_url
        self.config = write_config(directory, self.base_url)
        self.db = directory / "coopfeed.db"

    def crawl(self, *args: str) -> CrawlResult:
        return run_coopfeed("crawl", "--config", str(self.config), "--db", str(self.db), *args)

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def site(tmp_path):
    """A fresh replica (with its broken pages) for a test that changes it."""
    served = Site(tmp_path, faults=True, slow_seconds=SLOW_SECONDS)
    yield served
    served.stop()


@pytest.fixture(scope="session")
def crawled(tmp_path_factory):
    """One replica with faults, crawled once: (site, crawl result). Tests must not change it."""
    served = Site(tmp_path_factory.mktemp("crawled"), faults=True, slow_seconds=SLOW_SECONDS)
    result = served.crawl()
    served.crawl_requests = [target for _, target, _ in served.server.requests]  # before other tests fetch
    yield served, result
    served.stop()
