"""List-page parsers: Hanweb datastores and jpage set-up, TRS page counts."""

from crawler.listings import jpage_settings, parse_datastore, proxy_form, trs_pages, with_query

COLUMN_PAGE = """<html><body><div id="778899"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=41&path=/&columnid=1501262&unitid=778899&webname=%E7%BB%8D&permissiontype=0"></a>]]></nextgroup>
<recordset>
<table width="100%"></table>
<record><![CDATA[<tr><td><img src="/images/dot.gif"></td><td><a href='/art/2019/5/20/art_1501262_101.html' title='Tea Growers in Qiandongnan Sign Orders' target="_blank">Tea Growers in Qiandong...</a></td><td>[2019-05-20]</td></tr>]]></record>
<record><![CDATA[<li><a href="/art/2019/5/2/art_1501262_99.html" title="Aksu Apples Reach Ningbo" target="_blank">Aksu Apples Reach Ningbo</a><span>2019-05-02</span></li>]]></record>
</recordset></datastore></script></div>
<script>$('#778899').jpage({ perPage: 2, totalRecord: 9, groupSize: 3, proxyUrl: '/module/web/jpage/dataproxy.jsp' });</script>
</body></html>"""

PROXY_ANSWER = """<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>9</totalrecord><totalpage>5</totalpage>
<recordset><record><![CDATA[<li><a href='/art/2019/4/1/art_1501262_90.html' title='x'>x</a></li>]]></record></recordset></datastore>"""


def test_datastore_records_use_the_full_title_attribute():
    store = parse_datastore(COLUMN_PAGE, "http://en.sx.gov.cn/col/col1501262/index.html")
    assert [link.url for link in store.links] == [
        "http://en.sx.gov.cn/art/2019/5/20/art_1501262_101.html",
        "http://en.sx.gov.cn/art/2019/5/2/art_1501262_99.html",
    ]
    assert store.links[0].title == "Tea Growers in Qiandongnan Sign Orders"
    assert store.links[0].date == "2019-05-20"
    assert store.record_count == 2


def test_nextgroup_gives_the_dataproxy_and_its_form():
    store = parse_datastore(COLUMN_PAGE, "http://en.sx.gov.cn/col/col1501262/index.html")
    url, form = proxy_form(store.nextgroup)
    assert url == "http://en.sx.gov.cn/module/web/jpage/dataproxy.jsp"
    assert form["webid"] == "41" and form["unitid"] == "778899" and form["columnid"] == "1501262"
    assert form["col"] == "1" and form["sourceContentType"] == "1"


def test_total_is_read_whatever_the_element_order():
    store = parse_datastore(PROXY_ANSWER, "http://en.sx.gov.cn/module/web/jpage/dataproxy.jsp")
    assert store.total == 9 and store.record_count == 1


def test_jpage_settings():
    assert jpage_settings(COLUMN_PAGE) == {
        "perPage": 2, "totalRecord": 9, "groupSize": 3, "proxyUrl": "/module/web/jpage/dataproxy.jsp"}


def test_page_without_datastore_gives_none():
    assert parse_datastore("<html><body>nothing</body></html>", "http://x/") is None


def test_trs_page_count_from_variables_or_literals():
    script = 'var countPage = 4//共多少页\nvar currentPage = 1//当前页\ncreatePageHTML(countPage, currentPage, "index", "html");'
    assert trs_pages(script) == (4, 1, "index", "html")
    assert trs_pages('createPageHTML(3, 0, "index", "shtml");') == (3, 0, "index", "shtml")
    assert trs_pages("<p>no pager</p>") is None


def test_with_query_keeps_other_parameters():
    url = with_query("http://h/p.jsp?a=1&b=2", b=3, c="x y")
    assert url == "http://h/p.jsp?a=1&b=3&c=x+y"
