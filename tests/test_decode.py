"""Decoding page bytes: pages built here in UTF-8, GBK, GB18030 and Big5, English and Chinese, with
the charset declared in the HTTP Content-Type, in <meta>, in both, in neither, and wrongly."""

from __future__ import annotations

import pytest

from crawler.extract import extract
from crawler.extract.decode import decode_page, page_encoding

ENGLISH = ("Forty teachers from Ningbo arrived in Qiandongnan on Monday for a semester of lessons "
           "in mathematics and science at eleven county schools, the education bureau said.")
#: Simplified Chinese with 喆 and 镕: in GBK, not in GB2312.
CHINESE = ("杭州援藏工作组到那曲市尼玛县调研，走访了三户牧民家庭，了解他们的生产生活情况。工作组组长王喆表示，"
           "将继续支持当地发展牦牛奶加工等特色产业，帮助牧民增收。朱镕基曾到访此地。")
#: Traditional Chinese as Big5 pages carry it.
TRADITIONAL = ("台北市政府今天宣布，將在明年推動新的交通政策，以改善市區的塞車問題，並鼓勵市民多搭乘大眾運輸工具。"
               "市長表示，這項計畫已經過多次公聽會討論，預計可以減少三成的汽車流量。")
#: A character only GB18030 encodes (four bytes), beside ordinary ones.
GB18030_ONLY = CHINESE + "䶮€"


def page(text: str, encoding: str, meta: str | None = None) -> bytes:
    """An HTML page holding ``text``, its charset (if any) in a <meta> tag."""
    head = f'<meta charset="{meta}">' if meta else ""
    html = f"<!DOCTYPE html><html><head>{head}<title>Page</title></head><body><p>{text}</p></body></html>"
    return html.encode(encoding)


def header(charset: str | None) -> str | None:
    return f"text/html; charset={charset}" if charset else None


CASES = [  # text, bytes in, declared as
    (ENGLISH, "utf-8", "utf-8"), (CHINESE, "utf-8", "utf-8"), (CHINESE, "gbk", "gbk"),
    (CHINESE, "gbk", "gb2312"), (GB18030_ONLY, "gb18030", "gb18030"), (GB18030_ONLY, "gb18030", "gb2312"),
    (TRADITIONAL, "big5", "big5"), (ENGLISH, "gbk", "gbk"), (ENGLISH, "big5", "big5"),
]


@pytest.mark.parametrize("text, encoding, declared", CASES)
@pytest.mark.parametrize("where", ["http", "meta", "both", "neither"])
def test_declared_or_undeclared_pages_decode(text, encoding, declared, where):
    meta = declared if where in ("meta", "both") else None
    content_type = header(declared) if where in ("http", "both") else "text/html"
    assert text in decode_page(page(text, encoding, meta), content_type)


@pytest.mark.parametrize("text", [ENGLISH + " “Quoted” — café", CHINESE, TRADITIONAL])
@pytest.mark.parametrize("meta, http", [("gb2312", None), ("gbk", None), (None, "gb2312"), ("big5", "big5"),
                                        ("iso-8859-1", None), (None, "windows-1252"), ("gb2312", "gbk")])
def test_valid_utf8_wins_over_a_legacy_declaration(text, meta, http):
    """A CMS that moved to UTF-8 and kept its old template's charset: every character would be wrong."""
    assert text in decode_page(page(text, "utf-8", meta), header(http))


@pytest.mark.parametrize("text, encoding", [(CHINESE, "gbk"), (GB18030_ONLY, "gb18030"), (TRADITIONAL, "big5")])
@pytest.mark.parametrize("meta, http", [("utf-8", None), (None, "utf-8"), ("utf-8", "utf-8")])
def test_page_declared_utf8_that_is_not_utf8_is_detected(text, encoding, meta, http):
    assert text in decode_page(page(text, encoding, meta), header(http))


@pytest.mark.parametrize("text, encoding, wrong", [
    (TRADITIONAL, "big5", "gb2312"), (TRADITIONAL, "big5", "gbk"), (CHINESE, "gbk", "big5"),
    (CHINESE, "gbk", "iso-8859-1"), (CHINESE, "gbk", "windows-1252"), (TRADITIONAL, "big5", "iso-8859-1"),
])
@pytest.mark.parametrize("where", ["http", "meta"])
def test_wrong_legacy_declaration_is_detected(text, encoding, wrong, where):
    body = page(text, encoding, wrong if where == "meta" else None)
    assert text in decode_page(body, header(wrong) if where == "http" else None)


def test_a_real_gbk_page_declared_gb2312_keeps_characters_outside_gb2312():
    text = decode_page(page(CHINESE, "gbk", "gb2312"), "text/html; charset=gb2312")
    assert "王喆" in text and "朱镕基" in text
    assert page_encoding(page(CHINESE, "gbk", "gb2312"))[0] == "gb18030"


def test_latin1_page_declared_utf8_is_detected():
    text = "Die Schüler aus Köln besuchten am Montag die Bücherei und lasen Märchen über Bären und Füchse."
    body = f'<html><head><meta charset="utf-8"><title>Schule</title></head><body><p>{text}</p></body></html>'
    assert text in decode_page(body.encode("cp1252"))


def test_utf8_page_with_a_stray_byte_stays_utf8():
    body = page(CHINESE * 3, "utf-8").replace("工作组".encode(), "工作组".encode() + b"\xff", 1)
    decoded = decode_page(body, "text/html; charset=utf-8")
    assert "杭州援藏工作组" in decoded and decoded.count("\ufffd") == 1


def test_utf8_page_cut_inside_a_character_stays_utf8():
    body = page(CHINESE, "utf-8", "gb2312")[:-len("</p></body></html>") - 2]
    assert CHINESE[:40] in decode_page(body)


def test_byte_order_mark_wins():
    body = "\ufeff".encode("utf-8") + page(CHINESE, "utf-8", "gbk")
    assert decode_page(body, "text/html; charset=gbk").startswith("<!DOCTYPE html>")


def test_utf16_declared_in_http_is_believed():
    body = page(ENGLISH, "utf-16-le")
    assert ENGLISH in decode_page(body, "text/html; charset=utf-16le")


def test_text_passes_through():
    assert decode_page(CHINESE) == CHINESE


def test_mojibake_page_extracts_right_through_the_generic_profile():
    """The issue's worst case, end to end: valid UTF-8 under <meta charset=gb2312>."""
    paragraphs = [CHINESE, "会议决定在六月前完成收购，各乡镇要及时上报收购数量和价格。" * 3]
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            "<title>杭州援藏工作组到牧区调研_尼玛县人民政府</title></head><body><h1>杭州援藏工作组到牧区调研</h1>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>")
    found = extract(html.encode("utf-8"), "https://example.gov.cn/a/1.html", profile="generic")
    assert found.title == "杭州援藏工作组到牧区调研"
    assert found.text == "\n\n".join(paragraphs)
