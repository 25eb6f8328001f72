"""Hanweb JCMS pages: column page with a jpage datastore, dataproxy XML, articles.

``ZJ`` is english.zj.gov.cn (``li`` records, /module/jpage/dataproxy.jsp,
a title cell and a time row on articles); ``SX`` is en.sx.gov.cn (old table
records, /module/web/jpage/dataproxy.jsp, no visible date on articles).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

from replica.model import ReplicaArticle
from replica.portals.common import CONAC_BADGE, after_first, esc, links, page_count, paragraphs_html


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
    appid_in_nextgroup: bool
    icp: str
    police: str
    site_code: str
    per_page: int = 2
    group_size: int = 3

    @property
    def portal(self) -> str:
        return self.prefix.strip("/")


ZJ = HanwebSite("/zj", 5798, "NEWS", "Zhejiang Provincial People's Government", "english.zj.gov.cn",
                webid=2417, unitid=25339, proxy_path="/zj/module/jpage/dataproxy.jsp", record_style="li",
                appid_in_nextgroup=False, icp="浙ICP备05008135号", police="33010602000123", site_code="3300000001")
SX = HanwebSite("/sx", 1501262, "Hot News", "Shaoxing Municipal People's Government", "en.sx.gov.cn",
                webid=3121, unitid=4478923, proxy_path="/sx/module/web/jpage/dataproxy.jsp", record_style="table",
                appid_in_nextgroup=True, icp="浙ICP备05009871号", police="33060202000456", site_code="3306000002")
SITES = {"zj": ZJ, "sx": SX}
CUT_AT = 38  # table records cut longer titles ("...")


def column_url(site: HanwebSite) -> str:
    """The column (list) page of the site's news column."""
    return f"{site.prefix}/col/col{site.column}/index.html"


def form_matches(site: HanwebSite, values: dict[str, str]) -> bool:
    """Whether a dataproxy request names this site's webid, column and unit."""
    return (values.get("webid"), values.get("columnid"), values.get("unitid")) == (
        str(site.webid), str(site.column), str(site.unitid))


# -- lists ------------------------------------------------------------------------


def column_page(site: HanwebSite, listing: list[ReplicaArticle]) -> str:
    """The column page: the first group of records inside the jpage datastore island."""
    group = site.per_page * site.group_size
    total = len(listing)
    island = f"""<div id="{site.unitid}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{nextgroup_href(site, 1)}"></a>]]></nextgroup>
<recordset>
{records_xml(site, listing[:group], 0)}</recordset>
</datastore></script></div>
{_jpage_init(site, total)}"""
    sidebar = links([(site.column_name, column_url(site)), ("Photos", f"{site.prefix}/col/col5802/index.html"),
                     ("Videos", f"{site.prefix}/col/col5803/index.html"),
                     ("Drafts", f"{site.prefix}/private/drafts.html")])
    body = f"""{_breadcrumb(site)}
<div class="main clearfix"><div class="left"><h3>{esc(site.column_name)}</h3><ul class="sub-columns">{sidebar}</ul></div>
<div class="right"><div class="column-title">{esc(site.column_name)}</div>
<div class="list">{island}</div></div></div>"""
    head = "\n".join(f'<meta name="{name}" content="{esc(value)}">' for name, value in (
        ("SiteName", site.site_name), ("SiteDomain", site.domain), ("SiteIDCode", site.site_code),
        ("ColumnName", site.column_name), ("ColumnType", "list")))
    return _layout(site, f"{site.column_name} - {site.site_name}", head, body)


def redesigned_column_page(site: HanwebSite, latest: list[ReplicaArticle]) -> str:
    """The column page after a site redesign (layout drift): plain cards, no datastore, and article
    links of a new shape (``/news/<id>.shtml``) that lead nowhere the old profile knows."""
    cards = "".join(f'<div class="card"><a href="{site.prefix}/news/{a.id}.shtml">{esc(a.title)}</a>'
                    f'<time>{a.published:%Y-%m-%d}</time></div>' for a in latest)
    body = f"""<div class="page"><h1>{esc(site.column_name)}</h1><div class="cards">{cards}</div></div>"""
    return _layout(site, f"{site.column_name} - {site.site_name}", "", body)


