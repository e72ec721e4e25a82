"""What the sender sends, and when: never before an article is public, one e-mail per
window, each article once per subscriber, SMTP refusals retried and then recorded."""

from __future__ import annotations

import threading
from datetime import timedelta

from tests.alerts.site import START, links, text_of
from tests.servers import free_port
from webapp.alerts.cli import alerts_cli, make_sender
from webapp.live import open_build

HOUR = timedelta(hours=1)


def subscribed(site, list_url="/sv/topics/vatten", address="anna@example.se", frequency="immediately"):
    """A confirmed subscriber (the inbox holds their confirmation)."""
    site.subscribe(list_url, address, frequency)
    site.send()
    site.confirm(site.inbox.to(address)[-1])
    return address


def subscribed_with_one_new_article(site) -> None:
    """A confirmed subscriber to Vatten och hav, and "En nyhet" about it in the new build."""
    subscribed(site)
    site.news("en", "En nyhet", "2026-03-02 09:30")
    site.rebuild()


def digests(site, address="anna@example.se"):
    return [m for m in site.inbox.to(address) if "/alerts/unsubscribe/" in text_of(m)]


def test_an_embargoed_article_is_not_sent_before_its_minute(site):
    subscribed(site)
    # 12:00 in Stockholm is 11:00 UTC; the build holds it from now on.
    site.news("presser", "Pressmeddelande under embargo", "2026-03-02 12:00")
    site.rebuild()
    for moment in (START + HOUR, START + 2 * HOUR, START + 2 * HOUR + timedelta(minutes=59)):
        site.at(moment)
        site.send()
        assert digests(site) == [], f"sent at {moment} before the embargo ended"
    site.at(START + 3 * HOUR + timedelta(minutes=1))
    site.send()
    [digest] = digests(site)
    assert digest["Subject"] == "Pressmeddelande under embargo"


def test_drafts_and_withdrawn_articles_are_never_sent(site):
    subscribed(site)
    site.news("utkast", "Ett utkast", "2026-03-02 08:30", draft="true")
    site.news(
        "tillbaka", "Tillbakadragen", "2026-03-02 08:30",
        withdrawn="{date: 2026-03-02 08:45, reason: Fel uppgifter.}",
    )  # fmt: skip
    site.rebuild()
    site.at(START + HOUR)
    site.send()
    assert digests(site) == []


def test_a_daily_subscriber_gets_one_email_a_day_with_all_its_news(site):
    subscribed(site, frequency="daily")
    site.news("a", "Första vattennyheten", "2026-03-02 10:00")
    site.rebuild()
    site.at(START + 2 * HOUR)
    site.send()
    site.news("b", "Andra vattennyheten", "2026-03-02 12:00")
    site.rebuild()
    site.at(START + 4 * HOUR)
    site.send()
    assert digests(site) == [], "a daily e-mail waits for its day"
    site.at(START + 24 * HOUR + timedelta(minutes=1))
    site.send()
    [digest] = digests(site)
    assert digest["Subject"] == "2 nya nyheter: Nyheter om Vatten och hav, på svenska"
    body = text_of(digest)
    assert body.index("Andra vattennyheten") < body.index("Första vattennyheten"), "newest first"
    site.news("c", "Tredje vattennyheten", "2026-03-03 12:00")
    site.rebuild()
    site.at(START + 30 * HOUR)
    site.send()
    assert len(digests(site)) == 1
    site.at(START + 49 * HOUR)
    site.send()
    assert [m["Subject"] for m in digests(site)][-1] == "Tredje vattennyheten"


def test_a_search_subscription_gets_the_articles_with_its_words(site):
    subscribed(site, list_url="/sv/search?q=älgjakt")
    site.news("alg", "Älgjakten börjar i september", "2026-03-02 09:30", topics="[klimat]")
    site.news("varg", "Vargar i Dalsland", "2026-03-02 09:30", topics="[klimat]")
    site.rebuild()
    site.at(START + 2 * HOUR)
    site.send()
    [digest] = digests(site)
    assert digest["Subject"] == "Älgjakten börjar i september"
    assert "Vargar" not in text_of(digest)


