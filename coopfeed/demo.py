"""``coopfeed demo``: the replica, a crawl of every demo source, and (later) the feeds.

The demo writes its own ``sources.toml`` pointing at the replica it starts
on 127.0.0.1, so nothing leaves the machine. The replica's port is part of
every stored URL (and so of every item id): a demo folder keeps the port of
its first run (read back from its ``sources.toml``), so running the demo
again adds no row.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from coopfeed.crawling import crawl_child
from coopfeed.errors import CoopfeedError
from coopfeed.publishing import publish, serve_with_schedule, serving_url
from coopfeed.tomlfile import read_config
from crawler.run import RunSummary

DEFAULT_TOPICS = resources.files("feeds") / "default_topics.toml"
#: The replica's port on a demo folder's first run (a free one if it is taken).
REPLICA_PORT = 8800

#: Demo sources: (name, title, profile, language) per replica start URL key.
DEMO_SOURCES = (
    ("zj_news", "Zhejiang Provincial People's Government: NEWS", "hanweb", "en"),
    ("sx_hotnews", "Shaoxing: Hot News", "hanweb", "en"),
    ("wttimes", "WT Times", "wordpress", "en"),
    ("xznmx", "尼玛县人民政府: 援藏动态", "trs", "zh"),
    ("xznmx_en", "Nima County: Tibet-aid news (machine translation)", "trs", "en"),
)


#: The replica's hostile pages as sources (``coopfeed replica serve --hostile``).
HOSTILE_SOURCES = (
    ("hostile", "Hostile pages", "generic", "en"),
    ("hostile_feed", "Hostile feed", "feed", "en"),
)


def start_replica(port: int = 0, synthetic: int = 0, faults: bool = False, hostile: bool = False):
    """Start the replica web on 127.0.0.1 in a background thread; returns the running server.
    CoopfeedError (one line) when the port cannot be listened on."""
    from replica.server import ReplicaServer
    from replica.site import Replica

    try:
        server = ReplicaServer(Replica(synthetic=synthetic, faults=faults, hostile=hostile), port=port)
    except OSError as exc:
        raise CoopfeedError(f"cannot serve the replica on port {port}: {exc.strerror or exc}") from None
    server.start()
    return server


def replica_sources_toml(base_url: str, topics_file: str | None = None, hostile: bool = False) -> str:
    """A sources.toml for the replica served at ``base_url`` (fast settings for loopback); with
    ``hostile``, also the sources of its hostile pages."""
    from replica.truth import start_urls

    urls = start_urls(base_url, hostile=hostile)
    lines = ["# Demo sources: the coopfeed replica served at " + base_url, ""]
    if topics_file:
        lines += [f'include = ["{topics_file}"]', ""]
    lines += ["[defaults]", "download_delay = 0.0", "timeout = 10.0", 'schedule = "*/15 * * * *"', "",
              "[scrapy]", "AUTOTHROTTLE_START_DELAY = 0.0", "AUTOTHROTTLE_MAX_DELAY = 1.0", ""]
    for name, title, profile, language in DEMO_SOURCES + (HOSTILE_SOURCES if hostile else ()):
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


def replica_port(directory: Path) -> int:
    """The port the demo folder's replica used before (its stored URLs hold it), else REPLICA_PORT or a
    free one. CoopfeedError when the remembered port is taken."""
    config = directory / "sources.toml"
    remembered = _port_in(config)
    if remembered:
        if not port_is_free(remembered):
            raise CoopfeedError(f"port {remembered} is in use: {config} (and every stored article's URL) "
                                "points at the replica there; free it, or use another --dir")
        return remembered
    return REPLICA_PORT if port_is_free(REPLICA_PORT) else 0


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could listen on ``host:port`` now."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
            return True
        except OSError:
            return False


def _port_in(config: Path) -> int | None:
    """The port of the replica a demo ``sources.toml`` points at (its first start URL), if there is one."""
    if not config.exists():
        return None
    try:
        sources = read_config(config)["source"]
        return urlsplit(sources[0]["start_urls"][0]).port
    except (CoopfeedError, IndexError, KeyError, TypeError, ValueError):
        return None


def run_demo(directory: Path, *, once: bool, port: int, synthetic: int = 0,
             echo: Callable[[str], None] = print) -> list[RunSummary]:
    """Replica, crawl, feeds; then (without ``once``) serve them with scheduled re-crawls."""
    from served.server import listen

    directory.mkdir(parents=True, exist_ok=True)
    sock = None if once else listen("127.0.0.1", port)  # a busy port fails now, before the crawl
    try:
        return _run_demo(directory, sock or port, synthetic, echo)
    finally:
        if sock is not None:
            sock.close()


def _run_demo(directory: Path, serving: socket.socket | int, synthetic: int,
              echo: Callable[[str], None]) -> list[RunSummary]:
    """The demo once the feed server's socket is bound (``serving``), or with its port for self links."""
    sock = serving if isinstance(serving, socket.socket) else None
    server = start_replica(port=replica_port(directory), synthetic=synthetic)
    try:
        echo(f"replica: {server.base_url}/")
        config = write_demo_config(directory, server.base_url)
        db_path, out_dir = directory / "coopfeed.db", directory / "feeds"
        feed_url = serving_url("127.0.0.1", sock.getsockname()[1] if sock else serving)
        summaries = crawl_child(config, db_path)
        for summary in summaries:
            echo(summary.line())
        report = publish(config, db_path, out_dir, feed_url)
        echo(f"store: {db_path} (try: coopfeed search Sichuan --db {db_path})")
        echo(f"feeds: {out_dir}/ ({len(report.entries)} topics, {report.entries.get('all', 0)} articles in 'all')")
        if sock is not None:
            serve_with_schedule(config, db_path, out_dir, sock, echo=echo)
        return summaries
    finally:
        server.stop()
