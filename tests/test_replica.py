"""The replica over real HTTP on 127.0.0.1: the pages the spiders and extractors are written against."""

from __future__ import annotations

import html
import re
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from replica import Replica, ReplicaServer
from replica.model import load_articles
from replica.portals import hanweb, translate, trs, wordpress
from replica.truth import expected_articles, expected_failures, start_urls

HREF_RE = re.compile(r"""href=(["'])(.*?)\1""")
RECORD_RE = re.compile(r"<record><!\[CDATA\[(.*?)\]\]></record>", re.S)


class Fetched:
    """A response: status, headers, raw bytes."""

    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None) -> Fetched:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Fetched(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, error.headers, error.read())


@pytest.fixture(scope="module")
def served():
    """A replica without faults, served for the whole module (tests must not change it)."""
    replica = Replica()
    with ReplicaServer(replica) as server:
        yield replica, server


@pytest.fixture
def fresh():
    """A replica of its own, for a test that changes it."""
    replica = Replica()
    with ReplicaServer(replica) as server:
        yield replica, server


def record_links(xml: str) -> list[str]:
    """Article addresses in the records of a datastore."""
    return [HREF_RE.search(record).group(2) for record in RECORD_RE.findall(xml)]


def post_form(site: hanweb.HanwebSite, unitid: int | None = None) -> bytes:
    return (f"col=1&appid=1&webid={site.webid}&path=/&columnid={site.column}&sourceContentType=1"
            f"&unitid={unitid or site.unitid}&webname={quote(site.site_name)}&permissiontype=0").encode()


def proxy_get(base: str, site: hanweb.HanwebSite, page: int, unitid: int | None = None) -> Fetched:
    return fetch(f"{base}{site.proxy_path}?page={page}&webid={site.webid}&path=/&columnid={site.column}"
                 f"&unitid={unitid or site.unitid}&webname={quote(site.site_name)}&permissiontype=0")


def proxy_post(base: str, site: hanweb.HanwebSite, start: int, end: int, unitid: int | None = None) -> Fetched:
    return fetch(f"{base}{site.proxy_path}?startrecord={start}&endrecord={end}&perpage={site.per_page}",
                 data=post_form(site, unitid),
                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
                          "X-Requested-With": "XMLHttpRequest"})


def every_listed_url(base: str) -> set[str]:
    """Every article address the portals' lists show, found by paging through them over HTTP."""
    urls = set()
    for site in (hanweb.ZJ, hanweb.SX):
        total = int(re.search(r"totalRecord: (\d+)", fetch(base + hanweb.column_url(site)).text).group(1))
        for start in range(1, total + 1, 6):
            urls |= {base + path for path in record_links(proxy_post(base, site, start, start + 5).text)}
    page = base + wordpress.PREFIX + "/"
    while page:
        text = fetch(page).text
        urls |= {base + m for m in re.findall(r'<h2 class="entry-title"><a href="([^"]+)"', text)}
        following = re.search(r'<link rel="next" href="([^"]+)"', text)
        page = base + following.group(1) if following else None
    first = fetch(base + trs.list_url(0)).text
    count = int(re.search(r"var countPage = (\d+)", first).group(1))
    for number in range(count):
        text = fetch(base + trs.list_url(number)).text
        urls |= {base + trs.COLUMN + "/" + href[2:] for href in re.findall(r'<li><a href="(\./[^"]+)"', text)}
    return urls


# -- Hanweb: column page and dataproxy ----------------------------------------------------


@pytest.mark.parametrize("site", [hanweb.ZJ, hanweb.SX], ids=["zj", "sx"])
def test_column_page_holds_the_first_group_in_a_datastore_island_not_all_records(served, site):
    replica, server = served
    page = fetch(server.base_url + hanweb.column_url(site))
    assert page.status == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    island = re.search(rf'<div id="{site.unitid}"><script type="text/xml"><datastore>(.*?)</datastore></script>',
                       page.text, re.S)
    assert island, "datastore island"
    links = record_links(island.group(1))
    listing = replica.listing(site.portal)
    assert links == [a.path for a in listing[:site.per_page * site.group_size]]
    assert len(links) < len(listing)
    assert f"totalRecord: {len(listing)}" in page.text and f"proxyUrl: '{site.proxy_path}'" in page.text
    nextgroup = re.search(r'<nextgroup><!\[CDATA\[<a href="([^"]+)"', island.group(1)).group(1)
    assert html.unescape(nextgroup).startswith(site.proxy_path + "?page=1&")


