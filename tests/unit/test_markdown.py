"""cmark-gfm renders what markdown-it-py renders, for every text it is given.

webapp/content/markdown.py sends texts without raw HTML or our two extensions to
cmark-gfm (C) for speed, and the rest to markdown-it-py. A reader must never see a
difference: these tests render CommonMark's tricky cases, and every article of the demo
content and of a generated corpus, both ways, and compare the sanitized HTML.
"""

from __future__ import annotations

from pathlib import Path

import frontmatter
import pytest

from bench.corpus import write_corpus
from webapp.content import markdown
from webapp.content.markdown import MarkdownProblem, render_markdown

HOST, LABEL = "www.lansstyrelsen.se", "länk till annan webbplats"
ROOT = Path(__file__).resolve().parents[2]

CASES = {
    "paragraphs and soft breaks": "En rad\nnästa rad\n\nNytt stycke.",
    "hard breaks": "Två mellanslag  \nsnedstreck\\\nslut",
    "emphasis": "*kursiv* **fet** ***båda*** _under_streck_ i_ord_ **ofullständig*",
    "emphasis beside punctuation": "*«citat»* **(parentes)** *– tankstreck –* ”*citat*”",
    "code spans": "`kod` `` med ` bakåtfnutt `` ` mellanslag `",
    "fenced code": "```python\nprint('hej') & \"citat\"\n```\n\n~~~\ntilde\n~~~",
    "indented code": "Stycke\n\n    kod rad\n    rad två\n",
    "headings": "## Två\n\n### Tre ###\n\n#### Fyra\n\nUnderstruken\n---",
    "lists": "- ett\n- två\n  - inre\n\n1. första\n2. andra\n\n7) sju\n8) åtta\n\n* lös\n\n* lista",
    "list with paragraphs": "1. Punkt\n\n   med stycke\n\n   ```\n   kod\n   ```\n2. nästa",
    "blockquote with lazy line": "> citat\nfortsätter\n> - lista\n\n> > nästlat",
    "thematic breaks": "ovan\n\n***\n\n- - -\n\n___",
    "links": (
        "[intern](/sv/nyheter) [samma värd](https://www.lansstyrelsen.se/x) "
        '[extern](https://example.org/a?b=1&c=2 "Titel") [mejl](mailto:a@example.org) '
        "[tel](tel:+46101234567) [parentes](https://example.org/a_(b)) [tom]()"
    ),
    "reference links": '[ref] och [annan][r2]\n\n[ref]: https://example.org/ref\n[r2]: /lokal "titel"',
    "emphasis inside external links": "[**fet** och *kursiv*](https://example.org) efter",
    "images": "![alt text](bild.png) [![bild i länk](b.png)](https://example.org)",
    "entities and escapes": "&amp; &copy; &#169; &#xA9; &nbsp; \\*inte kursiv\\* \\# \\[ \\] & ensam",
    "tables": (
        "| Län | Antal | Andel |\n|:----|------:|:-----:|\n| Västra Götaland | 1 234 | 5 % |\n"
        "| `kod` | **fet** | a \\| b |\n| kort |"
    ),
    "not a table": "| bara en rad |\n\ntext | med | streck",
    "urls stay text": "https://example.org och www.example.org och a@example.org",
    "strikethrough and task lists stay text": "~~inte struken~~\n\n- [ ] inte en ruta\n- [x] inte heller",
    "unicode": "Åäö ÅÄÖ é ü ß – “citat” ‘enkelt’ … 😀",
    "language spans": "Bidraget [Klimatklivet]{lang=sv} och [Climate Leap]{lang=en-GB} (se [här]{lang=sv}).",
    "language spans in structures": (
        "## Om [Green Deal]{lang=en}\n\n- [Wetlands]{lang=en} och **[Zero Waste]{lang=en}**\n\n"
        "> [Citat]{lang=de}\n\n| Term | Språk |\n|---|---|\n| [Lake]{lang=en} | engelska |\n\n"
        "*[kursiv]{lang=fr}* och [en länk](https://example.org/x) [Bay]{lang=en}"
    ),
    "language spans at a line's edges": "[Start]{lang=en} i början\noch i slutet [End]{lang=en}",
    "empty": "",
    "only spaces": "   \n\n  ",
}


def _both_ways(source: str) -> tuple[str, str]:
    """`source` rendered by markdown-it-py and, if it would be sent there, by cmark-gfm."""
    by_markdown_it = markdown._sanitized(markdown._with_markdown_it(source, HOST, LABEL))
    if markdown._for_markdown_it(source):
        return by_markdown_it, by_markdown_it
    return by_markdown_it, markdown._sanitized(markdown._with_cmark(source, HOST, LABEL))


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_cmark_renders_what_markdown_it_renders(source):
    assert not markdown._for_markdown_it(source)
    by_markdown_it, by_cmark = _both_ways(source)
    assert by_cmark == by_markdown_it


