"""Portal boilerplate: what to drop from an article body, in English and Chinese.

Two layers: elements dropped by CSS selector (share bars, print links,
comment forms, footers…), then whole lines that still match a named rule of
``LINE_RULES``: the portal rules (every boilerplate line of ../shared/seeds
and portals.md §3.3), the news-site rules that held on a set they were not
written on (bench/README.md, "Extraction quality"), toolbars and metadata
lines. A rule matches a whole short line, never a sentence that merely
mentions an address or a source. Source and editor lines are metadata:
``origin_of`` and ``editor_of`` read them before they are dropped.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.cssselect import CSSSelector

from crawler.extract.dates import find_date_text

#: Elements never part of an article body.
DROP_SELECTORS = ", ".join((
    "script, style, noscript, template, iframe, frame, object, embed, form, button, input, select, textarea",
    "nav, aside, header, footer, .footer, #footer, .foot, #foot",
    ".dqwz, .bread, .breadcrumb, .breadcrumbs, .crumb, .crumbs, .location, .position, .eye",
    ".print, .share, .bdsharebuttonbox, #bdshare, .bshare-custom, .jiathis_style, .social-share",
    ".sharedaddy, .sd-sharing-enabled, .jp-relatedposts, #jp-relatedposts, .wp-block-buttons",
    ".addtoany_share_save_container, .yarpp-related, .related-posts, .post-navigation, .nav-links",
    "#comments, .comments-area, #respond, .comment-respond, .entry-footer, .tags-links",
    ".font, .fontsize, .font-size, #_ideConac, a[href*='conac.cn'], a[href*='beian.gov.cn']",
    "a[href*='beian.miit.gov.cn']",
))
_DROP = CSSSelector(DROP_SELECTORS)

#: Longer lines are article text, whatever they start with.
MAX_BOILERPLATE_LINE = 300
_C = r"\s*[:：]\s*"  # a label's colon, ASCII or full-width
_OPEN, _CLOSE = r"[\[【(（]?\s*", r"\s*[\]】)）]?"
_ARROW = r"(?:>>|>|»|›|＞|\||/|→)"

#: Whole-line rules of the portals, by name: every boilerplate line of ../shared/seeds and
#: portals.md §3.3 (Chinese and English portal templates, WordPress comment forms).
PORTAL_LINES = {name: re.compile(pattern, re.I) for name, pattern in (
    ("breadcrumb label", rf"^(?:current (?:position|location)|your (?:current )?(?:position|location)|you are here"
                         rf"|当前位置|您的位置|你的位置|您现在的位置|所在位置|现在位置){_C}.{{0,150}}$"),
    ("breadcrumb trail", rf"^(?:home|homepage|首页|主页|网站首页)\s*{_ARROW}\s*\S.{{0,100}}$"),
    ("eye care", r"^eyesight protection\s*[:：]?.{0,40}$"),
    ("accessibility", r"^(?:护眼模式|无障碍(?:阅读|浏览)?|长者模式|关怀版|适老化|读屏专用)\s*[:：]?.{0,30}$"),
    ("comment label", r"^(?:leave (?:a )?(?:comment|reply)|post (?:a )?comment|cancel reply|add (?:a )?comment"
                      r"|comments?|\d+ comments?|no comments(?: yet)?|发表评论|我要评论|网友评论)\s*[:：]?$"),
    ("comment form", r"^your email address will not be published\b.{0,80}$"),
    ("required fields", r"^required fields are marked\s*\*?$"),
    # editor lines (also read as metadata by editor_of)
    ("editor line", rf"^{_OPEN}(?:editor in charge|responsible editor|chief editor|executive editor|editors?|责任编辑"
                    rf"|编辑|责编|审核|校对|审校|初审|复审|终审|签发|编审){_C}[^。.!?]{{1,60}}{_CLOSE}$"),
    # sponsor, address, telephone, website id, record numbers, technical support, copyright
    ("sponsor label", rf"^(?:sponsors?|organi[sz]ers?|主办(?:单位)?|承办(?:单位)?|协办(?:单位)?|主管(?:单位)?"
                      rf"|维护(?:单位)?){_C}\S.*$"),
    ("sponsored by", r"^(?:sponsored|organi[sz]ed|hosted|maintained|operated|undertaken) by\b[^.;!?。；]{1,120}$"),
    ("address", rf"^(?:address|地址|通讯地址|联系地址|单位地址){_C}\S.*$"),
    ("telephone", rf"^(?:tel|telephone|phone|fax|联系电话|电话|传真|咨询电话){_C}[+\d(（].*$"),
    ("e-mail", rf"^(?:e-?mail|邮箱|电子邮箱|邮编|邮政编码){_C}\S.{{0,100}}$"),
    ("website id", rf"^(?:website id|website identification code|网站标识码|网站识别码)(?:{_C}|\s+)\w.*$"),
    ("public security record", r"^.{0,150}(?:公网安备|公安备案|公安机关备案|public security (?:record|filing)"
                               r"|public network security).{0,40}\d{6,}.*$"),
    ("ICP record", r"^.{0,150}(?<![a-z])ICP(?![a-z]).{0,40}\d{5,}.*$"),
    ("technical support", rf"^(?:technical support|tech support)(?:{_C}|\s+by\s+)\S.{{0,80}}$"),
    ("技术支持", rf"^(?:技术支持|技术保障|技术服务)(?:单位)?(?:{_C}|\s+)[^。，；,;]{{1,80}}$"),
    ("powered by WordPress", r"^(?:proudly )?powered by wordpress\b.{0,120}$"),
    ("copyright", r"^(?:copyright\s*(?:©|\(c\)|ⓒ|\d{4})|©|ⓒ|\(c\)\s*\d{4}|版权所有|版权声明|all rights reserved).{0,200}$"),
    ("all rights reserved", r"^.{0,150}\ball rights reserved\.?$"),
    # share bars, QR codes, font size
    ("share label", rf"^(?:share(?: this(?: article| story| post| page)?| to| on| via)?|分享到|分享){_C}.{{0,80}}$"),
    ("QR code", r"^(?:扫一扫|微信扫一扫|用手机扫描|手机扫描二维码|scan (?:the )?qr code).{0,40}$"),
    ("font size", rf"^(?:字号|字体|font size|text size){_C}.{{0,30}}$"),
    # links to other articles
    ("related label", r"^(?:related(?: posts| articles| news| stories| links| reading| content)?|you (?:may|might) also"
                      r" like|recommended(?: for you)?|more stories|most read\b.{0,30}|don'?t miss|see also"
                      r"|相关(?:新闻|链接|阅读|文章|稿件|报道)|推荐阅读|延伸阅读)\s*[:：.…]*$"),
    ("previous/next", rf"^(?:previous|next)(?: post| article| story)?{_C}.{{0,200}}$"),
    ("上一篇/下一篇", r"^(?:上一篇|下一篇)\s*[:：]?.{0,100}$"),
    ("tags", rf"^(?:tags?|标签|关键词|关键字|keywords)(?:{_C}.{{0,200}})?$"),
)}
#: Whole-line rules written on English news sites (../shared/extraction/scrapinghub). Kept: those that
#: also gain on trafilatura-eval and change more than one page (bench/extraction_rules.py; the
#: dropped ones are measured there, bench/README.md).
NEWS_LINES = {name: re.compile(pattern, re.I) for name, pattern in (
    ("read more", rf"^(?:read more|see more|read also|also read|related){_C}.{{1,200}}$"),
)}

#: Words of print/close/share/font-size toolbars; a line made only of them is boilerplate
#: when it holds at least one of the ANCHOR words.
TOOLBAR_WORDS = sorted((
    "print this page", "print this article", "close this window", "close window", "print", "close",
    "font size", "text size", "font", "large", "medium", "small", "default", "share to", "share this",
    "share", "back to top", "return to top", "top", "bookmark", "email", "e-mail", "facebook", "twitter",
    "linkedin", "whatsapp", "telegram", "reddit", "pinterest", "wechat", "weibo", "qzone", "qq",
    "print article", "打印本页", "打印此页", "打印文章", "打印", "关闭窗口", "关闭本页", "关闭", "字号", "字体", "大", "中", "小",
    "默认", "收藏本页", "加入收藏", "收藏", "分享到", "分享", "微信", "微博", "朋友圈", "qq空间", "返回顶部",
    "扫一扫在手机打开当前页", "扫一扫", "手机版",
), key=len, reverse=True)
TOOLBAR_ANCHORS = ("print", "close", "font", "share", "打印", "关闭", "字号", "字体", "分享", "收藏", "返回顶部", "扫一扫")
_TOOLBAR_RE = re.compile("|".join(re.escape(word) for word in TOOLBAR_WORDS))
_SEPARATORS_RE = re.compile(r"[\s\[\]【】()（）<>《》:：|｜/·•,，、.。-]+")

ORIGIN_LABELS = r"(?:source|来源|信息来源|文章来源|稿件来源|新闻来源|消息来源|转载自|出处)"
EDITOR_LABELS = r"(?:editor in charge|responsible editor|责任编辑|责编|编辑|editor)"
#: Publication labels of a date line ("Published:", "发布时间：").
PUB_LABELS = r"(?:published|updated|posted|last modified|pub(?:lish)?\s*date|release date|发布时间|发布日期|更新时间|发表时间|发稿时间)"
#: Labels of the other fields an info line holds next to its date.
FIELD_LABELS = (rf"(?:{PUB_LABELS}|{ORIGIN_LABELS}|author|editor|views|hits|reporter|作者|编辑|责任编辑|浏览|点击|阅读|访问"
                r"|记者|摄影)\s*(?:次数|量|数)?\s*[:：]")
#: Labels that end an origin value written on one line with other fields.
NEXT_LABEL = rf"(?:{FIELD_LABELS}|(?:date|time|font(?: size)?|text size|日期|时间|字号|字体)\s*[:：])"
ORIGIN_LINE_RE = re.compile(rf"^{_OPEN}{ORIGIN_LABELS}{_C}(?P<value>\S[^。!?]{{0,60}}?){_CLOSE}$", re.I)
ORIGIN_INLINE_RE = re.compile(
    rf"(?:^|\s|[\]】(（\[【]){ORIGIN_LABELS}{_C}(?P<value>[^\s|｜].*?)\s*(?=$|\s{{2,}}|\s*[|｜]|\s*{NEXT_LABEL}|\s*[【\[])", re.I)
EDITOR_LINE_RE = re.compile(rf"^{_OPEN}{EDITOR_LABELS}{_C}(?P<value>[^。.!?]{{1,40}}?){_CLOSE}$", re.I)
EDITOR_NOTE_RE = re.compile(rf"\s*[\[【(（]\s*{EDITOR_LABELS}{_C}(?P<value>[^\]】)）]{{1,30}})[\]】)）]\s*$", re.I)
FIELD_LABEL_RE = re.compile(FIELD_LABELS, re.I)
PUB_LABEL_RE = re.compile(PUB_LABELS, re.I)
#: Words that may stand next to a date on a date line: labels, weekdays, "at", am/pm.
DATE_WORDS_RE = re.compile(
    rf"{PUB_LABELS}|\b(?:on|at|mon|tue|wed|thu|fri|sat|sun|[a-z]+day|[ap]\.?m\.?)\b|星期[一二三四五六日天]|周[一二三四五六日]",
    re.I)
ZONE_RE = re.compile(r"\b(?:UTC|GMT|[A-Z]{2,4}T)\b|[+-]\d{2}:?\d{2}")


def drop_boilerplate_elements(root: etree._Element) -> None:
    """Remove boilerplate elements, comments and processing instructions (keeping their tails)."""
    drop_elements(root, [_DROP])
    for node in root.xpath(".//comment() | .//processing-instruction()"):
        drop_node(node)


def drop_elements(root: etree._Element, selectors: list[CSSSelector]) -> None:
    """Remove the elements the selectors match (keeping their tails)."""
    for selector in selectors:
        for element in selector(root):
            if element is not root:
                drop_node(element)


def is_boilerplate_line(line: str) -> bool:
    """Whether a whole line of text is portal boilerplate or a metadata line (source, editor, date)."""
    line = line.strip()
    if not line or len(line) > MAX_BOILERPLATE_LINE:
        return False
    return any(rule(line) for rule in LINE_RULES.values())


def is_toolbar(line: str) -> bool:
    """A line made only of print/close/share/font-size words ("【打印本页】【关闭窗口】")."""
    lowered = line.lower()
    if len(lowered) > 80 or not any(anchor in lowered for anchor in TOOLBAR_ANCHORS):
        return False
    return not _SEPARATORS_RE.sub("", _TOOLBAR_RE.sub(" ", lowered))


def is_date_line(line: str) -> bool:
    """A publication time on a line of its own ("2018-08-31 09:35:20", "Updated: Tue., Nov. 19, 2019").

    A bare date without a time or a label stays: Chinese notices end with their date.
    """
    found = find_date_text(line) if len(line) <= 60 else None
    if not found or not (re.search(r"\d:\d\d", found) or PUB_LABEL_RE.search(line)):
        return False
    rest = ZONE_RE.sub(" ", DATE_WORDS_RE.sub(" ", line.replace(found, " ")))
    return not re.search(r"\w", rest)


def is_info_line(line: str) -> bool:
    """The line under a headline: it opens with a date or a field label, and holds both
    ("2022-03-15 10:09:55 Source: X", "信息来源：X 发布日期：2021-05-06")."""
    found = find_date_text(line) if len(line) <= 160 else None
    if not found or not FIELD_LABEL_RE.search(line):
        return False
    start = line.lstrip(" [【(（")
    return start.startswith(found) or bool(FIELD_LABEL_RE.match(start))


def origin_of(line: str) -> str | None:
    """The source named by a metadata line: a short line opening with "Source:" / "来源：",
    or an info line ("2022-03-15 10:09:55 Source: X")."""
    return find_origin(line) if ORIGIN_LINE_RE.match(line.strip()) or is_info_line(line) else None


def editor_of(line: str) -> str | None:
    """The value of a whole "Editor in charge: X" / "责任编辑：X" line, else None."""
    match = EDITOR_LINE_RE.match(line.strip())
    return _value(match["value"]) if match else None


def find_origin(text: str) -> str | None:
    """The source named by a "Source: X" / "来源：X" field anywhere on the lines of ``text``."""
    for line in text.splitlines():
        match = ORIGIN_INLINE_RE.search(line.strip())
        if match and len(match["value"]) <= 60:
            return _value(match["value"])
    return None


def find_editor(text: str) -> str | None:
    """The editor named by an editor line or a trailing "（责任编辑：X）" note in ``text``."""
    for line in text.splitlines():
        found = editor_of(line) or split_editor_note(line)[1]
        if found:
            return found
    return None


def split_editor_note(line: str) -> tuple[str, str | None]:
    """A paragraph without its trailing editor note, and the editor it names (or None)."""
    match = EDITOR_NOTE_RE.search(line)
    if not match:
        return line, None
    return line[: match.start()].rstrip(), _value(match["value"])


def drop_node(node: etree._Element) -> None:
    """Remove ``node`` from its tree, keeping the text that follows it."""
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


def _value(text: str) -> str | None:
    value = text.strip(" 　:：[]【】()（）")
    return value or None


#: Every whole-line rule by name: the patterns, then toolbars and the metadata lines.
LINE_RULES = {
    **{name: pattern.match for name, pattern in {**PORTAL_LINES, **NEWS_LINES}.items()},
    "toolbar": is_toolbar, "source line": origin_of, "date line": is_date_line, "info line": is_info_line,
}