def redesigned_article_page(site: HanwebSite, article: ReplicaArticle) -> str:
    """An article page after a redesign (layout drift): same address, none of the old template's markers."""
    paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
    body = (f'<main class="news"><article><h1>{esc(article.title)}</h1>'
            f'<div class="meta"><time>{article.published:%Y-%m-%d %H:%M}</time></div>'
            f'<section class="story">{paragraphs}</section></article></main>')
    return _layout(site, f"{article.title} - {site.site_name}", "", body)


def home_page(site: HanwebSite, latest: list[ReplicaArticle]) -> str:
    """The portal's home page: a few latest headlines and the way to the news column."""
    items = "".join(f'<li><a href="{a.path}" target="_blank">{esc(a.title)}</a><span>{a.published:%Y-%m-%d}</span></li>'
                    for a in latest)
    body = f"""<div class="banner"><img src="{site.prefix}/images/banner.jpg" alt=""></div>
<div class="main clearfix"><div class="news-block"><h3><a href="{column_url(site)}">{esc(site.column_name)}</a>
<a class="more" href="{column_url(site)}">More</a></h3><ul>{items}</ul></div></div>"""
    return _layout(site, site.site_name, f'<meta name="SiteName" content="{esc(site.site_name)}">', body)


def _jpage_init(site: HanwebSite, total: int) -> str:
    """The script that starts the jpage widget on the datastore island."""
    return f"""<script type="text/javascript">
$('#{site.unitid}').jpage({{
    dataStore: dataStore,
    perPage: {site.per_page},
    totalRecord: {total},
    totalPage: {page_count(total, site.per_page)},
    groupSize: {site.group_size},
    proxyUrl: '{site.proxy_path}',
    barPosition: 'bottom',
    showMode: 'full',
    ajaxParam: {{col: 1, appid: 1, webid: {site.webid}, path: '/', columnid: {site.column}, sourceContentType: 1,
                unitid: {site.unitid}, webname: {json.dumps(site.site_name)}, permissiontype: 0}}
}});
</script>"""


def nextgroup_href(site: HanwebSite, page: int) -> str:
    """The GET dataproxy address of screen page ``page`` (as the datastore's nextgroup)."""
    appid = "appid=1&amp;" if site.appid_in_nextgroup else ""
    return (f"{site.proxy_path}?page={page}&amp;{appid}webid={site.webid}&amp;path=/&amp;columnid={site.column}"
            f"&amp;unitid={site.unitid}&amp;webname={quote(site.site_name)}&amp;permissiontype=0")


def record(site: HanwebSite, article: ReplicaArticle, index: int) -> str:
    """One datastore record; quotes alternate, cut titles keep the full one in ``title``."""
    shown = article.list_title or article.title
    if site.record_style == "table":
        shown = shown if len(shown) <= CUT_AT else shown[:CUT_AT - 3].rstrip() + "..."
        return (f"<tr><td><img src=\"{site.prefix}/images/dot.gif\"></td><td><a href='{article.path}' "
                f"title='{esc(article.title)}' target=\"_blank\">{esc(shown)}</a></td>"
                f"<td>[{article.published:%Y-%m-%d}]</td></tr>")
    q = "'" if index % 2 else '"'
    return (f"<li><a href={q}{article.path}{q} title={q}{esc(article.title)}{q} target=\"_blank\">{esc(shown)}</a>"
            f"<span>{article.published:%Y-%m-%d}</span></li>")


def records_xml(site: HanwebSite, articles: list[ReplicaArticle], first_index: int) -> str:
    """``<record>`` elements (and the empty table old templates put first)."""
    rows = "".join(f"<record><![CDATA[{record(site, a, first_index + i)}]]></record>\n"
                   for i, a in enumerate(articles))
    if site.record_style == "table" and articles:
        rows = '<table width="100%" border="0" cellspacing="0" cellpadding="0"></table>\n' + rows
    return rows


