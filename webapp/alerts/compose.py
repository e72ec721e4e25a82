"""The words of every alert e-mail, from templates in the subscriber's language.

Each e-mail is rendered as if it were a page of the site in that language (a request
context at the site's public address), so links are absolute, dates follow the locale and
the strings come from the same catalogues as the pages.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Flask, render_template, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from webapp.alerts.mail import Outgoing
from webapp.alerts.secret import secret
from webapp.alerts.signing import link_token
from webapp.alerts.store import Subscription
from webapp.content.model import Article, version_id
from webapp.live import Build
from webapp.views import localized_names

# Stands for what differs between subscribers while an e-mail is written once for many.
STAND_IN = "STAND-IN-0f3c9a"


class Composer:
    """Writes the e-mails of the app's alerts."""

    def __init__(self, app: Flask):
        self.app = app
        self._digests: dict[tuple, Outgoing] = {}
        self._addresses: dict[tuple, str] = {}

    def _link(self, subscription: Subscription, purpose: str, build: Build) -> str:
        """The absolute address of a signed link of `purpose` to `subscription`."""
        lang = subscription.choice.lang
        key = (build.site.base_url, lang, purpose)
        if key not in self._addresses:
            with self.app.test_request_context(f"/{lang}/", base_url=build.site.base_url):
                self._addresses[key] = url_for(
                    f"alerts.{purpose}", lang_code=lang, token=STAND_IN, _external=True
                )
        return self._addresses[key].replace(
            STAND_IN, link_token(secret(self.app), purpose, subscription.public_id)
        )

    def _render(
        self, build: Build, subscription: Subscription, name: str, **context
    ) -> tuple[str, str, str, str]:
        """(subject, text, html, unsubscribe link) of template pair `alerts/email/<name>`."""
        lang = subscription.choice.lang
        with self.app.test_request_context(f"/{lang}/", base_url=build.site.base_url), force_locale(lang):
            topic_names, partner_names = localized_names(build, lang)
            links = {
                purpose: self._link(subscription, purpose, build) for purpose in ("confirm", "unsubscribe")
            }
            context.update(
                subscription=subscription,
                news=subscription.choice.describe(topic_names, partner_names),
                links=links,
                privacy_url=url_for("alerts.privacy", lang_code=lang, _external=True),
                site_name=build.site.name[lang],
                lang=lang,
                confirm_hours=self.app.config["ALERTS_CONFIRM_HOURS"],
            )
            context["subject"] = context.pop("subject_for")(context["news"])
            text = render_template(f"alerts/email/{name}.txt", **context)
            html = render_template(f"alerts/email/{name}.html", **context)
            return context["subject"], text, html, links["unsubscribe"]

    def about_subscription(self, build: Build, subscription: Subscription, kind: str) -> Outgoing:
        """The confirmation e-mail ("confirm") or the note that the address has this
        subscription already ("already")."""

        def subject(news: str) -> str:
            if kind == "confirm":
                return _("Confirm your subscription: %(news)s", news=news)
            return _("You already get these e-mails: %(news)s", news=news)

        subject, text, html, unsubscribe = self._render(build, subscription, kind, subject_for=subject)
        # Nothing to unsubscribe from before the subscription is confirmed.
        return Outgoing(subscription.address, subject, text, html, unsubscribe if kind == "already" else None)

    def digest(self, build: Build, subscription: Subscription, articles: list[Article]) -> Outgoing:
        """One e-mail with the new articles a subscriber follows, newest first.

        Subscribers who follow the same news get the same e-mail but for its unsubscribe
        link: it is written once per run for all of them (with a stand-in for the link),
        not once per subscriber."""
        choice = subscription.choice
        key = (build.build_id, choice, subscription.frequency, tuple(version_id(a) for a in articles))
        if key not in self._digests:
            stand_in = replace(subscription, public_id=STAND_IN)
            self._digests[key] = self._digest(build, stand_in, articles)
        written = self._digests[key]
        link = self._link(subscription, "unsubscribe", build)
        return Outgoing(
            subscription.address,
            written.subject,
            written.text.replace(written.unsubscribe_url, link),
            written.html.replace(written.unsubscribe_url, link),
            link,
        )

    def _digest(self, build: Build, subscription: Subscription, articles: list[Article]) -> Outgoing:

        def subject(news: str) -> str:
            if len(articles) == 1:
                return articles[0].title
            return ngettext(
                "%(num)s new article: %(news)s",
                "%(num)s new articles: %(news)s",
                len(articles),
                news=news,
            )

        subject, text, html, unsubscribe = self._render(
            build, subscription, "digest", subject_for=subject, articles=articles
        )
        return Outgoing(subscription.address, subject, text, html, unsubscribe)
