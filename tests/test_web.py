"""The web pages over real HTTP from `coopfeed serve` on a crawled replica: content, errors, /db/, links."""

from __future__ import annotations

import http.client
import re
import sqlite3
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urldefrag, urljoin, urlsplit

import pytest
import sqlite_utils
import uvicorn

from served import views
from served.app import Pages, create_app, route
from storage import Store
from web_site import WebSite, free_port


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    served = WebSite(tmp_path_factory.mktemp("web"))
    yield served
    served.stop()
    assert "Traceback" not in served.stderr


def get(web, path: str, method: str = "GET") -> tuple[int, dict, str]:
    connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=20)
    connection.request(method, path)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def db(web) -> sqlite_utils.Database:
    return sqlite_utils.Database(web.db)


# -- the pages -----------------------------------------------------------------------

def test_the_topics_page_counts_and_subscribe_links(web):
    status, headers, body = get(web, "/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert '<meta name="viewport"' in body and '<html lang="en">' in body
    counts = dict(db(web).execute("select topic, count(*) from item_topics group by topic").fetchall())
    assert f'<a href="/topics/tibet">Tibet (Xizang)</a> <span class="count">({counts["tibet"]} articles)' in body
    for kind in ("rss", "atom", "json"):
        assert f'href="/tibet.{kind}"' in body and f'href="/health.{kind}"' in body
    assert 'href="/topics.opml"' in body
    assert '<link rel="alternate" type="application/atom+xml" title="All articles" href="/all.atom">' in body
    for link in ('href="/search"', 'href="/sources"', 'href="/db/"'):
        assert link in body  # the nav bar


def test_a_topic_lists_its_newest_articles_with_zones_and_pages(web):
    status, _, body = get(web, "/topics/all")
    assert status == 200
    expected = [row["id"] for row in db(web).query(
        "select items.id from items join item_topics on item_topics.item_id = items.id where topic = 'all' "
        "order by coalesce(published_utc, first_seen) desc, items.rowid desc")]
    first = re.findall(r'<h2><a href="/articles/([0-9a-f]{16})"', body)
    assert first == expected[:20]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC\+08:00", body)
    assert re.search(r'<p lang="(en|zh)">', body)  # summaries say their language
    portals = r"(尼玛县人民政府: 援藏动态|WT Times|Zhejiang Provincial People&#39;s Government: NEWS)"
    assert re.search(rf"</time> · {portals}<", body)
    older = re.search(r'href="(/topics/all\?before=[^"]+)" rel="next"', body).group(1)
    status, _, second = get(web, older.replace("&amp;", "&"))
    assert status == 200 and 'href="/topics/all">← Newest' in second
    assert re.findall(r'<h2><a href="/articles/([0-9a-f]{16})"', second) == expected[20:40]


def test_an_article_as_stored_with_its_original_and_translation(web):
    original, translation = next(iter(db(web).execute(
        "select translation_of, id from items where translation_of is not null and origin is not null "
        "and editor is not null order by id")))
    status, _, body = get(web, f"/articles/{translation}")
    row = db(web)["items"].get(translation)
    assert status == 200 and '<article lang="en">' in body
    assert f'<dt>Original article (zh)</dt>\n<dd><a href="/articles/{original}" lang="zh">' in body
    assert f'href="{row["url"]}"' in body and row["origin"] in body and row["editor"] in body
    assert "UTC+08:00" in body and "Nima County" in body
    status, _, body = get(web, f"/articles/{original}")
    assert status == 200 and '<article lang="zh">' in body
    assert f'<dt>Translation (en)</dt>\n<dd><a href="/articles/{translation}" lang="en">' in body


@pytest.mark.parametrize("query, expected", [
    ("Qiandongnan", "Long-Haired Rabbits Bring Income to Qiandongnan Villages"),
    ("援藏工作", "杭州援藏工作组召开会议学习传达市领导批示精神"),
    ("援藏", "杭州援藏医疗队完成尼玛县人民医院首例腹腔镜手术"),
])
def test_search_is_the_stores_search_in_english_and_chinese(web, query, expected):
    status, _, body = get(web, f"/search?q={quote(query)}")
    assert status == 200 and expected in body
    found = re.findall(r'<h2><a href="/articles/([0-9a-f]{16})"', body)
    with Store(web.db) as store:
        assert found == [row["id"] for row in store.search(query, limit=20)]
    assert f"<mark>{query}</mark>" in body


def test_search_filters_and_pages(web):
    status, _, body = get(web, "/search?q=Zhejiang&source=zj_news&language=en")
    assert status == 200 and '<option value="zj_news" selected>' in body and '<option value="en" selected>' in body
    ids = re.findall(r'<h2><a href="/articles/([0-9a-f]{16})"', body)
    sources = {row["source"] for row in db(web).query(
        f"select source from items where id in ({', '.join('?' * len(ids))})", ids)}
    assert ids and sources == {"zj_news"}
    with Store(web.db) as store:
        every = [row["id"] for row in store.search("Zhejiang", limit=100)]
    assert len(every) > 20
    _, _, first = get(web, "/search?q=Zhejiang")
    assert re.findall(r'<h2><a href="/articles/([0-9a-f]{16})"', first) == every[:20]
    assert 'href="/search?q=Zhejiang&amp;page=2" rel="next"' in first
    _, _, second = get(web, "/search?q=Zhejiang&page=2")
    assert re.findall(r'<h2><a href="/articles/([0-9a-f]{16})"', second) == every[20:40]


def test_the_sources_page_shows_health_runs_and_a_chart(web):
    status, _, body = get(web, "/sources")
    assert status == 200
    for source in ("zj_news", "sx_hotnews", "wttimes", "xznmx", "xznmx_en"):
        assert f'id="source-{source}"' in body
    broken = body.split('id="source-sx_hotnews"')[1].split("</section>")[0]
    assert 'data-status="broken"' in broken and "its list pages show no article links" in broken
    degraded = body.split('id="source-wttimes"')[1].split("</section>")[0]
    assert 'data-status="degraded"' in degraded and "http 1" in degraded
    assert "<svg" in degraded and "<rect" in degraded and "new, 0 updated" in degraded
    ok = body.split('id="source-zj_news"')[1].split("</section>")[0]
    stored = db(web).execute("select count(*) from items where source = 'zj_news'").fetchone()[0]
    assert f"<tr><th>Articles</th><td>{stored}, newest published " in ok
    assert "Last stored</th><td><a href=\"/articles/" in ok


# -- errors ------------------------------------------------------------------------

@pytest.mark.parametrize("path, status", [
    ("/topics/nothing-here", 404), ("/topics/health", 404), ("/topics/..%2F..%2Fetc", 404),
    ("/articles/0000000000000000", 404), ("/articles/not-an-id", 404), ("/nothing.html", 404),
    ("/search?q=x&page=0", 400), ("/search?q=x&page=abc", 400), ("/search?q=x&page=99999", 400),
    ("/search?q=x&source=nosuch", 400), ("/search?q=x&language=%3Cscript%3E", 400),
    ("/search?q=" + "x" * 300, 400), ("/topics/all?before=yesterday", 400), ("/topics/all?before=2020-01-01,x", 400),
    ("/topics/all?before=2020-01-01T00:00:00Z,99999999999999999999999", 400), ("/search?q=a%00b", 400),
])
def test_unknown_pages_are_404_and_bad_queries_400_never_a_traceback(web, path, status):
    got, headers, body = get(web, path)
    assert got == status, body[:300]
    assert "Traceback" not in body
    if path != "/nothing.html":  # a feed-folder path: the file server's 404
        assert headers["content-type"].startswith("text/html") and "<nav>" in body


def test_search_with_fts_syntax_or_nothing_is_fine(web):
    for query in ('"', "AND OR NOT", "-*:()", "援", "%", ""):
        status, _, body = get(web, f"/search?q={quote(query)}")
        assert status == 200, query


def test_head_and_post(web):
    status, headers, body = get(web, "/sources", method="HEAD")
    assert status == 200 and body == "" and int(headers["content-length"]) > 0
    status, headers, _ = get(web, "/search", method="POST")
    assert status == 405 and headers["allow"] == "GET, HEAD"


# -- /db/ -------------------------------------------------------------------------

def test_db_redirects_to_db_slash_and_its_pages_have_no_doubled_prefix(web):
    status, headers, _ = get(web, "/db")
    assert status in (301, 302) and headers["location"] == "/db/"
    name = Path(web.db).stem
    status, _, body = get(web, f"/db/{name}/items")
    assert status == 200 and body.count("/db/db") == 0
    assert f'href="/db/{name}/items.csv' in body or f"/db/{name}/items.csv" in body
    status, _, body = get(web, f"/db/{name}/items.json?_search=Qiandongnan&_shape=array")
    assert status == 200 and "Qiandongnan" in body


# -- the link walker ------------------------------------------------------------------

class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name == "href" and tag in ("a", "link") or name == "src" and tag in ("img", "script")):
                self.found.append(value)


