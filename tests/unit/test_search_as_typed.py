"""Search as people type: without å, ä and ö, with typos, with irregular plurals, and the
rules that keep such help from matching unrelated articles (issue 18)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import LABEL
from webapp.build import write_build
from webapp.content import load_content
from webapp.live import open_build
from webapp.search import ArticleQuery
from webapp.search.lexicon import Lexicon, fold, table_path
from webapp.search.snippets import excerpt
from webapp.search.spelling import distance


@pytest.fixture
def index(content_tree, tmp_path):
    def build():
        path = write_build(load_content(content_tree.root, LABEL), tmp_path / "builds")
        return open_build(path).search

    return build


def keys(results) -> list[str]:
    return [article.key for article in results.articles]


def search(backend, text: str, lang: str = "sv", **options):
    return backend.list_articles(ArticleQuery(lang=lang, text=text, **options))


# Diacritics ---------------------------------------------------------------------------------


def test_a_word_typed_without_its_diacritics_finds_it(content_tree, index):
    content_tree.article("vanern", title="Höga nivåer i Vänern", body="Vattnet i Vänern stiger.")
    content_tree.article("algras", lang="en", title="Eelgrass in Bohuslän", body="Replanting in Bohuslän.")
    backend = index()
    assert keys(search(backend, "vanern")) == ["vanern"]
    assert keys(search(backend, "Bohuslan eelgrass", lang="en")) == ["algras"]


def test_far_far_and_for_stay_different_words_when_each_is_in_the_news(content_tree, index):
    # Exact matching first: a word the news has is never respelt.
    content_tree.article("far", title="Om pappa", lead="Ingress.", body="Min far kommer.")
    content_tree.article("far-verb", title="Om att få", lead="Ingress.", body="Hon får komma.")
    backend = index()
    assert keys(search(backend, "far")) == ["far"]
    assert keys(search(backend, "får")) == ["far-verb"]


def test_names_of_partners_and_people_are_found_without_diacritics(content_tree, index):
    content_tree.write(
        "partners/jonkoping.yaml", "name: {sv: Jönköping University, en: Jönköping University}"
    )
    content_tree.article("partner", partners="[jonkoping]", body="Text utan namnet.")
    content_tree.article("kontakt", contacts="\n  - name: Berit Ekström\n    role: Handläggare", body="Text.")
    backend = index()
    assert keys(search(backend, "Jonkoping")) == ["partner"]
    assert keys(search(backend, "Berit Ekstrom", lang="sv")) == ["kontakt"]


def test_a_missing_diacritic_is_the_closest_correction(content_tree, index):
    # hallristingar: one letter missing and an ä typed as a; hällristningar is one edit away
    # once diacritics do not count, hallrustningar two.
    content_tree.article("a", body="Hällristningar i Tanum.")
    content_tree.article("b", body="Hallrustningar, ett påhittat ord.")
    results = search(index(), "hallristingar")
    assert results.corrected == "hällristningar" and keys(results) == ["a"]


def test_fold_and_distance():
    assert fold("Våtmarker på Öland") == "Vatmarker pa Oland" and fold("café") == "cafe"
    assert distance("naturresevat", "naturreservat") == 1
    assert distance("cloudbrust", "cloudburst") == 1  # two letters swapped: one edit


# Corrections --------------------------------------------------------------------------------


def test_no_results_and_a_strong_correction_show_its_results(content_tree, index):
    content_tree.article("reservat", title="Kärrsjön blir naturreservat", body="Ett nytt naturreservat.")
    results = search(index(), "naturresevat")
    assert results.corrected == "naturreservat" and keys(results) == ["reservat"]
    assert results.suggestion is None and "<mark>naturreservat</mark>" in results.snippets["sv:reservat"]


def test_no_suggestion_when_the_words_found_good_results(content_tree, index):
    # gnistan is an inflected form of gnista, which the news has: no "Did you mean gnista?"
    content_tree.article("brand", body="Det räcker med en gnista för att en brand ska sprida sig.")
    results = search(index(), "gnistan")
    assert keys(results) == ["brand"] and results.suggestion is None and results.corrected is None


def test_corrections_never_show_an_embargoed_articles_words(content_tree, index):
    content_tree.article("press", title="Om våtmarksrestaurering", published="2030-01-01 08:00")
    backend = index()
    before = datetime(2029, 12, 31, tzinfo=UTC)
    for text in ("vatmarksrestaurering", "våtmarksrestaureing", "vatmarksrestaureing"):
        results = search(backend, text, now=before)
        assert results.total == 0 and results.suggestion is None and results.corrected is None, text
    after = datetime(2030, 1, 2, tzinfo=UTC)
    assert keys(search(backend, "vatmarksrestaurering", now=after)) == ["press"]


# Irregular inflection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "query"),
    [
        ("sv", "Skogsbränder härjar i länet.", "skogsbrand"),
        ("sv", "En skogsbrand i länet.", "skogsbränder"),
        ("sv", "Städer och kommuner planerar.", "stad"),
        ("sv", "Fladdermöss jagar vid vindkraftverk.", "fladdermus"),
        ("sv", "Nya böcker om länet.", "bok"),
        ("sv", "Tjänstemän i beredskap.", "tjänsteman"),
        ("en", "Women starting businesses.", "woman"),
        ("en", "Children at risk.", "child"),
        ("en", "The criteria for support.", "criterion"),
    ],
)
def test_irregular_forms_find_their_base_words_and_back(content_tree, index, lang, text, query):
    content_tree.article("a", lang=lang, title="Nyhet", body=text)
    content_tree.article("b", lang=lang, title="Annat", body="Något helt annat.")
    assert keys(search(index(), query, lang=lang)) == ["a"]


def test_the_lexicon_lemmatises_an_unknown_compound_by_its_last_part():
    lexicon = Lexicon(table_path())
    assert lexicon.look_up("sv", "markbränder") == (True, "markbrand")  # mark + bränder
    assert lexicon.look_up("sv", "vänern") == (False, None)  # a name: no part of it decides
    assert lexicon.base("en", "mice") == "mouse"


# Precision ----------------------------------------------------------------------------------


def test_a_name_is_not_cut_to_a_short_common_stem(content_tree, index):
    # Snowball cuts "Vänern" to "vän" (friend): an unknown word keeps at least MIN_STEM letters.
    content_tree.article("sjo", body="Vattnet i Vänern stiger.")
    content_tree.article("van", body="En god vän hjälper till.")
    backend = index()
    assert keys(search(backend, "Vänern")) == ["sjo"]
    assert keys(search(backend, "vän")) == ["van"]


def test_a_short_word_does_not_match_longer_words_that_start_like_it(content_tree, index):
    # Prefixes match only from five letters: "bor" and "vind" find themselves, not
    # "Borås", "bortom" or "vindruvor" (vin|druvor: a compound's known first part counts only
    # before a rest that is a word too); "hållbar" still finds "hållbarhet".
    content_tree.article("bo", body="Hon bor i stan.")
    content_tree.article("boras", body="Högskolan i Borås och allt bortom.")
    content_tree.article("vind", body="Stark vind i dag.")
    content_tree.article("druvor", body="Vindruvor skördas.")
    content_tree.article("hallbar", body="Hållbarhet är målet.")
    backend = index()
    assert keys(search(backend, "bor")) == ["bo"]
    assert keys(search(backend, "vind")) == ["vind"]
    assert keys(search(backend, "hållbar")) == ["hallbar"]


# Snippets and best bets ---------------------------------------------------------------------


def test_a_snippet_starts_at_its_sentence_and_marks_every_form(content_tree, index):
    body = "Länet har haft en torr vår. " * 3 + "Bränder i skog och mark är vanliga. En brand sprids fort."
    content_tree.article("a", body=body)
    snippet = search(index(), "brand").snippets["sv:a"]
    assert snippet.startswith("<mark>Bränder</mark> i skog") and "En <mark>brand</mark> sprids" in snippet


def test_a_snippet_far_into_a_sentence_starts_at_a_word_after_an_ellipsis():
    text = "Inledning. " + "ett långt stycke utan punkt " * 10 + "och sedan ålgräs här och mer text " * 12
    snippet = str(excerpt(text, lambda word: word == "ålgräs"))
    assert snippet.startswith("… ") and snippet.endswith(" …") and "<mark>ålgräs</mark>" in snippet
    assert not snippet[2:].startswith(("tt ", "ng ")), "starts with a whole word"


def test_best_bets_are_marked_recommended(content_tree, index):
    content_tree.write("search.yaml", "best_bets:\n  - queries: {sv: [klimatstöd]}\n    articles: [stod]\n")
    content_tree.article("stod", title="Sök stödet", body="Om stöd.", published="2020-01-01 09:00")
    content_tree.article("annan", title="Klimatstöd i korthet", body="Klimatstöd.")
    results = search(index(), "klimatstöd")
    assert keys(results)[0] == "stod" and results.recommended == {"sv:stod"}
