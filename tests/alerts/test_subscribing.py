"""A citizen subscribes from a list, confirms from the e-mail, gets the news and stops it:
every step as they live it, on SQLite and on PostgreSQL, with a real SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.alerts.site import START, html_of, links, text_of


def test_the_form_says_in_words_what_the_emails_will_be_about(site):
    _link, form = site.form("/sv/?topic=vatten&partner=smhi")
    assert "Nyheter om Vatten och hav från SMHI, på svenska" in form.text
    _link, form = site.form("/en/topics/vatten")
    assert "News about Water and sea, in English" in form.text
    _link, form = site.form("/sv/search?q=översvämning")
    assert "Nyheter som matchar ”översvämning”, på svenska" in form.text


def test_subscribe_confirm_receive_and_unsubscribe_in_one_click(site):
    answer = site.subscribe("/sv/topics/vatten", "anna@example.se")
    assert answer.status_code == 303
    page = site.client.get(answer.headers["Location"])
    assert "Kolla din e-post" in page.text and "Nyheter om Vatten och hav, på svenska" in page.text

    # Double opt-in: the confirmation is the only e-mail before the link is followed.
    site.send()
    [confirmation] = site.inbox.messages
    assert confirmation["To"] == "anna@example.se"
    assert confirmation["Subject"] == "Bekräfta din prenumeration: Nyheter om Vatten och hav, på svenska"
    assert "List-Unsubscribe" not in confirmation
    site.news("ny", "Höga flöden i Göta älv", "2026-03-02 08:30", "[vatten]")
    site.rebuild()
    site.at(START + timedelta(hours=1))
    site.send()
    assert len(site.inbox.messages) == 1, "nothing is sent before the subscription is confirmed"

    confirmed = site.confirm(confirmation)
    assert "Du prenumererar nu" in confirmed.text
    # Only news that appears after confirming is sent.
    site.send()
    assert len(site.inbox.messages) == 1
    site.tree.article(
        "nyare", title="Varning för höga vattennivåer", topics="[vatten]", published="2026-03-02 09:15"
    )
    site.news("annat", "Om klimatet", "2026-03-02 09:15", "[klimat]")
    site.rebuild()
    site.at(START + timedelta(hours=2))
    site.send()
    [_, digest] = site.inbox.messages
    assert digest["Subject"] == "Varning för höga vattennivåer"
    assert "Om klimatet" not in text_of(digest)
    unsubscribe = links(digest)["unsubscribe"]
    assert digest["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = html_of(digest)
    assert '<html lang="sv" dir="ltr">' in html
    assert re.search(
        r'<h2><a href="https://news\.example\.se/sv/news/[^"]+">Varning för höga vattennivåer</a></h2>', html
    )
    assert "2 mars 2026" in text_of(digest)

    # A mail program's one-click unsubscribe (RFC 8058): a POST from no page of ours.
    gone = site.follow(unsubscribe, "post", data={"List-Unsubscribe": "One-Click"})
    assert gone.status_code == 200 and "Du får inga fler" in gone.text
    assert site.store.export("anna@example.se") == []
    site.news("sist", "Ännu en vattennyhet", "2026-03-02 10:00", "[vatten]")
    site.rebuild()
    site.at(START + timedelta(hours=3))
    site.send()
    assert len(site.inbox.messages) == 2


def test_english_subscribers_get_english_news_in_english(site):
    site.subscribe("/en/topics/vatten", "sam@example.org")
    site.send()
    [confirmation] = site.inbox.messages
    assert confirmation["Subject"] == "Confirm your subscription: News about Water and sea, in English"
    site.confirm(confirmation)
    site.news("flod", "Svensk flodnyhet", "2026-03-02 08:30", "[vatten]")
    site.tree.article(
        "flood", lang="en", title="Flood warning", topics="[vatten]", published="2026-03-02 08:30"
    )
    site.rebuild()
    site.at(START + timedelta(hours=1))
    site.send()
    digest = site.inbox.messages[-1]
    assert digest["Subject"] == "Flood warning"
    assert "Svensk flodnyhet" not in text_of(digest)
    assert '<html lang="en" dir="ltr">' in html_of(digest)
    [article_link] = links(digest)["articles"]
    assert article_link.startswith("https://news.example.se/en/news/")
    assert site.follow(article_link).status_code == 200


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(site):
    first = site.subscribe("/sv/", "anna@example.se")
    site.send()
    site.confirm(site.inbox.messages[0])
    again = site.subscribe("/sv/", "anna@example.se")
    stranger = site.subscribe("/sv/", "bo@example.se")
    assert first.status_code == again.status_code == stranger.status_code == 303
    assert first.headers["Location"] == again.headers["Location"] == stranger.headers["Location"]
    # Only the address's owner learns it was subscribed already, by e-mail.
    site.send()
    notice = site.inbox.to("anna@example.se")[-1]
    assert notice["Subject"].startswith("Du får redan de här e-postmeddelandena")
    assert links(notice)["unsubscribe"]
    assert site.inbox.to("bo@example.se")[-1]["Subject"].startswith("Bekräfta din prenumeration")


def test_an_unconfirmed_request_expires_and_is_deleted(site):
    site.subscribe("/sv/", "anna@example.se")
    site.send()
    [confirmation] = site.inbox.messages
    site.at(START + timedelta(hours=49))
    site.send()
    assert site.store.export("anna@example.se") == []
    page = site.follow(links(confirmation)["confirm"])
    assert page.status_code == 404
    assert "Bekräftelselänken gäller inte längre" in page.text


def test_a_link_scanner_opening_the_confirmation_link_confirms_nothing(site):
    site.subscribe("/sv/", "anna@example.se")
    site.send()
    page = site.follow(links(site.inbox.messages[0])["confirm"])
    assert "<button" in page.text
    assert site.store.export("anna@example.se")[0]["confirmed_at"] is None


def test_a_forged_or_altered_link_opens_nothing(site):
    site.subscribe("/sv/", "anna@example.se")
    site.send()
    link = links(site.inbox.messages[0])["confirm"]
    unsubscribe_made_from_it = link.replace("/confirm/", "/unsubscribe/")
    site.follow(unsubscribe_made_from_it, "post", data={"List-Unsubscribe": "One-Click"})
    assert site.store.export("anna@example.se"), "a confirm link is no unsubscribe link"
    assert site.follow(link[:-3] + "abc").status_code == 404


def test_the_pages_are_never_stored_by_a_cache_and_set_no_cookie(site):
    for url in ("/sv/alerts/new", "/sv/alerts/sent", "/en/alerts/privacy"):
        response = site.client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert "Set-Cookie" not in response.headers
    answer = site.subscribe("/sv/", "anna@example.se")
    assert "Set-Cookie" not in answer.headers


def test_the_privacy_page_says_what_is_stored_in_both_languages(site):
    sv = site.client.get("/sv/alerts/privacy").text
    en = site.client.get("/en/alerts/privacy").text
    assert "Din e-postadress." in sv and "Your e-mail address." in en
    assert "48 timmar" in sv and "48 hours" in en


def test_without_its_database_the_form_says_so_and_the_news_is_still_read(tmp_path, mail_server):
    from tests.alerts.site import AlertsSite

    site = AlertsSite(tmp_path, f"sqlite:///{tmp_path}/other.sqlite3", mail_server.url)
    site.store.engine.dispose()
    (tmp_path / "other.sqlite3").unlink()  # never migrated: no tables
    answer = site.subscribe("/sv/", "anna@example.se")
    assert answer.status_code == 503
    assert "E-postprenumerationer fungerar inte just nu" in answer.text
    assert site.client.get("/sv/").status_code == 200


def test_an_address_with_swedish_letters_gets_its_emails(site):
    site.subscribe("/sv/topics/vatten", "åsa@exempel.se")
    site.send()
    [confirmation] = site.inbox.messages
    assert confirmation["To"] == "åsa@exempel.se"
    assert site.inbox.envelopes[-1][1] == ["åsa@exempel.se"]
    site.confirm(confirmation)
    site.news("ny", "Höga flöden", "2026-03-02 09:30")
    site.rebuild()
    site.at(START + 2 * timedelta(hours=1))
    site.send()
    assert site.inbox.messages[-1]["Subject"] == "Höga flöden"
    assert site.inbox.messages[-1]["To"] == "åsa@exempel.se"


def test_asking_again_at_another_frequency_changes_it_once_confirmed(site):
    site.subscribe("/sv/topics/vatten", "anna@example.se", frequency="daily")
    site.send()
    site.confirm(site.inbox.messages[-1])
    site.subscribe("/sv/topics/vatten", "anna@example.se", frequency="weekly")
    site.send()
    confirmation = site.inbox.messages[-1]
    assert confirmation["Subject"].startswith("Bekräfta din prenumeration")
    assert [s["frequency"] for s in site.store.export("anna@example.se")] == ["daily", "weekly"]
    site.confirm(confirmation)
    [only] = site.store.export("anna@example.se")
    assert only["frequency"] == "weekly" and only["confirmed_at"]
