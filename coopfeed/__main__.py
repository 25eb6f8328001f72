"""``python -m coopfeed``: the command line."""

from coopfeed.cli import main

main()
