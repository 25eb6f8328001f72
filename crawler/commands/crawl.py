"""``scrapy crawl <profile> -a source=NAME``: Scrapy's crawl command, with the source checked first.

A missing or unknown source (or one of another profile) is one ``Error:`` line
and exit status 1 instead of a traceback; the source's crawl lock is held, so
a ``scrapy crawl`` never runs beside a ``coopfeed crawl`` of the same source.
See https://docs.scrapy.org/en/latest/topics/commands.html#custom-project-commands
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl

from coopfeed.errors import CoopfeedError
from crawler.sources import find_source
from storage.locks import crawl_locks


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts) -> None:
        if len(args) != 1:
            super().run(args, opts)
            return
        try:
            source = find_source(self.settings.get("COOPFEED_CONFIG"), opts.spargs.get("source"), args[0])
            with crawl_locks(self.settings.get("COOPFEED_DB"), [source.name]):
                super().run(args, opts)
        except CoopfeedError as exc:
            print(f"Error: {exc}", file=sys.stderr)
            self.exitcode = 1
