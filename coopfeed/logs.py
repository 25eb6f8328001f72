"""Logging of the long-running commands (``run``, ``demo``): one line per record on stderr (and a file).

The scheduler logs one line per source per crawl; errors (a crawl process
that failed) are logged as errors. Other libraries stay at warnings.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from coopfeed.errors import ConfigError

LOGGERS = ("scheduler", "coopfeed", "crawler")
FORMAT = "%(asctime)s %(levelname)s %(message)s"


def setup_logging(log_file: str | Path | None = None) -> None:
    """Send the scheduler's and coopfeed's records to stderr and, if given, appended to ``log_file``."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        try:
            handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{log_file}: cannot write the log file: {exc.strerror or exc}") from None
    formatter = logging.Formatter(FORMAT, "%Y-%m-%d %H:%M:%S")
    for handler in handlers:
        handler.setFormatter(formatter)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.handlers = list(handlers)
        logger.propagate = False
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
