"""TRS WCM pages (www.xznmx.gov.cn): list pages with a script pager, articles, tag soup, and
the same pages in English as the translate wrapper serves them."""

from __future__ import annotations

from replica.model import ReplicaArticle
from replica.portals import translate
from replica.portals.common import CONAC_BADGE, after_first, esc, page_count, paragraphs_html
from replica.portals.translate import EN

PREFIX = "/xznmx"
COLUMN = f"{PREFIX}/yzdt_4226"
PER_PAGE = 3
HEADLINE = f"{PREFIX}/tt/202201/t20220119_4039481.html"

ZH = {"site": "尼玛县人民政府", "column": "援藏动态", "location": "当前位置：", "home": "首页", "source": "来源：",
      "editor": "责任编辑：", "share": "分享到：", "print": "【打印本页】", "close": "【关闭窗口】",
      "font": '字号：<a href="javascript:void(0)">大</a><a href="javascript:void(0)">中</a>'
              '<a href="javascript:void(0)">小</a>',
      "scan": "扫一扫在手机打开当前页", "headlines": "头条", "headline": "尼玛县抗雪救灾工作有序开展",
      "nav": ["首页", "政务公开", "新闻中心", "援藏动态", "政务服务", "互动交流"],
      "top": "欢迎访问尼玛县人民政府网站",
      "footer": ["主办：尼玛县人民政府　地址：西藏那曲市尼玛县建设西路　电话：0896-3712830",
                 '网站标识码：5424300001　<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=54243002000002">'
                 '藏公网安备 54243002000002号</a>　<a href="https://beian.miit.gov.cn/">藏ICP备2021000016号-1</a>',
                 "技术支持：西藏传媒集团"]}
NAV_PATHS = ["/", "/zwgk/", "/xwzx/", "/yzdt_4226/index.html", "/zwfw/", "/hdjl/"]


def list_url(page: int) -> str:
    """List page ``page`` of the column (0 is index.html)."""
    return f"{COLUMN}/index.html" if page == 0 else f"{COLUMN}/index_{page}.html"


class Links:
    """Addresses on a page: site paths on the Chinese site, absolute wrapper URLs in a translation."""

    def __init__(self, base_url: str, english: bool):
        self.base_url = base_url
        self.english = english

    def to(self, path: str) -> str:
        return translate.wrapped_url(self.base_url, path) if self.english else path


def list_page(listing: list[ReplicaArticle], page: int, base_url: str, english: bool = False) -> str | None:
    """List page ``page`` (0 = index.html), or None past the end; the English one holds every
    translated article on one page."""
    words, link = (EN if english else ZH), Links(base_url, english)
    per_page = max(1, len(listing)) if english else PER_PAGE
    count = page_count(len(listing), per_page)
    if page < 0 or page >= count:
        return None
    items = "\n".join(_list_item(a, link) for a in listing[page * per_page:(page + 1) * per_page])
    pager = (f'<script language="JavaScript">\nvar countPage = {count}//共多少页\nvar currentPage = {page}//当前页\n'
             f'createPageHTML(countPage, currentPage, "index", "html");\n</script>')
    body = f"""<div class="location">{words["location"]}<a href="{link.to(PREFIX + '/')}">{words["home"]}</a> &gt; {words["column"]}</div>
<div class="main clearfix"><div class="list-box"><h2>{words["column"]}</h2><ul class="list">
{items}
</ul>
<div class="page">{pager}</div></div>
<div class="side"><h3>{words["headlines"]}</h3><ul><li><a href="{link.to(HEADLINE)}">{words["headline"]}</a></li></ul></div></div>"""
    return _layout(words["column"], '<meta name="ColumnName" content="' + words["column"] + '">', body, words, link)


