"""Hanweb JCMS pages: column page with a jpage datastore, dataproxy XML, articles.

``zj`` is english.zj.gov.cn (li records, /module/jpage/dataproxy.jsp) and
``sx`` en.sx.gov.cn (old table records, /module/web/jpage/dataproxy.jsp,
no visible date on articles).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from replica.model import ReplicaArticle
from replica.portals.common import CONAC_BADGE, esc, paragraphs_html


@dataclass(frozen=True)
class HanwebSite:
    """The markup choices of one Hanweb site."""

    prefix: str
    column: int
    column_name: str
    site_name: str
    domain: str
    webid: int
    unitid: int
    proxy_path: str
    record_style: str  # "li" or "table"
    per_page: int = 2
    group_size: int = 3


ZJ = HanwebSite("/zj", 5798, "NEWS", "Zhejiang Provincial People's Government", "english.zj.gov.cn",
                webid=2417, unitid=25339, proxy_path="/zj/module/jpage/dataproxy.jsp", record_style="li")
SX = HanwebSite("/sx", 1501262, "Hot News", "Shaoxing Municipal People's Government", "en.sx.gov.cn",
                webid=3121, unitid=4478923, proxy_path="/sx/module/web/jpage/dataproxy.jsp", record_style="table")


def column_url(site: HanwebSite) -> str:
    return f"{site.prefix}/col/col{site.column}/index.html"


def nextgroup_href(site: HanwebSite, page: int) -> str:
    webname = quote(site.site_name)
    return (f"{site.proxy_path}?page={page}&amp;appid=1&amp;webid={site.webid}&amp;path=/&amp;"
            f"columnid={site.column}&amp;unitid={site.unitid}&amp;webname={webname}&amp;permissiontype=0")


def record(site: HanwebSite, article: ReplicaArticle, index: int) -> str:
    """One datastore record; quotes alternate, cut titles keep the full one in ``title``."""
    shown = article.list_title or article.title
    q = "'" if index % 2 else '"'
    if site.record_style == "table":
        shown = shown if len(shown) <= 38 else shown[:35] + "..."
        return (f"<tr><td><img src='{site.prefix}/images/dot.gif'></td><td><a href='{article.path}' "
                f"title='{esc(article.title)}' target=\"_blank\">{esc(shown)}</a></td>"
                f"<td>[{article.published:%Y-%m-%d}]</td></tr>")
    return (f"<li><a href={q}{article.path}{q} title={q}{esc(article.title)}{q} target=\"_blank\">{esc(shown)}</a>"
            f"<span>{article.published:%Y-%m-%d}</span></li>")


def records_xml(site: HanwebSite, articles: list[ReplicaArticle], first_index: int) -> str:
    rows = "".join(f"<record><![CDATA[{record(site, a, first_index + i)}]]></record>\n"
                   for i, a in enumerate(articles))
    if site.record_style == "table":
        rows = '<table width="100%" border="0" cellspacing="0" cellpadding="0"></table>\n' + rows
    return rows


def column_page(site: HanwebSite, listing: list[ReplicaArticle]) -> str:
    """The column page: the first group of records inside the jpage datastore island."""
    group = site.per_page * site.group_size
    total = len(listing)
    pages = -(-total // site.per_page)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{esc(site.column_name)} - {esc(site.site_name)}</title>
<meta name="SiteName" content="{esc(site.site_name)}"><meta name="ColumnName" content="{esc(site.column_name)}">
<script src="{site.prefix}/module/jslib/jquery/jquery.js"></script>
<script src="{site.prefix}/module/jslib/jquery/jpage/jquery.page.js"></script></head>
<body><div class="header"><div class="nav"><a href="{site.prefix}/">Home</a> <a href="{column_url(site)}">{esc(site.column_name)}</a>
<a href="{site.prefix}/col/col5801/index.html">Government</a> <a href="{site.prefix}/private/drafts.html">Drafts</a></div></div>
<div class="dqwz">Current position: <a href="{site.prefix}/">home</a> &gt; <a href="{column_url(site)}">{esc(site.column_name)}</a></div>
<div class="list"><div id="{site.unitid}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{nextgroup_href(site, 1)}"></a>]]></nextgroup>
<recordset>
{records_xml(site, listing[:group], 0)}</recordset>
</datastore></script></div>
<script type="text/javascript">$('#{site.unitid}').jpage({{dataStore: dataStore, perPage: {site.per_page}, totalRecord: {total}, totalPage: {pages}, groupSize: {site.group_size}, proxyUrl: '{site.proxy_path}', barPosition: 'bottom', showMode: 'full'}});</script>
</div>{footer(site)}</body></html>"""


def proxy_answer(site: HanwebSite, listing: list[ReplicaArticle], start: int, end: int,
                 total_first: bool, next_page: int | None) -> str:
    """Bare datastore XML for records ``start``..``end`` (1-based, inclusive)."""
    chosen = listing[start - 1:end]
    total = len(listing)
    counts = f"<totalrecord>{total}</totalrecord><totalpage>{-(-total // site.per_page)}</totalpage>"
    nextgroup = f'<a href="{nextgroup_href(site, next_page)}"></a>' if next_page else ""
    body = f"<nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n<recordset>\n{records_xml(site, chosen, start - 1)}</recordset>\n"
    inner = counts + "\n" + body if total_first else body + counts
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n{inner}\n</datastore>\n'