def proxy_answer(site: HanwebSite, listing: list[ReplicaArticle], start: int, end: int,
                 total_first: bool, next_page: int | None) -> str:
    """Bare datastore XML for records ``start``..``end`` (1-based, inclusive)."""
    chosen = listing[max(start, 1) - 1:max(end, 0)]
    total = len(listing)
    pages = page_count(total, site.per_page) if total else 0
    counts = f"<totalrecord>{total}</totalrecord><totalpage>{pages}</totalpage>"
    nextgroup = f'<a href="{nextgroup_href(site, next_page)}"></a>' if next_page else ""
    body = (f"<nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n<recordset>\n"
            f"{records_xml(site, chosen, max(start, 1) - 1)}</recordset>\n")
    inner = counts + "\n" + body if total_first else body + counts
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n{inner}\n</datastore>\n'


# -- articles ---------------------------------------------------------------------


def article_page(site: HanwebSite, article: ReplicaArticle) -> str:
    """An article page of this Hanweb site."""
    pubdate = f"{article.published:%Y-%m-%d %H:%M}"
    if article.fault == "baddate":
        pubdate = "2018-13-45 25:61"
    head = _metas(site, article, pubdate)
    body = "" if article.fault == "empty" else _body(site, article)
    title = f"{article.title} - {site.column_name} - {site.site_name}"
    if site is SX:
        return _layout(site, title, head, _sx_main(site, article, body))
    return _layout(site, title, head, _zj_main(site, article, body, pubdate))


def _zj_main(site: HanwebSite, article: ReplicaArticle, body: str, pubdate: str) -> str:
    stamp = pubdate if article.fault == "baddate" else f"{article.published:%Y-%m-%d %H:%M:%S}"
    source = f"&nbsp;&nbsp;&nbsp;Source: {esc(article.origin)}" if article.origin else ""
    start, end = ('<META name=ContentStart>', '<META name=ContentEnd>') if article.body == "legacy" else (
        '<meta name="ContentStart">', '<meta name="ContentEnd">')
    return f"""{_breadcrumb(site)}
<div class="contbox"><table width="100%" border="0" cellspacing="0" cellpadding="0">
<tr><td class="title">{esc(article.title)}</td></tr>
<tr><td class="time">{stamp}{source}</td></tr>
<tr><td class="bt_content"><div id="zoom"><!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin-->{start}
{body}{end}<!--ZJEG_RSS.content.end--><!--<$[信息内容]>end--></div></td></tr>
</table></div>
<div class="print">[<a href="javascript:window.print()">Print</a>] [<a href="javascript:window.close()">Close</a>]</div>"""


def _sx_main(site: HanwebSite, article: ReplicaArticle, body: str) -> str:
    return f"""<div class="bread">Home&gt;<a href="{column_url(site)}">{esc(site.column_name)}</a></div>
<div class="eye">Eyesight Protection: <a class="on" href="javascript:void(0)">Standard</a>
<a href="javascript:void(0)">Green</a> <a href="javascript:void(0)">Dark</a></div>
<div class="main"><h1 class="title">{esc(article.title)}</h1>
<div id="zoom"><!--ZJEG_RSS.content.begin--> {body} <!--ZJEG_RSS.content.end--></div>
<div class="share">Share: <a href="javascript:void(0)" class="fb">Facebook</a>
<a href="javascript:void(0)" class="tw">Twitter</a> <a href="javascript:void(0)" class="wb">Weibo</a>
<a href="javascript:void(0)" class="wx">WeChat</a></div>
<div class="print">[<a href="javascript:window.print()">Print</a>] [<a href="javascript:window.close()">Close</a>]</div></div>"""


def _metas(site: HanwebSite, article: ReplicaArticle, pubdate: str) -> str:
    """The government-site meta tags; attribute order varies as on real pages."""
    tags = [("SiteName", site.site_name), ("SiteDomain", site.domain), ("SiteIDCode", site.site_code),
            ("ColumnName", site.column_name), ("ColumnDescription", f"{site.column_name} of {site.site_name}"),
            ("ColumnKeywords", "news, cooperation"), ("ColumnType", "news"), ("ArticleTitle", article.title),
            ("ContentSource", article.origin), ("Keywords", ", ".join(r.title() for r in article.regions)),
            ("Description", article.paragraphs[0][:120] if article.paragraphs else ""),
            ("i_columnid", str(site.column)), ("i_articleid", str(article.id))]
    if article.pubdate_meta:
        tags.insert(8, ("PubDate", pubdate))
        tags.append(("Maketime", pubdate if article.fault == "baddate" else f"{article.published:%Y-%m-%d %H:%M:%S}"))
    lines = [f'<meta content="{esc(value)}" name="{name}">' if index % 3 == 1 else
             f'<meta name="{name}" content="{esc(value)}">' for index, (name, value) in enumerate(tags)]
    return "\n".join(lines)


