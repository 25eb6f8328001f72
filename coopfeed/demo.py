"""``coopfeed demo``: the replica, a crawl of every demo source, and (later) the feeds.

The demo writes its own ``sources.toml`` pointing at the replica it starts
on a free port of 127.0.0.1, so nothing leaves the machine.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crawler.run import RunSummary, crawl_in_child

#: Demo sources: (name, title, profile, language) per replica start URL key.
DEMO_SOURCES = (
    ("zj_news", "Zhejiang Provincial People's Government: NEWS", "hanweb", "en"),
    ("sx_hotnews", "Shaoxing: Hot News", "hanweb", "en"),
    ("wttimes", "WT Times", "wordpress", "en"),
    ("xznmx", "尼玛县人民政府: 援藏动态", "trs", "zh"),
    ("xznmx_en", "Nima County: Tibet-aid news (machine translation)", "trs", "en"),
)


def start_replica(port: int = 0, synthetic: int = 0, faults: bool = False):
    """Start the replica web on 127.0.0.1 in a background thread; returns the running server."""
    from replica.server import ReplicaServer
    from replica.site import Replica

    server = ReplicaServer(Replica(synthetic=synthetic, faults=faults), port=port)
    server.start()
    return server


def replica_sources_toml(base_url: str, topics_file: str | None = None) -> str:
    """A sources.toml for the replica served at ``base_url`` (fast settings for loopback)."""
    from replica.truth import start_urls

    urls = start_urls(base_url)
    lines = ["# Demo sources: the coopfeed replica served at " + base_url, ""]
    if topics_file:
        lines += [f'include = ["{topics_file}"]', ""]
    lines += ["[defaults]", "download_delay = 0.0", "timeout = 10.0", 'schedule = "*/15 * * * *"', "",
              "[scrapy]", "AUTOTHROTTLE_START_DELAY = 0.0", "AUTOTHROTTLE_MAX_DELAY = 1.0", ""]
    for name, title, profile, language in DEMO_SOURCES:
        lines += ["[[source]]", f'name = "{name}"', f'title = "{title}"', f'profile = "{profile}"',
                  "start_urls = [" + ", ".join(f'"{url}"' for url in urls[name]) + "]",
                  f'language = "{language}"', ""]
    return "\n".join(lines)


def run_demo(directory: Path, *, once: bool, port: int, synthetic: int = 0,
             echo: Callable[[str], None] = print) -> list[RunSummary]:
    """Start the replica, write the demo config, crawl everything into ``directory/coopfeed.db``."""
    directory.mkdir(parents=True, exist_ok=True)
    server = start_replica(port=0, synthetic=synthetic)
    try:
        echo(f"replica: {server.base_url}/")
        config = directory / "sources.toml"
        config.write_text(replica_sources_toml(server.base_url), encoding="utf-8")
        db_path = directory / "coopfeed.db"
        summaries = crawl_in_child(config, db_path)
        echo(f"store: {db_path} (try: coopfeed search 'Sichuan' --db {db_path})")
        if not once:
            echo("serving the replica; press Ctrl-C to stop")
            _wait()
        return summaries
    finally:
        server.stop()


def _wait() -> None:
    import time

    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
