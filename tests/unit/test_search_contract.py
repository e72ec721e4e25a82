"""The contract every SearchBackend keeps, run against each implementation.

Each test arranges a tiny content tree, builds it with the backend and asks what a reader
would ask. A new engine (OpenSearch, say) joins by being added to BACKENDS.
"""

from __future__ import annotations

import pytest

from tests.conftest import LABEL
from webapp.build import write_build
from webapp.content import load_content
from webapp.live import open_build
from webapp.search import ArticleQuery, SearchError, backend_class, index_writer

BACKENDS = ["whoosh"]  # the engines registered in webapp.search


@pytest.fixture(params=BACKENDS)
def index(request, content_tree, tmp_path):
    """Build the tree with the backend under test; returns a function that (re)builds it."""
    builds = tmp_path / "builds"

    def build(**options):
        path = write_build(
            load_content(content_tree.root, LABEL), builds, index=index_writer(request.param), **options
        )
        return open_build(path).search

    return build


def keys(results) -> list[str]:
    return [article.key for article in results.articles]


def test_lists_newest_first_in_one_language_with_total(content_tree, index):
    content_tree.article("gammal", published="2020-01-01 09:00")
    content_tree.article("ny", published="2024-01-01 09:00")
    content_tree.article("ny", lang="en", published="2024-01-01 09:00")
    search = index()
    swedish = search.list_articles(ArticleQuery(lang="sv"))
    assert keys(swedish) == ["ny", "gammal"] and swedish.total == 2
    assert keys(search.list_articles(ArticleQuery(lang="sv", sort="oldest"))) == ["gammal", "ny"]
    assert keys(search.list_articles(ArticleQuery(lang="en"))) == ["ny"]


def test_pages_split_the_list(content_tree, index):
    for day in range(1, 6):
        content_tree.article(f"dag{day}", published=f"2024-01-0{day} 09:00")
    search = index()
    second = search.list_articles(ArticleQuery(lang="sv", page=2, page_size=2))
    assert keys(second) == ["dag3", "dag2"] and second.page_count == 3
    assert search.list_articles(ArticleQuery(lang="sv", page=9, page_size=2)).articles == []


def test_filters_widen_within_a_group_and_narrow_across_groups(content_tree, index):
    content_tree.write("topics/vatten.yaml", "name: {sv: Vatten, en: Water}")
    content_tree.article("a", topics="[klimat]", partners="[chalmers]", published="2023-03-01 09:00")
    content_tree.article("b", topics="[vatten]", published="2024-03-01 09:00")
    content_tree.article("c", topics="[vatten]", partners="[chalmers]", published="2024-04-01 09:00")
    search = index()
    either = search.list_articles(ArticleQuery(lang="sv", topics=("klimat", "vatten")))
    assert sorted(keys(either)) == ["a", "b", "c"]
    both = search.list_articles(ArticleQuery(lang="sv", topics=("vatten",), partners=("chalmers",)))
    assert keys(both) == ["c"]
    assert keys(search.list_articles(ArticleQuery(lang="sv", years=(2023,)))) == ["a"]


def test_facet_counts_apply_the_other_groups_but_not_their_own(content_tree, index):
    content_tree.write("topics/vatten.yaml", "name: {sv: Vatten, en: Water}")
    content_tree.article("a", topics="[klimat]", partners="[chalmers]")
    content_tree.article("b", topics="[vatten]")
    content_tree.article("c", topics="[vatten, klimat]", partners="[chalmers]")
    facets = index().list_articles(ArticleQuery(lang="sv", topics=("vatten",), partners=("chalmers",))).facets
    # Topic counts are within Chalmers; partner counts are within the topic Vatten.
    assert facets.topics == {"klimat": 2, "vatten": 1}
    assert facets.partners == {"chalmers": 1}
    assert facets.years == {2024: 1}


def test_swedish_stemming_is_current_snowball(content_tree, index):
    content_tree.article("uni", body="Universitetet och partnerskapet växer.")
    search = index()
    for word in ("universitet", "partnerskap", "Universiteten"):
        assert keys(search.list_articles(ArticleQuery(lang="sv", text=word))) == ["uni"], word


def test_hallbar_finds_hallbara_and_hallbarhet(content_tree, index):
    content_tree.article("hallbara", body="Vi bygger hållbara städer.")
    content_tree.article("hallbarhet", body="Hållbarhet är målet.")
    content_tree.article("annat", body="Helt annan text om hallå.")
    assert sorted(keys(index().list_articles(ArticleQuery(lang="sv", text="hållbar")))) == [
        "hallbara",
        "hallbarhet",
    ]


