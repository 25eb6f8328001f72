"""``coopfeed demo``: the replica, a crawl of every demo source, and (later) the feeds.

The demo writes its own ``sources.toml`` pointing at the replica it starts
on a free port of 127.0.0.1, so nothing leaves the machine.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from coopfeed.publishing import publish, serve_with_schedule
from crawler.run import RunSummary, crawl_in_child

DEFAULT_TOPICS = resources.files("feeds") / "default_topics.toml"

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


def write_demo_config(directory: Path, base_url: str) -> Path:
    """``sources.toml`` for the replica and a copy of the default ``topics.toml`` beside it."""
    (directory / "topics.toml").write_text(DEFAULT_TOPICS.read_text(encoding="utf-8"), encoding="utf-8")
    config = directory / "sources.toml"
    config.write_text(replica_sources_toml(base_url, topics_file="topics.toml"), encoding="utf-8")
    return config


def run_demo(directory: Path, *, once: bool, port: int, synthetic: int = 0,
             echo: Callable[[str], None] = print) -> list[RunSummary]:
    """Replica, crawl, feeds; then (without ``once``) serve them with scheduled re-crawls."""
    directory.mkdir(parents=True, exist_ok=True)
    server = start_replica(port=0, synthetic=synthetic)
    try:
        echo(f"replica: {server.base_url}/")
        config = write_demo_config(directory, server.base_url)
        db_path, out_dir = directory / "coopfeed.db", directory / "feeds"
        feed_url = f"http://127.0.0.1:{port}/"
        summaries = crawl_in_child(config, db_path)
        report = publish(config, db_path, out_dir, base_url=feed_url)
        echo(f"store: {db_path} (try: coopfeed search Sichuan --db {db_path})")
        echo(f"feeds: {out_dir}/ ({len(report.entries)} topics, {report.entries.get('all', 0)} articles in 'all')")
        if once:
            return summaries
        serve_with_schedule(config, db_path, out_dir, port=port, echo=echo)
        return summaries
    finally:
        server.stop()
