"""Extraction as a pure function: page + URL in, Article out (no Scrapy, no network).

The fixtures in tests/fixtures/extract/ are our own pages in the structures of
../shared/portals.md: Hanweb (zj, sx), WordPress (wttimes), TRS (xznmx, Chinese
in GBK and the English machine translation) and a generic news page.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from coopfeed.errors import ConfigError, ExtractionError
from crawler.extract import detect_profile, extract
from crawler.extract.clean import is_boilerplate_line
from crawler.extract.dates import BadDate, parse_date
from crawler.extract.decode import decode_page
from crawler.extract.urls import canonical_url, is_translation, translation_language, url_date

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
ZJ = "http://english.zj.gov.cn/art/2018/9/14/art_5798_2290417.html"
ZJ_BR = "http://english.zj.gov.cn/art/2018/7/2/art_5798_2282210.html"
ZJ_LEGACY = "http://english.zj.gov.cn/art/2017/11/6/art_5798_2251108.html"
SX = "http://en.sx.gov.cn/art/2019/9/23/art_1501262_38112009.html"
WP = "https://wttimes.com/2021/07/12/hangzhou-doctors-start-a-year-in-garze/"
WP_CLASSIC = "https://wttimes.com/2021/06/03/jiaxing-apples-reach-aksu-markets/"
NMX = "http://www.xznmx.gov.cn/yzdt_4226/202205/t20220520_4190001.html"
NMX_EN = "http://www.xznmx.gov.cn/yzdt_4226/202205/t20220509_4180002.html"
WRAPPED = ("http://127.0.0.1:8123/translate/transpage?cb=translateCallback&from=zh&ie=utf8&monLang=zh"
           "&query=http%3A%2F%2Fwww.xznmx.gov.cn%2Fyzdt_4226%2F202205%2Ft20220509_4180002.html&source=url&to=en")
GENERIC = "https://regional.example.com/huzhou/2022-07/11/c_786993.htm"
PAGES = {  # fixture -> the URL it is served at
    "zj_art_p.html": ZJ, "zj_art_br.html": ZJ_BR, "zj_art_legacy.html": ZJ_LEGACY, "sx_art.html": SX,
    "wttimes_post.html": WP, "wttimes_post_classic.html": WP_CLASSIC, "xznmx_gbk.html": NMX,
    "xznmx_en.html": WRAPPED, "generic_article.html": GENERIC,
}
#: Page furniture of the fixtures that must never reach an article's text.
BOILERPLATE = (
    "home > NEWS", "Current position", "Home>Hot News", "Eyesight Protection", "[Print]", "[Close]", "Print",
    "Sponsored by", "ICP", "公网安备", "Website ID", "Share this", "Related", "Leave Comment", "Leave a Reply",
    "Your email address", "Required fields", "Recent Posts", "Powered by", "Tagged", "Previous post",
    "当前位置", "字号", "分享到", "打印本页", "关闭窗口", "扫一扫", "责任编辑", "主办", "地址", "电话", "网站标识码",
    "技术支持", "来源", "Source:", "Editor in charge", "Share to", "Font size", "Sponsor:", "Address:", "Tel:",
    "Technical support", "Public security", "All rights reserved", "Most read", "alert", "advertisement",
)


def page(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def article(name: str, **options):
    return extract(page(name), PAGES[name], **options)


# -- Hanweb ---------------------------------------------------------------------------------------

def test_hanweb_article_fields():
    found = article("zj_art_p.html")
    assert found.url == ZJ
    assert found.title == "Lishui Tea Growers Train Farmers in Qiandongnan"
    assert found.published.isoformat() == "2018-09-14T10:21:37+08:00"  # meta PubDate refined by the time row
    assert found.origin == "Lishui Daily" and found.editor is None and found.language == "en"
    assert found.text.startswith("Forty tea growers from Lishui spent two weeks")
    assert found.text.endswith('"What was missing was the last step: roasting and selling."')
    assert found.text.count("\n\n") == 2 and found.problems == []


def test_hanweb_title_is_never_the_three_part_head_title():
    html = page("zj_art_p.html").decode().replace('content="Lishui Tea Growers Train Farmers in Qiandongnan" ', "")
    html = html.replace('<td class="title">Lishui Tea Growers Train Farmers in Qiandongnan</td>', "")
    assert extract(html, ZJ).title == "Lishui Tea Growers Train Farmers in Qiandongnan"


def test_hanweb_br_body_gives_paragraphs():
    found = article("zj_art_br.html")
    assert found.text.split("\n\n") == [
        "A cardiology ward built with help from a Ningbo hospital opened in Yanbian on Friday.",
        "Eight doctors from Ningbo will work there in turns for the next two years.",
        "The ward has twenty beds and a catheter laboratory, the first in the county.",
        "Local doctors will train in Ningbo in the winter.",
    ]
    assert found.html.count("<p>") == 4 and "<br" not in found.html


def test_hanweb_legacy_uppercase_body():
    found = article("zj_art_legacy.html")
    assert found.title == "Wenzhou Builds Schools in Baicheng"
    assert found.published.isoformat() == "2017-11-06T15:40:03+08:00"
    assert found.text.split("\n\n") == [
        "Two primary schools paid for by Wenzhou opened in Baicheng County, Xinjiang, this autumn.",
        "Together they have 1,200 places and a boarding house for children from the mountain villages.",
        "Teachers from Wenzhou will run the science classes for the first year.",
    ]
    assert '<img src="http://english.zj.gov.cn/picture/0/1711061540123.jpg">' in found.html
    assert "ContentStart" not in found.html and "\u3000" not in found.html and "&nbsp;" not in found.html


def test_shaoxing_date_comes_from_the_pubdate_meta():
    found = article("sx_art.html")
    assert found.title == "Shaoxing Textile Firms Open Workshops in Guangyuan"
    assert found.published.isoformat() == "2019-09-23T16:05:00+08:00"


def test_shaoxing_page_without_pubdate_uses_the_url_date_at_midnight():
    html = page("sx_art.html").decode().replace('<meta content="2019-09-23 16:05" name="PubDate">', "")
    found = extract(html, SX)
    assert found.published.isoformat() == "2019-09-23T00:00:00+08:00" and found.problems == []


# -- WordPress ----------------------------------------------------------------------------------

def test_wordpress_post_fields():
    found = article("wttimes_post.html")
    assert found.title == "Hangzhou doctors start a year in Garze"
    assert found.published.isoformat() == "2021-07-12T09:30:00+08:00"  # time.entry-date.published wins
    assert found.author == "Chen Yu" and found.language == "en"
    assert found.text.startswith("Eighteen doctors and nurses from Hangzhou")
    assert found.text.endswith("The hospital expects to treat 3,000 more patients a year.")
    assert "Twitter" not in found.text and "Cadres set out" not in found.text


def test_wordpress_theme_without_datetime_uses_the_visible_date():
    found = article("wttimes_post_classic.html")
    assert found.published.isoformat() == "2021-06-03T00:00:00+08:00"
    assert found.author == "Wang Li"


def test_wordpress_meta_time_is_converted_to_the_source_zone():
    html = page("wttimes_post.html").decode().replace('<time class="entry-date published"', '<time class="x"')
    assert extract(html, WP).published.isoformat() == "2021-07-12T09:30:00+08:00"  # 01:30Z in the meta


def test_control_characters_are_removed():
    found = article("wttimes_post_classic.html")
    assert "whatever the market does." in found.text
    assert "\x0b" not in found.text and "\x0b" not in found.html


# -- TRS --------------------------------------------------------------------------------------------

def test_trs_chinese_page_fields():
    found = article("xznmx_gbk.html", content_type="text/html")
    assert found.title == "杭州援藏工作组到牧区调研"
    assert found.published.isoformat() == "2022-05-20T16:45:08+08:00"
    assert found.origin == "那曲新闻网" and found.editor == "次仁" and found.language == "zh"
    assert found.text.split("\n\n")[1] == "调研组察看了乡卫生院和牧民定居点，听取了当地干部关于饲草种植的介绍。"


def test_gbk_page_with_the_charset_only_in_meta_keeps_characters_outside_gb2312():
    found = article("xznmx_gbk.html", content_type="text/html")
    assert "王喆" in found.text and "王喆" in found.html  # 喆 is in GBK, not in GB2312


def test_relative_images_become_absolute():
    found = article("xznmx_gbk.html")
    assert '<img src="http://www.xznmx.gov.cn/yzdt_4226/202205/W020220520512340000001.jpg">' in found.html


def test_translation_wrapper_gives_the_canonical_url_and_english():
    found = article("xznmx_en.html")
    assert found.url == NMX_EN and found.language == "en"
    assert found.title == "Hangzhou aid group opens a yak dairy in Nima"
    assert found.published.isoformat() == "2022-05-09T11:02:47+08:00"
    assert found.origin == "Zhejiang Online" and found.editor == "Dawa Tsering"  # the visible, translated labels
    assert found.text.split("\n\n") == [
        "Recently, a yak dairy built with funds from Hangzhou started production in Nima County.",
        "The dairy buys milk from 140 herding families and makes butter, yoghurt and dried cheese.",
    ]


def test_translation_language_comes_from_the_wrapper_when_the_page_says_nothing():
    html = page("xznmx_en.html").decode().replace('<html lang="en">', "<html>")
    assert extract(html, WRAPPED.replace("to=en", "to=fr")).language == "fr"


# -- generic --------------------------------------------------------------------------------------

def test_generic_page_through_trafilatura():
    found = article("generic_article.html")
    assert found.title == "Huzhou and Wulan sign a herding agreement"
    assert found.published.isoformat() == "2022-07-11T08:30:00+08:00"
    assert found.author == "Zhou Min"
    assert found.text.startswith("Officials from Huzhou and Wulan County")
    assert found.text.endswith('a Wulan county official said.')


def test_wordpress_theme_without_a_known_body_container_is_read_by_the_generic_profile():
    paragraphs = ["Forty teachers from Ningbo arrived in Qiandongnan on Monday for a semester of lessons in "
                  "mathematics and science at eleven county schools, the education bureau said.",
                  "The teachers will also train local staff, and the bureau plans to send a second group in "
                  "the spring if schools ask for more help with their science classes."]
    html = ("<html><head><title>Ningbo teachers arrive in Qiandongnan – Example News</title>"
            "<link rel='stylesheet' href='/wp-content/themes/custom/style.css'>"
            "<meta property='article:published_time' content='2021-09-06T10:00:00+08:00'></head><body>"
            "<nav><a href='/'>Home</a></nav><main><div class='story'><h1 class='headline'>Ningbo teachers "
            "arrive in Qiandongnan</h1><div class='story-text'>" + "".join(f"<p>{p}</p>" for p in paragraphs)
            + "</div></div></main><footer>Powered by WordPress</footer></body></html>")
    url = "https://news.example.com/2021/09/06/ningbo-teachers/"
    found = extract(html, url)
    assert found.text == "\n\n".join(paragraphs)
    assert found.title == "Ningbo teachers arrive in Qiandongnan"
    assert found.published.isoformat() == "2021-09-06T10:00:00+08:00"
    with pytest.raises(ExtractionError, match="body"):  # a profile the user chose stays strict
        extract(html, url, profile="wordpress")


def test_generic_page_reads_the_visible_date_line_and_origin():
    html = ("<html><head><title>茶叶会议_某县人民政府</title></head><body><div class='main'><h1>县里召开茶叶会议</h1>"
            "<div class='info'>发布时间：2022-05-20 16:45 来源：县融媒体中心</div><div class='content'>"
            "<p>县里召开茶叶会议，讨论了今年的茶叶收购价格和运输安排，各乡镇负责人参加了会议。</p>"
            "<p>会议决定在六月前完成收购。</p></div></div><div class='footer'>版权所有 某县人民政府</div></body></html>")
    found = extract(html, "https://example.gov.cn/news/2.html")
    assert found.published.isoformat() == "2022-05-20T16:45:00+08:00" and found.origin == "县融媒体中心"
    assert found.text == "县里召开茶叶会议，讨论了今年的茶叶收购价格和运输安排，各乡镇负责人参加了会议。\n\n会议决定在六月前完成收购。"


def test_generic_body_drops_a_repeated_headline():
    assert not article("generic_article.html").text.startswith("Huzhou and Wulan sign")


# -- shared rules -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(PAGES))
def test_boilerplate_never_reaches_the_text(name):
    text = article(name).text
    for phrase in BOILERPLATE:
        assert phrase not in text, f"{phrase!r} in {name}"


@pytest.mark.parametrize("line", [
    "home > NEWS", "Home>Hot News", "Home | >Photo News |", "Current position: home > NEWS", "当前位置：首页 > 援藏动态",
    "Eyesight Protection:", "Eyesight Protection: Standard Green Dark", "[Print] [Close]", "【打印本页】【关闭窗口】",
    "[Print this page] [Close window]", "Leave Comment", "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Editor in charge: Sonantsom", "责任编辑：次旦", "Sponsor: Nima County People's Government Address: Jianshe West Road",
    "Sponsored by the General Office of Zhejiang Provincial People's Government",
    "主办：尼玛县人民政府　地址：西藏那曲市尼玛县　电话：0896-3712830", "Address: Jianshe West Road", "地址：尼玛县建设西路",
    "Tel: 0896-3712830", "电话：0896-3712830", "Website ID: 542430001", "网站标识码：5424300001",
    "Public security record No.: Tibetan public network security 54243002000002", "藏公网安备 54243002000002号",
    "Record No.: Zang ICP Bei No. 2021000016-1", "浙ICP备05008135号", "Technical support: Tibet Media Group",
    "技术支持：西藏传媒集团", "分享到：微信 微博 QQ空间", "Share to:", "Share this:", "扫一扫在手机打开当前页", "字号：大 中 小",
    "Font size: Large Medium Small", "Source: Zhejiang Online", "来源：浙江在线", "信息来源：温州日报",
    "来源：浙江在线 作者：张三", "（来源：人民日报）",
    "2018-08-31 09:35:20", "2022-03-15 10:09:55 Source: Zhejiang Online", "Pub Date:23-08-17 16:03 Source: Anhui News",
    "© 2021 WT Times. Powered by WordPress | Theme: Newsup by Themeansar.",
])
def test_boilerplate_lines_are_recognised(line):
    assert is_boilerplate_line(line)


@pytest.mark.parametrize("line", [
    "The governor's address to the assembly focused on pairing assistance.",
    "Address the needs of herders first, he said.",
    "The main source of income for the village is tea.",
    "Sources said the delegation would stay for three days.",
    "Organizers said the fair drew 300 companies from Sichuan and Guizhou.",
    "Sponsors of the event included several Zhejiang companies.",
    "Hosted by Zhejiang University, the forum drew 200 experts.",
    "Technical support from Hangzhou experts helped the hospital open a new ward.",
    "The county strengthened public network security and trained 40 officials.",
    "Home to 80,000 people, Nima County lies on the plateau.",
    "Print media and television covered the event widely.",
    "Powered by solar panels, the village now has electricity.",
    "主办方表示，本次活动吸引了三百家企业参加。", "地址选在县城西侧，交通便利。", "来源于浙江的资金共计2.47亿元。",
    "技术支持下，医院开设了新病房。", "2021年5月6日", "数据来源：国家统计局",
    "The source of the 2021-05-06 figures: a survey of 300 herding families.",
])
def test_article_sentences_are_never_boilerplate(line):
    assert not is_boilerplate_line(line)


def test_trailing_editor_note_becomes_metadata():
    html = page("xznmx_gbk.html").decode("gb18030").replace('<div class="editor">责任编辑：次仁</div>', "")
    html = html.replace("增收项目。</p>", "增收项目。（责任编辑：达瓦）</p>")
    found = extract(html, NMX)
    assert found.editor == "达瓦" and found.text.endswith("增收项目。")


def test_sanitizer_drops_scripts_handlers_and_javascript_urls():
    found = article("wttimes_post.html")
    for bad in ("<script", "onclick", "javascript:", "alert", "track(", "<div", "style="):
        assert bad not in found.html
    assert '<a href="https://wttimes.com/tag/midwives/">midwife</a>' in found.html  # links made absolute


# -- dates ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2018-08-31 09:35:20", "2018-08-31T09:35:20+08:00"),
    ("2018-08-31 09:35", "2018-08-31T09:35:00+08:00"),
    ("2018-08-31", "2018-08-31T00:00:00+08:00"),
    ("2022年03月15日 10:09", "2022-03-15T10:09:00+08:00"),
    ("June 3, 2021", "2021-06-03T00:00:00+08:00"),
    ("2021-06-03T09:00:00+08:00", "2021-06-03T09:00:00+08:00"),
    ("2021-06-03T01:00:00Z", "2021-06-03T09:00:00+08:00"),
    ("[2017-04-24]", "2017-04-24T00:00:00+08:00"),
    ("Pub Date:23-08-17 16:03", "2023-08-17T16:03:00+08:00"),
])
def test_date_formats_of_the_portals(text, expected):
    assert parse_date(text, "Asia/Shanghai").isoformat() == expected


def test_naive_time_gets_the_source_zone_not_utc():
    assert parse_date("2021-06-03 09:00", "Europe/Berlin").isoformat() == "2021-06-03T09:00:00+02:00"


def test_impossible_date_is_an_error_not_a_guess():
    with pytest.raises(BadDate):
        parse_date("2018-13-45 25:61")


def test_broken_date_falls_back_to_the_url_date_and_says_so():
    html = page("zj_art_p.html").decode().replace("2018-09-14 10:21:37", "2018-13-45 25:61:00")
    html = html.replace("2018-09-14 10:21", "2018-13-45 25:61").replace("2018-09-14 10:30:02", "")
    found = extract(html, ZJ)
    assert found.published.isoformat() == "2018-09-14T00:00:00+08:00"
    assert found.problems == ["date: unparsable '2018-13-45 25:61', '2018-13-45 25:61:00'; used URL path date"]


def test_no_date_at_all_is_none_never_the_crawl_time():
    html = page("generic_article.html").decode().replace("2022-07-11T00:30:00Z", "")
    found = extract(html, "https://example.com/news/huzhou-wulan")
    assert found.published is None and found.problems == ["date: none found"]


@pytest.mark.parametrize("url, day", [
    ("http://english.zj.gov.cn/art/2018/8/31/art_5798_2289753.html", date(2018, 8, 31)),
    ("http://www.xznmx.gov.cn/yzdt_4226/202203/t20220315_4110020.html", date(2022, 3, 15)),
    ("https://wttimes.com/2021/06/03/cadres/", date(2021, 6, 3)),
    ("https://regional.chinadaily.com.cn/huzhou/2022-07/11/c_786993.htm", date(2022, 7, 11)),
    ("http://en.people.cn/n3/2024/0829/c90000-20211585.html", date(2024, 8, 29)),
    ("http://english.zj.gov.cn/art/2018/2/30/art_5798_1.html", None),
    ("https://example.com/about/", None),
])
def test_dates_in_url_paths(url, day):
    assert url_date(url) == day


# -- URLs, decoding, profiles ------------------------------------------------------------------

@pytest.mark.parametrize("url, canonical", [
    (WRAPPED, NMX_EN),
    ("https://translate.google.com/translate?sl=zh-CN&tl=en&u=http://www.xznmx.gov.cn/a/t20220315_1.html",
     "http://www.xznmx.gov.cn/a/t20220315_1.html"),
    ("HTTP://English.ZJ.gov.cn:80/art/2018/8/31/art_5798_1.html#top",
     "http://english.zj.gov.cn/art/2018/8/31/art_5798_1.html"),
    ("https://wttimes.com/2021/06/03/x/?utm_source=feed&p=3", "https://wttimes.com/2021/06/03/x/?p=3"),
    ("http://example.com/list?123", "http://example.com/list?123"),
])
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_translation_wrappers_are_recognised():
    assert is_translation(WRAPPED) and translation_language(WRAPPED) == "en"
    assert not is_translation(NMX) and translation_language(NMX) is None


def test_decoding_trusts_the_http_charset_first():
    body = "<html><head><meta charset='gbk'></head><body>王喆</body></html>".encode("utf-8")
    assert "王喆" in decode_page(body, "text/html; charset=utf-8")


def test_decoding_detects_an_undeclared_gbk_page():
    body = ("<html><body><p>" + "杭州援藏工作组到牧区调研，走访了三户牧民家庭。" * 3 + "</p></body></html>").encode("gb18030")
    assert "杭州援藏工作组" in decode_page(body)


@pytest.mark.parametrize("name, profile", [
    ("zj_art_p.html", "hanweb"), ("zj_art_br.html", "hanweb"), ("zj_art_legacy.html", "hanweb"),
    ("sx_art.html", "hanweb"), ("wttimes_post.html", "wordpress"), ("wttimes_post_classic.html", "wordpress"),
    ("xznmx_gbk.html", "trs"), ("xznmx_en.html", "trs"), ("generic_article.html", "generic"),
])
def test_profile_is_recognised_from_the_markup(name, profile):
    assert detect_profile(decode_page(page(name)), PAGES[name]) == profile


def test_profile_falls_back_to_the_article_url():
    assert detect_profile("<html><body><p>x</p></body></html>", NMX) == "trs"
    assert detect_profile("<html><body><p>x</p></body></html>", ZJ) == "hanweb"
    assert detect_profile("<html><body><p>x</p></body></html>", "https://example.com/a") == "generic"


# -- overrides ---------------------------------------------------------------------------------------

def test_selector_overrides_win_over_the_profile():
    found = article("zj_art_p.html", selectors={
        "title": ".dqwz a:last-child", "date": ".footer p:nth-child(3)", "origin": "td.title",
        "editor": "td.title", "author": "td.title", "remove": ["#zoom p:first-of-type", "#zoom img"]})
    assert found.title == "NEWS" and found.origin == found.author == "Lishui Tea Growers Train Farmers in Qiandongnan"
    assert found.text.startswith("The trainers worked") and "<img" not in found.html
    assert found.published.isoformat() == "2018-09-14T10:21:37+08:00"  # the chosen element holds no date


def test_selector_overrides_on_a_generic_page():
    html = ("<html><body><h2 class='headline'>Tea fair in Enshi</h2><span class='when'>2021-09-02</span>"
            "<div class='story'><p>Tea from Enshi sold well in Hangzhou this week.</p>"
            "<p class='ad'>Buy tea now</p><p class='src'>来源：恩施日报</p></div></body></html>")
    found = extract(html, "https://example.com/story", profile="generic", selectors={
        "title": ".headline", "body": ".story", "date": ".when", "origin": ".src", "remove": [".ad"]})
    assert found.title == "Tea fair in Enshi" and found.text == "Tea from Enshi sold well in Hangzhou this week."
    assert found.published.isoformat() == "2021-09-02T00:00:00+08:00" and found.origin == "恩施日报"


def test_invalid_selector_is_a_config_error():
    with pytest.raises(ConfigError, match="selectors.body"):
        article("generic_article.html", selectors={"body": "div[["})


# -- failures ----------------------------------------------------------------------------------------

def test_empty_body_raises_extraction_error():
    html = page("zj_art_br.html").decode()
    start, end = html.index("<!--ZJEG_RSS.content.begin-->"), html.index("<!--ZJEG_RSS.content.end-->")
    with pytest.raises(ExtractionError, match="body") as caught:
        extract(html[:start] + html[end:], ZJ_BR)
    assert caught.value.field == "body"


def test_page_without_title_raises_extraction_error():
    html = "<html><body><div class='TRS_Editor'><p>正文一段。</p></div></body></html>"
    with pytest.raises(ExtractionError, match="title") as caught:
        extract(html, NMX, profile="trs")
    assert caught.value.field == "title"


def test_tag_soup_still_gives_the_article():
    html = page("xznmx_gbk.html").decode("gb18030").replace("</p>", "").replace("</body></html>", "")
    html = html.replace('<div class="editor">', '</div></div><div class="editor">')
    found = extract(html, NMX)
    assert found.title == "杭州援藏工作组到牧区调研" and "王喆表示" in found.text and found.editor == "次仁"


@pytest.mark.parametrize("junk", [
    b"", b"   ", b"\x00\x01\x02\xff" * 100, b"\x1f\x8b\x08\x00\x00\x00", "not html at all", "<html><head><title>x",
    "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>", "\ud800<p>lone surrogate</p>",
    "<html><body>" + "<div>" * 2000 + "deep" + "</div>" * 2000 + "</body></html>",
])
@pytest.mark.parametrize("profile", ["auto", "hanweb", "wordpress", "trs", "generic"])
def test_junk_raises_nothing_but_extraction_error(junk, profile):
    try:
        extract(junk, "http://example.com/a.html", profile=profile)
    except ExtractionError:
        pass


@pytest.mark.parametrize("name", sorted(PAGES))
def test_truncated_and_damaged_pages_raise_nothing_but_extraction_error(name):
    body = page(name)
    rng = random.Random(name)
    variants = [body[:cut] for cut in range(0, len(body), max(1, len(body) // 25))]
    for _ in range(10):
        damaged = bytearray(body)
        for _ in range(20):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        variants.append(bytes(damaged))
    for variant in variants:
        try:
            extract(variant, PAGES[name])
        except ExtractionError:
            pass


def test_stock_english_lang_attribute_on_chinese_text_is_ignored():
    html = page("xznmx_gbk.html").decode("gb18030").replace("<html>", '<html lang="en">')
    assert extract(html, NMX).language == "zh"
    assert extract(html, NMX, language="bo").language == "bo"  # the caller's word wins


def test_profile_markup_signs_beat_links_to_other_cms_pages():
    html = page("xznmx_gbk.html").decode("gb18030").replace(
        '<div class="qr">', '<a href="http://www.zj.gov.cn/art/2022/5/1/art_1229_5001.html">浙江</a><div class="qr">')
    assert detect_profile(html, NMX) == "trs"