def test_every_link_from_the_home_page_answers(web):
    """Every same-host link of every page, feeds and OPML included: no 4xx/5xx. Datasette's pages are read
    down to its tables (/db/, the database, each table: their links are checked, not read)."""
    seen: dict[str, int] = {}
    queue = [("/", 0)]
    broken = []
    while queue:
        path, db_depth = queue.pop(0)
        if path in seen:
            continue
        status, headers, body = get(web, path)
        seen[path] = status
        if status >= 400:
            broken.append((path, status))
            continue
        if not headers.get("content-type", "").startswith("text/html"):
            continue
        is_db = path.startswith("/db/")
        if is_db and db_depth >= 3:
            continue  # checked, not read
        parser = Links()
        parser.feed(body)
        for link in parser.found:
            target = urljoin(web.url + path, link.replace("&amp;", "&"))
            parts = urlsplit(urldefrag(target)[0])
            if parts.scheme not in ("http", "https") or parts.netloc != f"127.0.0.1:{web.port}":
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in seen:
                queue.append((local, db_depth + 1 if local.startswith("/db/") else 0))
    assert not broken, broken
    assert len(seen) > 100
    assert any(p.startswith("/db/") and "_sort" in p for p in seen)
    assert {"/tibet.rss", "/tibet.atom", "/tibet.json", "/topics.opml", "/sources", "/search"} <= set(seen)
    assert sum(p.startswith("/articles/") for p in seen) >= 20


