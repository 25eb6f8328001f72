"""Portal boilerplate: what to drop from an article body, in English and Chinese.

Two layers: elements dropped by CSS selector (share bars, print links,
comment forms, footers…), then whole lines that still match a boilerplate
pattern (the lines of ../shared/seeds and portals.md §3.3). Source and editor
lines are captured as metadata before they are dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

#: Elements never part of an article body.
DROP_SELECTORS = (
    "script, style, noscript, iframe, object, embed, form, button, input, select, textarea, nav, aside, "
    "header, footer, .dqwz, .bread, .breadcrumb, .breadcrumbs, .crumb, .location, .position, .eye, "
    ".print, .share, .bdsharebuttonbox, .sharedaddy, .sd-sharing-enabled, .jp-relatedposts, "
    "#jp-relatedposts, .wp-block-buttons, .related, .related-posts, #comments, .comments-area, "
    "#respond, .comment-respond, .post-navigation, .nav-links, .font, .fontsize, .footer, #footer, "
    "#_ideConac, .entry-footer, .tags-links, .addtoany_share_save_container, .social-share"
)
_DROP = CSSSelector(DROP_SELECTORS)

#: The longest line a boilerplate pattern may remove: article paragraphs are longer.
MAX_BOILERPLATE_LINE = 240
#: Whole-line patterns (matched case-insensitively against a stripped line).
BOILERPLATE_LINES = [re.compile(p, re.I) for p in (
    r"^(current position|your (current )?location|you are here|当前位置|您的位置|你的位置|您现在的位置)\s*[:：]?.*$",
    r"^(home|首页)\s*(>|&gt;|»|›|\|)\s*\S.{0,80}$",
    r"^[\[【]?\s*print( this page)?\s*[\]】]?\s*[\[【]?\s*close( window)?\s*[\]】]?$",
    r"^[\[【]?\s*(打印本页|打印|print)\s*[\]】]?\s*$",
    r"^[\[【]?\s*(关闭窗口|关闭|close( window)?)\s*[\]】]?\s*$",
    r"^[\[【]?\s*打印(本页)?\s*[\]】]?\s*[\[【]?\s*关闭(窗口|本页)?\s*[\]】]?$",
    r"^(leave (a )?(comment|reply)|post comment|cancel reply|add comment|发表评论|我要评论)\s*[:：]?$",
    r"^your email address will not be published\.?.*$",
    r"^required fields are marked\s*\*?$",
    r"^(editor in charge|responsible editor|editor|责任编辑|编辑|责编|审核|校对)\s*[:：].{0,60}$",
    r"^(sponsor(ed by)?|organi[sz]er|主办(单位)?|承办(单位)?)\s*[:：]?.*$",
    r"^(address|地址)\s*[:：].*$",
    r"^(tel|telephone|phone|电话|联系电话)\s*[:：].*$",
    r"^(website (id|identification code)|网站标识码|网站识别码)\s*[:：]?.*$",
    r"^.*(public security record|public network security|公网安备|公安备案|公安机关备案).*$",
    r"^.*(ICP备|ICP证|ICP\s*(record|filing|no\.?|bei)|record no\.?\s*[:：]?\s*\w+\s*ICP).*$",
    r"^(technical support|tech support|技术支持|技术保障)\s*[:：].*$",
    r"^(share|share this|share to|share on|分享到|分享)\s*[:：]?\s*((facebook|twitter|x|weibo|wechat|微信|微博|"
    r"qq|qzone|email|e-mail|linkedin|whatsapp|telegram|print|more|朋友圈|qq空间)[\s,|/·]*)*$",
    r"^扫一扫.{0,30}$",
    r"^(字号|font size)\s*[:：].{0,20}$",
    r"^eyesight protection\s*[:：]?.{0,40}$",
    r"^(护眼模式|无障碍|长者模式|关怀版).{0,20}$",
    r"^(版权所有|copyright\s*(©|\(c\))?\s*\d{4}.{0,40}(government|政府|people's|人民)).*$",
    r"^(related (posts|articles|news|links)|相关(新闻|链接|阅读|文章)|related)\s*[:：]?$",
    r"^(previous|next)( post| article)?\s*[:：].{0,200}$",
    r"^(上一篇|下一篇)\s*[:：].{0,100}$",
)]

ORIGIN_STOP = r"(?:Author|Editor|Date|Time|Published|Updated|Views|Font|作者|编辑|发布日期|发布时间|发布|日期|时间|字号|浏览|点击|阅读)"
ORIGIN_RE = re.compile(
    r"(?:^|\s)(?:Source|From|来源|信息来源|文章来源|稿件来源)\s*[:：]\s*(?P<value>[^\s|｜].*?)\s*"
    rf"(?=$|\s{{2,}}|\s*\||\s*{ORIGIN_STOP}\s*[:：]|\s*字号)", re.I)
EDITOR_RE = re.compile(r"(?:^|\s)(?:Editor in charge|Responsible editor|责任编辑|责编|Editor)\s*[:：]\s*(?P<value>.+?)\s*$", re.I)


def drop_boilerplate_elements(root: HtmlElement, extra: list[str] | None = None) -> None:
    """Remove boilerplate elements (and any CSS selectors in ``extra``), keeping their tails."""
    selectors = [_DROP] + [_compiled(s) for s in extra or []]
    for selector in selectors:
        for element in selector(root):
            if element is not root and element.getparent() is not None:
                drop_node(element)
    for comment in root.xpath("//comment()"):
        drop_node(comment)


@lru_cache(maxsize=64)
def _compiled(selector: str) -> CSSSelector:
    return CSSSelector(selector)


def is_boilerplate_line(line: str) -> bool:
    """Whether a whole line of text is portal boilerplate."""
    line = line.strip()
    if not line or len(line) > MAX_BOILERPLATE_LINE:
        return False
    return any(pattern.match(line) for pattern in BOILERPLATE_LINES)


def find_origin(text: str) -> str | None:
    """The original source named by a "Source: X" / "来源：X" line, if any."""
    for line in text.splitlines():
        match = ORIGIN_RE.search(line.strip())
        if match and len(match["value"]) <= 60:
            return match["value"].strip(" 　:：")
    return None


def find_editor(text: str) -> str | None:
    """The editor named by an "Editor in charge: X" / "责任编辑：X" line, if any."""
    for line in text.splitlines():
        line = line.strip()
        if len(line) > 80:
            continue
        match = EDITOR_RE.search(line)
        if match:
            return match["value"].strip(" 　[]【】()（）")
    return None


def drop_node(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    previous = node.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)