@pytest.mark.parametrize("site", [hanweb.ZJ, hanweb.SX], ids=["zj", "sx"])
def test_dataproxy_get_and_post_agree_and_cover_every_record(served, site):
    replica, server = served
    expected = [a.path for a in replica.listing(site.portal)]
    by_page, page = [], 1
    while True:
        answer = proxy_get(server.base_url, site, page)
        assert answer.headers["Content-Type"] == "text/xml;charset=UTF-8"
        links = record_links(answer.text)
        if not links:
            break
        by_page += links
        page += 1
    by_range, start = [], 1
    while start <= len(expected):
        answer = proxy_post(server.base_url, site, start, start + 5)
        assert f"<totalrecord>{len(expected)}</totalrecord>" in answer.text
        by_range += record_links(answer.text)
        start += 6
    assert by_page == by_range == expected
    get_text, post_text = proxy_get(server.base_url, site, 1).text, proxy_post(server.base_url, site, 1, 2).text
    assert get_text.index("<recordset>") < get_text.index("<totalrecord>")  # the two orders both occur
    assert post_text.index("<totalrecord>") < post_text.index("<recordset>")


def test_zj_needs_the_column_page_and_two_dataproxy_requests(served):
    replica, _ = served
    group = hanweb.ZJ.per_page * hanweb.ZJ.group_size
    assert len(replica.listing("zj")) > 2 * group  # column page + records 7-12 + 13-…


@pytest.mark.parametrize("site", [hanweb.ZJ, hanweb.SX], ids=["zj", "sx"])
def test_dataproxy_with_a_wrong_unitid_gives_nothing(served, site):
    _, server = served
    wrong = (proxy_get(server.base_url, site, 1, unitid=999), proxy_post(server.base_url, site, 1, 6, unitid=999))
    for answer in wrong:
        assert answer.status == 200
        assert record_links(answer.text) == [] and "<totalrecord>0</totalrecord>" in answer.text


def test_records_cut_titles_and_keep_the_full_one_in_the_title_attribute(served):
    replica, server = served
    xml = proxy_post(server.base_url, hanweb.ZJ, 1, 50).text
    assert 'href="/zj/art/' in xml and "href='/zj/art/" in xml  # both quote styles
    cut = [a for a in replica.listing("zj") if a.list_title]
    assert cut and all(f">{html.escape(a.list_title)}</a>" in xml and a.list_title.endswith("...") for a in cut)
    sx = proxy_post(server.base_url, hanweb.SX, 1, 50).text
    assert "<table" in sx.split("<record>")[0] and re.search(r"<td>\[\d{4}-\d{2}-\d{2}\]</td>", sx)


# -- article pages ------------------------------------------------------------------------


def test_zj_article_page_has_the_agreed_markup(served):
    replica, server = served
    article = replica.articles["zj-conference-2018"]
    page = fetch(server.base_url + article.path).text
    assert f"<title>{html.escape(article.title)} - NEWS - Zhejiang Provincial People&#x27;s Government</title>" in page
    assert re.search(r'<meta (name="ArticleTitle" content|content="[^"]*" name="ArticleTitle")', page)
    assert '<meta name="' in page and '<meta content="' in page  # both attribute orders
    assert '<td class="time">2018-09-03 09:35:20&nbsp;&nbsp;&nbsp;Source: Zhejiang Daily</td>' in page
    assert "<!--ZJEG_RSS.content.begin--><meta name=\"ContentStart\">" in page
    assert '<div class="dqwz">Current position: <a href="/zj/">home</a> &gt;' in page
    for footer in ("Sponsored by the General Office", "浙ICP备05008135号", "浙公网安备", "Website ID: 3300000001",
                   "dcs.conac.cn"):
        assert footer in page


def test_zj_has_one_br_body_and_one_legacy_body(served):
    replica, server = served
    bodies = {a.body: a for a in replica.listing("zj")}
    br = fetch(server.base_url + bodies["br"].path).text
    zoom = br.split('<div id="zoom">')[1].split("</div>")[0]
    assert "<br>" in zoom and "<p>" not in zoom
    legacy = fetch(server.base_url + bodies["legacy"].path).text
    for mark in ("<P>　　<FONT face=楷体_GB2312>", "&nbsp;&nbsp;", "<TABLE align=center><TR><TD><IMG",
                 "<!--advertisement code begin--><!--advertisement code end-->", "<META name=ContentStart>"):
        assert mark in legacy