def article_page(article: ReplicaArticle, base_url: str, english: bool = False) -> str:
    """A TRS article page, in Chinese or in its English translation."""
    words, link = (EN if english else ZH), Links(base_url, english)
    text = translate.english(article) if english else {
        "title": article.title, "origin": article.origin, "editor": article.editor, "paragraphs": article.paragraphs}
    origin = f'<span>{words["source"]}{esc(text["origin"])}</span>' if text["origin"] else ""
    editor = f'<div class="editor">{words["editor"]}{esc(text["editor"])}</div>' if text["editor"] else ""
    body = f"""<div class="location">{words["location"]}<a href="{link.to(PREFIX + '/')}">{words["home"]}</a> &gt; <a href="{link.to(list_url(0))}">{words["column"]}</a></div>
<div class="article"><h1>{esc(text["title"])}</h1>
<div class="info"><span>{article.published:%Y-%m-%d %H:%M:%S}</span>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;{origin} <span class="font">{words["font"]}</span></div>
<div class="TRS_Editor">{_body_html(article, text["paragraphs"], base_url, english)}</div>
{editor}
<div class="share">{words["share"]}<a href="javascript:void(0)" class="wx">微信</a> <a href="javascript:void(0)" class="wb">微博</a> <a href="javascript:void(0)" class="qq">QQ空间</a></div>
<div class="print"><a href="javascript:window.print()">{words["print"]}</a><a href="javascript:window.close()">{words["close"]}</a></div>
<div class="qrcode"><div id="qrcode"></div><p>{words["scan"]}</p></div></div>"""
    return _layout(text["title"], _metas(article, text, words), body, words, link, gbk=article.gbk and not english)


def soup_page(article: ReplicaArticle) -> str:
    """Tag soup: unclosed paragraphs, stray end tags, no closing body/html; still readable."""
    paragraphs = "".join(f"<p style=text-indent:2em>{esc(p)}\n" for p in article.paragraphs)
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{esc(article.title)}</title>'
            f'<meta name="ArticleTitle" content="{esc(article.title)}"><meta name="PubDate" content="{article.published:%Y-%m-%d %H:%M}">'
            f'<meta name="ContentSource" content="{esc(article.origin)}"></head>\n<body><div class="article"><h1>{esc(article.title)}</h2>'
            f'<div class="info"><span>{article.published:%Y-%m-%d %H:%M:%S}</span></div></div></div>'
            f'<div class="TRS_Editor"><font><b>{paragraphs}</div></td></tr>'
            f'<div class="editor">{ZH["editor"]}{esc(article.editor)}</div><div class="footer">{"".join(ZH["footer"])}')


def _metas(article: ReplicaArticle, text: dict, words: dict) -> str:
    return (f'<meta name="SiteName" content="{words["site"]}">\n<meta name="SiteDomain" content="www.xznmx.gov.cn">\n'
            f'<meta name="SiteIDCode" content="5424300001">\n<meta name="ColumnName" content="{words["column"]}">\n'
            f'<meta name="ArticleTitle" content="{esc(text["title"])}">\n'
            f'<meta name="PubDate" content="{article.published:%Y-%m-%d %H:%M}">\n'
            f'<meta name="ContentSource" content="{esc(text["origin"])}">')


def _list_item(article: ReplicaArticle, link: Links) -> str:
    title = translate.english(article)["title"] if link.english else article.title
    href = link.to(article.path) if link.english else "./" + article.path.split(COLUMN + "/", 1)[1]
    return (f'<li><a href="{esc(href)}" title="{esc(title)}" target="_blank">{esc(title)}</a>'
            f'<span>{article.published:%Y-%m-%d}</span></li>')


def _body_html(article: ReplicaArticle, paragraphs: list[str], base_url: str, english: bool) -> str:
    """Indented paragraphs with the images centred after the first; a translation keeps the
    original's absolute image addresses."""
    folder = article.path.rsplit("/", 1)[0]
    images = "".join(f'<p align="center"><img src="{base_url + folder + "/" + name if english else "./" + name}" '
                     f'border="0" oldsrc="{name}"></p>\n' for name in article.images)
    return after_first(paragraphs_html(paragraphs, "text-indent:2em"), images)


def _layout(title: str, meta: str, body: str, words: dict, link: Links, gbk: bool = False) -> str:
    """A full county-portal page: top bar, logo, menu, the body, the footer with record numbers."""
    charset = "gb2312" if gbk else "utf-8"
    nav = "".join(f'<li><a href="{esc(link.to(PREFIX + path))}">{name}</a></li>'
                  for name, path in zip(words["nav"], NAV_PATHS, strict=True))
    footer = "".join(f"<p>{line}</p>" for line in words["footer"])
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html lang="{'en' if link.english else 'zh-CN'}"><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{esc(title)}_{words["site"]}</title>
{meta}
<link href="{PREFIX}/images/style.css" rel="stylesheet" type="text/css">
<script type="text/javascript" src="{PREFIX}/images/page.js"></script></head>
<body><div class="top"><div class="w1200"><span>{words["top"]}</span></div></div>
<div class="header"><div class="logo"><img src="{PREFIX}/images/logo.png" alt="{words["site"]}"></div></div>
<div class="nav"><ul>{nav}</ul></div>
{body}
<div class="footer"><div class="w1200">{footer}{CONAC_BADGE}</div></div></body></html>"""
