"""Following edits: `flask build --watch` reads only the files that changed, and what it
builds is what a full build of the same files would give."""

from __future__ import annotations

from tests.conftest import LABEL
from webapp.content import ContentLoader, load_content


def loaded(tree) -> ContentLoader:
    loader = ContentLoader(tree.root, LABEL)
    loader.load()
    return loader


def summary(content):
    return [(a.source, a.lang, a.slug, a.title) for a in content.articles]


def test_an_edit_reads_only_the_changed_files_and_gives_what_a_full_load_gives(content_tree):
    paths = {key: content_tree.article(key) for key in ("a", "b", "c")}
    content_tree.article("a", lang="en")
    loader = ContentLoader(content_tree.root, LABEL)
    first = loader.load()

    content_tree.article("b", title="Ny rubrik")
    added = content_tree.article("aa")  # sorts between a and b
    paths["c"].unlink()
    after = loader.apply([paths["b"], added, paths["c"]])

    assert summary(after) == summary(load_content(content_tree.root, LABEL))
    assert ("content/articles/b.sv.md", "sv", "b", "Ny rubrik") in summary(after)
    unchanged = {a.source: a for a in first.articles if a.key == "a"}
    assert all(a is unchanged[a.source] for a in after.articles if a.key == "a")  # not read again


def test_an_editors_own_files_among_the_articles_are_ignored(content_tree):
    content_tree.article("a")
    loader = ContentLoader(content_tree.root, LABEL)
    first = loader.load()
    scratch = content_tree.write("articles/4913", "")  # what vim writes to test a folder
    assert loader.apply([scratch]).articles[0] is first.articles[0]


def test_a_change_outside_the_articles_loads_everything_again(content_tree):
    content_tree.article("a", body="[Startsidan](https://news.example.se/sv/)")
    loader = ContentLoader(content_tree.root, LABEL)
    assert 'class="external"' not in loader.load().articles[0].body_html
    site = (content_tree.root / "site.yaml").read_text().replace("news.example.se", "nyheter.example.org")
    changed = content_tree.write("site.yaml", site)
    assert 'class="external"' in loader.apply([changed]).articles[0].body_html


def test_a_clash_is_named_and_fixing_it_in_the_other_file_publishes_both(content_tree):
    a = content_tree.article("a")
    content_tree.article("b")
    loader = loaded(content_tree)

    b = content_tree.article("b", slug="a")
    clashing = loader.apply([b])
    assert {(x.key, x.slug) for x in clashing.articles} == {("a", "a"), ("b", "b")}  # b as it was
    assert "content/articles/b.sv.md: slug: 'a' is also used by content/articles/a.sv.md" in {
        str(problem).split(". The last")[0] for problem in clashing.problems
    }
    content_tree.article("a", slug="ny-a")
    fixed = loader.apply([a])  # b's edit is read again with it: it failed before
    assert {(x.key, x.slug) for x in fixed.articles} == {("a", "ny-a"), ("b", "a")}
    assert fixed.problems == ()


def test_a_broken_edit_keeps_the_last_good_content_and_names_the_problem(content_tree):
    content_tree.article("a", title="Först")
    loader = loaded(content_tree)
    broken = content_tree.article("a", title="Trasig", published="i morgon")
    kept = loader.apply([broken])
    assert [a.title for a in kept.articles] == ["Först"]
    (problem,) = kept.problems
    assert str(problem).startswith("content/articles/a.sv.md: published: 'i morgon' is not a date")
    assert "The last good version stays published until this is fixed." in str(problem)
    content_tree.article("a", title="Lagad")
    fixed = loader.apply([broken])
    assert [a.title for a in fixed.articles] == ["Lagad"] and fixed.problems == ()
