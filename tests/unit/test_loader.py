"""The loader: what communicators write becomes articles, or problems naming file and field.

An article file with a problem is left out of the build and its problems are listed in
Content.problems; the other files are published (tests/unit/test_content_last_good.py)."""

from __future__ import annotations

import pytest

from webapp.content import ContentError


def problems_of(tree) -> list[str]:
    """The problems of a load, which leaves every file with problems out."""
    content = tree.load()
    assert content.problems, "the content has no problems"
    broken = {problem.path.removeprefix("content/") for problem in content.problems}
    assert not [a.source for a in content.articles if a.source.removeprefix("content/") in broken]
    return [str(problem) for problem in content.problems]


def test_a_valid_article_is_loaded_with_its_fields(content_tree):
    content_tree.article(
        "nyhet",
        partners="[chalmers]",
        updated="2024-05-03 10:00",
        body="Första stycket.\n\n## Mellanrubrik\n\nAndra stycket.",
    )
    [article] = content_tree.load().articles
    assert article.key == "nyhet" and article.lang == "sv" and article.slug == "nyhet"
    assert article.partners == ("chalmers",)
    # Written in Swedish time (CEST in May), stored in UTC.
    assert article.published_at.isoformat() == "2024-05-02T07:30:00+00:00"
    assert article.updated_at.isoformat() == "2024-05-03T08:00:00+00:00"
    assert "<h2>Mellanrubrik</h2>" in article.body_html


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"title": None}, "articles/nyhet.sv.md: title: is missing"),
        ({"published": "2024-13-45"}, "published: '2024-13-45' is not a date"),
        ({"topics": "[vader]"}, "topics: unknown topic 'vader'"),
        ({"partners": "[okand]"}, "partners: unknown partner 'okand'"),
        ({"updated": "2024-01-01 10:00"}, "updated: is earlier than 'published'"),
        ({"slug": "Med Mellanslag"}, "slug: 'Med Mellanslag' may contain only"),
        ({"image": "{src: saknas.png, alt: En bild}"}, "image.src: no image 'saknas.png'"),
    ],
)
def test_invalid_fields_are_named_with_file_and_problem(content_tree, fields, expected):
    content_tree.article("nyhet", **fields)
    assert any(expected in problem for problem in problems_of(content_tree))


def test_broken_yaml_names_the_file_and_line(content_tree):
    content_tree.write("articles/trasig.sv.md", "---\ntitle: [ofullständig\n---\nText\n")
    [problem] = problems_of(content_tree)
    assert problem.startswith("content/articles/trasig.sv.md: line 3, column 1: a list in [ ] is not closed")


def test_all_problems_are_reported_at_once(content_tree):
    content_tree.article("en", title=None)
    content_tree.article("tva", published="igår")
    problems = problems_of(content_tree)
    assert len(problems) == 2


def test_a_top_heading_in_the_body_is_refused(content_tree):
    content_tree.article("nyhet", body="# Egen rubrik\n\nText.")
    assert any("use '## ' for subheadings" in p for p in problems_of(content_tree))


def test_other_language_passages_get_a_lang_attribute(content_tree):
    content_tree.article(
        "nyhet", body="Svensk text om [climate adaptation]{lang=en}.\n\n::: lang en\nEnglish summary.\n:::\n"
    )
    html = content_tree.load().articles[0].body_html
    assert '<span lang="en">climate adaptation</span>' in html
    assert '<div class="other-language" lang="en">\n<p>English summary.</p>\n</div>' in html


def test_a_passage_without_a_language_code_is_an_error(content_tree):
    content_tree.article("nyhet", body="::: lang\nText\n:::\n")
    assert any("needs a language code" in p for p in problems_of(content_tree))


def test_html_and_script_urls_in_the_body_never_reach_the_page(content_tree):
    content_tree.article(
        "nyhet",
        body='<script>alert(1)</script> [klicka](javascript:alert(1)) <img src=x onerror="alert(1)">',
    )
    html = content_tree.load().articles[0].body_html
    assert "<script" not in html and "<img" not in html and 'href="javascript:' not in html


