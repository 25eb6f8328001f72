"""The generic path never loses a body it found: titles from og:title, the only <h1> or <title>, or
none at all (a "title" problem, not an error); ``auto`` keeps a guessed profile's container only when
trafilatura confirms it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from coopfeed.cli import cli
from coopfeed.errors import ExtractionError
from crawler.extract import extract

PARAGRAPHS = [
    "Forty teachers from Ningbo arrived in Qiandongnan on Monday for a semester of lessons in mathematics "
    "and science at eleven county schools, the education bureau said on Tuesday afternoon.",
    "The teachers will also train local staff, and the bureau plans to send a second group in the spring "
    "if the schools ask for more help with their science classes and their laboratories.",
    "Qiandongnan has paired with Ningbo since 2013; the city has paid for four schools and a hospital wing.",
]
URL = "https://news.example.com/2021/09/06/ningbo-teachers.html"


def page(head: str = "", headline: str = "", body: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<html><head>{head}</head><body><nav><a href='/'>Home</a> <a href='/news/'>News</a></nav>"
            f"<main><article>{headline}{body or paragraphs}</article></main>"
            "<footer><p>Contact us | Privacy</p></footer></body></html>")


def test_page_without_any_title_still_gives_its_text():
    found = extract(page(), URL, profile="generic")
    assert found.title is None and found.text == "\n\n".join(PARAGRAPHS)
    assert found.problems[0] == "title: no title found"  # the crawl records it as a "title" failure


def test_auto_on_an_unknown_site_without_title_gives_the_text_too():
    found = extract(page(), URL)
    assert found.title is None and found.text == "\n\n".join(PARAGRAPHS)


def test_portal_profiles_stay_strict_about_titles():
    html = "<html><body><div class='TRS_Editor'><p>正文一段。</p></div></body></html>"
    with pytest.raises(ExtractionError, match="title"):
        extract(html, "http://www.xznmx.gov.cn/a/t20220520_1.html", profile="trs")


def test_article_without_title_prints_as_json_with_null(tmp_path):
    path = tmp_path / "untitled.html"
    path.write_text(page(), encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", "--profile", "generic", "--url", URL, str(path)])
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)
    assert row["title"] is None and row["text"] == "\n\n".join(PARAGRAPHS) and row["url"] == URL


@pytest.mark.parametrize("head, headline, title", [
    ("<meta property='og:title' content='Ningbo teachers arrive | Example News'>"
     "<meta property='og:site_name' content='Example News'><title>x</title>", "", "Ningbo teachers arrive"),
    ("<title>Home | Example News</title>", "<h1>Ningbo teachers arrive in Qiandongnan</h1>",
     "Ningbo teachers arrive in Qiandongnan"),
    ("<title>Ningbo teachers arrive - Example News</title><meta property='og:site_name' content='Example News'>",
     "", "Ningbo teachers arrive"),
    ("<title>宁波教师抵达黔东南_黔东南州人民政府</title>", "", "宁波教师抵达黔东南"),
])
def test_title_from_og_title_the_only_h1_or_the_head_title_without_the_site(head, headline, title):
    assert extract(page(head, headline), URL, profile="generic").title == title


def test_a_headline_with_a_dash_keeps_all_of_it():
    head = "<meta property='og:title' content='Tea prices - what the herders say'>"
    assert extract(page(head), URL, profile="generic").title == "Tea prices - what the herders say"


def test_a_body_whose_every_line_looks_like_boilerplate_is_kept():
    line = ("Read more: the county report on herding subsidies for the Wulan grasslands lists every village, "
            "its herds and the payments made in the last three years, with maps of the new pastures.")
    found = extract(page("<title>Subsidies</title>", body=f"<p>{line}</p>"), URL, profile="generic")
    assert found.text == line


def wordpress_page(story: str, more: str = "") -> str:
    """A WordPress single post whose ``.entry-content`` holds ``story``; ``more`` follows it in the page."""
    return ("<html><head><title>Ningbo teachers arrive – Example</title>"
            "<link rel='stylesheet' href='/wp-content/themes/x/style.css'></head><body>"
            "<article><header class='entry-header'><h1 class='entry-title'>Ningbo teachers arrive</h1></header>"
            f"<div class='entry-content'>{story}</div>{more}</article>"
            "<aside><h2>Recent Posts</h2><ul><li><a href='/a'>Apples reach Aksu</a></li></ul></aside></body></html>")


def test_auto_keeps_a_wordpress_container_trafilatura_confirms():
    story = "".join(f"<p>{p}</p>" for p in PARAGRAPHS).replace("Ningbo", "<a href='/tag/ningbo/'>Ningbo</a>", 1)
    found = extract(wordpress_page(story), URL)
    assert found.text == "\n\n".join(PARAGRAPHS)
    assert '<a href="https://news.example.com/tag/ningbo/">Ningbo</a>' in found.html  # the container's markup


def test_auto_keeps_a_short_wordpress_post_trafilatura_reads_as_the_whole_page():
    found = extract(wordpress_page("<p>The solar farm paid a second dividend in December.</p>"), URL)
    assert found.text == "The solar farm paid a second dividend in December."


def test_auto_takes_trafilaturas_body_when_the_container_is_an_excerpt():
    excerpt = f"<p>{PARAGRAPHS[0]}</p>"
    rest = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:])
    found = extract(wordpress_page(excerpt, more=f"<div class='story-rest'>{rest}</div>"), URL)
    assert all(paragraph in found.text.split("\n\n") for paragraph in PARAGRAPHS)
    assert found.title == "Ningbo teachers arrive"  # the profile's own title


def test_text_is_nfc_without_soft_hyphens():
    decomposed = "Caf\u0065\u0301 owners in Qiandongnan sell Bar\u00adba\u00adres\u00adco and local tea to visitors."
    found = extract(page("<title>Cafés</title>", body="".join(f"<p>{p}</p>" for p in [decomposed, *PARAGRAPHS])),
                    URL, profile="generic")
    assert found.text.split("\n\n")[0] == "Café owners in Qiandongnan sell Barbaresco and local tea to visitors."
