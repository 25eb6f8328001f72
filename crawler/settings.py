"""Scrapy settings for coopfeed: polite defaults for government portals.

Per-run values (the database, the configuration file) are set by
``crawler.run`` or on the ``scrapy crawl`` command line with ``-s``.
See https://docs.scrapy.org/en/latest/topics/settings.html
"""

BOT_NAME = "coopfeed"
SPIDER_MODULES = ["crawler.spiders"]
COMMANDS_MODULE = "crawler.commands"  # `scrapy crawl` checks -a source=NAME first
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "coopfeed/0.1 (+https://github.com/coopfeed/coopfeed; news feed builder)"
ROBOTSTXT_OBEY = True

# Politeness: few parallel requests per site, a delay that AutoThrottle adapts.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Items are stored one at a time (SQLite, one writer): Scrapy's default of 100
# parallel item tasks per response only costs event-loop time here.
CONCURRENT_ITEMS = 4
# Scrapy re-parses a generator callback's source on every response to warn about
# `return value` (its cache misses bound methods): a developer check, off in production.
WARN_ON_GENERATOR_RETURN_VALUE = False

DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
# Per-source limits (sources.toml: timeout, max_download_mb, max_redirects) override these.
# A page (compressed or inflated) over DOWNLOAD_MAXSIZE is a "too_large" failure; a redirect
# chain longer than REDIRECT_MAX_TIMES (or a loop) a "redirect" failure.
DOWNLOAD_MAXSIZE = 20_000_000
DOWNLOAD_WARNSIZE = 5_000_000
REDIRECT_MAX_TIMES = 10

# Revalidate pages with ETag / Last-Modified instead of downloading them again.
# "max-age=0" on every request: a cached page is never used unrevalidated (list
# pages change; a heuristic freshness from an old Last-Modified would hide them),
# and RFC2616Policy sends If-None-Match / If-Modified-Since. ("no-cache" would
# make the policy skip the validators: every page downloaded in full.)
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en,zh-CN;q=0.8,zh;q=0.7",
    "Cache-Control": "max-age=0",
}
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_DIR = "httpcache"
# One DBM file per source instead of six small files per page (measured: the file-per-page
# storage spent more time in open()/mkdir() than extraction did).
HTTPCACHE_STORAGE = "crawler.httpcache.SourceCacheStorage"
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "crawler.httpcache.CacheMiddleware": 900,
}
HTTPCACHE_IGNORE_HTTP_CODES = [301, 302, 303, 307, 308, 404, 410, 429, 500, 502, 503, 504]

ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
EXTENSIONS = {"crawler.extensions.RunRecorder": 500}
# Scrapy's extensions without those that are off here anyway (REMOTE_CONTROL_ENABLED and
# TELNETCONSOLE_ENABLED are False; no feed exports, no JOBDIR, no memory debugging): Scrapy imports an
# extension, even one set to None in EXTENSIONS, before it can say it is off, and the remote control
# alone imports aiohttp (0.09 s of every crawl's start-up).
EXTENSIONS_BASE = {
    "scrapy.extensions.corestats.CoreStats": 0,
    "scrapy.extensions.closespider.CloseSpider": 0,
    "scrapy.extensions.logcount.LogCount": 0,
    "scrapy.extensions.logstats.LogStats": 0,
    "scrapy.extensions.memusage.MemoryUsage": 0,
    "scrapy.extensions.throttle.AutoThrottle": 0,
}
# Warnings and errors only: a failed page is one WARNING line (`-s LOG_LEVEL=INFO` shows Scrapy's own log).
LOG_LEVEL = "WARNING"
LOG_FORMAT = "%(levelname)s: %(message)s"

REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"

# coopfeed's own settings.
COOPFEED_CRAWL_PROCESSES = -1  # crawl processes the sources are spread over; -1: one per core (at most one per source)
COOPFEED_EXTRACT_WORKERS = -1  # extraction worker processes; -1: one per core, 0: in the crawl process
COOPFEED_WORKER_MEMORY_MB = 1024  # memory a worker may use beyond its start; a page needing more is too_large
COOPFEED_CONFIG = "sources.toml"  # sources (and topics) configuration
COOPFEED_DB = "coopfeed.db"  # the SQLite store
COOPFEED_REFRESH = False  # re-fetch articles already stored (to catch edits)
COOPFEED_FULL_LISTING = False  # follow every list page even when one holds nothing new
