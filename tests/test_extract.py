"""Extraction as a pure function: page + URL in, Article out (no Scrapy, no network)."""

from __future__ import annotations

import pytest

from coopfeed.errors import ExtractionError
from crawler.extract import detect_profile, extract
from crawler.extract.urls import canonical_url, is_translation, url_date

HANWEB_CHINESE = """<html><head><meta name="ArticleTitle" content="温州援建阿克苏教育项目通过验收">
<meta content="2021-05-06 09:30" name="PubDate"><title>温州援建阿克苏教育项目通过验收_部门动态_温州市人民政府</title></head>
<body><div class="location">首页 &gt; 部门动态</div>
<table><tr><td class="title">温州援建阿克苏教育项目通过验收</td></tr>
<tr><td>信息来源：<!--<$[信息来源]>begin-->温州日报<!--<$[信息来源]>end-->　发布日期：2021-05-06 09:30:12</td></tr>
<tr><td><div id="zoom"><!--<$[信息内容]>begin--><META name=ContentStart><P>　　近日，温州市援建拜城县的三所学校通过竣工验收。</P>
<P>　　项目总投资1.2亿元，新增学位3600个。</P><!--advertisement code begin--><!--advertisement code end-->
<META name=ContentEnd><!--<$[信息内容]>end--></div></td></tr></table>
<div class="print">【打印本页】【关闭窗口】</div><div class="foot">浙ICP备05008135号 浙公网安备 33030202000123号</div></body></html>"""

WORDPRESS_CLASSIC = """<html><head><meta name="generator" content="WordPress 6.2"><title>Teachers arrive – Blog</title></head>
<body><article class="post"><h1 class="entry-title">Hangzhou teachers arrive in Ganzi</h1>
<div class="entry-meta"><span class="entry-date">March 4, 2022</span> by <span class="author vcard"><a class="url fn n">Li Na</a></span></div>
<div class="entry-content"><p>Twenty teachers from Hangzhou arrived in Kangding on Monday.</p>
<p>They will teach for one year.</p><div class="sharedaddy"><h3>Share this:</h3><a>Twitter</a></div></div></article>
<div id="comments"><h3 id="reply-title">Leave a Reply</h3><p>Your email address will not be published. Required fields are marked *</p></div>
</body></html>"""

TRS_GBK = ("""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<meta name="ArticleTitle" content="援藏干部王喆调研牧区"></head><body><div class="article"><h1>援藏干部王喆调研牧区</h1>
<div class="info"><span>2022-03-15 10:09:55</span>&nbsp;&nbsp;<span>来源：那曲新闻网</span> 字号：大 中 小</div>
<div class="TRS_Editor"><p>援藏干部王喆近日到牧区调研。</p><p align="center"><img src="./W020220315.jpg"></p></div>
<div class="editor">责任编辑：次旦</div><div class="share">分享到：微信</div></div>
<div class="footer">主办：尼玛县人民政府　技术支持：西藏传媒集团</div></body></html>""").encode("gb18030")

WRAPPED = ("https://translate.baiducontent.com/transpage?cb=translateCallback&from=zh&ie=utf8&monLang=zh"
           "&query=http%3A%2F%2Fwww.xznmx.gov.cn%2Fyzdt_4226%2F202203%2Ft20220315_4110020.html&source=url&to=en")
TRS_ENGLISH = """<html lang="en"><head><meta name="ArticleTitle" content="Hangzhou group studies instructions"></head>
<body><div class="article"><h1>Hangzhou group studies instructions</h1>
<div class="info"><span>2022-03-15 10:09:55</span>      <span>Source: Zhejiang Online</span></div>
<div class="TRS_Editor"><p>Recently, the working group held a meeting.</p></div>
<div class="editor">Editor in charge: Sonantsom</div></div>
<div class="footer"><p>Sponsor: Nima County People's Government Address: Jianshe West Road Tel: 0896-3712830</p>
<p>Website ID: 542430001 Public security record No.: 54243002000002 Record No.: Zang ICP Bei No. 2021000016-1</p>
<p>Technical support: Tibet Media Group</p></div></body></html>"""

GENERIC = """<html><head><title>Huzhou and Wulan sign agreement | Regional</title>
<meta property="article:published_time" content="2022-07-11T08:00:00+08:00"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav><main><article><h1>Huzhou and Wulan sign agreement</h1>
<p>Officials from Huzhou and Wulan County in Qinghai signed a cooperation agreement on Monday covering
tourism, goji berries and vocational education for young herders.</p>
<p>The agreement continues ten years of pairing assistance between the two places, during which Huzhou
funded schools, a hospital wing and a solar power station in Wulan.</p>
<p>Both sides will exchange officials and organise a trade fair in Huzhou this autumn.</p></article></main>
<footer>Copyright 2022 Regional News. All rights reserved.</footer></body></html>"""


def test_hanweb_chinese_page_with_legacy_markers():
    article = extract(HANWEB_CHINESE, "http://wz.zj.gov.cn/art/2021/5/6/art_1229_5001.html")
    assert article.title == "温州援建阿克苏教育项目通过验收"
    assert article.published.isoformat() == "2021-05-06T09:30:12+08:00"
    assert article.origin == "温州日报" and article.language == "zh"
    assert article.text == "近日，温州市援建拜城县的三所学校通过竣工验收。\n\n项目总投资1.2亿元，新增学位3600个。"