def test_sx_article_shows_no_date_and_one_has_no_pubdate_meta(served):
    replica, server = served
    pages = {a.key: fetch(server.base_url + a.path).text for a in replica.listing("sx")}
    for key, page in pages.items():
        visible = re.sub(r"<head>.*?</head>", "", page, flags=re.S)
        assert not re.search(r"\d{4}-\d{2}-\d{2}", visible), key
        assert '<div class="eye">Eyesight Protection:' in page and '<h1 class="title">' in page
    assert sum('name="PubDate"' not in page for page in pages.values()) == 1


def test_wordpress_post_has_both_themes_share_related_and_comment_form(served):
    replica, server = served
    pages = {a.theme: fetch(server.base_url + a.path).text for a in replica.listing("wttimes")}
    modern, classic = pages["modern"], pages["classic"]
    assert 'property="article:published_time"' in modern and '<time class="entry-date published" datetime=' in modern
    assert "Leave Comment" in modern and "Leave a Reply" in classic
    assert "article:published_time" not in classic
    assert re.search(r'<span class="entry-date">\w+ \d+, 2021</span>', classic)
    for page in pages.values():
        content = page.split('<div class="entry-content">')[1].split('<footer class="entry-footer">')[0]
        assert "sharedaddy" in content and 'id="jp-relatedposts"' in content
        assert "Your email address will not be published." in page and '<aside id="secondary"' in page
        assert re.search(r'<link rel="canonical" href="http://127\.0\.0\.1:\d+/wttimes/', page)


def test_wordpress_bodies_carry_script_and_a_control_character(served):
    replica, server = served
    unsafe = next(a for a in replica.listing("wttimes") if a.unsafe)
    page = fetch(server.base_url + unsafe.path).text
    assert "<script>alert(1)" in page and "onclick=" in page and 'href="javascript:' in page
    control = next(a for a in replica.listing("wttimes") if a.control_char)
    assert "\u000b" in fetch(server.base_url + control.path).text
    truth = {r["key"]: r for r in expected_articles(replica, server.base_url)}
    assert "\u000b" not in truth[control.key]["text"] and "alert" not in truth[unsafe.key]["text"]


def test_wordpress_archive_pages_link_the_next_and_the_feed_has_ten_posts(served):
    replica, server = served
    first = fetch(server.base_url + "/wttimes/").text
    assert '<link rel="next" href="/wttimes/page/2/">' in first and 'class="next page-numbers"' in first
    assert fetch(server.base_url + "/wttimes/page/99/").status == 404
    feed = fetch(server.base_url + "/wttimes/feed/")
    assert feed.headers["Content-Type"] == "application/rss+xml; charset=UTF-8"
    assert feed.text.count("<item>") == min(10, len(replica.listing("wttimes")))


