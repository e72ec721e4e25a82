"""Markdown to safe HTML: markdown-it-py (CommonMark) parses, nh3 (Ammonia) sanitizes.

Two extensions serve WCAG 3.1.2 (Language of Parts): a `::: lang en` container for a
passage and `[words]{lang=en}` for a few words, both rendered with a `lang` attribute so
screen readers switch voice. Links to other hosts get a hidden text saying so (the visible
arrow comes from CSS), because a reader should know before following a link that it leaves
the authority's site.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

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
                host = urlsplit(str(child.attrGet("href") or "")).hostname
                external = bool(host) and host != site_host
                depth_external.append(external)
                if external:
                    child.attrJoin("class", "external")
            elif child.type == "link_close" and depth_external.pop():
                hint = Token("html_inline", "", 0)
                hint.content = f'<span class="visually-hidden"> ({html.escape(external_label)})</span>'
                marked.append(hint)
            marked.append(child)
        block.children = marked


def render_markdown(source: str, *, site_host: str, external_label: str) -> tuple[str, str]:
    """Render Markdown to (sanitized HTML, plain text). Raises MarkdownProblem."""
    tokens = _PARSER.parse(source)
    for token in tokens:
        if token.type == "heading_open" and token.tag == "h1":
            raise MarkdownProblem(
                "the text uses a top heading ('# '); the title is the only top heading, "
                "use '## ' for subheadings"
            )
        if token.type == "heading_open" and token.tag in {"h5", "h6"}:
            raise MarkdownProblem("headings deeper than '#### ' are not supported")
    _mark_external_links(tokens, site_host, external_label)
    rendered = _PARSER.renderer.render(tokens, _PARSER.options, {})
    safe = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
    )
    return safe, html_to_text(safe)


def html_to_text(fragment: str) -> str:
    """The readable text of an HTML fragment, for search and previews."""
    fragment = re.sub(r'<span class="visually-hidden">.*?</span>', "", fragment)
    text = nh3.clean(re.sub(r"<(/p|br|/li|/h\d|/div)>", r" \g<0>", fragment), tags=set())
    return re.sub(r"\s+", " ", html.unescape(text)).strip()