def _bodies(articles: Path) -> list[str]:
    return [frontmatter.load(path).content for path in sorted(articles.rglob("*.md"))]


def test_every_article_of_the_demo_content_and_a_generated_corpus_renders_the_same(tmp_path):
    write_corpus(300, tmp_path / "corpus")
    bodies = _bodies(ROOT / "content" / "articles") + _bodies(tmp_path / "corpus" / "articles")
    sent_to_cmark = 0
    for body in bodies:
        by_markdown_it, by_cmark = _both_ways(body.replace(":::", "..."))  # no containers
        assert by_cmark == by_markdown_it, body
        sent_to_cmark += not markdown._for_markdown_it(body)
    assert sent_to_cmark > len(bodies) / 2  # most articles: the speed is the point


@pytest.mark.parametrize(
    "source",
    [
        "Ett *€*",
        "5*€*",
        "**©**2024",
        "_°C_",
        "[skript](javascript:alert(1))",
        "[fil](FILE:///etc/passwd)",
        "[kodat](&#106;avascript:alert(1))",
        "[undantaget](javascript\\:alert(1))",
        "Se [länken](https://example.org) och [den här](JavaScript:alert(1))",
        "[data](data:text/html,x) och [vb](VBScript:x)",
        "Priset är 5 € och sedan *€* i slutet",
        "[med *betoning*]{lang=en}",
        "![bild]{lang=en}",
        "\\[escaped]{lang=en}",
        "[ord]{lang=en} och `kod`",
        "[ord]{lang=en}\n\n    indraget",
        "[ord]{lang=en}\n\n[ord]: https://example.org",
        "[ord]{lang=EN}",
        "[ord]{lang=en .class}",
        "*betonat*{lang=en}",
        "[två\nrader]{lang=en}",
        "[läs [mer]{lang=en} här](https://example.org/x)",
    ],
)
def test_texts_the_parsers_disagree_on_go_to_markdown_it(source):
    assert markdown._for_markdown_it(source)
    html, _ = render_markdown(source, site_host=HOST, external_label=LABEL)
    assert html == markdown._sanitized(markdown._with_markdown_it(source, HOST, LABEL))


def test_swedish_letters_beside_emphasis_stay_with_cmark():
    assert not markdown._for_markdown_it("*ö* och _å_ och **Ärende**")


def test_texts_with_raw_html_or_our_extensions_go_to_markdown_it():
    html, _ = render_markdown("<b>fet</b> [ord]{lang=en}", site_host=HOST, external_label=LABEL)
    assert html == '<p>&lt;b&gt;fet&lt;/b&gt; <span lang="en">ord</span></p>\n'
    html, _ = render_markdown("::: lang en\nEnglish\n:::", site_host=HOST, external_label=LABEL)
    assert html == '<div class="other-language" lang="en">\n<p>English</p>\n</div>\n'


@pytest.mark.parametrize("source", ["# Topp", "Topp\n===", "##### Fem", "###### Sex"])
def test_headings_the_page_cannot_have_are_refused_by_both_parsers(source):
    with pytest.raises(MarkdownProblem, match="heading"):
        markdown._with_cmark(source, HOST, LABEL)
    with pytest.raises(MarkdownProblem, match="heading"):
        markdown._with_markdown_it(source, HOST, LABEL)


def test_external_links_are_marked_by_cmark():
    source = "Se [rapporten](https://example.org/r)."
    assert not markdown._for_markdown_it(source)
    html, text = render_markdown(source, site_host=HOST, external_label=LABEL)
    assert html == (
        '<p>Se <a href="https://example.org/r" class="external">rapporten'
        '<span class="visually-hidden"> (länk till annan webbplats)</span></a>.</p>\n'
    )
    assert text == "Se rapporten."


def test_the_plain_text_keeps_what_a_reader_sees_and_nothing_else():
    source = (
        "## Vad gäller?\n\nSkriv `<script>` & 5 < 6 &amp;c.\n\n- ett\n- två\n\n"
        "Rad ett  \nrad två, [länk](https://example.org/x) och [ord]{lang=en}.\n\n"
        "| A | B |\n|---|---|\n| 1 | 2 |"
    )
    _, text = render_markdown(source, site_host=HOST, external_label=LABEL)
    assert text == "Vad gäller? Skriv <script> & 5 < 6 &c. ett två Rad ett rad två, länk och ord. A B 1 2"
