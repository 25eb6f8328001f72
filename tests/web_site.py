"""A replica crawled with faults (one source given the wrong profile: broken), its feeds built, and
`coopfeed serve` serving them on a free port: what tests/test_web.py and tests/test_browser.py read."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import ROOT, SLOW_SECONDS, Site, run_coopfeed

#: sx_hotnews read with the TRS profile finds no article links: broken.
WRONG_PROFILE = ('title = "Shaoxing: Hot News"\nprofile = "hanweb"', 'title = "Shaoxing: Hot News"\nprofile = "trs"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebSite:
    """The replica, its crawled store and feeds, and `coopfeed serve` on ``self.url``."""

    def __init__(self, directory: Path):
        self.site = Site(directory, faults=True, slow_seconds=SLOW_SECONDS)
        config = self.site.config.read_text(encoding="utf-8")
        self.site.config.write_text(config.replace(*WRONG_PROFILE), encoding="utf-8")
        self.site.crawl()  # exit status 1: sx_hotnews is broken
        self.db = self.site.db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.out = directory / "public"
        built = run_coopfeed("feeds", "build", "--config", str(self.site.config), "--db", str(self.db),
                             "--out", str(self.out), "--base-url", self.url + "/")
        assert built.returncode == 0, built.stderr
        self.process = subprocess.Popen(
            [sys.executable, "-m", "coopfeed", "serve", "--out", str(self.out), "--db", str(self.db),
             "--port", str(self.port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).read()
                return
            except (OSError, urllib.error.URLError):
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"coopfeed serve did not answer: {self.stderr}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        _, self.stderr = self.process.communicate(timeout=30)
        self.site.stop()