def test_a_and_o_are_not_the_same_letters_as_aa_ae_oe(content_tree, index):
    content_tree.article("far", body="Min far kommer.")
    content_tree.article("far-verb", body="Hon får komma.")
    assert keys(index().list_articles(ArticleQuery(lang="sv", text="får"))) == ["far-verb"]


def test_a_part_of_a_compound_finds_the_compound_but_whole_words_rank_first(content_tree, index):
    content_tree.article("arena", body="Samverkansarenan har öppnat.", published="2024-01-01 09:00")
    content_tree.article("ord", body="Vi tror på samverkan.", published="2023-01-01 09:00")
    results = index().list_articles(ArticleQuery(lang="sv", text="samverkan"))
    assert keys(results) == ["ord", "arena"]


def test_title_matches_rank_above_text_matches(content_tree, index):
    content_tree.article("text", title="Nyheter", body="Här nämns ålgräs i förbigående.")
    content_tree.article("rubrik", title="Ålgräs planteras", body="Mer om saken.")
    assert keys(index().list_articles(ArticleQuery(lang="sv", text="ålgräs")))[0] == "rubrik"


def test_equally_good_matches_come_newest_first_across_pages(content_tree, index):
    for day in range(1, 6):
        content_tree.article(
            f"dag{day}", title="Samma rubrik", body="Samma text om ålgräs.", published=f"2024-01-0{day} 09:00"
        )
    search = index()
    first = search.list_articles(ArticleQuery(lang="sv", text="ålgräs", page_size=2))
    second = search.list_articles(ArticleQuery(lang="sv", text="ålgräs", page=2, page_size=2))
    assert keys(first) + keys(second) == ["dag5", "dag4", "dag3", "dag2"] and first.total == 5


def test_names_of_partners_and_contacts_are_searchable(content_tree, index):
    content_tree.article("partner", partners="[chalmers]", body="Text utan namnet.")
    content_tree.article("kontakt", contacts="\n  - name: Berit Ekström\n    role: Handläggare", body="Text.")
    search = index()
    assert keys(search.list_articles(ArticleQuery(lang="sv", text="Chalmers"))) == ["partner"]
    assert keys(search.list_articles(ArticleQuery(lang="sv", text="Ekström"))) == ["kontakt"]


def test_a_misspelling_one_edit_away_shows_the_corrected_results(content_tree, index):
    content_tree.article("wexsus", body="Partnerskap med Wexsus.")
    results = index().list_articles(ArticleQuery(lang="sv", text="Wexus"))
    assert keys(results) == ["wexsus"] and results.corrected == "Wexsus" and results.suggestion is None


def test_a_weaker_correction_is_only_offered(content_tree, index):
    content_tree.article("wexsus", body="Partnerskap med Wexsus.")
    results = index().list_articles(ArticleQuery(lang="sv", text="Woxsis"))  # two edits, short word
    assert results.total == 0 and results.suggestion == "Wexsus" and results.corrected is None


def test_words_in_quotes_are_searched_as_typed(content_tree, index):
    content_tree.article("wexsus", body="Partnerskap med Wexsus i Vänern.")
    search = index()
    for text in ('"Wexus"', '"vanern"'):
        results = search.list_articles(ArticleQuery(lang="sv", text=text))
        assert results.total == 0 and results.corrected is None, text


def test_snippets_mark_the_matches_and_escape_the_text(content_tree, index):
    content_tree.article("a", body="Länsstyrelsen beslutar om <skydd> av ålgräs & tång i vikarna.")
    results = index().list_articles(ArticleQuery(lang="sv", text="ålgräs"))
    snippet = results.snippets["sv:a"]
    assert "<mark>ålgräs</mark>" in snippet and "&lt;skydd&gt;" in snippet and "&amp;" in snippet


def test_the_readers_language_comes_first_and_others_only_on_request(content_tree, index):
    content_tree.article("svenska", body="Wexsus på svenska.")
    content_tree.article("engelska", lang="en", body="Wexsus in English.")
    search = index()
    assert keys(search.list_articles(ArticleQuery(lang="en", text="Wexsus"))) == ["engelska"]
    both = search.list_articles(ArticleQuery(lang="en", text="Wexsus", include_other_languages=True))
    assert [(a.key, a.lang) for a in both.articles] == [("engelska", "en"), ("svenska", "sv")]


