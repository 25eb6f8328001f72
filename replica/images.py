"""Tiny real image files (JPEG, GIF, PNG) for the pages' <img> tags."""

from __future__ import annotations

import base64

# A 1x1 white JPEG, a 1x1 transparent GIF and a 1x1 PNG: real, decodable files.
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8Q"
    "EBEQCgwSExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k=")
GIF = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII=")

BY_SUFFIX = {".jpg": (JPEG, "image/jpeg"), ".jpeg": (JPEG, "image/jpeg"), ".gif": (GIF, "image/gif"),
             ".png": (PNG, "image/png")}


def image_for(path: str) -> tuple[bytes, str] | None:
    """(bytes, content type) for an image path, by its suffix."""
    for suffix, found in BY_SUFFIX.items():
        if path.lower().endswith(suffix):
            return found
    return None
