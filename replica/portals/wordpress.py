"""WordPress pages (wttimes.com): archive pages, single posts in two themes, the RSS feed."""

from __future__ import annotations

from email.utils import format_datetime
from zoneinfo import ZoneInfo

from replica.model import ReplicaArticle
from replica.portals.common import esc, paragraphs_html

PREFIX = "/wttimes"
PER_PAGE = 4
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Appended to an ``unsafe`` post: its visible text is UNSAFE_TEXT, the script is not text.
UNSAFE_EXTRA = ('<p onclick="stealCookies()">Read the <a href="javascript:alert(document.cookie)">full report</a>.'
                '</p>\n<script>alert(1); document.write("tracking pixel");</script>\n')
UNSAFE_TEXT = "Read the full report."
CONTROL = "\u000b"


def archive_url(page: int) -> str:
    return f"{PREFIX}/" if page == 1 else f"{PREFIX}/page/{page}/"


def archive_page(listing: list[ReplicaArticle], page: int) -> str | None:
    """Archive page ``page`` (1-based), or None past the last one."""
    pages = max(1, -(-len(listing) // PER_PAGE))
    if page < 1 or page > pages:
        return None
    chosen = listing[(page - 1) * PER_PAGE: page * PER_PAGE]
    posts = "\n".join(
        f"""<article id="post-{i}" class="post-{i} post type-post status-publish format-standard hentry category-news">
<header class="entry-header"><h2 class="entry-title"><a href="{a.path}" rel="bookmark">{esc(a.title)}</a></h2>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{_iso(a)}">{_human(a)}</time></span></div></header>
<div class="entry-summary"><p>{esc(a.paragraphs[0][:140])}&hellip;</p></div></article>""" for i, a in enumerate(chosen))
    nav = [f'<a class="prev page-numbers" href="{archive_url(page - 1)}">Previous</a>'] if page > 1 else []
    nav += [f'<span class="page-numbers current">{n}</span>' if n == page else
            f'<a class="page-numbers" href="{archive_url(n)}">{n}</a>' for n in range(1, pages + 1)]
    if page < pages:
        nav.append(f'<a class="next page-numbers" href="{archive_url(page + 1)}">Next</a>')
    rel_next = f'<link rel="next" href="{archive_url(page + 1)}">' if page < pages else ""
    return _layout("WT Times – East-west cooperation news", rel_next, f"""<main id="main" class="site-main">
{posts}
<nav class="navigation pagination" aria-label="Posts"><div class="nav-links">{''.join(nav)}</div></nav></main>""",
                   listing, "home blog")


def post_page(article: ReplicaArticle, listing: list[ReplicaArticle]) -> str:
    """A single post, in the article's theme."""
    modern = article.theme == "modern"
    paragraphs = list(article.paragraphs)
    if article.control_char and len(paragraphs) > 1:
        words = paragraphs[1].split(" ")
        paragraphs[1] = " ".join(words[:4]) + " " + CONTROL + " ".join(words[4:])
    body = paragraphs_html(paragraphs)
    if article.unsafe:
        body = body + UNSAFE_EXTRA
    date = (f'<time class="entry-date published" datetime="{_iso(article)}">{_human(article)}</time>'
            if modern else f'<span class="entry-date">{_human(article)}</span>')
    head = (f'<link rel="canonical" href="{article.path}">\n<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{esc(article.title)}">\n')
    if modern:
        head += f'<meta property="article:published_time" content="{_iso(article)}">\n'
    reply = "Leave Comment" if modern else "Leave a Reply"
    others = [a for a in listing if a is not article][:3]
    related = "".join(f'<p class="jp-relatedposts-post"><a href="{a.path}">{esc(a.title)}</a></p>' for a in others)
    main = f"""<main id="main" class="site-main">
<article id="post-{article.slug}" class="post type-post status-publish format-standard has-post-thumbnail hentry category-news">
<header class="entry-header"><span class="cat-links"><a href="{PREFIX}/category/news/" rel="category tag">News</a></span>
<h1 class="entry-title">{esc(article.title)}</h1>
<div class="entry-meta"><span class="posted-on">Posted on <a href="{article.path}" rel="bookmark">{date}</a></span>
<span class="byline"> by <span class="author vcard"><a class="url fn n" href="{PREFIX}/author/{article.author.lower().replace(' ', '-')}/">{esc(article.author)}</a></span></span></div></header>
<div class="entry-content">
{body}<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social"><h3 class="sd-title">Share this:</h3>
<ul><li><a class="share-twitter" href="{article.path}?share=twitter">Twitter</a></li><li><a class="share-facebook" href="{article.path}?share=facebook">Facebook</a></li></ul></div></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3>{related}</div>
</div>
<footer class="entry-footer"><span class="tags-links">Tagged <a href="{PREFIX}/tag/cooperation/" rel="tag">cooperation</a></span></footer>
</article>
<nav class="navigation post-navigation"><div class="nav-links"><div class="nav-previous"><a href="{PREFIX}/" rel="prev">Previous post</a></div></div></nav>
<div id="comments" class="comments-area"><div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">{reply} <small><a rel="nofollow" id="cancel-comment-reply-link" href="#respond" style="display:none;">Cancel reply</a></small></h3>
<form action="{PREFIX}/wp-comments-post.php" method="post" id="commentform" class="comment-form">
<p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> <span class="required-field-message">Required fields are marked <span class="required">*</span></span></p>
<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label><textarea id="comment" name="comment"></textarea></p>
<p class="comment-form-author"><label for="author">Name <span class="required">*</span></label><input id="author" name="author" type="text"></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"></p></form></div></div>
</main>"""
    return _layout(f"{article.title} – WT Times", head, main, listing, "post-template-default single single-post")


def feed(listing: list[ReplicaArticle], base_url: str) -> str:
    """The site's RSS 2.0 feed of the ten newest posts."""
    items = "\n".join(
        f"""<item><title>{esc(a.title)}</title><link>{base_url}{a.path}</link>
<dc:creator><![CDATA[{a.author}]]></dc:creator><pubDate>{format_datetime(a.published.replace(tzinfo=SHANGHAI))}</pubDate>
<guid isPermaLink="false">{base_url}{PREFIX}/?p={1000 + i}</guid><description><![CDATA[{a.paragraphs[0][:140]}…]]></description>
<content:encoded><![CDATA[{paragraphs_html(a.paragraphs)}]]></content:encoded></item>""" for i, a in enumerate(listing[:10]))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>WT Times</title><link>{base_url}{PREFIX}/</link><description>East-west cooperation news</description>
<language>en-US</language><generator>https://wordpress.org/?v=6.4.2</generator>
{items}
</channel></rss>
"""


def _layout(title: str, head: str, main: str, listing: list[ReplicaArticle], body_class: str) -> str:
    recent = "".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in listing[:5])
    return f"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><title>{esc(title)}</title>
<meta name="generator" content="WordPress 6.4.2">
<link rel="alternate" type="application/rss+xml" title="WT Times &raquo; Feed" href="{PREFIX}/feed/">
<link rel="https://api.w.org/" href="{PREFIX}/wp-json/">
<link rel="stylesheet" href="{PREFIX}/wp-content/themes/newsup/style.css">
{head}</head>
<body class="{body_class}"><div id="page" class="site">
<header id="masthead" class="site-header"><p class="site-title"><a href="{PREFIX}/">WT Times</a></p>
<nav class="main-navigation"><ul><li><a href="{PREFIX}/">Home</a></li><li><a href="{PREFIX}/category/news/">News</a></li></ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area">{main}</div>
<aside id="secondary" class="widget-area"><section class="widget widget_search"><form role="search" action="{PREFIX}/"><input type="search" name="s"></form></section>
<section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>{recent}</ul></section>
<section class="widget widget_archive"><h2 class="widget-title">Archives</h2><ul><li><a href="{PREFIX}/2021/11/">November 2021</a></li></ul></section>
<section class="widget widget_categories"><h2 class="widget-title">Categories</h2><ul><li><a href="{PREFIX}/category/news/">News</a></li></ul></section></aside></div>
<footer id="colophon" class="site-footer"><div class="site-info">© 2021 WT Times. Powered by WordPress | Theme: Newsup by Themeansar.</div></footer>
</div></body></html>"""


def _iso(article: ReplicaArticle) -> str:
    return article.published.replace(tzinfo=SHANGHAI).isoformat()


def _human(article: ReplicaArticle) -> str:
    return f"{article.published:%B} {article.published.day}, {article.published.year}"