def test_synonyms_and_best_bets_from_the_settings_file(content_tree, index):
    content_tree.write(
        "search.yaml",
        """
        synonyms:
          sv:
            - [skyfall, kraftiga regn]
        best_bets:
          - queries: {sv: [regnstöd]}
            articles: [stod]
        """,
    )
    content_tree.article("regn", body="Kraftiga regn väntas.")
    content_tree.article("stod", body="Sök stödet här.", published="2020-01-01 09:00")
    search = index()
    assert keys(search.list_articles(ArticleQuery(lang="sv", text="skyfall"))) == ["regn"]
    assert keys(search.list_articles(ArticleQuery(lang="sv", text="regnstöd")))[0] == "stod"


def test_when_no_article_has_every_word_any_word_will_do(content_tree, index):
    content_tree.article("a", body="Ålgräs i Bohuslän.")
    results = index().list_articles(ArticleQuery(lang="sv", text="ålgräs Gotland"))
    assert keys(results) == ["a"] and results.matched_all_words is False


@pytest.mark.parametrize(
    "text", ['"', "AND OR NOT ( )", "title:x* body:?", "\x00\x07 nul", "å" * 10_000, "*:*", "  ", "och"]
)
def test_any_input_gives_an_answer_not_an_exception(content_tree, index, text):
    content_tree.article("a")
    results = index().list_articles(ArticleQuery(lang="sv", text=text))
    assert results.total >= 0


def test_versions_related_and_lookups(content_tree, index):
    content_tree.article("a", slug="svensk", partners="[chalmers]")
    content_tree.article("a", lang="en", slug="english")
    content_tree.article("b", partners="[chalmers]")
    content_tree.article("c", topics="[klimat]")
    search = index()
    article = search.article("sv", "svensk")
    assert set(search.versions("a")) == {"sv", "en"}
    assert [a.lang for a in search.by_slug_in_any_language("english")] == ["en"]
    assert [a.key for a in search.related(article)][:1] == ["b"], "a shared partner counts most"
    assert search.article("sv", "finns-inte") is None


def test_an_unchanged_rebuild_reindexes_nothing_and_a_change_only_that_article(content_tree, tmp_path):
    from webapp.build import write_build as build_it

    builds = tmp_path / "builds"
    for key in "abcdefghij":
        content_tree.article(key)
    counts = []

    def progress(step):
        counts[-1] += step

    paths = []
    for change in (None, None, "b"):
        if change:
            content_tree.article(change, title="Ny rubrik")
        counts.append(0)
        paths.append(build_it(load_content(content_tree.root, LABEL), builds, progress=progress))
    assert counts == [10, 0, 1]
    assert open_build(paths[-1]).search.article("sv", "b").title == "Ny rubrik"
    # The build it was copied from is untouched: readers still on it see the old text.
    assert open_build(paths[-2]).search.article("sv", "b").title == "Rubrik b sv"


def test_a_missing_index_is_a_search_error(tmp_path):
    with pytest.raises(SearchError):
        backend_class()(tmp_path / "nothing")


def test_when_most_articles_changed_the_index_is_written_afresh(content_tree, tmp_path):
    from webapp.build import write_build as build_it

    builds = tmp_path / "builds"
    for key in "abcde":
        content_tree.article(key)
    build_it(load_content(content_tree.root, LABEL), builds)
    for key in "abcd":
        content_tree.article(key, title=f"Ny rubrik {key}")
    path = build_it(load_content(content_tree.root, LABEL), builds)
    search = open_build(path).search
    assert search.article("sv", "a").title == "Ny rubrik a"
    # No deleted copies left behind for searches to walk past.
    assert search._searcher.doc_count_all() == search._searcher.doc_count() == 5


def test_a_small_filtered_list_is_in_date_order_too(content_tree, index):
    content_tree.write("topics/vatten.yaml", "name: {sv: Vatten, en: Water}")
    for day in range(1, 21):
        topics = "[vatten]" if day in (3, 17, 9) else "[klimat]"
        content_tree.article(f"dag{day:02d}", topics=topics, published=f"2024-02-{day:02d} 09:00")
    search = index()
    newest = search.list_articles(ArticleQuery(lang="sv", topics=("vatten",)))
    assert keys(newest) == ["dag17", "dag09", "dag03"]
    assert keys(search.list_articles(ArticleQuery(lang="sv", topics=("vatten",), sort="oldest"))) == [
        "dag03",
        "dag09",
        "dag17",
    ]