# -- safety and query plans --------------------------------------------------------------

def test_a_hostile_body_is_rendered_without_script(tmp_path):
    path = tmp_path / "coopfeed.db"
    with Store(path) as store:
        store.save_item({"url": "http://a.cn/x.html", "title": "<script>alert(1)</script>Tea",
                         "html": '<p onclick="x()">Tea <script>alert(2)</script><a href="javascript:alert(3)">a</a>'
                                 '<img src="/p.jpg" onerror="alert(4)"></p>', "text": "Tea",
                         "published": "2019-07-02T09:18:00+08:00", "language": "en"}, source="zj_news")
        item_id = store.items()[0]["id"]
    (tmp_path / "public").mkdir()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(tmp_path / "public", path), host="127.0.0.1", port=port,
                                           log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", f"/articles/{item_id}")
        response = connection.getresponse()
        body = response.read().decode()
        assert response.status == 200 and "script-src 'none'" in response.getheader("content-security-policy")
        assert "<script" not in body and "onclick" not in body and "onerror" not in body
        assert "javascript:" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;Tea" in body
        assert 'src="http://a.cn/p.jpg"' in body
    finally:
        server.should_exit = True
        thread.join(5)


def test_no_page_scans_the_items_table(web):
    """EXPLAIN QUERY PLAN of every statement the pages run: items is searched through an index, never scanned."""
    statements: list[str] = []
    pages = Pages(web.out, web.db)
    store = pages.store()
    store.db.conn.set_trace_callback(statements.append)
    item_id = db(web).execute("select id from items where translation_of is not null").fetchone()[0]
    for view, params, args in [(views.index, {}, ()), (views.topic, {}, ("all",)), (views.topic, {}, ("qinghai",)),
                               (views.topic, {"before": "2020-01-01T00:00:00Z,5"}, ("all",)),
                               (views.article, {}, (item_id,)), (views.sources, {}, ()),
                               (views.search, {"q": "Qiandongnan"}, ()), (views.search, {"q": "援藏工作"}, ()),
                               (views.search, {"q": "援藏", "source": "xznmx"}, ())]:
        status, _ = pages.page(view, params, args)
        assert status == 200
    store.db.conn.set_trace_callback(None)
    scans = []
    check = sqlite3.connect(web.db)
    # Counting every topic reads all of item_topics: only after membership changed (browse.TopicCounts).
    cached = "select topic, count(*) from item_topics group by topic"
    for sql in {s for s in statements if s.lstrip().lower().startswith("select") and s != cached}:
        for row in check.execute("explain query plan " + sql):
            detail = row[-1]
            if re.match(r"SCAN (items|item_topics)\b(?! USING (COVERING )?INDEX idx_items_newest)", detail) \
                    and "VIRTUAL" not in detail:
                scans.append((detail, sql))
    assert not scans, scans


def test_pages_of_a_store_before_its_first_build(tmp_path):
    """No feed folder yet, a source without runs, an undated article without language: pages, not errors."""
    path = tmp_path / "coopfeed.db"
    with Store(path) as store:
        store.save_source("zj_news", title="ZJ")
        store.save_item({"url": "http://a.cn/1.html", "title": "Undated", "text": "x", "html": "",
                         "published": None, "language": None}, source="zj_news")
        item_id = store.items()[0]["id"]
    (tmp_path / "public").mkdir()
    pages = Pages(tmp_path / "public", path)
    for page, params in [("/", {}), ("/sources", {}), ("/search", {}), ("/search", {"q": "Undated"}),
                         (f"/articles/{item_id}", {})]:
        view, args = route(page)
        status, body = pages.page(view, params, args)
        assert status == 200, (page, body[-400:])
    assert b"undated, first seen" in pages.page(views.article, {}, (item_id,))[1]
    assert b"never" in pages.page(views.sources, {}, ())[1]
