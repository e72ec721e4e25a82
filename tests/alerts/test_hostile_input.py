"""What an attacker or a mistaken reader sends the subscription form: a clear, localized
answer each time, nothing stored that should not be, nothing lost that was."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.alerts.site import TOKEN, AlertsSite

FORM = "/sv/alerts/new?topic=vatten"


def post(site, data: dict, url: str = FORM, **headers):
    token = TOKEN.search(site.client.get(url).text).group(1)
    return site.client.post(url, data={"token": token, "frequency": "daily", **data}, headers=headers)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("", "Skriv din e-postadress."),
        ("anna@example.se\r\nBcc: everyone@example.org", "innehåller tecken som en adress inte kan ha"),
        ("anna@example.se\nSubject: hej", "innehåller tecken som en adress inte kan ha"),
        ("Anna <anna@example.se>", "Skriv en e-postadress i formen namn@exempel.se."),
        ("anna@example.se, bo@example.se", "Skriv en e-postadress i formen namn@exempel.se."),
        ("x" * 250 + "@example.se", "högst 254 tecken"),
        ("a" * 10_000, "högst 254 tecken"),
        ("anna@localhost", "Skriv en e-postadress i formen namn@exempel.se."),
        ("\u202eanna@example.se", "innehåller tecken som en adress inte kan ha"),
    ],
)
def test_a_bad_address_gets_a_clear_error_and_nothing_is_stored(site, address, message):
    answer = post(site, {"address": address})
    assert answer.status_code == 200
    assert message in answer.text
    assert re.search(r"<title>Fel: ", answer.text), "the title says first that something is wrong"
    assert 'aria-invalid="true"' in answer.text and 'href="#address"' in answer.text
    assert site.store.counts()["unconfirmed"] == 0
    site.send()
    assert site.inbox.messages == []


def test_an_unknown_frequency_is_an_error_on_that_question(site):
    answer = post(site, {"address": "anna@example.se", "frequency": "hourly"})
    assert "Välj hur ofta du vill få e-post." in answer.text
    assert 'href="#frequency-immediately"' in answer.text


def test_what_the_reader_typed_is_kept_when_the_form_comes_back(site):
    answer = post(site, {"address": "anna@example", "frequency": "weekly"})
    assert 'value="anna@example"' in answer.text
    assert re.search(r'value="weekly" checked', answer.text)


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "https://evil.example"}],
)
def test_a_request_forged_by_another_site_is_refused(site, headers):
    answer = post(site, {"address": "anna@example.se"}, **headers)
    assert answer.status_code == 403
    assert "Formuläret kan bara skickas från den här webbplatsens egen sida." in answer.text
    assert site.store.counts()["unconfirmed"] == 0


def test_a_browser_that_sends_only_origin_is_let_through_from_this_site(site):
    answer = post(site, {"address": "anna@example.se"}, Origin="http://localhost")
    assert answer.status_code == 303


def test_a_form_without_a_valid_token_is_refused_with_a_way_on(site):
    answer = site.client.post(FORM, data={"address": "anna@example.se", "frequency": "daily", "token": "x"})
    assert "Formuläret var öppet för länge. Skicka det igen." in answer.text
    assert TOKEN.search(answer.text), "the form comes back with a fresh token"
    assert site.store.counts()["unconfirmed"] == 0
    english_token = TOKEN.search(site.client.get("/en/alerts/new").text).group(1)
    answer = site.client.post(
        FORM, data={"address": "anna@example.se", "frequency": "daily", "token": english_token}
    )
    assert "Formuläret var öppet för länge" in answer.text


def test_a_form_left_open_for_hours_asks_to_be_sent_again(site):
    token = TOKEN.search(site.client.get(FORM).text).group(1)
    site.at(site.now + timedelta(hours=4))
    answer = site.client.post(FORM, data={"address": "anna@example.se", "frequency": "daily", "token": token})
    assert "Formuläret var öppet för länge" in answer.text


@pytest.mark.slow  # 10,000 requests through the whole app: about a minute on each database
def test_ten_thousand_attempts_from_one_client_are_limited_and_nothing_is_lost(site):
    token = TOKEN.search(site.client.get(FORM).text).group(1)
    answers = [
        site.client.post(
            FORM, data={"address": f"person{n}@example.se", "frequency": "daily", "token": token}
        )
        for n in range(10_000)
    ]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:30] == [303] * 30
    assert set(statuses[30:]) == {429}
    assert "För många prenumerationer har begärts från ditt nätverk" in answers[-1].text
    assert answers[-1].headers["Retry-After"] == "3600"
    assert site.store.counts()["unconfirmed"] == 30
    site.send()
    assert len(site.inbox.messages) == 30, "each accepted request got its confirmation"
    assert site.client.get("/sv/").status_code == 200


def test_one_address_cannot_be_flooded_with_confirmations(tmp_path, alerts_database, mail_server):
    site = AlertsSite(tmp_path, alerts_database, mail_server.url, PROXIES=1)
    answers = [
        site.subscribe(f"/sv/?topic=vatten&q=ord{n}", "anna@example.se", **{"X-Forwarded-For": f"10.0.0.{n}"})
        for n in range(7)
    ]
    assert [a.status_code for a in answers] == [303] * 5 + [429] * 2
    assert "Den här adressen har fått många bekräftelsemejl i dag" in answers[-1].text
    site.store.engine.dispose()


def test_a_choice_too_long_to_store_is_an_error_not_a_crash(tmp_path, alerts_database, mail_server):
    site = AlertsSite(tmp_path, alerts_database, mail_server.url)
    names = [f"amne-{n:02d}-" + "x" * 80 for n in range(20)]
    for name in names:
        site.tree.write(f"topics/{name}.yaml", f"name: {{sv: Ämne {name[5:7]}, en: Topic {name[5:7]}}}")
    site.rebuild()
    url = "/sv/alerts/new?" + "&".join(f"topic={name}" for name in names) + "&q=" + "ö" * 200
    answer = post(site, {"address": "anna@example.se"}, url=url)
    assert answer.status_code == 200
    assert "Välj färre ämnen och samarbetspartner för en prenumeration." in answer.text
    assert site.store.counts()["unconfirmed"] == 0
    site.store.engine.dispose()
