"""WordPress pages (wttimes.com): archive pages, single posts in two themes, the RSS feed."""

from __future__ import annotations

from email.utils import format_datetime

from replica.model import ReplicaArticle
from replica.portals.common import esc, page_count, paragraphs_html

PREFIX = "/wttimes"
PER_PAGE = 4
SITE = "WT Times"
#: Appended to an ``unsafe`` post: its visible text is UNSAFE_TEXT; the script is no text.
UNSAFE_EXTRA = ('<p onclick="stealCookies()">Read the <a href="javascript:alert(document.cookie)">full report</a>.'
                '</p>\n<script>alert(1); document.write("tracking pixel");</script>\n')
UNSAFE_TEXT = "Read the full report."
CONTROL = "\u000b"  # a vertical tab typed into a paragraph of a ``control_char`` post
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def archive_url(page: int) -> str:
    """Archive page ``page`` (1 is the home page)."""
    return f"{PREFIX}/" if page == 1 else f"{PREFIX}/page/{page}/"


def archive_page(listing: list[ReplicaArticle], page: int) -> str | None:
    """Archive page ``page`` (1-based), or None past the last one."""
    pages = page_count(len(listing), PER_PAGE)
    if page < 1 or page > pages:
        return None
    posts = "\n".join(_summary(a) for a in listing[(page - 1) * PER_PAGE: page * PER_PAGE])
    head = (f'<link rel="prev" href="{archive_url(page - 1)}">\n' if page > 1 else "") + (
        f'<link rel="next" href="{archive_url(page + 1)}">' if page < pages else "")
    main = f"""<main id="main" class="site-main">
{posts}
<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-text">Posts navigation</h2><div class="nav-links">{_pager(page, pages)}</div></nav></main>"""
    title = SITE if page == 1 else f"{SITE} – Page {page}"
    return _layout(f"{title} – East-west cooperation news", head, main, listing, "home blog")


def _summary(article: ReplicaArticle) -> str:
    """One post on an archive page: title link, date, author, excerpt."""
    number = _post_number(article)
    return f"""<article id="post-{number}" class="post-{number} post type-post status-publish format-standard hentry category-news">
<header class="entry-header"><h2 class="entry-title"><a href="{article.path}" rel="bookmark">{esc(article.title)}</a></h2>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{_iso(article)}">{_human(article)}</time></span>
<span class="byline"> by <span class="author vcard"><a class="url fn n" href="{_author_url(article)}">{esc(article.author)}</a></span></span></div></header>
<div class="entry-summary"><p>{esc(_excerpt(article))}&hellip;</p></div>
<footer class="entry-footer"><a href="{article.path}" class="more-link">Continue reading</a></footer></article>"""


def _pager(page: int, pages: int) -> str:
    """WordPress paginate_links: first, last, two around the current one, dots between."""
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    parts = [f'<a class="prev page-numbers" href="{archive_url(page - 1)}">Previous</a>'] if page > 1 else []
    for previous, number in zip([0] + shown, shown, strict=False):
        if number - previous > 1:
            parts.append('<span class="page-numbers dots">&hellip;</span>')
        parts.append(f'<span aria-current="page" class="page-numbers current">{number}</span>' if number == page
                     else f'<a class="page-numbers" href="{archive_url(number)}">{number}</a>')
    if page < pages:
        parts.append(f'<a class="next page-numbers" href="{archive_url(page + 1)}">Next</a>')
    return "\n".join(parts)