def test_links_to_other_websites_are_marked_in_the_articles_language(content_tree):
    content_tree.article(
        "nyhet", body="Läs [rapporten](https://example.org/r) och [mer](https://news.example.se/sv/)."
    )
    content_tree.article("nyhet", lang="en", body="Read [the report](https://example.org/r).")
    articles = {a.lang: a for a in content_tree.load().articles}
    assert (
        '<a href="https://example.org/r" class="external">rapporten'
        '<span class="visually-hidden"> (länk till annan webbplats)</span></a>'
    ) in articles["sv"].body_html
    assert '<a href="https://news.example.se/sv/">mer</a>' in articles["sv"].body_html
    assert "(link to another website)" in articles["en"].body_html


def test_the_latest_change_note_sets_last_updated(content_tree):
    content_tree.article(
        "nyhet",
        changes=(
            "\n  - date: 2024-05-04 08:00\n    note: Rättat datum."
            "\n  - date: 2024-05-03 08:00\n    note: Lagt till länk."
        ),
    )
    [article] = content_tree.load().articles
    assert [c.note for c in article.changes] == ["Rättat datum.", "Lagt till länk."]
    assert article.updated_at == article.changes[0].changed_at


def test_language_versions_share_the_key(content_tree):
    content_tree.article("nyhet", slug="svensk-rubrik")
    content_tree.article("nyhet", lang="en", slug="english-title")
    articles = content_tree.load().articles
    assert {(a.lang, a.slug) for a in articles} == {("sv", "svensk-rubrik"), ("en", "english-title")}
    assert {a.key for a in articles} == {"nyhet"}


def test_duplicate_slugs_in_one_language_are_refused_and_both_files_named(content_tree):
    content_tree.article("forsta", slug="samma")
    content_tree.article("andra", slug="samma")
    content = content_tree.load()
    # Neither was published before: the first in file order keeps the slug.
    assert [a.key for a in content.articles] == ["andra"]
    assert [str(p) for p in content.problems] == [
        "content/articles/andra.sv.md: slug: 'samma' is also used by content/articles/forsta.sv.md, "
        "which is not published as it is until one of the two is changed",
        "content/articles/forsta.sv.md: slug: 'samma' is also used by content/articles/andra.sv.md. "
        "The file is not published until this is fixed.",
    ]


def test_the_demo_content_is_valid_and_large_enough(demo_content):
    assert demo_content.problems == ()
    articles = demo_content.articles
    keys = {a.key for a in articles}
    swedish_only = {a.key for a in articles if a.lang == "sv"} - {a.key for a in articles if a.lang == "en"}
    years = {a.published_at.year for a in articles}
    assert len(keys) >= 41, "the seed article plus at least 40 more"
    assert swedish_only, "a few articles are in Swedish only"
    assert years >= set(range(2019, 2027))
    assert len(demo_content.topics) >= 8


def test_an_image_gets_its_size_so_the_page_does_not_jump(content_tree):
    content_tree.write(
        "images/bild.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180"/>'
    )
    content_tree.article("nyhet", image="{src: bild.svg, alt: En karta över länet}")
    image = content_tree.load().articles[0].image
    assert (image.width, image.height, image.alt) == (320, 180, "En karta över länet")


def test_many_files_are_parsed_on_every_core_with_the_same_result_and_problems(content_tree, monkeypatch):
    from webapp import parallel

    for number in range(12):
        content_tree.article(f"a{number}", title=f"Rubrik {number}")
    alone = content_tree.load().articles
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)  # the fork pool, as for a large archive
    assert content_tree.load().articles == alone
    content_tree.article("a5", published="inte ett datum")
    content_tree.article("a9", title=None)
    content = content_tree.load()
    found = [(problem.path.rsplit("/", 1)[-1], problem.field) for problem in content.problems]
    assert found == [("a5.sv.md", "published"), ("a9.sv.md", "title")]
    assert len(content.articles) == 10


def test_a_problem_in_site_topics_or_partners_stops_the_build(content_tree):
    # Every article depends on them: the last good build keeps serving.
    content_tree.write("topics/trasig.yaml", "name: {sv: Trasig}")
    content_tree.article("nyhet")
    with pytest.raises(ContentError, match="topics/trasig.yaml: name.en: is missing"):
        content_tree.load()
