"""Search as readers type it, through the site (issue 18): the quality table's new rows,
corrected results and how they are announced, recommended best bets, and the counts
staff read in `flask search report`."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import make_app
from tests.search_quality import AS_TYPED, CORRECTED, TOP
from tests.web.test_search import result_keys
from webapp.search_log import SearchLog, normal_query


@pytest.fixture(scope="module")
def key_of(demo_content):
    return {(a.lang, a.slug): a.key for a in demo_content.articles}


@pytest.fixture
def logged(demo_builds, tmp_path):
    """The demo site counting searches into tmp_path/log."""
    app = make_app(demo_builds, SEARCH_LOG_DIR=tmp_path / "log")
    return app, tmp_path / "log"


def counted(folder) -> list[dict]:
    return [
        json.loads(line) for path in sorted(folder.glob("*.jsonl")) for line in path.read_text().splitlines()
    ]


@pytest.mark.parametrize(
    ("lang", "query", "filters", "expected", "kind"), AS_TYPED, ids=[f"{r[0]}:{r[1]}" for r in AS_TYPED]
)
def test_the_expected_article_is_in_the_top_three(client, key_of, lang, query, filters, expected, kind):
    assert expected in result_keys(client, key_of, lang, query, filters)[:TOP], kind


@pytest.mark.parametrize(("lang", "query", "corrected"), CORRECTED)
def test_corrected_results_say_so_and_offer_the_words_as_typed(client, lang, query, corrected):
    html = client.get(f"/{lang}/search", query_string={"q": query}).get_data(as_text=True)
    showing, instead = {
        "sv": ("Visar resultat för", "Sök i stället efter"),
        "en": ("Showing results for", "Search instead for"),
    }[lang]
    assert f"{showing} <strong>{corrected}</strong>. {instead} <a href=" in html
    assert re.search(rf'<a href="[^"]*q=%22{query}%22[^"]*">{query}</a>', html), "quoted: searched as typed"
    assert re.search(rf'<h2 id="results-heading" tabindex="-1">\d+ \w+ [^<]*[“”]{corrected}”', html)
    as_typed = client.get(f"/{lang}/search", query_string={"q": f'"{query}"'}).get_data(as_text=True)
    assert showing not in as_typed and "article-card" not in as_typed


def test_the_live_region_announces_the_correction(client):
    html = client.get("/sv/search?q=naturresevat", headers={"HX-Request": "true"}).get_data(as_text=True)
    status = re.search(r'<p id="results-status" data-hx-swap-oob="innerHTML">([^<]*)</p>', html).group(1)
    assert status.startswith("Visar resultat för naturreservat. ") and "naturreservat" in status


@pytest.mark.parametrize(
    ("lang", "query", "label"),
    [("sv", "klimatstöd", "Rekommenderat"), ("en", "climate grant", "Recommended")],
)
def test_a_best_bet_is_marked_recommended_inside_its_heading(client, lang, query, label):
    html = client.get(f"/{lang}/search", query_string={"q": query}).get_data(as_text=True)
    first = re.search(r'<h3 class="article-card__title">(.*?)</h3>', html, re.S).group(1)
    assert f'<span class="tag article-card__recommended">{label}</span>' in first
    assert html.count("article-card__recommended") == 1


def test_a_long_word_missing_a_letter_is_offered_the_whole_word(client):
    """It finds a few articles through words that start like it, and the reader meant the
    word itself: one edit is a suggestion, however long the word (the allowance long words
    get for showing corrected results at once does not make it free)."""
    html = client.get("/sv/search?q=klimatanpassnin").get_data(as_text=True)
    assert "article-card" in html
    assert re.search(r"Menade du <a [^>]*>klimatanpassning</a>", html)


def test_no_suggestion_beside_good_results(client):
    html = client.get("/sv/search?q=gnistan").get_data(as_text=True)
    assert "article-card" in html and "Menade du" not in html


# What readers search for ------------------------------------------------------------------


def test_searches_that_find_nothing_are_counted_every_time_without_personal_data(logged):
    app, folder = logged
    client = app.test_client()
    for _ in range(2):  # the second is not answered from a memo: it is counted too
        response = client.get(
            "/sv/search?q=xyzzy+foo", headers={"Cookie": "x=1", "X-Forwarded-For": "192.0.2.7"}
        )
        assert response.status_code == 200
    client.get("/sv/search?q=naturresevat")
    client.get("/sv/search?q=vatten")  # found: not counted
    lines = counted(folder)
    assert [line["event"] for line in lines] == ["nothing", "nothing", "corrected"]
    assert lines[2] == {"event": "corrected", "lang": "sv", "query": "naturresevat", "other": "naturreservat"}
    raw = "".join(path.read_text() for path in folder.glob("*.jsonl"))
    assert "192.0.2" not in raw and "x=1" not in raw


def test_a_followed_suggestion_is_counted(logged):
    app, folder = logged
    client = app.test_client()
    html = client.get("/en/search?q=eelgras").get_data(as_text=True)
    link = re.search(r'Did you mean <a href="([^"]+)">eelgrass</a>', html).group(1).replace("&amp;", "&")
    assert "from=eelgras" in link
    client.get(link)
    assert counted(folder) == [{"event": "followed", "lang": "en", "query": "eelgras", "other": "eelgrass"}]


def test_suggestion_and_as_typed_links_keep_the_filters_and_order(client):
    """A shared or followed link shows what the reader had chosen: only the words change."""
    html = client.get("/en/search?q=eelgras&sort=newest&other=1&page=1").get_data(as_text=True)
    link = re.search(r'Did you mean <a href="([^"]+)">eelgrass</a>', html).group(1).replace("&amp;", "&")
    assert "sort=newest" in link and "other=1" in link and "q=eelgrass" in link and "from=eelgras" in link
    assert "page=" not in link
    html = client.get("/sv/search?q=naturresevat&sort=newest").get_data(as_text=True)
    instead = re.search(r'Sök i stället efter <a href="([^"]+)">', html).group(1).replace("&amp;", "&")
    assert "sort=newest" in instead and "q=%22naturresevat%22" in instead


def test_a_followed_suggestion_is_counted_once_not_again_on_its_next_pages(logged):
    app, folder = logged
    client = app.test_client()
    html = client.get("/en/search?q=water&from=watr").get_data(as_text=True)
    onward = [href.replace("&amp;", "&") for href in re.findall(r'href="(/en/search\?[^"]+)"', html)]
    assert onward and not [href for href in onward if "from=" in href]
    assert len(counted(folder)) == 1


def test_counting_never_fails_a_search(demo_builds, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    client = make_app(demo_builds, SEARCH_LOG_DIR=blocked).test_client()
    assert client.get("/sv/search?q=xyzzy").status_code == 200


def test_queries_are_counted_without_numbers_or_addresses():
    assert normal_query("  Personnummer 19121212-1212  ") == "personnummer #"
    assert normal_query("Mejla anna@example.se NU") == "mejla @ nu"


def test_the_report_adds_up_every_workers_files(demo_builds, tmp_path):
    folder = tmp_path / "log"
    first, second = SearchLog(folder), SearchLog(folder)
    second.host = "other-machine"
    for log in (first, second):
        log.record("nothing", "sv", "Skogsbrandsrisk")
        log.record("followed", "en", "eelgras", "eelgrass")
    first.record("corrected", "sv", "naturresevat", "naturreservat")
    app = make_app(demo_builds, SEARCH_LOG_DIR=folder)
    result = app.test_cli_runner().invoke(args=["search", "report", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert re.search(r"\n\s+2\s+1\s+sv\s+skogsbrandsrisk\n", result.output)
    assert re.search(r"\n\s+1\s+1\s+sv\s+naturresevat\s+\[naturreservat ×1\]", result.output)
    assert re.search(r"\n\s+2\s+1\s+en\s+eelgras -> eelgrass", result.output)
    # One language: every line of the report, the daily sums too, counts only its searches.
    swedish = app.test_cli_runner().invoke(args=["search", "report", "--days", "7", "--lang", "sv"])
    assert ": 2 found nothing, 1 were corrected, 0 followed a suggestion" in swedish.output
    assert "eelgras" not in swedish.output
