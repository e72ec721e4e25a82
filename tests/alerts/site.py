"""An authority's site with e-mail alerts, as the alerts tests use it: a content tree, its
builds, the app on a real database (SQLite or PostgreSQL) and a real SMTP server, a clock
the test moves, and the steps a subscriber takes (from the list's link to the e-mail)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import ContentTree, make_app
from webapp.alerts.cli import make_sender
from webapp.build import write_build

# The tests' clock: a Monday morning in March (Stockholm is UTC+1).
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SECRET = "alerts-test-secret"
TOKEN = re.compile(r'name="token" value="([^"]+)"')


class AlertsSite:
    def __init__(self, root: Path, database: str, smtp_url: str | None, **config):
        self.tree = ContentTree(root / "content")
        self.tree.write("topics/vatten.yaml", "name: {sv: Vatten och hav, en: Water and sea}")
        self.tree.write("partners/smhi.yaml", "name: {sv: SMHI, en: SMHI}\nwebsite: https://smhi.example")
        self.tree.article("gammal", title="Gammal nyhet om klimat", published="2026-02-01 09:00")
        self.tree.article("old", lang="en", title="Old climate news", published="2026-02-01 09:00")
        self.builds = root / "builds"
        self.rebuild()
        settings = {
            "NOW": START,
            "ALERTS_DATABASE_URL": database,
            "ALERTS_SMTP_URL": smtp_url,
            "ALERTS_SECRET": SECRET,
            "ALERTS_MAILDIR": root / "mail",
        }
        self.app = make_app(self.builds, **{**settings, **config})
        self.store = self.app.extensions["alerts_store"]
        self.store.migrate()
        self.client = self.app.test_client()

    def news(self, key: str, title: str, published: str, topics: str = "[vatten]", **fields) -> None:
        """Write an article (published: local time in Stockholm, "2026-03-02 09:15")."""
        self.tree.article(key, title=title, published=published, topics=topics, **fields)

    def rebuild(self) -> None:
        write_build(self.tree.load(), self.builds)

    @property
    def now(self) -> datetime:
        return self.app.config["NOW"]

    def at(self, moment: datetime) -> None:
        self.app.config["NOW"] = moment

    def send(self):
        """One run of the sender at the site's clock (what `flask alerts run --once` does)."""
        build = self.app.extensions["live_build"].get()
        return make_sender(self.app).run_once(build, self.now)

    def form(self, list_url: str):
        """Follow the list's "Get e-mails about new articles" link to the form."""
        page = self.client.get(list_url)
        assert page.status_code == 200, list_url
        link = re.search(r'<a href="([^"]*/alerts/new[^"]*)">', page.text).group(1).replace("&amp;", "&")
        form = self.client.get(link)
        assert form.status_code == 200
        return link, form

    def subscribe(self, list_url: str, address: str, frequency: str = "immediately", **headers):
        link, form = self.form(list_url)
        return self.client.post(
            link,
            data={"address": address, "frequency": frequency, "token": TOKEN.search(form.text).group(1)},
            headers={"Sec-Fetch-Site": "same-origin", **headers},
        )

    def follow(self, url: str, method: str = "get", **kwargs):
        """Open a link from an e-mail (absolute, at the site's public address) on this app."""
        parts = urlsplit(url)
        assert parts.netloc == "news.example.se", url
        return getattr(self.client, method)(parts.path, **kwargs)

    def confirm(self, message: EmailMessage):
        """Follow a confirmation e-mail's link and press the button."""
        link = links(message)["confirm"]
        page = self.follow(link)
        assert page.status_code == 200
        return self.follow(link, "post", headers={"Sec-Fetch-Site": "same-origin"})


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def links(message: EmailMessage) -> dict[str, str]:
    """The e-mail's links to the site, by kind: confirm, unsubscribe, privacy, articles."""
    found: dict = {"articles": []}
    for url in re.findall(r"https://news\.example\.se/\S+", text_of(message)):
        if "/alerts/confirm/" in url:
            found["confirm"] = url
        elif "/alerts/unsubscribe/" in url:
            found["unsubscribe"] = url
        elif "/alerts/privacy" in url:
            found["privacy"] = url
        else:
            found["articles"].append(url)
    return found
