"""Every web address that comes from content is https:// or http:// (an alert's link may
also be a path on this site): a javascript: address must never become a link."""

from __future__ import annotations

import pytest

from webapp.content import ContentError

REFUSED = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/",
    "/\\evil.example/",
    "ftp://files.example.se/",
    "https:/evil.example",
    "https://",
    "https://exa mple.se/",
    "http://[::1",
    "www.example.se",
]


def site_with(content_tree, lines: str) -> None:
    site = (content_tree.root / "site.yaml").read_text()
    content_tree.write("site.yaml", site + lines)


@pytest.mark.parametrize("address", REFUSED)
def test_a_social_link_that_is_not_a_web_address_stops_the_build(content_tree, address):
    site_with(content_tree, f"social:\n  - name: Facebook\n    url: '{address}'\n")
    with pytest.raises(
        ContentError, match=r"site.yaml: social\[1\].url: .* must be a web address starting with https://"
    ):
        content_tree.load()


@pytest.mark.parametrize("address", ["javascript:alert(1)", "//evil.example", "mailto:a@example.se"])
def test_the_site_address_must_be_a_web_address(content_tree, address):
    site = (content_tree.root / "site.yaml").read_text().replace("https://news.example.se", address)
    content_tree.write("site.yaml", site)
    with pytest.raises(ContentError, match="site.yaml: base_url: .* must be a web address"):
        content_tree.load()


@pytest.mark.parametrize("address", REFUSED)
def test_a_partners_website_must_be_a_web_address(content_tree, address):
    content_tree.write("partners/smhi.yaml", f"name: {{sv: SMHI, en: SMHI}}\nwebsite: '{address}'\n")
    with pytest.raises(ContentError, match="partners/smhi.yaml: website: .* must be a web address"):
        content_tree.load()


def alert(content_tree, link: str):
    content_tree.write(
        "alerts/brand.yaml",
        f"""
        severity: danger
        title: {{sv: Eldningsförbud, en: Fire ban}}
        text: {{sv: Det är förbjudet att elda., en: Lighting fires is forbidden.}}
        link: '{link}'
        link_text: {{sv: Läs mer, en: Read more}}
        """,
    )
    return content_tree.load()


@pytest.mark.parametrize("address", REFUSED)
def test_an_alerts_link_must_be_a_web_address_or_a_path_on_this_site(content_tree, address):
    content = alert(content_tree, address)
    assert content.alerts == ()
    [problem] = content.problems
    assert (problem.path, problem.field) == ("content/alerts/brand.yaml", "link")
    assert (
        "must be a web address starting with https:// or a path on this site starting with /"
        in problem.message
    )


@pytest.mark.parametrize(
    "address", ["https://www.krisinformation.se/", "http://example.se/a?b=c", "/sv/news/brand"]
)
def test_an_alerts_link_may_be_a_web_address_or_a_path_on_this_site(content_tree, address):
    [loaded] = alert(content_tree, address).alerts
    assert loaded.link == address


def test_links_in_the_text_are_sanitized_not_refused(content_tree):
    # Markdown links are made safe by the sanitizer (tests/unit/test_loader.py).
    content_tree.article("nyhet", body="[klicka](javascript:alert(1))")
    [article] = content_tree.load().articles
    assert "href" not in article.body_html