def _body(site: HanwebSite, article: ReplicaArticle) -> str:
    """The article body in its markup style: p, br or legacy."""
    if article.body == "br":
        return "<br>\n".join(esc(p) + ("<br>" if i % 2 else "") for i, p in enumerate(article.paragraphs))
    if article.body == "legacy":
        return _legacy_body(article)
    images = "".join(f'<p style="text-align: center;"><img src="{src}" border="0"></p>\n' for src in article.images)
    return after_first(paragraphs_html(article.paragraphs), images)


def _legacy_body(article: ReplicaArticle) -> str:
    """Uppercase HTML of old editors: FONT, full-width indents, &nbsp; runs, a centred image table."""
    parts = [f"<P>　　<FONT face=楷体_GB2312>{esc(p)}</FONT>&nbsp;&nbsp;&nbsp;</P>" for p in article.paragraphs]
    images = "".join(f"<TABLE align=center><TR><TD><IMG border=0 src=\"{src}\"></TD></TR></TABLE>"
                     for src in article.images)
    ad = "\n<!--advertisement code begin--><!--advertisement code end-->\n"
    return "".join(parts[:1]) + ad + images + "\n" + "\n".join(parts[1:])


# -- page frame -------------------------------------------------------------------


def _breadcrumb(site: HanwebSite) -> str:
    if site is SX:
        return f'<div class="bread">Home&gt;<a href="{column_url(site)}">{esc(site.column_name)}</a></div>'
    return (f'<div class="dqwz">Current position: <a href="{site.prefix}/">home</a> &gt; '
            f'<a href="{column_url(site)}">{esc(site.column_name)}</a></div>')


def _layout(site: HanwebSite, title: str, head: str, main: str) -> str:
    """A full portal page around ``main``: head, top bar, logo, search, menu, footer."""
    menu = links([("Home", f"{site.prefix}/"), (site.column_name, column_url(site)),
                  ("Government", f"{site.prefix}/col/col5801/index.html"),
                  ("Business", f"{site.prefix}/col/col5805/index.html"),
                  ("Travel", f"{site.prefix}/col/col5806/index.html"),
                  ("Culture", f"{site.prefix}/col/col5807/index.html")])
    logo = "Zhejiang, China" if site is ZJ else "Shaoxing, China"
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(title)}</title>
{head}
<link rel="stylesheet" type="text/css" href="{site.prefix}/images/style.css">
<script type="text/javascript" src="{site.prefix}/module/jslib/jquery/jquery.js"></script>
<script type="text/javascript" src="{site.prefix}/module/jslib/jquery/jpage/jquery.page.js"></script></head>
<body><div class="topbar"><div class="w1000"><span class="welcome">Welcome to {esc(site.site_name)}</span>
<a href="http://www.{site.domain.split('.', 1)[1]}/" class="lang">中文</a></div></div>
<div class="header"><div class="logo"><a href="{site.prefix}/"><img src="{site.prefix}/images/logo.png" alt="{esc(logo)}"></a></div>
<form class="search" action="{site.prefix}/module/search/index.jsp" method="get">
<input type="text" name="q" placeholder="Search"><input type="submit" value="Search"></form></div>
<div class="nav"><ul>{menu}</ul></div>
{main}
{footer(site)}
<script type="text/javascript">var _trackDataType = 'web'; var _trackData = _trackData || [];</script>
</body></html>"""


def footer(site: HanwebSite) -> str:
    """Sponsor, ICP and public-security record numbers, website ID and the conac badge."""
    return f"""<div class="footer"><div class="w1000"><p>Sponsored by the General Office of {esc(site.site_name)}</p>
<p><a href="https://beian.miit.gov.cn/" target="_blank">{site.icp}</a>
<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={site.police}" target="_blank">浙公网安备 {site.police}号</a>
Website ID: {site.site_code}</p>
<p>Copyright © {esc(site.site_name)}. All rights reserved.</p>{CONAC_BADGE}</div></div>"""