def post_page(article: ReplicaArticle, listing: list[ReplicaArticle], base_url: str,
              older: ReplicaArticle | None = None) -> str:
    """A single post, in the article's theme ("modern" or "classic"); ``older`` is the previous post."""
    modern = article.theme == "modern"
    date = (f'<time class="entry-date published" datetime="{_iso(article)}">{_human(article)}</time>'
            if modern else f'<span class="entry-date">{_human(article)}</span>')
    head = (f'<link rel="canonical" href="{base_url}{article.path}">\n<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{esc(article.title)}">\n'
            f'<meta property="og:url" content="{base_url}{article.path}">\n')
    if modern:
        head += f'<meta property="article:published_time" content="{_iso(article)}">\n'
    main = f"""<main id="main" class="site-main">
<article id="post-{_post_number(article)}" class="post type-post status-publish format-standard has-post-thumbnail hentry category-news">
<header class="entry-header"><span class="cat-links"><a href="{PREFIX}/category/news/" rel="category tag">News</a></span>
<h1 class="entry-title">{esc(article.title)}</h1>
<div class="entry-meta"><span class="posted-on">Posted on <a href="{article.path}" rel="bookmark">{date}</a></span>
<span class="byline"> by <span class="author vcard"><a class="url fn n" href="{_author_url(article)}">{esc(article.author)}</a></span></span></div></header>
<div class="entry-content">
{_content(article)}{_share(article)}{_related(article, listing)}</div>
<footer class="entry-footer"><span class="tags-links">Tagged <a href="{PREFIX}/tag/cooperation/" rel="tag">cooperation</a>, <a href="{PREFIX}/tag/zhejiang/" rel="tag">Zhejiang</a></span></footer>
</article>
{_post_navigation(older)}
{_comments(article, modern)}
</main>"""
    return _layout(f"{article.title} – {SITE}", head, main, listing, "post-template-default single single-post")


def _content(article: ReplicaArticle) -> str:
    """The post's paragraphs (with its control character or unsafe markup, if it has them)."""
    paragraphs = list(article.paragraphs)
    if article.control_char and len(paragraphs) > 1:
        words = paragraphs[1].split(" ")
        paragraphs[1] = " ".join(words[:4]) + " " + CONTROL + " ".join(words[4:])
    return paragraphs_html(paragraphs) + (UNSAFE_EXTRA if article.unsafe else "")


def _share(article: ReplicaArticle) -> str:
    return f"""<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing"><h3 class="sd-title">Share this:</h3>
<div class="sd-content"><ul><li class="share-twitter"><a class="share-twitter sd-button" href="{article.path}?share=twitter" target="_blank"><span>Twitter</span></a></li>
<li class="share-facebook"><a class="share-facebook sd-button" href="{article.path}?share=facebook" target="_blank"><span>Facebook</span></a></li>
<li class="share-end"></li></ul></div></div></div>"""


def _related(article: ReplicaArticle, listing: list[ReplicaArticle]) -> str:
    others = [a for a in listing[:4] if a is not article][:3]
    posts = "".join(f'<p class="jp-relatedposts-post"><a class="jp-relatedposts-post-a" href="{a.path}">{esc(a.title)}</a>'
                    f'<span class="jp-relatedposts-post-date">{_human(a)}</span></p>' for a in others)
    return (f'<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3>'
            f'<div class="jp-relatedposts-items jp-relatedposts-items-minimal">{posts}</div></div>\n')


def _post_navigation(older: ReplicaArticle | None) -> str:
    link = (f'<div class="nav-previous"><a href="{older.path}" rel="prev"><span class="meta-nav">Previous</span> '
            f'{esc(older.title)}</a></div>' if older else "")
    return f'<nav class="navigation post-navigation" aria-label="Posts"><div class="nav-links">{link}</div></nav>'


def _comments(article: ReplicaArticle, modern: bool) -> str:
    """The comment form: "Leave Comment" in the modern theme, WordPress's "Leave a Reply" otherwise."""
    return f"""<div id="comments" class="comments-area"><div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">{"Leave Comment" if modern else "Leave a Reply"} <small><a rel="nofollow" id="cancel-comment-reply-link" href="{article.path}#respond" style="display:none;">Cancel reply</a></small></h3>
<form action="{PREFIX}/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate>
<p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> <span class="required-field-message">Required fields are marked <span class="required">*</span></span></p>
<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label><textarea id="comment" name="comment" cols="45" rows="8" required></textarea></p>
<p class="comment-form-author"><label for="author">Name <span class="required">*</span></label><input id="author" name="author" type="text" size="30" required></p>
<p class="comment-form-email"><label for="email">Email <span class="required">*</span></label><input id="email" name="email" type="email" size="30" required></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"><input type="hidden" name="comment_post_ID" value="{_post_number(article)}"></p></form></div></div>"""


