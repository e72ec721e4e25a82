"""Content files are a trust boundary: whatever is written in them, a build finishes in
bounded time and memory. YAML aliases are refused, and files, fields, lists and rendered
texts have limits (docs/content.md lists them)."""

from __future__ import annotations

import re
import textwrap
import time
import tracemalloc

import pytest

from webapp.content import ContentError
from webapp.content.fields import (
    ARTICLE_FILE_MAX_BYTES,
    BODY_MAX,
    LEAD_MAX,
    LIST_MAX,
    SHORT_TEXT_MAX,
    TITLE_MAX,
    YAML_FILE_MAX_BYTES,
)

# 490 bytes that expand into nine to the eighth "lol"s when the name is read as text: it
# took 60 s and 4.3 GB before aliases were refused.
BILLION_LAUGHS = textwrap.dedent(
    """\
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    """
)
ALIAS_MESSAGE = "uses YAML anchors or aliases (& and *), which are not allowed: write the value out"


def messages(content) -> list[str]:
    return [str(problem) for problem in content.problems]


def measured(load):
    """(what `load` returned, seconds, peak memory in MB). Tests bound the memory only (as
    tracemalloc counts it, the same on any machine); bench/hostile_content.py prints both."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = load()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, time.perf_counter() - started, peak / 1e6


def test_a_billion_laughs_article_is_refused_at_once_in_little_memory(content_tree):
    content_tree.article("bra")
    front = "title: Skratt\nlead: Ingress.\npublished: 2024-05-02 09:30\ntopics: [klimat]\n"
    content_tree.write(
        "articles/bomb.sv.md", f"---\n{front}{BILLION_LAUGHS}contacts:\n  - name: *h\n---\nText\n"
    )
    content, _, megabytes = measured(content_tree.load)
    assert megabytes < 50  # refused before anything expands (it took 4.3 GB)
    assert [a.key for a in content.articles] == ["bra"]
    [problem] = messages(content)
    assert problem.startswith(f"content/articles/bomb.sv.md: line 7, column 8: {ALIAS_MESSAGE}")


def test_a_billion_laughs_site_file_stops_the_build_at_once(content_tree):
    site = (content_tree.root / "site.yaml").read_text()
    content_tree.write("site.yaml", site + BILLION_LAUGHS + "phone: *h\n")
    _, _, megabytes = measured(lambda: pytest.raises(ContentError, content_tree.load))
    assert megabytes < 50


@pytest.mark.parametrize(
    ("path", "text", "fatal"),
    [
        ("articles/a.sv.md", "---\ntitle: &t Rubrik\nlead: *t\n---\nText\n", False),
        ("pages/om.sv.md", "---\ntitle: &t Om oss\nlead: *t\n---\nText\n", False),
        ("alerts/brand.yaml", "severity: &s danger\ntitle: {sv: *s, en: x}\n", False),
        ("search.yaml", "synonyms:\n  sv: [&o [eld, brand], *o]\n", False),
        ("topics/vatten.yaml", "name: &n {sv: Vatten, en: Water}\ndescription: *n\n", True),
        ("partners/smhi.yaml", "name: &n {sv: SMHI, en: SMHI}\ndescription: *n\n", True),
        ("site.yaml", None, True),
    ],
)
def test_aliases_are_refused_in_every_yaml_the_loader_reads(content_tree, path, text, fatal):
    if text is None:  # the site file, with an alias added to it
        text = (
            (content_tree.root / "site.yaml")
            .read_text()
            .replace("postal_address:", "postal_address: &p x\nx:")
        )
        text += "phone: *p\n"
    content_tree.write(path, text)
    if fatal:
        with pytest.raises(ContentError, match=re.escape(ALIAS_MESSAGE)):
            content_tree.load()
    else:
        assert any(f"content/{path}: line" in m and ALIAS_MESSAGE in m for m in messages(content_tree.load()))


def test_an_alias_without_an_anchor_is_refused_too(content_tree):
    # libyaml refuses it itself (no anchor, no alias to resolve): the same message.
    content_tree.article("nyhet", lead="*ingress")
    assert ALIAS_MESSAGE in messages(content_tree.load())[0]


def test_stars_and_ampersands_inside_quoted_text_are_text(content_tree):
    content_tree.article("nyhet", title='"Forskning & *utveckling*"', lead="'Vi & *ni*'")
    [article] = content_tree.load().articles
    assert (article.title, article.lead) == ("Forskning & *utveckling*", "Vi & *ni*")


def test_files_above_their_size_limit_are_refused_without_being_read(content_tree):
    content_tree.article("stor", body="a" * ARTICLE_FILE_MAX_BYTES)
    content_tree.write("alerts/stor.yaml", "# " + "x" * YAML_FILE_MAX_BYTES)
    found = messages(content_tree.load())
    assert found[0].startswith("content/alerts/stor.yaml: is 256 KB; at most 256 KB is allowed")
    assert found[1].startswith("content/articles/stor.sv.md: is 1.0 MB; at most 1.0 MB is allowed")


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"title": "R" * (TITLE_MAX + 1)}, f"title: is {TITLE_MAX + 1} characters long; at most {TITLE_MAX}"),
        ({"lead": "I" * (LEAD_MAX + 1)}, f"lead: is {LEAD_MAX + 1:,} characters long; at most {LEAD_MAX:,}"),
        ({"contacts": f"[{{name: {'N' * (SHORT_TEXT_MAX + 1)}}}]"}, "contacts[1].name: is 201 characters"),
        ({"body": "b" * (BODY_MAX + 1)}, f"body: is {BODY_MAX + 1:,} characters long; at most {BODY_MAX:,}"),
    ],
)
def test_fields_above_their_length_limit_are_refused(content_tree, fields, problem):
    content_tree.article("nyhet", **fields)
    content = content_tree.load()
    assert content.articles == [] and problem in messages(content)[0]


@pytest.mark.parametrize(
    ("field", "item"),
    [
        ("contacts", "{name: Anna}"),
        ("fact_boxes", "{title: Ruta, body: Text}"),
        ("changes", "{date: 2024-05-03 10:00, note: Rättat}"),
        ("old_slugs", "gammal"),
        ("topics", "klimat"),
        ("partners", "chalmers"),
    ],
)
def test_lists_above_their_limit_are_refused(content_tree, field, item):
    content_tree.article("nyhet", **{field: "[" + ", ".join([item] * (LIST_MAX + 1)) + "]"})
    assert (
        f"{field}: has {LIST_MAX + 1} items; at most {LIST_MAX} are allowed"
        in messages(content_tree.load())[0]
    )


def test_a_table_that_would_render_to_gigabytes_is_refused_before_rendering(content_tree):
    # Every row gets as many cells as the header has columns: 200 KB of Markdown could
    # become 10 GB of HTML.
    header = "|a" * 20_000 + "\n" + "|-" * 20_000 + "\n"
    content_tree.article("tabell", body=header + "x\n" * 40_000)
    content, _, megabytes = measured(content_tree.load)
    assert megabytes < 50
    assert "body: its tables would have more than 100,000 cells" in messages(content)[0]


def test_a_text_that_renders_to_more_than_a_megabyte_of_html_is_refused(content_tree):
    content_tree.article("lang", body="> " * 90_000 + "x")  # 180 KB of quotes in quotes
    [problem] = messages(content_tree.load())
    assert "body: becomes 2,430,009 characters of HTML, more than the 1,000,000 allowed" in problem


def test_deep_nesting_is_refused_before_the_sanitizer_spends_seconds_on_it(content_tree):
    content_tree.article("djup", body="> " * 5_000 + "x")
    content, _, megabytes = measured(content_tree.load)
    assert megabytes < 50
    assert "body: nests quotes, lists or emphasis more than 100 levels deep" in messages(content)[0]
