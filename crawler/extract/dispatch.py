"""``extract``: recognise the profile of a page (``auto``), run it, apply the shared rules."""

from __future__ import annotations

import re

from coopfeed.errors import ConfigError
from crawler.extract import generic, hanweb, trs, wordpress
from crawler.extract.agree import confirmed
from crawler.extract.article import Article
from crawler.extract.decode import decode_page
from crawler.extract.page import Found, Options, Page, assemble

PROFILES = {"hanweb": hanweb.extract, "wordpress": wordpress.extract, "trs": trs.extract,
            "generic": generic.extract}
#: Markup only these CMSs write, strongest first.
MARKUP_SIGNS = (
    ("hanweb", re.compile(r"ZJEG_RSS\.content|<\$\[信息内容\]>|name\s*=\s*['\"]?i_articleid\b", re.I)),
    ("trs", re.compile(r"\bTRS_Editor\b")),
    ("wordpress", re.compile(r"/wp-content/|/wp-includes/|class\s*=\s*['\"][^'\"]*\bentry-content\b|"
                             r"<meta[^>]+content\s*=\s*['\"]WordPress", re.I)),
)
#: Profiles recognised by their platform rather than by their article template.
PLATFORM_SIGNED = {"wordpress"}
#: Article addresses of each CMS: the page's own URL first, then links in the markup.
URL_SIGNS = (
    ("hanweb", re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html")),
    ("trs", re.compile(r"/t\d{8}_\d+\.s?html?")),
)

__all__ = ["Article", "PROFILES", "detect_profile", "extract"]


def detect_profile(html: str, url: str = "") -> str:
    """The CMS profile of a page ("hanweb", "wordpress", "trs" or "generic") from its markup and URL."""
    for profile, sign in MARKUP_SIGNS:
        if sign.search(html):
            return profile
    for text in (url, html):
        for profile, sign in URL_SIGNS:
            if sign.search(text):
                return profile
    return "generic"


def extract(page: str | bytes, url: str, *, profile: str = "auto", timezone: str = "Asia/Shanghai",
            language: str | None = None, selectors: dict | None = None,
            content_type: str | None = None) -> Article:
    """Extract the article of one page; raises ExtractionError when it has no body, or no title
    on a portal profile (the generic path returns ``title=None`` with a "title: …" problem)."""
    html = decode_page(page, content_type)
    guessed = profile == "auto"
    if guessed:
        profile = detect_profile(html, url)
    if profile not in PROFILES:
        raise ConfigError(f"unknown profile {profile!r} (expected auto or one of {', '.join(PROFILES)})")
    parsed = Page(html, url, Options(timezone=timezone, language=language, selectors=selectors or {}))
    found = PROFILES[profile](parsed)
    from_generic = profile == "generic"
    if guessed and _weakly_recognised(profile, html):
        found, from_generic = _confirmed_or_generic(parsed, found)
    article = assemble(parsed, found, title_required=not from_generic)
    if from_generic and profile not in ("generic", *PLATFORM_SIGNED):
        article.problems.append(f"layout: a {profile} article address without the {profile} article template "
                                "(the site's layout changed?); read by the generic extractor")
    return article


def _confirmed_or_generic(parsed: Page, found: Found) -> tuple[Found, bool]:
    """A guessed profile's findings if trafilatura confirms its body (``agree.confirmed``), else
    the generic body with the profile's metadata; and whether the body is the generic one."""
    fallback = generic.extract(parsed)
    if fallback.body is None or confirmed(found.body, fallback.body,
                                          lambda: generic.body(parsed, favor_precision=True)):
        return found, False
    return with_generic_body(found, fallback), True


def _weakly_recognised(profile: str, html: str) -> bool:
    """Whether a recognised profile may be wrong about where the body is: WordPress is known by
    its platform (themes put the body anywhere), any profile by its URL shape alone. A page
    bearing a portal's article-template markup with no body in it has no body."""
    if profile == "generic":
        return False
    return profile in PLATFORM_SIGNED or not any(name == profile and sign.search(html)
                                                 for name, sign in MARKUP_SIGNS)


def with_generic_body(found: Found, fallback: Found) -> Found:
    """A guessed profile whose body trafilatura does not confirm (a theme it does not know, an
    excerpt or widget in its container): the generic body, with the profile's own title, dates
    and metadata first."""
    return Found(title=found.title or fallback.title, body=fallback.body, dates=found.dates + fallback.dates,
                 author=found.author or fallback.author, origin=found.origin or fallback.origin,
                 editor=found.editor or fallback.editor, around=found.around or fallback.around)
