"""TRS WCM pages (www.xznmx.gov.cn): list pages with a script pager, articles, and
their English machine translation as served through the translate wrapper."""

from __future__ import annotations

from urllib.parse import quote

from replica.model import ReplicaArticle
from replica.portals.common import CONAC_BADGE, esc, paragraphs_html

PREFIX = "/xznmx"
COLUMN = f"{PREFIX}/yzdt_4226"
PER_PAGE = 3
WRAPPER = "/translate/transpage?cb=translateCallback&from=zh&ie=utf8&monLang=zh&query={query}&source=url&to=en"

ZH = {"site": "尼玛县人民政府", "column": "援藏动态", "location": "当前位置：", "home": "首页", "source": "来源：",
      "font": '字号：<a href="javascript:void(0)">大</a> <a href="javascript:void(0)">中</a> <a href="javascript:void(0)">小</a>',
      "editor": "责任编辑：", "share": "分享到：", "print": "【打印本页】", "close": "【关闭窗口】",
      "scan": "扫一扫在手机打开当前页",
      "footer": ["主办：尼玛县人民政府　地址：西藏那曲市尼玛县建设西路　电话：0896-3712830",
                 '网站标识码：5424300001　<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=54243002000002">藏公网安备 54243002000002号</a>　<a href="https://beian.miit.gov.cn/">藏ICP备2021000016号-1</a>',
                 "技术支持：西藏传媒集团"]}
EN = {"site": "Nima County People's Government", "column": "Tibet Aid News", "location": "Current location:",
      "home": "Home", "source": "Source: ", "font": 'Font size: <a href="javascript:void(0)">Large</a> '
      '<a href="javascript:void(0)">Medium</a> <a href="javascript:void(0)">Small</a>',
      "editor": "Editor in charge: ", "share": "Share to:", "print": "[Print this page]", "close": "[Close window]",
      "scan": "Scan to open the current page on the mobile phone",
      "footer": ["Sponsor: Nima County People's Government Address: Jianshe West Road, Nima County, Naqu City, Tibet Tel: 0896-3712830",
                 "Website ID: 5424300001 Public security record No.: Tibetan public network security 54243002000002 Record No.: Zang ICP Bei No. 2021000016-1",
                 "Technical support: Tibet Media Group"]}


def list_url(page: int) -> str:
    return f"{COLUMN}/index.html" if page == 0 else f"{COLUMN}/index_{page}.html"


def wrap(base_url: str, path: str) -> str:
    """The translate-wrapper address of a page of this site."""
    return WRAPPER.format(query=quote(base_url + path, safe=""))


