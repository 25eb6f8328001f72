"""The web pages in a real browser: Debian's Chromium driven by Playwright, with JavaScript off.

Every page renders and fits a phone's width, links and subscribe links resolve, the search form finds
known articles in English and Chinese, and the sources page shows the source the replica breaks as
not ok. On a failure, a screenshot of each page the test visited is written to ``test-screenshots/``.
Chromium missing is a failure, not a skip: ``bash .ci/run`` installs it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT
from web_site import WebSite

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-screenshots"
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; "
                    "bash .ci/run does it) for tests/test_browser.py", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing: pip install -e '.[test]'", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    served = WebSite(tmp_path_factory.mktemp("browser"))
    yield served
    served.stop()


class Visits:
    """A browser tab (JavaScript off, a phone's width) that remembers the pages it showed."""

    def __init__(self, browser, base_url: str):
        self.context = browser.new_context(java_script_enabled=False, viewport=PHONE, base_url=base_url)
        self.page = self.context.new_page()
        self.seen: list[str] = []
        self.page.on("load", lambda page: self.seen.append(page.url))

    def open(self, path: str):
        response = self.page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        return self.page

    def screenshots(self, name: str) -> None:
        folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", name)
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / "00-last.png"), full_page=True)
        for number, url in enumerate(dict.fromkeys(self.seen), 1):
            self.page.goto(url)
            slug = re.sub(r"[^\w]+", "_", url)[-80:]
            self.page.screenshot(path=str(folder / f"{number:02}-{slug}.png"), full_page=True)


@pytest.fixture
def tab(browser, web, request):
    visits = Visits(browser, web.url)
    failed = request.session.testsfailed
    yield visits
    if request.session.testsfailed > failed:  # this test's call failed: show what it saw
        visits.screenshots(request.node.name)
    visits.context.close()


def known(web, sql: str) -> tuple:
    import sqlite3

    with sqlite3.connect(web.db) as db:
        return db.execute(sql).fetchone()


def test_every_page_renders_readable_on_a_phone(tab, web):
    item_id, title = known(web, "select id, title from items where translation_of is not null and origin is not null")
    for path, heading in [("/", "coopfeed: topics"), ("/topics/tibet", "Tibet (Xizang)"),
                          (f"/articles/{item_id}", title),
                          ("/search?q=Qiandongnan", "Search"), ("/sources", "Source health")]:
        page = tab.open(path)
        assert page.locator("h1").inner_text() == heading
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator('meta[name="viewport"]').count() == 1
        assert [a.inner_text() for a in page.locator("nav a").all()] == ["Topics", "Search", "Sources", "Store (SQL)"]
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)  # no sideways scrolling on a phone
    page = tab.open("/topics/tibet")
    chinese = page.locator('ul.items a[lang="zh"]')
    assert chinese.count() >= 1 and re.search(r"[\u4e00-\u9fff]", chinese.first.inner_text())


def test_links_and_subscribe_links_resolve(tab, web):
    page = tab.open("/")
    page.get_by_role("link", name="Tibet (Xizang)").click()
    assert page.url == web.url + "/topics/tibet" and page.locator("h1").inner_text() == "Tibet (Xizang)"
    page.locator("ul.items h2 a").first.click()
    assert re.search(r"/articles/[0-9a-f]{16}$", page.url)
    page.get_by_role("link", name="Sources").click()
    assert page.url.endswith("/sources")
    page.get_by_role("link", name="Store (SQL)").click()
    assert page.url == web.url + "/db/" and "coopfeed" in page.content()
    page = tab.open("/")
    subscribe = [a.get_attribute("href") for a in page.locator(".subscribe a, a[href$='.opml']").all()]
    alternates = [link.get_attribute("href") for link in page.locator('link[rel="alternate"]').all()]
    assert "/topics.opml" in subscribe and "/tibet.rss" in subscribe and "/health.json" in subscribe
    assert "/tibet.atom" in alternates
    for href in dict.fromkeys(subscribe + alternates):
        response = tab.context.request.get(href)
        assert response.status == 200, href
        assert response.headers["content-type"].split(";")[0] in (
            "application/rss+xml", "application/atom+xml", "application/feed+json", "text/x-opml"), href


@pytest.mark.parametrize("query, title", [
    ("Qiandongnan", "Long-Haired Rabbits Bring Income to Qiandongnan Villages"),
    ("援藏工作", "杭州援藏工作组召开会议学习传达市领导批示精神"),
    ("援藏", "杭州援藏医疗队完成尼玛县人民医院首例腹腔镜手术"),
])
def test_the_search_form_finds_known_articles(tab, query, title):
    page = tab.open("/")
    page.get_by_role("link", name="Search").click()
    page.get_by_label("Search terms").fill(query)
    page.get_by_role("button", name="Search").click()
    assert "/search?q=" in page.url
    result = page.get_by_role("link", name=title, exact=True)
    assert result.count() == 1 and page.locator("mark").first.inner_text() == query
    result.click()
    assert page.locator("h1").inner_text() == title


def test_the_search_filters_by_source_and_language(tab):
    page = tab.open("/search")
    page.get_by_label("Search terms").fill("援藏")
    page.get_by_label("Source").select_option("xznmx_en")
    page.get_by_role("button", name="Search").click()
    assert "source=xznmx_en" in page.url
    assert "No results" in page.locator("p.count").inner_text()  # the English copies say "Tibet aid"
    page.get_by_label("Search terms").fill("Tibet")
    page.get_by_label("Source").select_option("")
    page.get_by_label("Language").select_option("en")
    page.get_by_role("button", name="Search").click()
    langs = {a.get_attribute("lang") for a in page.locator("ul.items h2 a").all()}
    assert langs == {"en"}


def test_the_sources_page_shows_the_broken_source_as_not_ok(tab):
    page = tab.open("/sources")
    broken = page.locator("#source-sx_hotnews")
    assert broken.locator(".status").inner_text() == "broken"
    assert "its list pages show no article links" in broken.locator(".reason").inner_text()
    assert page.locator("#source-wttimes .status").inner_text() == "degraded"
    assert page.locator("#source-zj_news svg.chart rect").count() >= 1
    assert page.locator("#source-zj_news svg.chart").is_visible()


def test_unknown_pages_show_a_404_page(tab):
    response = tab.page.goto("/articles/0000000000000000")
    assert response.status == 404 and "404: Not Found" in tab.page.locator("h1").inner_text()
    response = tab.page.goto("/search?q=x&page=zero")
    assert response.status == 400 and tab.page.get_by_role("link", name="Topics", exact=True).is_visible()
