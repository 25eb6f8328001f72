"""What the benchmarks share: whole-process timing of a child (wall seconds, peak memory)
and the demo configuration with the throttle off.

The peak is the child's own high-water mark (``VmHWM`` in /proc/PID/status), sampled
every 10 ms until it exits. ``ru_maxrss`` from wait4 would not do: Linux carries the
parent's resident size over fork and exec, so every child would look at least as
large as the benchmark process that holds the replica.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLL_SECONDS = 0.01
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


def timed(command: list[str]) -> dict:
    """Run a command; wall seconds and peak resident memory (MiB) of the child."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    peak_kib = 0
    while process.poll() is None:
        peak_kib = max(peak_kib, _high_water_kib(process.pid))
        time.sleep(POLL_SECONDS)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command[:4])} failed")
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(peak_kib / 1024, 1)}


def _high_water_kib(pid: int) -> int:
    """The process's peak resident set size so far (kB), or 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0