def test_wordpress_theme_without_datetime_uses_the_visible_date():
    article = extract(WORDPRESS_CLASSIC, "https://blog.example.com/2022/03/04/teachers/")
    assert article.published.isoformat() == "2022-03-04T00:00:00+08:00"
    assert article.author == "Li Na"
    assert article.text == "Twenty teachers from Hangzhou arrived in Kangding on Monday.\n\nThey will teach for one year."


def test_gbk_page_with_charset_only_in_meta_keeps_characters_outside_gb2312():
    article = extract(TRS_GBK, "http://www.xznmx.gov.cn/yzdt_4226/202203/t20220315_1.html", content_type="text/html")
    assert article.title == "援藏干部王喆调研牧区" and "王喆" in article.text
    assert article.origin == "那曲新闻网" and article.editor == "次旦"
    assert '<img src="http://www.xznmx.gov.cn/yzdt_4226/202203/W020220315.jpg">' in article.html
    for boilerplate in ("字号", "分享到", "主办", "技术支持", "责任编辑"):
        assert boilerplate not in article.text


def test_translation_wrapper_gives_the_canonical_url_and_english_metadata():
    article = extract(TRS_ENGLISH, WRAPPED)
    assert article.url == "http://www.xznmx.gov.cn/yzdt_4226/202203/t20220315_4110020.html"
    assert article.language == "en" and article.origin == "Zhejiang Online" and article.editor == "Sonantsom"
    assert article.text == "Recently, the working group held a meeting."
    assert is_translation(WRAPPED) and canonical_url(WRAPPED) == article.url


def test_generic_page_through_trafilatura():
    article = extract(GENERIC, "https://regional.example.com/huzhou/2022-07/11/c_786993.htm")
    assert article.title == "Huzhou and Wulan sign agreement"
    assert article.published.isoformat() == "2022-07-11T08:00:00+08:00"
    assert "goji berries" in article.text and "All rights reserved" not in article.text
    assert "Home" not in article.text.split("\n")[0]


def test_broken_date_falls_back_to_the_url_and_says_so():
    page = HANWEB_CHINESE.replace("2021-05-06 09:30:12", "2021-13-45 25:61:00").replace("2021-05-06 09:30", "bad")
    article = extract(page, "http://wz.zj.gov.cn/art/2021/5/6/art_1229_5001.html")
    assert article.published.isoformat() == "2021-05-06T00:00:00+08:00"
    assert article.problems == ["date: unparsable '2021-13-45 25:61:00'; used the URL path date"]


def test_no_date_at_all_is_none_never_the_crawl_time():
    page = GENERIC.replace('<meta property="article:published_time" content="2022-07-11T08:00:00+08:00">', "")
    article = extract(page, "https://example.com/news/huzhou-wulan")
    assert article.published is None and article.problems == ["date: none found"]


def test_empty_body_raises_extraction_error():
    page = HANWEB_CHINESE.split("<P>")[0] + "<META name=ContentEnd><!--<$[信息内容]>end--></div></body></html>"
    with pytest.raises(ExtractionError, match="body"):
        extract(page, "http://wz.zj.gov.cn/art/2021/5/6/art_1229_5001.html")


@pytest.mark.parametrize("page", [b"", b"\x00\x01\x02\xff" * 100, b"<html><head><title>x", "not html at all",
                                  "<html><body><div><p>unclosed <b>tags</div></td></tr></body>"])
def test_broken_input_raises_only_extraction_error(page):
    try:
        extract(page, "http://example.com/a.html")
    except ExtractionError:
        pass


def test_sanitizer_drops_scripts_handlers_and_javascript_urls():
    page = GENERIC.replace("<p>Both sides", '<p onclick="steal()">Both sides <a href="javascript:alert(1)">x</a>'
                           "<script>alert(1)</script><iframe src='https://evil.example'></iframe>")
    html = extract(page, "https://regional.example.com/a/2022-07/11/c_1.htm").html
    for bad in ("onclick", "javascript:", "<script", "<iframe", "alert"):
        assert bad not in html


def test_profile_is_recognised_from_markup():
    assert detect_profile(HANWEB_CHINESE) == "hanweb"
    assert detect_profile(WORDPRESS_CLASSIC) == "wordpress"
    assert detect_profile(TRS_ENGLISH) == "trs"
    assert detect_profile(GENERIC) == "generic"


def test_selector_overrides_from_the_source_config():
    page = "<html><body><h2 class='headline'>Tea fair in Enshi</h2><span class='when'>2021-09-02</span>" \
           "<div class='story'><p>Tea from Enshi sold well in Hangzhou this week.</p></div></body></html>"
    article = extract(page, "https://example.com/story", profile="generic",
                      selectors={"title": ".headline", "body": ".story", "date": ".when"})
    assert article.title == "Tea fair in Enshi" and article.text == "Tea from Enshi sold well in Hangzhou this week."
    assert article.published.isoformat() == "2021-09-02T00:00:00+08:00"


@pytest.mark.parametrize("url, day", [
    ("http://english.zj.gov.cn/art/2018/8/31/art_5798_2289753.html", "2018-08-31"),
    ("http://www.xznmx.gov.cn/yzdt_4226/202203/t20220315_4110020.html", "2022-03-15"),
    ("https://wttimes.com/2021/06/03/cadres/", "2021-06-03"),
    ("https://regional.chinadaily.com.cn/huzhou/2022-07/11/c_786993.htm", "2022-07-11"),
    ("http://en.people.cn/n3/2024/0829/c90000-20211585.html", "2024-08-29"),
])
def test_dates_in_url_paths(url, day):
    assert url_date(url).isoformat() == day