def test_gbk_page_decodes_with_gb18030_and_holds_a_character_outside_gb2312(served):
    replica, server = served
    gbk = [a for a in replica.listing("xznmx") if a.gbk]
    assert gbk
    found = False
    for article in gbk:
        page = fetch(server.base_url + article.path)
        assert page.headers["Content-Type"] == "text/html"  # no charset: only the <meta> says it
        assert b'content="text/html; charset=gb2312"' in page.body
        with pytest.raises(UnicodeDecodeError):
            page.body.decode("utf-8")
        text = page.body.decode("gb18030")
        assert article.title in text
        outside = [c for c in "".join(article.paragraphs) if not _in_gb2312(c)]
        found = found or bool(outside and all(c in text for c in outside))
    assert found


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def test_trs_list_pages_page_only_through_the_script(served):
    replica, server = served
    first = fetch(server.base_url + trs.list_url(0)).text
    count = int(re.search(r"var countPage = (\d+)//共多少页", first).group(1))
    assert count == -(-len(replica.listing("xznmx")) // trs.PER_PAGE) and count > 2
    assert 'createPageHTML(countPage, currentPage, "index", "html");' in first
    assert "index_1.html" not in first.replace('"index", "html"', "")
    assert fetch(server.base_url + trs.list_url(count)).status == 404


def test_trs_article_has_info_editor_relative_images_and_footer(served):
    replica, server = served
    article = replica.articles["nmx-study-instructions"]
    page = fetch(server.base_url + article.path).text
    assert '<span>2022-03-15 10:09:55</span>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;<span>来源：浙江在线</span>' in page
    assert '<div class="editor">责任编辑：索朗次仁</div>' in page and '<p style="text-indent:2em">' in page
    assert '<img src="./W020220315512345678901.jpg"' in page
    image = fetch(server.base_url + article.path.rsplit("/", 1)[0] + "/W020220315512345678901.jpg")
    assert image.headers["Content-Type"] == "image/jpeg"
    assert image.body[:2] == b"\xff\xd8" and image.body[-2:] == b"\xff\xd9"  # JPEG start and end markers
    for footer in ("主办：尼玛县人民政府", "网站标识码", "藏公网安备", "藏ICP备", "技术支持：西藏传媒集团",
                   "扫一扫在手机打开当前页"):
        assert footer in page


# -- the translate wrapper ----------------------------------------------------------------


def test_translate_wrapper_serves_the_english_list_and_articles(served):
    replica, server = served
    base = server.base_url
    wrapper = start_urls(base)["xznmx_en"][0]
    listing = fetch(wrapper).text
    assert '<html lang="en">' in listing
    links = [html.unescape(h) for h in re.findall(r'<li><a href="([^"]+)" title=', listing)]
    translated = [a for a in replica.listing("xznmx") if a.en]
    assert len(links) == len(translated) >= 4
    for link, article in zip(links, translated, strict=True):
        assert link.startswith(base + "/translate/transpage?")  # absolute wrapper URLs
        assert parse_qs(urlsplit(link).query)["query"] == [base + article.path]
        page = fetch(link).text
        assert html.escape(article.en["title"]) in page and "Sponsor: Nima County" in page
        assert ("Editor in charge:" in page) == bool(article.en["editor"])
        for image in article.images:
            assert f'src="{base}{article.path.rsplit("/", 1)[0]}/{image}"' in page
    unknown = base + "/translate/transpage?query=" + quote(base + "/xznmx/yzdt_4226/202001/t20200101_1.html", safe="")
    assert fetch(unknown).status == 404
    untranslated = next(a for a in replica.listing("xznmx") if not a.en)
    assert fetch(base + translate.wrap(base, untranslated.path)).status == 404


# -- HTTP behaviour -----------------------------------------------------------------------


def test_article_pages_answer_conditional_gets_with_304(fresh):
    replica, server = fresh
    article = replica.articles["wt-haixi-solar"]
    url = server.base_url + article.path
    first = fetch(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith('W/')
    assert fetch(url, headers={"If-None-Match": etag}).status == 304
    assert fetch(url, headers={"If-Modified-Since": modified}).status == 304
    replica.edit_article("wt-haixi-solar", paragraphs=["A second dividend was paid in December."])
    changed = fetch(url, headers={"If-None-Match": etag})
    assert changed.status == 200 and "A second dividend" in changed.text and changed.headers["ETag"] != etag
    assert fetch(url, headers={"If-Modified-Since": modified}).status == 200


def test_added_article_is_newest_on_its_list_and_in_the_truth(fresh):
    replica, server = fresh
    added = replica.add_article("zj", key="zj-added", id=2399999, published="2019-01-01 08:00:00",
                                title="Added Article on Enshi Tea", paragraphs=["Enshi tea sold well."],
                                regions=["hubei"])
    column = fetch(server.base_url + hanweb.column_url(hanweb.ZJ)).text
    assert record_links(column)[0] == added.path
    assert fetch(server.base_url + added.path).status == 200
    assert any(r["key"] == "zj-added" for r in expected_articles(replica, server.base_url))


def test_robots_index_images_head_and_server_log(served):
    _, server = served
    base = server.base_url
    assert "Disallow: /zj/private/" in fetch(base + "/robots.txt").text
    index = fetch(base + "/").text
    for urls in start_urls(base).values():
        assert html.escape(urls[0][len(base):]) in index
    gif = fetch(base + "/sx/images/dot.gif")
    assert gif.headers["Content-Type"] == "image/gif" and gif.body.startswith(b"GIF89a")
    head = fetch(base + "/zj/col/col5798/index.html", method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.headers["Content-Length"]) > 0
    assert ("HEAD", "/zj/col/col5798/index.html", 200) in server.requests
    assert fetch(base + "/nowhere").status == 404


def test_a_slow_answer_never_blocks_shutdown():
    server = ReplicaServer(Replica(faults=True, slow_seconds=30)).start()
    slow = next(a for a in server.replica.listing("sx") if a.fault == "slow")
    def ask_and_give_up() -> None:
        try:
            fetch(server.base_url + slow.path)
        except OSError:
            pass  # the server stopped, or the answer never came: either way shutdown was not blocked

    threading.Thread(target=ask_and_give_up, daemon=True).start()
    time.sleep(0.3)
    started = time.perf_counter()
    server.stop()
    assert time.perf_counter() - started < 3


# -- content, synthetic articles, faults, truth -------------------------------------------


def test_content_has_the_required_variety():
    articles = load_articles()
    counts = {p: sum(a.portal == p for a in articles) for p in ("zj", "sx", "wttimes", "xznmx")}
    assert counts == {"zj": 14, "sx": 8, "wttimes": 9, "xznmx": 8}
    assert len(articles) + sum(bool(a.en) for a in articles) >= 42
    assert sum(bool(a.en) for a in articles) >= 4
    assert len({a.title for a in articles}) == len(articles)
    assert all(3 <= len(a.paragraphs) <= 6 for a in articles)
    assert [a.key for a in articles if not a.regions] == ["zj-lower-saxony"]
    years = {p: {a.published.year for a in articles if a.portal == p} for p in counts}
    assert years == {"zj": {2017, 2018}, "sx": {2019, 2020}, "wttimes": {2021}, "xznmx": {2021, 2022}}
    trs_pages = [a for a in articles if a.portal == "xznmx"]
    assert {bool(a.origin) for a in trs_pages} == {True, False} and {bool(a.editor) for a in trs_pages} == {True, False}


def test_synthetic_adds_n_deterministic_older_articles_per_portal():
    plain, generated, again = Replica(), Replica(synthetic=25), Replica(synthetic=25)
    for portal in ("zj", "sx", "wttimes", "xznmx"):
        base, more = plain.listing(portal), generated.listing(portal)
        assert len(more) == len(base) + 25
        assert [a.key for a in more[:len(base)]] == [a.key for a in base]  # older than every hand-written one
        assert [a.title for a in more] == [a.title for a in again.listing(portal)]
    titles = [a.title for a in generated.articles.values()]
    paths = [a.path for a in generated.articles.values()]
    assert len(set(titles)) == len(titles) and len(set(paths)) == len(paths)


def test_synthetic_replica_of_five_thousand_is_quick():
    started = time.perf_counter()
    replica = Replica(synthetic=5000)
    listing = replica.listing("wttimes")
    page = replica.handle("GET", "/wttimes/page/1000/", "", "", {}, "http://127.0.0.1:1")
    assert page.status == 200 and len(listing) == 5009
    assert time.perf_counter() - started < 10


def test_truth_covers_every_listed_article_url():
    replica = Replica(faults=True, slow_seconds=0.1)
    with ReplicaServer(replica) as server:
        base = server.base_url
        listed = every_listed_url(base)
        rows = expected_articles(replica, base)
        failed = {url for _, url, _ in expected_failures(replica, base)}
        readable = {r["url"] for r in rows if not r["translated"]}
        assert listed == readable | (failed - readable)
        assert {r["url"] for r in rows if r["translated"]} == {base + a.path for a in replica.listing("xznmx") if a.en}
        for row in rows:
            assert row["published"].endswith("+08:00") and row["text"] and row["language"] in ("en", "zh")
            assert fetch(row["fetch_url"]).status == 200


def test_faults_appear_only_when_asked_for():
    plain, faulty = Replica(), Replica(faults=True, slow_seconds=0.1)
    assert not [a for a in plain.articles.values() if a.fault]
    assert expected_failures(plain, "http://x") == []
    kinds = {kind for _, _, kind in expected_failures(faulty, "http://x")}
    assert kinds == {"http", "timeout", "body", "date", "redirect"}
    with ReplicaServer(faulty) as server:
        by_fault = {a.fault: a for a in faulty.articles.values() if a.fault}
        base = server.base_url
        assert fetch(base + by_fault["404"].path).status == 404
        assert fetch(base + by_fault["500"].path).status == 500
        assert "2018-13-45 25:61" in fetch(base + by_fault["baddate"].path).text
        assert "</html>" not in fetch(base + by_fault["soup"].path).text
        truncated = fetch(base + by_fault["truncated"].path).text
        assert "TRS_Editor" not in truncated and "<body>" in truncated
        empty = fetch(base + by_fault["empty"].path).text
        assert re.search(r'<div id="zoom">(<!--.*?-->)+<meta name="ContentStart">\s*<meta name="ContentEnd">', empty)
