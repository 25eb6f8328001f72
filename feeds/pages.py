"""The subscription pages: ``topics.opml`` (every topic feed) and ``index.html``."""

from __future__ import annotations

from html import escape

FORMAT_LABELS = (("rss", "RSS"), ("atom", "Atom"), ("json", "JSON Feed"))
#: Whitespace an XML parser would turn into spaces in an attribute value, kept as character references.
ATTRIBUTE_WHITESPACE = str.maketrans({"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def quoteattr(value: str) -> str:
    """An XML attribute value in double quotes (``xml.sax.saxutils.quoteattr`` imports urllib and http)."""
    return '"' + escape(value, quote=True).translate(ATTRIBUTE_WHITESPACE) + '"'


def opml(title: str, topics: list[dict]) -> bytes:
    """OPML 2.0 listing every topic's RSS feed (Atom and JSON Feed beside it as attributes)."""
    outlines = "\n".join(
        f'    <outline type="rss" text={quoteattr(t["title"])} title={quoteattr(t["title"])} '
        f'description={quoteattr(t["description"])} xmlUrl={quoteattr(t["urls"]["rss"])} '
        f'htmlUrl={quoteattr(t["home"])} atomUrl={quoteattr(t["urls"]["atom"])} '
        f'jsonUrl={quoteattr(t["urls"]["json"])}/>' for t in topics)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head>\n'
            f"    <title>{escape(title)}</title>\n  </head>\n  <body>\n{outlines}\n  </body>\n</opml>\n"
            ).encode("utf-8")


def index_html(title: str, topics: list[dict], opml_url: str) -> bytes:
    """A page listing the topics with subscribe links, autodiscovery links and latest headlines."""
    discovery = "\n".join(
        f'<link rel="alternate" type="application/atom+xml" title="{escape(t["title"])}" href="{escape(t["urls"]["atom"])}">'
        for t in topics)
    sections = "\n".join(_section(t) for t in topics)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
{discovery}
<style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
section{{border-top:1px solid #ddd;padding:.5rem 0}}.subscribe a{{margin-right:.8rem}}li small{{color:#666}}</style>
</head><body><h1>{escape(title)}</h1>
<p>Topic feeds built from news portals that publish none. Subscribe to a topic in your feed reader,
or import <a href="{escape(opml_url)}">all topics (OPML)</a>.</p>
{sections}
</body></html>
""".encode("utf-8")


def _section(topic: dict) -> str:
    links = "".join(f'<a href="{escape(topic["urls"][kind])}">{label}</a>' for kind, label in FORMAT_LABELS)
    headlines = "".join(
        f'<li><a href="{escape(e.url)}">{escape(e.title)}</a> <small>{escape(_day(e))}</small></li>'
        for e in topic["latest"]) or "<li><em>no articles yet</em></li>"
    return (f'<section id="{escape(topic["name"])}"><h2>{escape(topic["title"])}</h2>'
            f'<p>{escape(topic["description"])} ({topic["count"]} articles)</p>'
            f'<p class="subscribe">{links}</p><ul>{headlines}</ul></section>')


def _day(entry) -> str:
    moment = entry.published or entry.updated
    return moment.strftime("%Y-%m-%d")