def test_an_article_published_late_with_an_earlier_date_is_still_news(site):
    subscribed(site)
    site.at(START + 5 * HOUR)
    site.send()
    site.news("sen", "Beslut från i morse", "2026-03-02 09:00")  # dated before the last run
    site.rebuild()
    site.at(START + 6 * HOUR)
    site.send()
    assert [m["Subject"] for m in digests(site)] == ["Beslut från i morse"]


def test_each_article_is_sent_once_however_often_the_sender_runs(site):
    subscribed_with_one_new_article(site)
    for minutes in (61, 62, 90, 24 * 60):
        site.at(START + timedelta(minutes=minutes))
        site.send()
    assert len(digests(site)) == 1


def test_two_senders_at_once_send_each_article_once(site):
    addresses = [subscribed(site, address=f"person{n}@example.se") for n in range(12)]
    site.news("en", "En nyhet till många", "2026-03-02 09:30")
    site.rebuild()
    site.at(START + 2 * HOUR)
    # Two senders are two processes (two machines, or a second run started by mistake):
    # each opens the build itself.
    path = site.app.extensions["live_build"].get().path
    reports = []

    def run():
        reports.append(make_sender(site.app).run_once(open_build(path), site.now))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reports) == 2, "both senders ran to the end"
    assert sum(report.digests for report in reports) == len(addresses)
    for address in addresses:
        assert len(digests(site, address)) == 1, address


def test_a_refusal_for_now_is_tried_again_and_delivered_once(site):
    subscribed_with_one_new_article(site)
    site.inbox.refusals = ["451 4.3.0 Mailbox busy, try later"]
    site.at(START + 2 * HOUR)
    report = site.send()
    assert report.refused == 1 and digests(site) == []
    site.at(START + 2 * HOUR + timedelta(seconds=30))
    site.send()
    assert digests(site) == [], "tried again only after the wait"
    site.at(START + 2 * HOUR + timedelta(seconds=61))
    site.send()
    site.at(START + 3 * HOUR)
    site.send()
    assert [m["Subject"] for m in digests(site)] == ["En nyhet"]


def test_a_permanent_refusal_is_recorded_as_a_dead_letter(site):
    subscribed_with_one_new_article(site)
    site.inbox.refusals = ["550 5.1.1 No such mailbox"]
    site.at(START + 2 * HOUR)
    site.send()
    site.at(START + 5 * HOUR)
    site.send()
    assert digests(site) == []
    status = site.app.test_cli_runner().invoke(alerts_cli, ["status"])
    assert "deliveries dead: 1" in status.output
    assert "550" in status.output and "No such mailbox" in status.output


def test_a_mail_server_that_stays_down_is_given_up_on_after_five_tries(site, mail_server):
    subscribed_with_one_new_article(site)
    site.app.config["ALERTS_SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens
    moment = START + 2 * HOUR
    for wait in (0, 1, 5, 30, 120):
        moment += timedelta(minutes=wait, seconds=1)
        site.at(moment)
        site.send()
    counts = site.store.counts()
    assert counts.get("deliveries dead") == 1 and "deliveries retry" not in counts
    site.app.config["ALERTS_SMTP_URL"] = mail_server.url
    site.at(moment + 24 * HOUR)
    site.send()
    assert digests(site) == []


def test_what_an_email_links_to_works(site):
    subscribed_with_one_new_article(site)
    site.at(START + 2 * HOUR)
    site.send()
    [digest] = digests(site)
    found = links(digest)
    for url in [*found["articles"], found["privacy"], found["unsubscribe"]]:
        assert site.follow(url).status_code == 200, url


def test_a_title_with_a_line_break_cannot_add_headers_or_stop_the_sender(site):
    """A content file's title is any YAML string, line breaks too: the subject stays one line
    for every address, and no header comes of it."""
    for address in ("anna@example.se", "åsa@exempel.se"):
        subscribed(site, address=address)
    site.news("bryt", '"Rubrik\\nBcc: evil@example.org"', "2026-03-02 09:30")
    site.rebuild()
    site.at(START + 2 * HOUR)
    report = site.send()
    assert report.digests == 2 and report.errors == []
    for address in ("anna@example.se", "åsa@exempel.se"):
        [digest] = digests(site, address)
        assert digest["Subject"] == "Rubrik Bcc: evil@example.org"
        assert digest["Bcc"] is None
    assert all(rcpt != ["evil@example.org"] for _sender, rcpt in site.inbox.envelopes)
