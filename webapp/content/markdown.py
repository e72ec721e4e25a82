"""Markdown to safe HTML: CommonMark with tables, sanitized by nh3 (Ammonia).

Two extensions serve WCAG 3.1.2 (Language of Parts): a `::: lang en` container for a
passage and `[words]{lang=en}` for a few words, both rendered with a `lang` attribute so
screen readers switch voice. Links to other hosts get a hidden text saying so (the visible
arrow comes from CSS), because a reader should know before following a link that it leaves
the authority's site.

Two CommonMark parsers share the work. markdown-it-py, with its plugins for the two
extensions, renders any text with a language container, with any other use of attributes
than a few plain words in a span, or with raw HTML (which must show as text). Every other
text, most articles, goes to cmark-gfm, the C reference parser, whose output has its plain
word spans (left as text) made spans: the same HTML after sanitizing
(tests/unit/test_markdown.py compares the two on edge cases and on every article of the
demo content and a generated corpus), six times as fast, which was most of a full build's
reading time.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit

import cmarkgfm
import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin

LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "blockquote",
    "code", "pre", "br", "hr", "div", "span", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "lang", "hreflang"},
    "div": {"lang"},
    "span": {"lang"},
    "p": {"lang"},
    "blockquote": {"lang"},
    "th": {"scope"},
}
ALLOWED_CLASSES = {"a": {"external"}, "span": {"visually-hidden"}, "div": {"other-language"}}


class MarkdownProblem(ValueError):
    """The Markdown cannot be published as it is; the message says why."""


def _validate_lang_container(params: str, *args: object) -> bool:
    return params.strip().split(" ", 1)[0] == "lang"


def _render_lang_container(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    if token.nesting == 1:
        parts = token.info.strip().split()
        code = parts[1] if len(parts) > 1 else ""
        if not LANGUAGE_TAG.match(code):
            raise MarkdownProblem(
                f"'::: lang {code}' needs a language code such as 'en' or 'sv' after 'lang'"
            )
        return f'<div class="other-language" lang="{code}">\n'
    return "</div>\n"


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.use(attrs_plugin, spans=True, allowed=["lang"])
    md.use(container_plugin, "lang", validate=_validate_lang_container, render=_render_lang_container)
    return md


_PARSER = _parser()


def _mark_external_links(tokens: list[Token], site_host: str, external_label: str) -> None:
    """Add the class and hidden 'link to another website' text to links that leave the site."""
    for block in tokens:
        children = block.children or []
        marked: list[Token] = []
        depth_external = []
        for child in children:
            if child.type == "link_open":
                external = _is_external(str(child.attrGet("href") or ""), site_host)
                depth_external.append(external)
                if external:
                    child.attrJoin("class", "external")
            elif child.type == "link_close" and depth_external.pop():
                hint = Token("html_inline", "", 0)
                hint.content = f'<span class="visually-hidden"> ({html.escape(external_label)})</span>'
                marked.append(hint)
            marked.append(child)
        block.children = marked


# What only markdown-it-py renders as we want: raw HTML ("<", shown as text), language
# containers (":::"), attribute spans ("{") other than a few plain words in another
# language, and links to scripts or files (which it leaves as text, where cmark-gfm makes
# an empty link).
_FOR_MARKDOWN_IT = ("<", ":::")
# [plain words]{lang=en}: cmark-gfm leaves it as text, which is then made a span. Not after
# "!", "]" or a backslash, nor holding what could be markup, a table cell or a line break.
_LANGUAGE_SPAN = re.compile(r"\[([^][\\`*_<>&{}|\"\n]+)\]\{lang=([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\}")
_NOT_BEFORE_SPAN = ("!", "]", "\\")  # an image, a reference link, an escaped bracket
_CODE = re.compile(r"`|~~~|^(?: {4}|\t)", re.MULTILINE)  # where a span would stay text
_UNSAFE_SCHEME_NAMES = ("javascript", "vbscript", "file", "data")
_UNSAFE_SCHEMES = tuple(f"{name}:" for name in _UNSAFE_SCHEME_NAMES)
_LINK = re.compile(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', re.DOTALL)  # cmark-gfm's, never nested
_HEADING_LEVEL = re.compile(r"<h([1-6])>")


def render_markdown(source: str, *, site_host: str, external_label: str) -> tuple[str, str]:
    """Render Markdown to (sanitized HTML, plain text). Raises MarkdownProblem, also for a
    text that would take unbounded time or memory to render (see _check_source)."""
    _check_source(source)
    if _for_markdown_it(source):
        rendered = _with_markdown_it(source, site_host, external_label)
    else:
        rendered = _with_cmark(source, site_host, external_label)
    _check_rendered(rendered)
    safe = _sanitized(rendered)
    return safe, html_to_text(safe)


# Limits on what a text may make: content files are a trust boundary, and these shapes take
# time or memory out of all proportion to their size. Each is far above any real article.
HTML_MAX = 1_000_000  # characters of HTML a text renders to
TABLE_CELLS_MAX = 100_000  # a table row gets as many cells as its header: rows x columns
BRACKETS_MAX = 10_000  # markdown-it-py's links take time growing with their square
EMPHASIS_MAX = 50_000  # * and _ signs
PASSAGES_MAX = 1_000  # ::: lines
NESTING_MAX = 100  # quotes and lists in each other: the sanitizer's time grows with its square
_TABLE_DELIMITER_ROW = re.compile(
    r"^[ \t]{0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$", re.MULTILINE
)


def _check_source(source: str) -> None:
    """Refuse a text whose rendering would take unbounded time or memory. Cheap (counts of
    characters, in C) for every text; the table count runs only where there is a table."""
    if len(source) > BRACKETS_MAX and source.count("[") > BRACKETS_MAX:
        raise MarkdownProblem(f"has more than {BRACKETS_MAX:,} square brackets; split it into shorter texts")
    if len(source) > EMPHASIS_MAX and source.count("*") + source.count("_") > EMPHASIS_MAX:
        raise MarkdownProblem(f"has more than {EMPHASIS_MAX:,} * and _ signs; split it into shorter texts")
    if len(source) > 3 * PASSAGES_MAX and source.count(":::") > PASSAGES_MAX:
        raise MarkdownProblem(f"has more than {PASSAGES_MAX:,} ':::' lines; split it into shorter texts")
    if "|" in source and "-" in source and _table_cells(source) > TABLE_CELLS_MAX:
        raise MarkdownProblem(
            f"its tables would have more than {TABLE_CELLS_MAX:,} cells (each row gets as many cells "
            "as the header has columns); make the tables smaller"
        )


def _table_cells(source: str) -> int:
    """At most how many cells the tables of `source` render: each delimiter row's columns
    times the lines up to the next blank line (an overestimate, never an underestimate)."""
    cells = 0
    for row in _TABLE_DELIMITER_ROW.finditer(source):
        if "|" not in row[0]:
            continue
        end = source.find("\n\n", row.end())
        rows = source.count("\n", row.end(), len(source) if end == -1 else end) + 2
        cells += (row[0].count("|") + 1) * rows
    return cells


_NESTING_TAGS = ("<blockquote", "<ul", "<ol", "<li", "<em", "<strong", "<del", "<div", "<span")
_ANY_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)[^>]*?(/?)>")
_VOID_TAGS = frozenset({"br", "hr", "img", "input", "wbr"})


def _check_rendered(rendered: str) -> None:
    if len(rendered) > HTML_MAX:
        raise MarkdownProblem(
            f"becomes {len(rendered):,} characters of HTML, more than the {HTML_MAX:,} allowed; "
            "split it into shorter texts or make its tables smaller"
        )
    # Nesting cannot be deeper than the count of its tags: scan only when one is high.
    if (
        rendered.count("<") > 2 * NESTING_MAX
        and any(rendered.count(tag) > NESTING_MAX for tag in _NESTING_TAGS)
        and _depth(rendered) > NESTING_MAX
    ):
        raise MarkdownProblem(f"nests quotes, lists or emphasis more than {NESTING_MAX} levels deep")


def _depth(rendered: str) -> int:
    """How deep the elements of a parser's (well-formed) HTML are nested."""
    depth = deepest = 0
    for tag in _ANY_TAG.finditer(rendered):
        closing, name, empty = tag.groups()
        if closing:
            depth -= 1
        elif not empty and name not in _VOID_TAGS:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _for_markdown_it(source: str) -> bool:
    """Whether only markdown-it-py renders `source` as we want (cheap: run on every text,
    so it searches with str.find, not with regular expressions over the whole text)."""
    if any(mark in source for mark in _FOR_MARKDOWN_IT):
        return True
    if "{" in source and not _plain_spans_only(source):
        return True
    if ":" in source and _may_link_to_unsafe_scheme(source):
        return True
    if source.isascii():
        return False
    # cmark-gfm follows CommonMark 0.29, markdown-it-py 0.31, where a symbol such as € or
    # © beside * or _ counts as punctuation, which changes what is emphasis.
    for delimiter in "*_":
        at = source.find(delimiter)
        while at != -1:
            for beside in source[max(at - 1, 0) : at] + source[at + 1 : at + 2]:
                if not beside.isascii() and unicodedata.category(beside).startswith("S"):
                    return True
            at = source.find(delimiter, at + 1)
    return False