def article_page(site: HanwebSite, article: ReplicaArticle) -> str:
    """An article page of this Hanweb site."""
    stamp = f"{article.published:%Y-%m-%d %H:%M:%S}"
    pubdate = f"{article.published:%Y-%m-%d %H:%M}"
    if article.fault == "baddate":
        stamp, pubdate = "2018-13-45 25:61:00", "2018-13-45 25:61"
    metas = _metas(site, article, pubdate)
    body = "" if article.fault == "empty" else _body(article)
    zoom = (f'<div id="zoom"><!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin--><meta name="ContentStart">'
            f'{body}<meta name="ContentEnd"><!--ZJEG_RSS.content.end--><!--<$[信息内容]>end--></div>')
    if article.body == "legacy":
        zoom = zoom.replace('<meta name="ContentStart">', "<META name=ContentStart>").replace(
            '<meta name="ContentEnd">', "<META name=ContentEnd>")
    head = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(article.title)} - {esc(site.column_name)} - {esc(site.site_name)}</title>
{metas}
<link rel="stylesheet" href="{site.prefix}/images/style.css"></head>"""
    if site is SX:
        return head + f"""
<body><div class="header"><a href="{site.prefix}/">Shaoxing China</a></div>
<div class="bread">Home&gt;<a href="{column_url(site)}">{esc(site.column_name)}</a></div>
<div class="eye">Eyesight Protection: <a class="on" href="javascript:void(0)">Standard</a> <a href="javascript:void(0)">Green</a> <a href="javascript:void(0)">Dark</a></div>
<div class="main"><h1 class="title">{esc(article.title)}</h1>
{zoom}
<div class="share">Share: <a href="javascript:void(0)">Facebook</a> <a href="javascript:void(0)">Twitter</a> <a href="javascript:void(0)">Weibo</a></div>
<div class="print">[<a href="javascript:window.print()">Print</a>] [<a href="javascript:window.close()">Close</a>]</div></div>
{footer(site)}</body></html>"""
    source = f"&nbsp;&nbsp;&nbsp;Source: {esc(article.origin)}" if article.origin else ""
    return head + f"""
<body><div class="header"><div class="nav"><a href="{site.prefix}/">Home</a> <a href="{column_url(site)}">NEWS</a> <a href="{site.prefix}/col/col5801/index.html">Government</a></div></div>
<div class="dqwz">Current position: <a href="{site.prefix}/">home</a> &gt; <a href="{column_url(site)}">{esc(site.column_name)}</a></div>
<div class="contbox"><table width="100%" border="0" cellspacing="0" cellpadding="0">
<tr><td class="title">{esc(article.title)}</td></tr>
<tr><td class="time">{stamp}{source}</td></tr>
<tr><td class="bt_content">{zoom}</td></tr>
</table></div>
<div class="print">[<a href="javascript:window.print()">Print</a>] [<a href="javascript:window.close()">Close</a>]</div>
{footer(site)}</body></html>"""


def _metas(site: HanwebSite, article: ReplicaArticle, pubdate: str) -> str:
    tags = [("SiteName", site.site_name), ("SiteDomain", site.domain), ("SiteIDCode", "3300000001"),
            ("ColumnName", site.column_name), ("ColumnType", "news"), ("ArticleTitle", article.title),
            ("ContentSource", article.origin), ("Keywords", ", ".join(r.title() for r in article.regions)),
            ("Description", article.paragraphs[0][:120] if article.paragraphs else ""),
            ("i_columnid", str(site.column)), ("i_articleid", str(article.id))]
    if article.pubdate_meta:
        tags.insert(6, ("PubDate", pubdate))
        tags.append(("Maketime", f"{article.published:%Y-%m-%d %H:%M:%S}" if article.fault != "baddate" else pubdate))
    lines = []
    for index, (name, value) in enumerate(tags):
        if index % 3 == 1:  # attribute order varies on real pages
            lines.append(f'<meta content="{esc(value)}" name="{name}">')
        else:
            lines.append(f'<meta name="{name}" content="{esc(value)}">')
    return "\n".join(lines)


def _body(article: ReplicaArticle) -> str:
    if article.body == "br":
        return "<br>\n".join(esc(p) + ("<br>" if i % 2 else "") for i, p in enumerate(article.paragraphs))
    if article.body == "legacy":
        parts = [f"<P>　　<FONT face=楷体_GB2312>{esc(p)}</FONT>&nbsp;&nbsp;</P>" for p in article.paragraphs]
        images = "".join(f"<TABLE align=center><TR><TD><IMG border=0 src=\"{src}\"></TD></TR></TABLE>"
                         for src in article.images)
        return (parts[0] + "\n<!--advertisement code begin--><!--advertisement code end-->\n" + images + "\n"
                + "\n".join(parts[1:]))
    return paragraphs_html(article.paragraphs)


def footer(site: HanwebSite) -> str:
    return f"""<div class="footer"><p>Sponsored by the General Office of {esc(site.site_name)}</p>
<p>浙ICP备05008135号 <a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=33010602000123">浙公网安备 33010602000123号</a> Website ID: 3300000001</p>
<p>Copyright © {esc(site.site_name)}. All rights reserved.</p>{CONAC_BADGE}</div>"""