def feed(listing: list[ReplicaArticle], base_url: str) -> str:
    """The site's RSS 2.0 feed of the ten newest posts."""
    items = "\n".join(f"""<item><title>{esc(a.title)}</title><link>{base_url}{a.path}</link>
<dc:creator><![CDATA[{a.author}]]></dc:creator><pubDate>{format_datetime(a.published_aware)}</pubDate>
<category><![CDATA[News]]></category><guid isPermaLink="false">{base_url}{PREFIX}/?p={_post_number(a)}</guid>
<description><![CDATA[{_excerpt(a)}&#8230;]]></description>
<content:encoded><![CDATA[{paragraphs_html(a.paragraphs)}]]></content:encoded></item>""" for a in listing[:10])
    updated = format_datetime(listing[0].published_aware) if listing else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>{SITE}</title><atom:link href="{base_url}{PREFIX}/feed/" rel="self" type="application/rss+xml"/>
<link>{base_url}{PREFIX}/</link><description>East-west cooperation news</description><lastBuildDate>{updated}</lastBuildDate>
<language>en-US</language><generator>https://wordpress.org/?v=6.4.2</generator>
{items}
</channel></rss>
"""


def _layout(title: str, head: str, main: str, listing: list[ReplicaArticle], body_class: str) -> str:
    """The theme around ``main``: masthead, menu, the sidebar (recent posts, archives, categories), footer."""
    recent = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in listing[:5])
    months = sorted({(a.published.year, a.published.month) for a in listing[:40]}, reverse=True)
    archives = "".join(f'<li><a href="{PREFIX}/{y}/{m:02d}/">{_month_name(m)} {y}</a></li>' for y, m in months)
    return f"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<meta name="generator" content="WordPress 6.4.2">
<link rel="alternate" type="application/rss+xml" title="{SITE} &raquo; Feed" href="{PREFIX}/feed/">
<link rel="https://api.w.org/" href="{PREFIX}/wp-json/">
<link rel="stylesheet" id="newsup-style-css" href="{PREFIX}/wp-content/themes/newsup/style.css" media="all">
{head}</head>
<body class="{body_class}"><div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header">
<div class="site-branding"><p class="site-title"><a href="{PREFIX}/" rel="home">{SITE}</a></p>
<p class="site-description">News of east-west cooperation</p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{MENU}</ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area">{main}</div>
<aside id="secondary" class="widget-area"><section id="search-2" class="widget widget_search">
<form role="search" method="get" class="search-form" action="{PREFIX}/"><input type="search" class="search-field" name="s">
<input type="submit" class="search-submit" value="Search"></form></section>
<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>{recent}</ul></section>
<section id="archives-2" class="widget widget_archive"><h2 class="widget-title">Archives</h2><ul>{archives}</ul></section>
<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2>
<ul>{CATEGORIES}</ul></section></aside></div>
<footer id="colophon" class="site-footer"><div class="site-info">© 2021 {SITE}. Powered by WordPress | Theme: Newsup by Themeansar.</div></footer>
</div><script src="{PREFIX}/wp-includes/js/wp-embed.min.js"></script></body></html>"""


MENU = "".join(f'<li class="menu-item"><a href="{PREFIX}{path}">{name}</a></li>' for name, path in (
    ("Home", "/"), ("News", "/category/news/"), ("Business", "/category/business/"), ("About", "/about/")))
CATEGORIES = "".join(f'<li class="cat-item"><a href="{PREFIX}/category/{slug}/">{name}</a></li>'
                     for name, slug in (("News", "news"), ("Business", "business")))


def _excerpt(article: ReplicaArticle) -> str:
    first = article.paragraphs[0] if article.paragraphs else ""
    return first if len(first) <= 140 else first[:140].rsplit(" ", 1)[0]


def _post_number(article: ReplicaArticle) -> int:
    """A stable WordPress post ID (from the publication time)."""
    return int(article.published_aware.timestamp()) // 60


def _author_url(article: ReplicaArticle) -> str:
    return f"{PREFIX}/author/{article.author.lower().replace(' ', '-')}/"


def _iso(article: ReplicaArticle) -> str:
    return article.published_aware.isoformat()


def _human(article: ReplicaArticle) -> str:
    return f"{_month_name(article.published.month)} {article.published.day}, {article.published.year}"


def _month_name(month: int) -> str:
    return MONTHS[month - 1]
