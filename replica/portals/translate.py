"""The Baidu translate wrapper (translate.baiducontent.com/transpage): its addresses and the
English words a machine translation gives the labels of a TRS page."""

from __future__ import annotations

from urllib.parse import quote

from replica.model import ReplicaArticle

PATH = "/translate/transpage"
WRAPPER = PATH + "?cb=translateCallback&from=zh&ie=utf8&monLang=zh&query={query}&source=url&to=en"

#: The template words of a TRS page as the machine translation renders them.
EN = {"site": "Nima County People's Government", "column": "Tibet Aid News", "location": "Current location:",
      "home": "Home", "source": "Source: ", "editor": "Editor in charge: ", "share": "Share to:",
      "font": 'Font size: <a href="javascript:void(0)">Large</a> <a href="javascript:void(0)">Medium</a> '
              '<a href="javascript:void(0)">Small</a>',
      "print": "[Print this page]", "close": "[Close window]",
      "scan": "Scan to open the current page on the mobile phone", "headlines": "Headlines",
      "headline": "Nima County's snow disaster relief work is carried out in an orderly manner",
      "nav": ["Home", "Government Affairs Disclosure", "News Center", "Tibet Aid News", "Government Services",
              "Interactive Communication"],
      "top": "Welcome to the website of Nima County People's Government",
      "footer": ["Sponsor: Nima County People's Government Address: Jianshe West Road, Nima County, Naqu City, "
                 "Tibet Tel: 0896-3712830",
                 "Website ID: 5424300001 Public security record No.: Tibetan public network security "
                 "54243002000002 Record No.: Zang ICP Bei No. 2021000016-1",
                 "Technical support: Tibet Media Group"]}


def wrap(base_url: str, path: str) -> str:
    """The wrapper address (path and query) that translates the page ``base_url + path``."""
    return WRAPPER.format(query=quote(base_url + path, safe=""))


def wrapped_url(base_url: str, path: str) -> str:
    """The absolute wrapper URL of a page of this server, as links inside translated pages are."""
    return base_url + wrap(base_url, path)


def original_path(original_url: str, base_url: str) -> str | None:
    """The path on this server of the page a wrapper translates, or None if it is elsewhere."""
    if not original_url.startswith(base_url + "/"):
        return None
    return original_url[len(base_url):].split("?")[0].split("#")[0]


def english(article: ReplicaArticle) -> dict:
    """The article's English translation: title, origin, editor, paragraphs."""
    return article.en or {}
