"""coopfeed's Scrapy commands (``COMMANDS_MODULE``): ``scrapy crawl`` with a checked source."""