def _may_link_to_unsafe_scheme(source: str) -> bool:
    """Whether a scheme such as javascript: could be written in `source`, as a link would
    read it: backslash escapes and character references undone."""
    if "&" in source:  # a character reference could spell any of it
        lowered = html.unescape(source.lower().replace("\\", ""))
        return any(scheme in lowered for scheme in _UNSAFE_SCHEMES)
    at = source.find(":")
    while at != -1:  # every scheme ends with ":": look at what comes before each
        if source[max(at - 40, 0) : at].replace("\\", "").lower().endswith(_UNSAFE_SCHEME_NAMES):
            return True
        at = source.find(":", at + 1)
    return False


def _plain_spans_only(source: str) -> bool:
    """Whether every "{" of `source` begins a plain-words language span outside any other
    brackets (markdown-it-py makes no link of a text holding one), with no code or link
    reference (which could hold or be one) anywhere in the text."""
    spans = [
        span.start()
        for span in _LANGUAGE_SPAN.finditer(source)
        if source[span.start() - 1 : span.start()] not in _NOT_BEFORE_SPAN
    ]
    return (
        source.count("{") == len(spans)
        and all(source.count("[", 0, start) == source.count("]", 0, start) for start in spans)
        and "]:" not in source
        and not _CODE.search(source)
    )


