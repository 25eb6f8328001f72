"""The error types every stage raises; the CLI turns each into one clear line."""


class CoopfeedError(Exception):
    """Base class: an error the user can act on, shown without a traceback."""


class ConfigError(CoopfeedError):
    """A configuration file is missing, unreadable or has a wrong key or value."""


class ExtractionError(CoopfeedError):
    """A page holds no usable article (no body, no title, not HTML)."""

    def __init__(self, message: str, field: str = "body"):
        super().__init__(message)
        #: The missing part ("body", "title"): the failure kind recorded for the page.
        self.field = field


class StoreError(CoopfeedError):
    """The SQLite store cannot be opened or written."""


class FeedError(CoopfeedError):
    """A feed cannot be built or written."""
