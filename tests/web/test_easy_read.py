"""Lättläst (easy-to-read Swedish), as its readers and its writers meet it: found from the
article in every language and back, listed on its own page and in search (marked), never
doubling the news lists, with its own address; and advice, not refusal, where a machine
can tell the text is not easy to read."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_app
from webapp.build import write_build

EASY = (
    "---\ntitle: Regn i helgen\nslug: {slug}\nlead: Det regnar i helgen.\n"
    "published: 2024-05-02 09:30\ntopics: [klimat]\n---\n{body}\n"
)
SHORT = "Det regnar mycket i helgen. Ta med ett paraply."


@pytest.fixture
def easy_site(content_tree, tmp_path):
    """An article in Swedish and English with an easy-to-read version; returns a client."""
    content_tree.article("regn", title="Kraftigt regn väntas under helgen")
    content_tree.article("regn", lang="en", title="Heavy rain expected this weekend", slug="heavy-rain")
    content_tree.write("articles/regn.sv-lattlast.md", EASY.format(slug="regn-i-helgen", body=SHORT))
    content_tree.article("sol", title="Sol på måndag")
    builds = tmp_path / "builds"
    write_build(content_tree.load(), builds)
    return make_app(builds).test_client()


def html_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def card_links(html: str) -> list[str]:
    return re.findall(r'<h3 class="article-card__title"><a href="([^"]+)"', html)


def test_the_article_links_its_easy_to_read_version_and_back(easy_site):
    swedish = html_of(easy_site, "/sv/news/regn")
    link = '<a href="/sv/lattlast/regn-i-helgen" lang="sv" hreflang="sv">Lättläst</a>'
    assert f'<p class="easy-read-link">{link}</p>' in swedish
    english = html_of(easy_site, "/en/news/heavy-rain")
    assert f"{link} <span>(easy-to-read Swedish)</span>" in english
    easy = html_of(easy_site, "/sv/lattlast/regn-i-helgen")
    assert '<html lang="sv" dir="ltr">' in easy and "<h1>Regn i helgen</h1>" in easy
    assert '<p class="easy-read-link"><a href="/sv/news/regn">Läs hela nyheten</a></p>' in easy
    assert 'href="/sv/lattlast/">Lättläst</a>' in easy  # the breadcrumb leads to the list
    assert "easy-read-link" not in html_of(easy_site, "/sv/news/sol")  # none to offer


def test_the_easy_to_read_page_lists_them_and_the_news_lists_do_not_double(easy_site):
    assert card_links(html_of(easy_site, "/sv/lattlast/")) == ["/sv/lattlast/regn-i-helgen"]
    english = html_of(easy_site, "/en/lattlast/")  # the versions are Swedish, and say so
    assert '<a href="/sv/lattlast/regn-i-helgen" lang="sv" hreflang="sv">Regn i helgen</a>' in english
    news = card_links(html_of(easy_site, "/sv/"))
    assert sorted(news) == ["/sv/news/regn", "/sv/news/sol"]
    assert sorted(card_links(html_of(easy_site, "/sv/topics/klimat"))) == ["/sv/news/regn", "/sv/news/sol"]
    assert "lattlast" not in easy_site.get("/sv/feed.atom").get_data(as_text=True)


def test_search_finds_the_easy_to_read_version_marked_as_such(easy_site):
    html = html_of(easy_site, "/sv/search?q=paraply")
    assert card_links(html) == ["/sv/lattlast/regn-i-helgen"]
    assert '<span class="tag article-card__easy-read">Lättläst</span>' in html


def test_its_address_is_swedish_and_the_short_link_leads_to_the_article(easy_site):
    response = easy_site.get("/en/lattlast/regn-i-helgen")
    assert response.status_code == 301 and response.headers["Location"].endswith("/sv/lattlast/regn-i-helgen")
    assert easy_site.get("/sv/news/regn-i-helgen").status_code != 200  # not a news article's address
    assert easy_site.get("/sv/a/regn").headers["Location"].endswith("/sv/news/regn")


def test_it_may_share_the_articles_slug_and_answers_gone_once_removed(content_tree, tmp_path):
    content_tree.article("regn")
    path = content_tree.write("articles/regn.sv-lattlast.md", EASY.format(slug="regn", body=SHORT))
    builds = tmp_path / "builds"
    write_build(content_tree.load(), builds)
    client = make_app(builds).test_client()
    assert "Regn i helgen" in html_of(client, "/sv/lattlast/regn") and "Rubrik regn sv" in html_of(
        client, "/sv/news/regn"
    )
    path.unlink()
    write_build(content_tree.load(), builds)
    client = make_app(builds).test_client()
    assert (
        client.get("/sv/lattlast/regn").status_code == 410 and client.get("/sv/news/regn").status_code == 200
    )


def test_only_swedish_has_an_easy_to_read_version(content_tree):
    content_tree.write("articles/regn.en-lattlast.md", EASY.format(slug="rain", body=SHORT))
    messages = [str(problem) for problem in content_tree.load().problems]
    assert any(
        "only Swedish has an easy-to-read (lättläst) version: <key>.sv-lattlast.md" in m for m in messages
    )


def test_long_sentences_and_other_languages_are_advice_and_it_is_published(content_tree):
    long = (
        "Länsstyrelsen vill att alla som bor i länet ska veta att det kan komma mycket regn "
        "under helgen och att vägar och källare därför kan bli översvämmade."
    )
    content_tree.write(
        "articles/regn.sv-lattlast.md",
        EASY.format(slug="regn", body=f"{SHORT}\n\n{long}\n\n::: lang en\nRain is coming.\n:::"),
    )
    content = content_tree.load()
    assert [article.easy_read for article in content.articles] == [True]  # published anyway
    assert content.problems == ()
    advice = [str(item) for item in content.advice]
    assert any(
        "1 sentence(s) have more than 15 words (the first: 'Länsstyrelsen vill att alla" in a for a in advice
    )
    assert any("has text in another language (en)" in a for a in advice)
