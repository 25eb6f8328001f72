"""TRS WCM article pages (Chinese county portals, and their machine translations).

Body ``.TRS_Editor``; title from meta ArticleTitle or the headline; the info
line under the headline holds the time and 来源 / "Source:"; the editor line
(责任编辑 / "Editor in charge:") follows the body. Relative ``./W0…jpg``
images become absolute when the HTML is rendered.
"""

from __future__ import annotations

from crawler.extract.clean import find_editor, find_origin
from crawler.extract.page import Found, Page, element_text, text_after, title_from_head

TITLE_SELECTORS = ("div.article h1", ".article-title", ".detail-title", ".article h1", "h1", ".title")
BODY_SELECTORS = (".TRS_Editor", ".Custom_UnionStyle", "#zoom", ".article-content", ".view")
INFO_SELECTORS = (".info", ".article-info", ".detail-info", ".property", ".source")
EDITOR_SELECTORS = (".editor", ".zrbj", ".article-editor")
DATE_META = ("PubDate", "firstpublishedtime", "publishdate", "article:published_time")


def extract(page: Page) -> Found:
    """Find the title, body, dates, origin and editor of a TRS article page."""
    headline = page.first(*TITLE_SELECTORS)
    body = page.first(*BODY_SELECTORS)
    around = "\n".join(filter(None, [page.first_text(*INFO_SELECTORS), text_after(headline, body)]))
    editor_line = page.first_text(*EDITOR_SELECTORS) or (text_after(body, None, limit=200) if body is not None else "")
    return Found(
        title=page.meta_value("ArticleTitle") or element_text(headline) or title_from_head(page),
        body=body,
        dates=[page.meta_value(*DATE_META), around],
        origin=find_origin(around) or page.meta_value("ContentSource"),
        editor=find_editor(editor_line),
        around=around,
    )
