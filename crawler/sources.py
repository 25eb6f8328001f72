"""Sources: what to crawl, declared in TOML and validated once at load.

Example entry (see ``sources.toml``)::

    [[source]]
    name = "zj_news"
    profile = "hanweb"
    start_urls = ["https://english.zj.gov.cn/col/col5798/index.html"]
    language = "en"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from coopfeed.errors import ConfigError
from coopfeed.tomlfile import read_config

PROFILES = ("hanweb", "wordpress", "trs", "generic", "feed")
SELECTOR_KEYS = ("title", "body", "date", "origin", "editor", "author", "remove", "links")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

#: Keys a [[source]] entry (or the [defaults] table) may hold, with their defaults.
DEFAULTS: dict[str, Any] = {
    "title": "",
    "language": None,
    "timezone": "Asia/Shanghai",
    "schedule": "0 */6 * * *",
    "selectors": {},
    "max_list_pages": 0,
    "download_delay": 1.0,
    "timeout": 30.0,
    "enabled": True,
    "fetch_full": "auto",
    "max_download_mb": 20.0,
    "max_extract_mb": 5.0,
    "extract_timeout": 20.0,
    "max_redirects": 10,
}


@dataclass(frozen=True)
class Source:
    """One site (or feed) to crawl and how to read it."""

    name: str
    profile: str
    start_urls: tuple[str, ...]
    title: str = ""
    language: str | None = None
    timezone: str = "Asia/Shanghai"
    schedule: str | None = "0 */6 * * *"
    selectors: dict[str, Any] = field(default_factory=dict)
    max_list_pages: int = 0
    download_delay: float = 1.0
    timeout: float = 30.0
    enabled: bool = True
    fetch_full: str = "auto"
    #: Budgets: a bigger download (compressed or inflated), a bigger page to extract, a slower
    #: extraction, a longer redirect chain is a recorded failure of that page.
    max_download_mb: float = 20.0
    max_extract_mb: float = 5.0
    extract_timeout: float = 20.0
    max_redirects: int = 10

    @property
    def allowed_hosts(self) -> set[str]:
        """Hosts of the start URLs: the spider stays on them."""
        return {urlsplit(url).hostname or "" for url in self.start_urls}

    def as_row(self) -> dict[str, Any]:
        """The columns of the ``sources`` table."""
        return {
            "title": self.title or self.name,
            "profile": self.profile,
            "start_urls": list(self.start_urls),
            "language": self.language,
            "timezone": self.timezone,
            "schedule": self.schedule,
        }


def load_sources(path: str | Path) -> dict[str, Source]:
    """Read every source of a configuration file, in file order."""
    config = read_config(path)
    return parse_sources(config["source"], config["defaults"])


def find_source(config_path: str | Path, name: str | None, profile: str | None = None) -> Source:
    """The source ``name`` of a configuration (of ``profile``, when given); ConfigError naming the fix."""
    if not name:
        raise ConfigError(f"spider {profile!r} needs a source: scrapy crawl {profile} -a source=NAME")
    sources = load_sources(config_path)
    if name not in sources:
        raise ConfigError(f"{config_path}: no source named {name!r} (known: {', '.join(sources) or 'none'})")
    if profile and sources[name].profile != profile:
        raise ConfigError(f"{config_path}: source {name!r} has the profile {sources[name].profile!r}: "
                          f"scrapy crawl {sources[name].profile} -a source={name}")
    return sources[name]


def parse_sources(entries: list[dict], defaults: dict | None = None) -> dict[str, Source]:
    """Validate raw ``[[source]]`` tables; errors name the file, the source and the key."""
    defaults = {**DEFAULTS, **_check_defaults(defaults or {})}
    sources: dict[str, Source] = {}
    for entry in entries:
        source = _parse_one(entry, defaults)
        if source.name in sources:
            raise ConfigError(f"{entry.get('_file')}: source {source.name!r} is declared twice")
        sources[source.name] = source
    return sources


def _check_defaults(defaults: dict) -> dict:
    unknown = sorted(set(defaults) - set(DEFAULTS))
    if unknown:
        raise ConfigError(f"[defaults]: unknown key {unknown[0]!r} (allowed: {', '.join(DEFAULTS)})")
    return defaults


def _parse_one(entry: dict, defaults: dict) -> Source:
    where = f"{entry.get('_file', 'config')}: source {entry.get('name', '?')!r}"
    values = {**defaults, **{k: v for k, v in entry.items() if k != "_file"}}
    allowed = {"name", "profile", "start_urls", *DEFAULTS}
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
    name = _require(values, "name", str, where)
    if not NAME_RE.match(name):
        raise ConfigError(f"{where}: name must be lowercase letters, digits, '_' or '-'")
    profile = _require(values, "profile", str, where)
    if profile not in PROFILES:
        raise ConfigError(f"{where}: unknown profile {profile!r} (expected one of {', '.join(PROFILES)})")
    return Source(
        name=name,
        profile=profile,
        start_urls=_start_urls(values, where),
        title=str(values["title"]),
        language=values["language"],
        timezone=_timezone(values["timezone"], where),
        schedule=_schedule(values["schedule"], where),
        selectors=_selectors(values["selectors"], where),
        max_list_pages=_number(values, "max_list_pages", int, where),
        download_delay=_number(values, "download_delay", float, where),
        timeout=_number(values, "timeout", float, where),
        enabled=bool(values["enabled"]),
        fetch_full=_fetch_full(values["fetch_full"], where),
        max_download_mb=_positive(values, "max_download_mb", float, where),
        max_extract_mb=_positive(values, "max_extract_mb", float, where),
        extract_timeout=_positive(values, "extract_timeout", float, where),
        max_redirects=_number(values, "max_redirects", int, where),
    )


def _require(values: dict, key: str, kind: type, where: str) -> Any:
    if key not in values:
        raise ConfigError(f"{where}: missing required key {key!r}")
    if not isinstance(values[key], kind):
        raise ConfigError(f"{where}: {key!r} must be a {kind.__name__}")
    return values[key]


def _start_urls(values: dict, where: str) -> tuple[str, ...]:
    urls = values.get("start_urls")
    if isinstance(urls, str):
        urls = [urls]
    if not urls or not isinstance(urls, list):
        raise ConfigError(f"{where}: 'start_urls' must be a non-empty list of http(s) URLs")
    for url in urls:
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise ConfigError(f"{where}: start URL {url!r} is not an http(s) URL")
    return tuple(urls)


def _timezone(name: Any, where: str) -> str:
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: unknown timezone {name!r} (use an IANA name like 'Asia/Shanghai')") from None
    return str(name)


def _schedule(value: Any, where: str) -> str | None:
    if value in (None, "", False):
        return None
    try:
        CronTrigger.from_crontab(str(value))
    except ValueError:
        raise ConfigError(
            f"{where}: schedule {value!r} must be a 5-field cron expression like '0 */6 * * *'"
        ) from None
    return value


def _selectors(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'selectors' must be a table")
    unknown = sorted(set(value) - set(SELECTOR_KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown selector {unknown[0]!r} (allowed: {', '.join(SELECTOR_KEYS)})")
    if not value:
        return {}
    from crawler.extract.page import compile_selectors  # the extraction modules: only for overrides

    try:
        compile_selectors(value)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return dict(value)


def _number(values: dict, key: str, kind: type, where: str) -> Any:
    value = values[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{where}: {key!r} must be a number >= 0")
    return kind(value)


def _positive(values: dict, key: str, kind: type, where: str) -> Any:
    value = _number(values, key, kind, where)
    if not value:
        raise ConfigError(f"{where}: {key!r} must be a number > 0")
    return value


def _fetch_full(value: Any, where: str) -> str:
    value = {True: "always", False: "never"}.get(value, value)
    if value not in ("auto", "always", "never"):
        raise ConfigError(f"{where}: 'fetch_full' must be 'auto', 'always' or 'never'")
    return value
