"""An article's life as readers and staff meet it: scheduled (embargoed) news invisible on
every surface until its minute and then there without a rebuild, drafts never public but
shown through signed preview links, withdrawn news kept with a notice and off the lists,
removed news answered 410 Gone, older news marked, and no cache keeping a page past the
moment it changes. The clock is the app's NOW setting."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous.timed import TimestampSigner

from tests.conftest import ContentTree, make_app
from webapp.build import write_build
from webapp.live import open_build
from webapp.preview import make_token

SECRET = "s" * 40
# "2030-01-01 08:00" in Stockholm (the site's time zone) is 07:00 UTC.
MOMENT = datetime(2030, 1, 1, 7, 0, tzinfo=UTC)
BEFORE = MOMENT - timedelta(seconds=100)
AFTER = MOMENT + timedelta(seconds=1)
SECRET_WORD = "våtmarksrestaurering"  # only in the embargoed press release


@pytest.fixture(scope="module")
def life(tmp_path_factory):
    """A build with a live, a scheduled, a draft and a withdrawn article."""
    root = tmp_path_factory.mktemp("life")
    tree = ContentTree(root / "content")
    tree.article("gammal", title="Vanlig nyhet om klimat", partners="[chalmers]")
    tree.article("gammal", lang="en", title="An ordinary climate story", partners="[chalmers]")
    tree.article(
        "press",
        title="Pressmeddelande om " + SECRET_WORD,
        lead="Regeringen ger uppdrag om " + SECRET_WORD + ".",
        body=f"Ett nytt uppdrag om {SECRET_WORD} i länet.",
        published="2030-01-01 08:00",
        partners="[chalmers]",
    )
    tree.article(
        "press", lang="en", title="Press release on wetland restoration", published="2030-01-01 08:00"
    )
    tree.article("utkast", title="Utkast om klimat", draft="true")
    tree.article(
        "tillbaka",
        title="Tillbakadragen nyhet",
        withdrawn="{date: 2025-03-01 10:00, reason: Uppgifterna om bidraget var felaktiga.}",
    )
    builds = root / "builds"
    write_build(tree.load(), builds)
    return tree, builds


def at(builds, moment, **config):
    return make_app(builds, NOW=moment, PREVIEW_SECRET=SECRET, **config)


SURFACES = [
    "/sv/news/press",
    "/en/news/press",
    "/a/press",
    "/sv/a/press",
    "/sv/",
    "/en/",
    "/sv/topics/klimat",
    "/sv/partners/chalmers",
    "/sv/topics/",
    "/sv/search?q=" + SECRET_WORD,
    "/sv/search?q=vatmarksrestaurering",
    "/sv/search?q=pressmeddelande",
    "/sv/feed.atom",
    "/sv/topics/klimat/feed.atom",
    "/sv/news/gammal",  # related news, JSON-LD
    "/en/news/gammal",
]


def _everything_at(client, urls=SURFACES) -> dict[str, str]:
    pages = {}
    for url in urls:
        response = client.get(url, follow_redirects=True)
        assert response.status_code in (200, 404), (url, response.status_code)
        # The canonical link names the address asked for, which is no leak.
        pages[url] = re.sub(r'<link rel="canonical"[^>]*>', "", response.get_data(as_text=True))
    return pages


def test_a_scheduled_article_is_invisible_everywhere_until_its_minute(life):
    _, builds = life
    before = _everything_at(at(builds, BEFORE).test_client())
    for url, page in before.items():
        if "?q=" not in url:  # a search page repeats the reader's own words
            assert SECRET_WORD not in page, url
        assert "Pressmeddelande" not in page, url
        assert "/news/press" not in page and "wetland" not in page, url
    # The counts do not count it either: the partner has one article before, two after.
    assert "1 artikel" in before["/sv/partners/chalmers"]
    after = _everything_at(at(builds, AFTER).test_client())
    assert "Pressmeddelande om " + SECRET_WORD in after["/sv/news/press"]
    assert "Press release on wetland restoration" in after["/en/news/press"]
    assert "Pressmeddelande" in after["/sv/"] and "Pressmeddelande" in after["/sv/a/press"]
    assert "2 artiklar" in after["/sv/partners/chalmers"]
    assert "Pressmeddelande" in after["/sv/search?q=" + SECRET_WORD]
    assert "Pressmeddelande" in after["/sv/feed.atom"]
    assert "Pressmeddelande" in after["/sv/news/gammal"]  # as related news


def test_did_you_mean_never_offers_a_word_only_an_embargoed_article_has(life):
    _, builds = life
    before = at(builds, BEFORE).test_client().get("/sv/search?q=vatmarksrestaurering").get_data(as_text=True)
    after = at(builds, AFTER).test_client().get("/sv/search?q=vatmarksrestaurering").get_data(as_text=True)
    assert SECRET_WORD not in before
    assert SECRET_WORD in after  # offered once the article is public


def test_an_untranslated_scheduled_version_is_not_named_by_the_published_one(life):
    tree, _ = life
    builds = tree.root.parent / "builds-partly"
    tree.article("halv", title="Svensk version ute", published="2024-05-02 09:30")
    tree.article(
        "halv", lang="en", title="English version later", slug="half-later", published="2030-01-01 08:00"
    )
    try:
        write_build(tree.load(), builds)
    finally:
        (tree.root / "articles" / "halv.sv.md").unlink()
        (tree.root / "articles" / "halv.en.md").unlink()
    page = at(builds, BEFORE).test_client().get("/sv/news/halv").get_data(as_text=True)
    assert "half-later" not in page and "English version later" not in page  # hreflang, JSON-LD
    assert "half-later" in at(builds, AFTER).test_client().get("/sv/news/halv").get_data(as_text=True)


def test_no_cache_keeps_a_page_past_the_next_scheduled_moment(life):
    _, builds = life
    client = at(builds, BEFORE).test_client()
    for url in ("/sv/", "/sv/news/gammal", "/sv/feed.atom", "/sv/search?q=klimat"):
        rule = client.get(url).headers["Cache-Control"]
        max_age = int(re.search(r"max-age=(\d+)", rule).group(1))
        stale = [int(n) for n in re.findall(r"stale-while-revalidate=(\d+)", rule)]
        assert max_age <= 100 and all(max_age + n <= 100 for n in stale), (url, rule)
    # Far from any moment, the usual rules hold.
    far = at(builds, datetime(2031, 1, 1, tzinfo=UTC)).test_client()
    assert far.get("/sv/").headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"


def test_validators_and_kept_pages_change_when_the_moment_passes(life):
    _, builds = life
    app = at(builds, BEFORE)
    client = app.test_client()
    first = client.get("/sv/")
    assert "Pressmeddelande" not in first.get_data(as_text=True)
    assert client.get("/sv/").data == first.data  # from the memo
    app.config["NOW"] = AFTER
    again = client.get("/sv/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "Pressmeddelande" in again.get_data(as_text=True)
    memo = client.get("/sv/")
    assert "Pressmeddelande" in memo.get_data(as_text=True)
    # Sent again from the front memo later, its max-age is capped again, not copied.
    app.config["NOW"] = BEFORE
    client.get("/sv/?topic=klimat")
    app.config["NOW"] = BEFORE + timedelta(seconds=90)
    rule = client.get("/sv/?topic=klimat").headers["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", rule).group(1)) <= 10, rule


def test_a_draft_is_never_public(life):
    _, builds = life
    pages = _everything_at(
        at(builds, AFTER).test_client(), ["/sv/news/utkast", "/sv/", "/sv/search?q=utkast"]
    )
    assert all("Utkast om klimat" not in page for page in pages.values())
    assert at(builds, AFTER).test_client().get("/sv/news/utkast").status_code == 404


def _token(builds, key, lang="sv", secret=SECRET):
    article = open_build(builds / "current").search.preview(key, lang)
    return make_token(secret, article)


def test_a_preview_link_shows_a_draft_to_staff_only(life):
    _, builds = life
    client = at(builds, AFTER).test_client()
    response = client.get(f"/sv/preview/{_token(builds, 'utkast')}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Utkast om klimat" in page
    assert "Förhandsvisning – inte publicerad</strong>. Det här är ett utkast." in page
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in page
    ahead = at(builds, BEFORE).test_client()  # a scheduled article, before its moment
    scheduled = ahead.get(f"/sv/preview/{_token(builds, 'press')}").get_data(as_text=True)
    assert "Pressmeddelande" in scheduled
    assert "publicerad</strong>. Den publiceras <time" in scheduled
    assert "1 januari 2030 08:00</time>." in scheduled


def test_a_bad_preview_link_is_not_found_and_names_nothing(life, monkeypatch):
    _, builds = life
    client = at(builds, AFTER).test_client()
    good = _token(builds, "utkast")
    other_secret = _token(builds, "utkast", secret="x" * 40)
    tampered = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    article = open_build(builds / "current").search.preview("utkast", "sv")
    forged = make_token(SECRET, article).replace(good.split(".")[0], _token(builds, "gammal").split(".")[0])
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: int(datetime.now(UTC).timestamp()) - 8 * 86400
    )
    expired = _token(builds, "utkast")
    monkeypatch.undo()
    for token in ("nonsense", other_secret, tampered, forged, expired):
        response = client.get(f"/sv/preview/{token}")
        page = response.get_data(as_text=True)
        assert response.status_code == 404, token
        assert "Utkast om klimat" not in page and "utkast" not in page.lower().split("<main")[1]
        assert "Förhandsvisningslänken gäller inte" in page
    assert client.get(f"/en/preview/{good}").status_code == 404  # a Swedish version's link
    # Without a secret, no preview link works at all.
    assert make_app(builds, NOW=AFTER).test_client().get(f"/sv/preview/{good}").status_code == 404


def test_a_preview_link_stops_working_when_the_draft_changes(life, tmp_path):
    tree, _ = life
    builds = tmp_path / "builds"
    write_build(tree.load(), builds)
    token = _token(builds, "utkast")
    client = at(builds, AFTER).test_client()
    assert client.get(f"/sv/preview/{token}").status_code == 200
    path = tree.article("utkast", title="Utkast om klimat, ändrat", draft="true")
    try:
        write_build(tree.load(), builds)
    finally:
        tree.article("utkast", title="Utkast om klimat", draft="true")
    assert path.exists()
    assert client.get(f"/sv/preview/{token}").status_code == 404
    assert client.get(f"/sv/preview/{_token(builds, 'utkast')}").status_code == 200


def test_a_withdrawn_article_keeps_its_page_with_a_notice_and_leaves_the_lists(life):
    _, builds = life
    client = at(builds, AFTER).test_client()
    page = client.get("/sv/news/tillbaka").get_data(as_text=True)
    assert "Den här nyheten drogs tillbaka" in page and "Uppgifterna om bidraget var felaktiga." in page
    assert page.index("drogs tillbaka") < page.index('class="lead"')  # read before the text
    for url in ("/sv/", "/sv/search?q=tillbakadragen", "/sv/feed.atom", "/sv/topics/klimat"):
        assert "Tillbakadragen nyhet" not in client.get(url).get_data(as_text=True), url


def test_removed_articles_answer_gone_in_the_readers_language(content_tree, tmp_path):
    builds = tmp_path / "builds"
    content_tree.article("borta", title="Snart borttagen")
    content_tree.article("borta", lang="en", slug="soon-gone", title="Soon removed")
    content_tree.article("kvar")
    content_tree.article("framtid", published="2099-01-01 08:00")
    write_build(content_tree.load(), builds)
    for name in ("borta.sv.md", "borta.en.md", "framtid.sv.md"):
        (content_tree.root / "articles" / name).unlink()
    write_build(content_tree.load(), builds)
    write_build(content_tree.load(), builds)  # remembered over later builds too
    client = make_app(builds).test_client()
    sv = client.get("/sv/news/borta")
    assert sv.status_code == 410 and "Sidan har tagits bort" in sv.get_data(as_text=True)
    en = client.get("/en/news/soon-gone")
    assert en.status_code == 410 and "The page has been removed" in en.get_data(as_text=True)
    assert client.get("/a/borta").status_code == 410 and client.get("/en/a/borta").status_code == 410
    assert client.get("/sv/news/aldrig-funnits").status_code == 404
    assert client.get("/sv/news/framtid").status_code == 404  # never public: nothing to say
    # Published again under the same address: it is back.
    content_tree.article("borta", title="Tillbaka igen")
    write_build(content_tree.load(), builds)
    assert client.get("/sv/news/borta").status_code == 200


def test_the_shipped_nginx_cache_key_holds_every_variant_header():
    from webapp.caching import VARIANT_HEADERS
    from webapp.config import PROJECT_ROOT

    config = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    keys = re.findall(r"proxy_cache_key\s+\"([^\"]+)\"", config)
    assert keys
    for key in keys:
        for header in VARIANT_HEADERS:
            assert "$http_" + header.lower().replace("-", "_") in key, (header, key)