def list_page(listing: list[ReplicaArticle], page: int, base_url: str, english: bool = False) -> str | None:
    """List page ``page`` (0 = index.html); the English one lists translated articles on one page."""
    words = EN if english else ZH
    per_page = len(listing) or 1 if english else PER_PAGE
    count = max(1, -(-len(listing) // per_page))
    if page < 0 or page >= count:
        return None
    chosen = listing[page * per_page:(page + 1) * per_page]
    items = "\n".join(_list_item(a, base_url, english) for a in chosen)
    pager = (f'<script language="JavaScript">\nvar countPage = {count}//共多少页\nvar currentPage = {page}//当前页\n'
             f'var prevPage = "index";var nextPage = "html";\ncreatePageHTML(countPage, currentPage, "index", "html");\n</script>')
    sidebar = (f'<div class="side"><h3>{"Headlines" if english else "头条"}</h3><ul>'
               f'<li><a href="{_link(base_url, PREFIX + "/tt/202201/t20220119_4039481.html", english)}">'
               f'{"Nima snowstorm relief" if english else "尼玛县抗雪救灾工作有序开展"}</a></li></ul></div>')
    body = f"""<div class="location">{words["location"]}<a href="{_link(base_url, PREFIX + '/', english)}">{words["home"]}</a> &gt; {words["column"]}</div>
<div class="main"><ul class="list">
{items}
</ul>
<div class="page">{pager}</div></div>{sidebar}"""
    return _layout(words["column"], "", body, words, english)


def article_page(article: ReplicaArticle, base_url: str, english: bool = False) -> str:
    """A TRS article page, in Chinese or in its English translation."""
    words = EN if english else ZH
    text = article.en if english else {"title": article.title, "origin": article.origin,
                                       "editor": article.editor, "paragraphs": article.paragraphs}
    images = "".join(f'<p align="center"><img src="{_image_src(article, name, base_url, english)}" '
                     f'border="0"></p>\n' for name in article.images)
    paragraphs = paragraphs_html(text["paragraphs"], "text-indent:2em")
    body_html = paragraphs if not images else _with_images(paragraphs, images)
    origin = f'<span>{words["source"]}{esc(text["origin"])}</span>' if text["origin"] else ""
    editor = f'<div class="editor">{words["editor"]}{esc(text["editor"])}</div>' if text["editor"] else ""
    meta = (f'<meta name="SiteName" content="{words["site"]}"><meta name="SiteIDCode" content="5424300001">\n'
            f'<meta name="ColumnName" content="{words["column"]}">\n<meta name="ArticleTitle" content="{esc(text["title"])}">\n'
            f'<meta name="PubDate" content="{article.published:%Y-%m-%d %H:%M}">\n'
            f'<meta name="ContentSource" content="{esc(text["origin"])}">')
    home = _link(base_url, PREFIX + "/", english)
    body = f"""<div class="location">{words["location"]}<a href="{home}">{words["home"]}</a> &gt; <a href="{_link(base_url, COLUMN + '/index.html', english)}">{words["column"]}</a></div>
<div class="article"><h1>{esc(text["title"])}</h1>
<div class="info"><span>{article.published:%Y-%m-%d %H:%M:%S}</span>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;{origin} <span class="font">{words["font"]}</span></div>
<div class="TRS_Editor">{body_html}</div>
{editor}
<div class="share">{words["share"]}<a href="javascript:void(0)">微信</a> <a href="javascript:void(0)">微博</a></div>
<div class="print"><a href="javascript:window.print()">{words["print"]}</a><a href="javascript:window.close()">{words["close"]}</a></div>
<div class="qrcode"><img src="{PREFIX}/images/qr.png"><p>{words["scan"]}</p></div></div>"""
    return _layout(text["title"], meta, body, words, english, gbk=article.gbk and not english)


def soup_page(article: ReplicaArticle, base_url: str) -> str:
    """Tag soup: unclosed paragraphs, stray end tags, no closing body/html; still readable."""
    paragraphs = "".join(f"<p style=text-indent:2em>{esc(p)}\n" for p in article.paragraphs)
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{esc(article.title)}</title>'
            f'<meta name="ArticleTitle" content="{esc(article.title)}"><meta name="PubDate" content="{article.published:%Y-%m-%d %H:%M}">'
            f'<meta name="ContentSource" content="{esc(article.origin)}"></head>\n<body><div class="article"><h1>{esc(article.title)}</h2>'
            f'<div class="info"><span>{article.published:%Y-%m-%d %H:%M:%S}</span></div></div></div>'
            f'<div class="TRS_Editor"><font><b>{paragraphs}</div></td></tr>'
            f'<div class="editor">{ZH["editor"]}{esc(article.editor)}</div><div class="footer">{"".join(ZH["footer"])}')


def _list_item(article: ReplicaArticle, base_url: str, english: bool) -> str:
    title = article.en["title"] if english else article.title
    href = _link(base_url, article.path, english) if english else "./" + article.path.split(COLUMN + "/")[1]
    return (f'<li><a href="{href}" title="{esc(title)}" target="_blank">{esc(title)}</a>'
            f'<span>{article.published:%Y-%m-%d}</span></li>')


def _link(base_url: str, path: str, english: bool) -> str:
    return wrap(base_url, path) if english else path


def _image_src(article: ReplicaArticle, name: str, base_url: str, english: bool) -> str:
    folder = article.path.rsplit("/", 1)[0]
    return f"{base_url}{folder}/{name}" if english else f"./{name}"


def _with_images(paragraphs: str, images: str) -> str:
    first, _, rest = paragraphs.partition("</p>\n")
    return first + "</p>\n" + images + rest


def _layout(title: str, meta: str, body: str, words: dict, english: bool, gbk: bool = False) -> str:
    charset = "gb2312" if gbk else "utf-8"
    footer = "".join(f"<p>{line}</p>" for line in words["footer"])
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html lang="{'en' if english else 'zh-CN'}"><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{esc(title)}_{words["site"]}</title>
{meta}
<script src="{PREFIX}/images/page.js"></script></head>
<body><div class="top"><div class="logo">{words["site"]}</div><div class="nav"><a href="{PREFIX}/">{words["home"]}</a></div></div>
{body}
<div class="footer">{footer}{CONAC_BADGE}</div></body></html>"""
