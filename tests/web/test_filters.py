"""Filters on lists: the URL holds the state; htmx gets a fragment of the same template."""

from __future__ import annotations

import itertools
import re

import pytest

HTMX = {"HX-Request": "true"}


def count_in_heading(html: str) -> int:
    match = re.search(
        r'<h2 id="results-heading" tabindex="-1">(\d+) (?:artiklar|artikel|articles|article)', html
    )
    assert match, "the results heading starts with the count"
    return int(match.group(1))


def expected(demo_content, lang, topics=(), partners=(), years=()):
    return [
        a
        for a in demo_content.articles
        if a.lang == lang
        and not a.easy_read  # on the Lättläst page, not in lists
        and (not topics or set(topics) & set(a.topics))
        and (not partners or set(partners) & set(a.partners))
        and (not years or a.published_at.year in years)
    ]


def query_string(topics=(), partners=(), years=()):
    parts = [f"topic={t}" for t in topics] + [f"partner={p}" for p in partners] + [f"year={y}" for y in years]
    return "&".join(parts)


def test_the_same_url_gives_a_page_or_a_fragment_and_says_it_varies(client):
    page = client.get("/sv/?topic=vatten")
    fragment = client.get("/sv/?topic=vatten", headers=HTMX)
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
    page_html, fragment_html = page.get_data(as_text=True), fragment.get_data(as_text=True)
    assert page_html.startswith("<!doctype html>") and '<form id="filters"' in page_html
    assert fragment_html.lstrip().startswith('<section id="results"') and "<form" not in fragment_html
    # The fragment is the page's own results region, not a copy that could drift.
    section = re.search(r'<section id="results".*?</section>', page_html, re.S).group(0)
    assert section in fragment_html
    # And it tells the live region and the option counts what changed.
    assert '<p id="results-status" data-hx-swap-oob="innerHTML">' in fragment_html
    assert '<span id="count-partner-smhi" data-hx-swap-oob="true">' in fragment_html


def test_a_history_restore_gets_the_whole_page(client):
    html = client.get("/sv/?topic=vatten", headers={**HTMX, "HX-History-Restore-Request": "true"}).get_data(
        as_text=True
    )
    assert html.startswith("<!doctype html>")


def test_every_single_filter_and_pair_gives_the_count_the_content_implies(client, demo_content):
    topics = sorted({t for a in demo_content.articles for t in a.topics})
    partners = sorted({p for a in demo_content.articles for p in a.partners})
    years = sorted({a.published_at.year for a in demo_content.articles})
    combinations = (
        [((t,), (), ()) for t in topics]
        + [((), (p,), ()) for p in partners]
        + [((), (), (y,)) for y in years]
        + [((t,), (p,), ()) for t, p in itertools.product(topics, partners)]
        + [((t1, t2), (), ()) for t1, t2 in itertools.combinations(topics, 2)]
        + [((t,), (), (y,)) for t, y in itertools.product(topics, years)]
    )
    for lang in ("sv", "en"):
        for topics_, partners_, years_ in combinations:
            url = f"/{lang}/?{query_string(topics_, partners_, years_)}"
            html = client.get(url, headers=HTMX).get_data(as_text=True)
            assert count_in_heading(html) == len(expected(demo_content, lang, topics_, partners_, years_)), (
                url
            )


def test_option_counts_are_within_the_other_groups(client, demo_content):
    html = client.get("/en/?topic=vatten").get_data(as_text=True)
    smhi = len(expected(demo_content, "en", ("vatten",), ("smhi",)))
    assert f'<span id="count-partner-smhi">{smhi}</span>' in html
    all_topics = len(expected(demo_content, "en", ("klimat-energi",)))
    assert f'<span id="count-topic-klimat-energi">{all_topics}</span>' in html


def test_the_heading_says_what_the_list_shows_in_the_readers_language(client):
    html = client.get("/sv/?topic=klimat-energi&partner=chalmers").get_data(as_text=True)
    assert re.search(r"\d+ artiklar om Klimat och energi från Chalmers", html)
    html = client.get("/en/?topic=klimat-energi&topic=vatten&year=2024").get_data(as_text=True)
    assert re.search(r"\d+ articles? about Climate and energy or Water and the sea published in 2024", html)


def test_active_filters_are_removable_tags_and_can_be_cleared(client):
    html = client.get("/en/?topic=vatten&partner=smhi&q=&sort=oldest").get_data(as_text=True)
    assert (
        '<a class="tag tag--remove" href="/en/?partner=smhi&amp;q=&amp;sort=oldest#results-heading"'
        ' aria-label="Water and the sea, remove filter">Water and the sea'
    ) in html
    assert '<a href="/en/?q=&amp;sort=oldest#results-heading">Clear all filters</a>' in html


def test_zero_results_say_so_and_offer_to_clear(client):
    html = client.get("/sv/?topic=kulturmiljo&partner=smhi").get_data(as_text=True)
    assert count_in_heading(html) == 0
    assert "Inga artiklar matchar de här filtren." in html and ">Rensa alla filter</a>" in html


def test_the_form_works_without_javascript_and_lands_on_the_results(client):
    html = client.get("/sv/").get_data(as_text=True)
    form = re.search(r'<form id="filters"[^>]*>', html, re.S).group(0)
    assert 'action="/sv/#results-heading"' in form and 'method="get"' in form
    assert '<button type="submit">Använd filtren</button>' in html
    assert 'role="status"' in html, "the live region is in the page from the start"


def test_topic_and_partner_pages_are_the_list_with_one_filter_preset(client, demo_content):
    topic_page = client.get("/en/topics/vatten").get_data(as_text=True)
    assert count_in_heading(topic_page) == len(expected(demo_content, "en", ("vatten",)))
    narrowed = client.get("/en/topics/vatten?partner=smhi", headers=HTMX).get_data(as_text=True)
    assert count_in_heading(narrowed) == len(expected(demo_content, "en", ("vatten",), ("smhi",)))
    assert 'name="topic"' not in topic_page, "the preset group is the page itself"
    partner_page = client.get("/sv/partners/chalmers?year=2024").get_data(as_text=True)
    assert count_in_heading(partner_page) == len(expected(demo_content, "sv", (), ("chalmers",), (2024,)))


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("topic=nosuch", "Unknown topic “nosuch” was ignored."),
        ("partner=%3Cscript%3E", "Unknown partner “&lt;script&gt;” was ignored."),
        ("year=20x4", "“20x4” is not a year and was ignored."),
        ("sort=random", "Unknown sort order “random” was ignored."),
    ],
)
def test_unknown_or_malformed_values_are_ignored_with_a_visible_note(client, demo_content, query, note):
    response = client.get(f"/en/?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<p class="notice">{note}</p>' in html
    assert count_in_heading(html) == len(expected(demo_content, "en"))


def test_repeated_and_excess_values_never_fail(client):
    many = "&".join(f"topic=t{i}" for i in range(300))
    assert client.get(f"/sv/?{many}&topic=vatten&topic=vatten").status_code == 200
    too_many = "&".join(f"topic=t{i}" for i in range(2000))
    response = client.get(f"/sv/?{too_many}")
    assert response.status_code == 414 and "Adressen är för lång" in response.get_data(as_text=True)
