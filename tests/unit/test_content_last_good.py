"""One broken file never blocks the others: a file with problems is left out of the build, or
its last good version stays published, and its problems are listed in Content.problems;
the other files' edits go out. Both a full `load` and the watcher's `apply` do this."""

from __future__ import annotations

import pytest

from tests.conftest import LABEL
from webapp import parallel
from webapp.content import ContentError, ContentLoader
from webapp.content.cache import full_article
from webapp.content.loader import KEPT, LEFT_OUT


def titles(content) -> dict[str, str]:
    return {article.key: full_article(article).title for article in content.articles}


def messages(content) -> list[str]:
    return [str(problem) for problem in content.problems]


@pytest.fixture(params=["load", "apply", "load in a new process", "load without a cache"])
def reload(request, content_tree, tmp_path):
    """Loads the content again after edits, as each way of building does: the watcher's
    apply, a load by the same loader, a load by a new process with the article cache, and
    a load by the same loader without a cache (the last good version is in memory)."""
    cache = None if request.param == "load without a cache" else tmp_path / "cache"
    loader = ContentLoader(content_tree.root, LABEL, cache)

    def again(*changed):
        if request.param == "apply":
            return loader.apply(changed)
        if request.param == "load in a new process":
            return ContentLoader(content_tree.root, LABEL, cache).load()
        return loader.load()

    again.loader = loader
    return again


def test_a_broken_file_beside_a_good_edit_keeps_its_last_good_version(content_tree, reload):
    good = content_tree.article("bra", title="Första")
    broken = content_tree.article("trasig", title="Gammal rubrik")
    reload.loader.load()

    content_tree.article("bra", title="Ny rubrik")
    content_tree.article("trasig", title="Ny rubrik: nu", published="i morgon")
    content = reload(good, broken)

    assert titles(content) == {"bra": "Ny rubrik", "trasig": "Gammal rubrik"}
    assert messages(content) == [
        "content/articles/trasig.sv.md: line 2, column 17: a colon followed by a space inside a value; "
        f'put the whole value in double quotes, like title: "Ny rubrik: nu". {KEPT}'
    ]


def test_a_broken_file_stays_listed_while_other_files_change_and_goes_once_fixed(content_tree, reload):
    good = content_tree.article("bra")
    broken = content_tree.article("trasig", title="Gammal")
    reload.loader.load()
    content_tree.article("trasig", title=None)
    assert messages(reload(broken)) == [
        f"content/articles/trasig.sv.md: title: is missing; it is required. {KEPT}"
    ]

    content_tree.article("bra", title="Ändrad")
    content = reload(good)
    assert titles(content) == {"bra": "Ändrad", "trasig": "Gammal"}
    assert [problem.path for problem in content.problems] == ["content/articles/trasig.sv.md"]

    content_tree.article("trasig", title="Lagad")
    content = reload(broken)
    assert titles(content) == {"bra": "Ändrad", "trasig": "Lagad"} and content.problems == ()


def test_a_broken_new_file_is_left_out_and_the_rest_is_published(content_tree, reload):
    content_tree.article("bra")
    reload.loader.load()
    new = content_tree.article("ny", published="2024-05-02")
    content = reload(new)
    assert titles(content) == {"bra": "Rubrik bra sv"}
    assert messages(content) == [
        f"content/articles/ny.sv.md: published: write the time too, like 2024-05-02 09:30. {LEFT_OUT}"
    ]


def test_a_broken_file_that_is_removed_takes_its_last_good_version_with_it(content_tree, reload):
    content_tree.article("bra")
    broken = content_tree.article("trasig")
    reload.loader.load()
    content_tree.article("trasig", title=None)
    assert "trasig" in titles(reload(broken))
    broken.unlink()
    content = reload(broken)
    assert titles(content) == {"bra": "Rubrik bra sv"} and content.problems == ()


def test_an_edit_that_takes_another_files_slug_is_not_published_and_both_are_named(content_tree, reload):
    # "b" sorts before "c": the slug stays with "c", which had it first.
    owner = content_tree.article("c", slug="delad")
    taker = content_tree.article("b")
    reload.loader.load()

    content_tree.article("b", slug="delad", title="Ny")
    content = reload(taker)
    assert {(a.key, a.slug, full_article(a).title) for a in content.articles} == {
        ("b", "b", "Rubrik b sv"),
        ("c", "delad", "Rubrik c sv"),
    }
    assert messages(content) == [
        f"content/articles/b.sv.md: slug: 'delad' is also used by content/articles/c.sv.md. {KEPT}",
        "content/articles/c.sv.md: slug: 'delad' is also used by content/articles/b.sv.md, which is not "
        "published as it is until one of the two is changed",
    ]

    content_tree.article("c", slug="egen")  # the owner gives the slug up: the edit goes out
    content = reload(owner)
    assert {(a.key, a.slug, full_article(a).title) for a in content.articles} == {
        ("b", "delad", "Ny"),
        ("c", "egen", "Rubrik c sv"),
    }
    assert content.problems == ()


