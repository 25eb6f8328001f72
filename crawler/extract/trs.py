"""TRS WCM article pages (Chinese county portals, and their machine translations).

Body ``.TRS_Editor``; title from meta ArticleTitle or the headline; the info
line under the headline holds the time and 来源 / "Source:"; the editor line
(责任编辑 / "Editor in charge:") follows the body.
"""

from __future__ import annotations

from crawler.extract.article import Article
from crawler.extract.clean import find_editor
from crawler.extract.page import Page, finish, pick_date, text_after, title_from_head

TITLE_SELECTORS = "div.article h1, .article-title, .detail-title, h1, .title"
BODY_SELECTORS = ".TRS_Editor, .Custom_UnionStyle, #zoom, .article-content, .view, .content"
INFO_SELECTORS = ".info, .article-info, .detail-info, .property, .source"
EDITOR_SELECTORS = ".editor, .zrbj, .article-editor"
DATE_META = ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "article:published_time")


def extract(page: Page) -> Article:
    """Extract a TRS article page."""
    body = _first(page, page.override("body") or BODY_SELECTORS)
    title_element = _first(page, page.override("title") or TITLE_SELECTORS)
    title = page.meta_value("ArticleTitle") or (
        " ".join(title_element.text_content().split()) if title_element is not None else None
    ) or title_from_head(page)
    around = "\n".join(filter(None, [page.first_text(INFO_SELECTORS), text_after(title_element, body)]))
    problems: list[str] = []
    custom_date = page.first_text(page.override("date")) if page.override("date") else None
    published = pick_date(page, [custom_date, page.meta_value(*DATE_META), around], problems)
    editor = (find_editor(page.first_text(EDITOR_SELECTORS) or "")
              or (find_editor(text_after(body, None, limit=200)) if body is not None else None))
    return finish(page, title=title, body=body, published=published, problems=problems,
                  origin=page.meta_value("ContentSource"), editor=editor, around=around)


def _first(page: Page, selectors: str):
    found = page.select(selectors)
    return found[0] if found else None
