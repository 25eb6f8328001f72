"""What the benchmarks share: whole-process timing of a child (wall seconds, peak memory)
and the demo configuration with the throttle off.

Memory is that of the whole process tree (the crawl and its extraction workers): the
sum of their proportional set sizes (``Pss`` in /proc/PID/smaps_rollup: a page shared
by a forked worker and its parent counts once), sampled every 20 ms until the child
exits; the peak of that sum is reported. ``ru_maxrss`` from wait4 would not do: Linux
carries the parent's resident size over fork and exec, and it sees one process only.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLL_SECONDS = 0.02
#: The demo's topics file, as ``write_demo_config`` includes it.
TOPICS_INCLUDE = 'include = ["topics.toml"]'


def write_bench_config(work: Path, base_url: str, per_source: int, topics: bool = True) -> Path:
    """The demo configuration for the replica at ``base_url``, AutoThrottle off and ``per_source``
    requests at once per source (with ``topics=False``, without the topics file)."""
    from coopfeed.demo import write_demo_config

    config = write_demo_config(work, base_url)
    text = config.read_text().replace(
        "[scrapy]", f"[scrapy]\nAUTOTHROTTLE_ENABLED = false\nCONCURRENT_REQUESTS_PER_DOMAIN = {per_source}")
    config.write_text(text if topics else text.replace(TOPICS_INCLUDE, ""))
    return config


def timed(command: list[str], check: bool = True) -> dict:
    """Run a command; wall seconds and the peak memory (MiB) of its process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    peak_kib = 0
    while process.poll() is None:
        peak_kib = max(peak_kib, tree_pss_kib(process.pid))
        time.sleep(POLL_SECONDS)
    seconds = time.perf_counter() - started
    if check and process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command[:4])} failed")
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(peak_kib / 1024, 1)}


def tree_pss_kib(pid: int) -> int:
    """Proportional set size (kB) of a process and its descendants, or 0 once it is gone."""
    total = 0
    for member in (pid, *_descendants(pid)):
        try:
            with open(f"/proc/{member}/smaps_rollup", encoding="ascii") as rollup:
                total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except (OSError, StopIteration, ValueError):
            pass
    return total


def _descendants(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [grandchild for child in map(int, children) for grandchild in (child, *_descendants(child))]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


class RedisServer:
    """A real ``redis-server`` on a free port of 127.0.0.1, data in ``folder`` (append-only file, so that a
    restart keeps it; fsync once a second, Redis' default and the README's set-up: a stop by SIGTERM writes
    everything), stopped by its PID. ``url`` is its address."""

    def __init__(self, folder: Path, port: int = 0):
        self.folder = Path(folder)
        self.port = port or _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        import redis

        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "yes", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