def test_a_last_good_version_survives_a_change_to_the_site_file(content_tree, tmp_path):
    cache = tmp_path / "cache"
    content_tree.article("bra")
    content_tree.article("trasig", title="Gammal")
    ContentLoader(content_tree.root, LABEL, cache).load()
    content_tree.article("trasig", title=None)
    site = (content_tree.root / "site.yaml").read_text().replace("Teststad", "Nystad")
    content_tree.write("site.yaml", site)  # every article is read again (a new context)
    content = ContentLoader(content_tree.root, LABEL, cache).load()
    assert titles(content) == {"bra": "Rubrik bra sv", "trasig": "Gammal"}
    assert content.site.postal_address == "123 45 Nystad"


def test_a_last_good_version_naming_a_topic_that_is_gone_is_not_published(content_tree, tmp_path):
    cache = tmp_path / "cache"
    content_tree.write("topics/vatten.yaml", "name: {sv: Vatten, en: Water}")
    content_tree.article("trasig", topics="[vatten]")
    content_tree.article("bra")
    ContentLoader(content_tree.root, LABEL, cache).load()
    content_tree.article("trasig", topics="[vatten]", title=None)
    (content_tree.root / "topics" / "vatten.yaml").unlink()
    content = ContentLoader(content_tree.root, LABEL, cache).load()
    assert titles(content) == {"bra": "Rubrik bra sv"}
    assert all(message.endswith(LEFT_OUT) for message in messages(content))


def test_last_good_versions_are_kept_when_articles_are_read_on_every_core(
    content_tree, tmp_path, monkeypatch
):
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    cache = tmp_path / "cache"
    for number in range(6):
        content_tree.article(f"a{number}", title=f"Första {number}")
    ContentLoader(content_tree.root, LABEL, cache).load()
    content_tree.article("a2", title=None)
    content_tree.article("a4", title="Ny 4")
    content = ContentLoader(content_tree.root, LABEL, cache).load()
    assert titles(content)["a2"] == "Första 2" and titles(content)["a4"] == "Ny 4"
    assert len(content.articles) == 6 and [p.path for p in content.problems] == ["content/articles/a2.sv.md"]


def test_a_broken_page_or_alert_keeps_its_last_good_version(content_tree, tmp_path):
    cache = tmp_path / "cache"
    content_tree.write("pages/om.sv.md", "---\ntitle: Om oss\n---\nText\n")
    alert = (
        "severity: info\ntitle: {sv: Driftstörning, en: Disruption}\ntext: {sv: Vi åtgärdar., en: We fix.}\n"
    )
    content_tree.write("alerts/drift.yaml", alert)
    ContentLoader(content_tree.root, LABEL, cache).load()
    content_tree.write("pages/om.sv.md", "---\ntitle: Om oss\nsubtitle: x\n---\nText\n")
    content_tree.write("alerts/drift.yaml", alert.replace("info", "röd"))
    content = ContentLoader(content_tree.root, LABEL, cache).load()
    assert [page.title for page in content.pages] == ["Om oss"]
    assert [alert.severity for alert in content.alerts] == ["info"]
    assert messages(content) == [
        f"content/alerts/drift.yaml: severity: must be one of danger, warning, info, not 'röd'. {KEPT}",
        f"content/pages/om.sv.md: subtitle: unknown field; did you mean 'title'? {KEPT}",
    ]


def test_broken_search_settings_fall_back_to_the_last_good_ones(content_tree, tmp_path):
    cache = tmp_path / "cache"
    content_tree.article("nyhet")
    content_tree.write("search.yaml", "synonyms:\n  sv: [[eld, brand]]\n")
    ContentLoader(content_tree.root, LABEL, cache).load()
    content_tree.write("search.yaml", "synonyms:\n  sv: [[eld, brand]\n")
    content = ContentLoader(content_tree.root, LABEL, cache).load()
    assert content.search.synonyms == {"sv": (("eld", "brand"),)}
    assert messages(content)[0].endswith("The last good search settings stay in use until this is fixed.")
    content = ContentLoader(content_tree.root, LABEL).load()  # no cache: no last good settings
    assert content.search.synonyms == {}
    assert messages(content)[0].endswith("Search works without these settings until this is fixed.")


def test_a_best_bet_for_an_article_that_is_left_out_keeps_the_other_settings(content_tree):
    content_tree.article("nyhet", title=None)
    content_tree.write(
        "search.yaml",
        "synonyms:\n  sv: [[eld, brand]]\nbest_bets:\n  - queries: {sv: [eld]}\n    articles: [nyhet]\n",
    )
    content = content_tree.load()
    assert content.search.synonyms == {"sv": (("eld", "brand"),)}
    assert "content/search.yaml: best_bets[1].articles: no article with the key 'nyhet'" in messages(content)


def test_problems_in_site_topics_or_partners_still_stop_the_build(content_tree, reload):
    content_tree.article("bra")
    reload.loader.load()
    changed = content_tree.write("partners/trasig.yaml", "name: {sv: Trasig}\nwebsite: x")
    with pytest.raises(ContentError) as raised:
        reload(changed)
    assert [str(problem) for problem in raised.value.problems] == [
        "content/partners/trasig.yaml: name.en: is missing; write the text in this language",
        "content/partners/trasig.yaml: website: 'x' must be a web address starting with https://",
    ]


def test_the_loader_keeps_no_functions_made_by_a_load(content_tree):
    # What `apply` needs is explicit state, not closures over a load's locals.
    loader = ContentLoader(content_tree.root, LABEL)
    loader.load()
    made = [
        name for name, value in vars(loader).items() if ".load.<locals>" in getattr(value, "__qualname__", "")
    ]
    assert made == []