# Configured once: nh3.clean builds its configuration from these sets on every call,
# which took a third of its time (0.066 against 0.045 ms an article).
_SANITIZER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel=None,
)
_sanitized = _SANITIZER.clean


def _with_markdown_it(source: str, site_host: str, external_label: str) -> str:
    tokens = _PARSER.parse(source)
    _check_headings({int(token.tag[1]) for token in tokens if token.type == "heading_open"})
    _mark_external_links(tokens, site_host, external_label)
    return _PARSER.renderer.render(tokens, _PARSER.options, {})


def _with_cmark(source: str, site_host: str, external_label: str) -> str:
    rendered = cmarkgfm.markdown_to_html_with_extensions(source, extensions=["table"])
    if "{" in source:  # plain-words language spans, left as text
        rendered = _LANGUAGE_SPAN.sub(r'<span lang="\2">\1</span>', rendered)
    _check_headings({int(level) for level in _HEADING_LEVEL.findall(rendered)})
    hint = f'<span class="visually-hidden"> ({html.escape(external_label)})</span>'

    def mark(link: re.Match) -> str:
        href, attributes, text = link.groups()
        if not _is_external(html.unescape(href), site_host):
            return link.group(0)
        return f'<a href="{href}"{attributes} class="external">{text}{hint}</a>'

    return _LINK.sub(mark, rendered)


def _check_headings(levels: set[int]) -> None:
    if 1 in levels:
        raise MarkdownProblem(
            "the text uses a top heading ('# '); the title is the only top heading, use '## ' for subheadings"
        )
    if levels & {5, 6}:
        raise MarkdownProblem("headings deeper than '#### ' are not supported")


def _is_external(href: str, site_host: str) -> bool:
    host = urlsplit(href).hostname
    return bool(host) and host != site_host


_HIDDEN = re.compile(r'<span class="visually-hidden">.*?</span>')
_BLOCK_END = re.compile(r"<(?:/p|br|/li|/h\d|/div)>")
_TAG = re.compile(r"<[^>]*>")


def html_to_text(fragment: str) -> str:
    """The readable text of a fragment that `_sanitized` made: its tags are well formed and
    every "<" in its text is escaped, so dropping what is between < and > leaves the text.
    (nh3 did the same at three times the cost, a fifth of reading an article.)"""
    text = _TAG.sub("", _BLOCK_END.sub(" ", _HIDDEN.sub("", fragment)))
    return " ".join(html.unescape(text).split())
