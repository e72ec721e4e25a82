"""E-mail alerts in a real browser, as a screen reader user and a keyboard user live them:
from a filtered list to the form, a mistake and its error, the confirmation e-mail's link,
the button, and stopping the e-mails. axe passes on each page and state; the accessibility
tree says what a sighted reader sees; the form works without JavaScript."""

from __future__ import annotations

import mailbox
import re
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.browser.conftest import AXE_TAGS, axe_violations
from tests.browser.test_journeys_screen_reader import Tree
from tests.conftest import make_app
from webapp.alerts.choice import Choice
from webapp.alerts.cli import make_sender
from webapp.alerts.signing import link_token
from webapp.search import ArticleQuery

pytestmark = pytest.mark.browser
WCAG_ONLY = [tag for tag in AXE_TAGS if tag != "best-practice"]


@pytest.fixture(scope="module")
def alerts_server(demo_builds, tmp_path_factory):
    """The demo site with its own alerts database; its e-mails go to a Maildir folder."""
    root = tmp_path_factory.mktemp("alerts-browser")
    app = make_app(
        demo_builds,
        ALERTS_DATABASE_URL=f"sqlite:///{root}/alerts.sqlite3",
        ALERTS_SECRET="browser-secret",
        ALERTS_SMTP_URL=None,
        ALERTS_MAILDIR=root / "mail",
    )
    app.extensions["alerts_store"].migrate()
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}", root / "mail"
    server.shutdown()


@pytest.fixture
def alerts_page(browser, alerts_server):
    _app, base_url, _mail = alerts_server
    context = browser.new_context(base_url=base_url, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def mail_to(folder, address: str):
    return [m for m in mailbox.Maildir(folder, create=False) if m["To"] == address]


def test_subscribing_from_a_topic_as_a_keyboard_and_screen_reader_user(alerts_page, alerts_server):
    app, _base, folder = alerts_server
    page = alerts_page
    page.goto("/sv/topics/vatten")
    link = page.get_by_role("link", name="Få e-post om nya nyheter")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Få e-post om nya nyheter – "))
    expect(page.locator("#news-chosen")).to_have_text("Nyheter om Vatten och hav, på svenska")
    assert axe_violations(page) == []

    # A mistake: the title says so first, focus is on the summary, the field says why.
    page.get_by_label("Din e-postadress").fill("anna.exempel.se")
    page.get_by_role("button", name="Prenumerera").press("Enter")
    expect(page).to_have_title(re.compile(r"^Fel: Få e-post om nya nyheter – "))
    page.wait_for_function(
        "document.activeElement && document.activeElement.classList.contains('error-summary')"
    )
    tree = Tree(page)
    field = tree.one("textbox", "Din e-postadress")
    assert tree.prop(field, "invalid") == "true"
    assert "Skriv en e-postadress i formen namn@exempel.se." in tree.description(field)
    assert axe_violations(page) == []
    page.get_by_role("link", name="Skriv en e-postadress i formen namn@exempel.se.").press("Enter")
    expect(page.get_by_label("Din e-postadress")).to_be_focused()

    page.keyboard.press("Control+A")
    page.keyboard.type("anna@example.se")
    page.get_by_role("radio", name="Högst en gång om dagen").check()
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Kolla din e-post – "))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kolla din e-post")
    assert axe_violations(page) == []

    with app.app_context():
        make_sender(app).run_once(app.extensions["live_build"].get(), app.config["NOW"] or _now())
    [confirmation] = mail_to(folder, "anna@example.se")
    text = confirmation.get_payload()[0].get_payload(decode=True).decode()
    link = re.search(r"https?://\S+/sv/alerts/confirm/\S+", text).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekräfta din prenumeration")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Bekräfta att du vill ha de här e-postmeddelandena").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du prenumererar nu")
    expect(page.get_by_text("Hur ofta: Högst en gång om dagen")).to_be_visible()
    assert axe_violations(page) == []

    [subscription] = [s for s in _subscriptions(app) if s.address == "anna@example.se"]
    assert subscription.confirmed_at is not None and subscription.frequency == "daily"
    page.goto(f"/sv/alerts/unsubscribe/{link_token('browser-secret', 'unsubscribe', subscription.public_id)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stoppa de här e-postmeddelandena")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Stoppa e-posten och radera min adress").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du får inga fler av de här e-postmeddelandena")
    assert app.extensions["alerts_store"].export("anna@example.se") == []


@pytest.mark.parametrize(
    "url",
    [
        "/en/alerts/new?partner=smhi&q=water",
        "/ar/alerts/new?topic=vatten",
        "/fi/alerts/new",
        "/sv/alerts/sent",
        "/sv/alerts/privacy",
        "/en/alerts/privacy",
        "/ar/alerts/privacy",
    ],
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_alerts_pages(alerts_page, url, scheme):
    alerts_page.emulate_media(color_scheme=scheme)
    alerts_page.goto(url)
    assert axe_violations(alerts_page) == []


def test_the_form_works_without_javascript(browser, alerts_server):
    _app, base_url, _mail = alerts_server
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/en/?topic=vatten")
    page.get_by_role("link", name="Get e-mails about new articles").click()
    page.get_by_label("Your e-mail address").fill("sam@example.org")
    page.get_by_role("radio", name="At most once a week").check()
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    context.close()


def test_the_email_link_follows_the_filters_after_an_htmx_update(alerts_page):
    page = alerts_page
    page.goto("/sv/")
    page.locator("#f-topic-vatten").check()
    expect(page).to_have_title(re.compile(r"om Vatten och hav"))
    link = page.get_by_role("link", name="Få e-post om nya nyheter")
    expect(link).to_have_attribute("href", re.compile(r"/sv/alerts/new\?topic=vatten$"))


def _subscriptions(app):
    from sqlalchemy import select

    from webapp.alerts.schema import subscriptions
    from webapp.alerts.store import Subscription

    with app.extensions["alerts_store"].engine.connect() as db:
        return [Subscription.from_row(row) for row in db.execute(select(subscriptions))]


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def test_the_html_of_an_email_passes_axe_in_each_direction(alerts_page, alerts_server):
    """The e-mail's HTML part as a mail program shows it: WCAG rules only (axe's best
    practices ask for landmarks, which mail programs remove)."""
    app, _base, _folder = alerts_server
    from webapp.alerts.compose import Composer
    from webapp.alerts.store import Subscription

    build = app.extensions["live_build"].get()
    for lang in ("sv", "ar"):
        articles = build.search.list_articles(ArticleQuery(lang=lang, page_size=3)).articles
        subscription = Subscription(1, "0" * 32, "a@example.se", Choice(lang, topics=("vatten",)), "daily",
                                    _now(), _now(), _now(), None)  # fmt: skip
        with app.app_context():
            html = Composer(app).digest(build, subscription, articles).html
        alerts_page.set_content(html)
        assert alerts_page.locator("html").get_attribute("lang") == lang
        assert alerts_page.get_by_role("heading", level=2).count() == len(articles)
        assert axe_violations(alerts_page, tags=WCAG_ONLY) == []
