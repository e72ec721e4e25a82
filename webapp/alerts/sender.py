"""The sender: one run sends what is due, and `flask alerts run` repeats it.

A run, in order:
1. tidies: unconfirmed requests past their time, old counts and ledger rows are deleted; a
   ledger row a stopped sender left "sending" becomes "uncertain" (never sent again);
2. sends the confirmation e-mails (and "you have this already" notices) the pages queued;
3. tries again the e-mails SMTP refused for now, and gives up on them after the last try
   (the "dead" rows are the dead-letter record `flask alerts status` lists);
4. finds the articles public now (the search backend's own answer, so a draft or an
   embargoed article is never seen before its minute), notes when it first saw each, and
   sends every subscriber whose window has passed one e-mail with the articles new to them.

Each article of each e-mail is written to the ledger before the e-mail goes to SMTP, so a
crash after sending and before recording cannot send it again (at most once).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask

from webapp import languages
from webapp.alerts.choice import Choice
from webapp.alerts.mail import Refused, Uncertain, build_message
from webapp.alerts.store import Store
from webapp.content.model import Article, version_id
from webapp.live import Build
from webapp.search import ArticleQuery

# How far back a run looks for articles it has not seen: a week's digest and a day more.
LOOKBACK = timedelta(days=8)
# Waits before the next try after SMTP refused an e-mail for now; then it is given up.
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
# E-mails claimed in the ledger and handed to SMTP together (see Sender._deliver).
CHUNK = 25
# A ledger row still "sending" after this was left by a sender that stopped.
STOPPED_AFTER = timedelta(minutes=10)
# Ledger rows and seen articles are kept this long (longer than LOOKBACK: the ledger is
# what stops a second e-mail about an article a run still looks at).
KEEP_LEDGER = timedelta(days=30)


@dataclass
class RunReport:
    """What one run did, for the log and the tests."""

    expired: int = 0
    confirmations: int = 0
    digests: int = 0
    retried: int = 0
    refused: int = 0
    dead: int = 0
    uncertain: int = 0
    articles_seen: int = 0
    errors: list[str] = field(default_factory=list)


class Sender:
    """Sends alerts from `store` through `transport`, writing e-mails with `compose`
    (webapp/alerts/compose.py: it needs the app for templates and translations)."""

    def __init__(self, app: Flask, store: Store, transport, compose):
        self.app = app
        self.store = store
        self.transport = transport
        self.compose = compose
        self.sender_address = app.config["ALERTS_FROM"]

    def run_once(self, build: Build, now: datetime) -> RunReport:
        report = RunReport()
        config = self.app.config
        report.expired = self.store.expire(now, timedelta(hours=config["ALERTS_CONFIRM_HOURS"]), KEEP_LEDGER)
        report.uncertain += self.store.interrupted(now, STOPPED_AFTER)
        try:
            self._send_pending_mail(build, now, report)
            self._retry(build, now, report)
            self._send_digests(build, now, report)
        finally:
            self.transport.close()
        return report

    # --- confirmations and notices ------------------------------------------------------

    def _send_pending_mail(self, build: Build, now: datetime, report: RunReport) -> None:
        for subscription, kind in self.store.claim_pending_mail():
            outgoing = self.compose.about_subscription(build, subscription, kind)
            try:
                self.transport.send(build_message(outgoing, self.sender_address, now))
                report.confirmations += 1
            except (Refused, Uncertain) as error:
                # Not retried: the subscriber asks again (the page says to, if none comes).
                report.errors.append(f"{kind} e-mail not sent: {error}")

    # --- retries ----------------------------------------------------------------------------

    def _retry(self, build: Build, now: datetime, report: RunReport) -> None:
        for subscription, message_id, versions, attempts in self.store.retries_due(now):
            articles = [a for a in (_public(build, v, now) for v in versions) if a is not None]
            if not articles:
                self.store.set_delivery_state([message_id], "dead", now, error="no longer public")
                continue
            report.retried += 1
            self._record(
                {self._send(build, subscription, articles, attempts, now, report): [message_id]}, now
            )

    # --- new articles -----------------------------------------------------------------------

    def _send_digests(self, build: Build, now: datetime, report: RunReport) -> None:
        recent = recent_articles(build, now)
        # The sender's first run on a site takes what is public as already there, at its
        # own date; after it, an article is new from the run that first sees it.
        first_run = self.store.state("started") is None
        seen = self.store.record_seen({v: (a.published_at if first_run else now) for v, a in recent.items()})
        if first_run:
            self.store.set_state("started", now.isoformat())
        report.articles_seen = len(seen)
        if not seen:
            return
        newest = max(seen.values())
        words = _WordMatches(build, now, recent)
        for batch in self.store.due(now, newest):
            messages = {}  # message id -> (subscription, articles new to them, newest first)
            for subscription in batch:
                new = [
                    article
                    for version, article in recent.items()
                    if seen.get(version, now) > subscription.checked_until
                    and subscription.choice.matches(article)
                    and words.match(subscription.choice, version)
                ]
                if new:
                    new.sort(key=lambda a: a.published_at, reverse=True)
                    messages[uuid.uuid4().hex] = (subscription, new)
            self._deliver(build, messages, now, report)
            self.store.mark_checked([s.id for s in batch], now)

    def _deliver(self, build: Build, messages: dict, now: datetime, report: RunReport) -> None:
        """Send new e-mails (message id -> (subscription, articles)) in chunks: a chunk's
        ledger rows are written ("sending") before it goes to SMTP and its outcomes after,
        so a sender that crashes leaves at most one chunk "uncertain" (never sent again),
        and a run costs a few statements per chunk, not per e-mail."""
        items = list(messages.items())
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            planned = [
                {"subscription_id": subscription.id, "version": version_id(a), "message_id": message_id}
                for message_id, (subscription, articles) in chunk
                for a in articles
            ]
            written = self.store.claim_deliveries(planned, now)
            outcomes = defaultdict(list)
            for message_id, (subscription, articles) in chunk:
                # Articles another sender (or an earlier run) wrote first are theirs to send.
                articles = [a for a in articles if (subscription.id, version_id(a)) in written]
                if articles:
                    report.digests += 1
                    outcomes[self._send(build, subscription, articles, 1, now, report)].append(message_id)
            self._record(outcomes, now)

    def _send(self, build, subscription, articles, attempts, now, report) -> tuple:
        """Hand one e-mail to SMTP; return its outcome: (state, error, next attempt)."""
        outgoing = self.compose.digest(build, subscription, articles)
        try:
            self.transport.send(build_message(outgoing, self.sender_address, now))
        except Refused as error:
            if error.temporary and attempts <= len(RETRY_AFTER):
                report.refused += 1
                return ("retry", str(error)[:500], now + RETRY_AFTER[attempts - 1])
            report.dead += 1
            return ("dead", str(error)[:500], None)
        except Uncertain as error:
            report.uncertain += 1
            return ("uncertain", str(error)[:500], None)
        return ("sent", None, None)

    def _record(self, outcomes: dict, now: datetime) -> None:
        """Write what became of e-mails: outcome -> their message ids, one statement each."""
        for (state, error, later), message_ids in outcomes.items():
            self.store.set_delivery_state(message_ids, state, now, error=error, next_attempt_at=later)


def recent_articles(build: Build, now: datetime) -> dict[str, Article]:
    """Every listed article version public at `now` and published in the last LOOKBACK, by
    version id, in each of the site's languages (easy-to-read versions are not alerted)."""
    found: dict[str, Article] = {}
    for lang in languages.SITE:
        page = 1
        while True:
            query = ArticleQuery(lang=lang, sort="newest", page=page, page_size=100, now=now)
            results = build.search.list_articles(query)
            fresh = [a for a in results.articles if a.published_at > now - LOOKBACK]
            found.update((version_id(a), a) for a in fresh)
            if len(fresh) < len(results.articles) or page >= results.page_count:
                break
            page += 1
    return found


def _public(build: Build, version: str, now: datetime) -> Article | None:
    """The listed article version `version` ("<lang>:<slug>") if it is public at `now`."""
    lang, _, slug = version.partition(":")
    article = build.search.article(lang, slug, now)
    return article if article is not None and article.withdrawn is None else None


class _WordMatches:
    """Which recent articles a subscription's words find, asked of the search engine once
    per language, words and filters (many subscribers share them)."""

    def __init__(self, build: Build, now: datetime, recent: dict[str, Article]):
        self.build, self.now, self.recent = build, now, recent
        self._found: dict[Choice, set[str]] = {}

    def match(self, choice: Choice, version: str) -> bool:
        if not choice.text:
            return True
        if choice not in self._found:
            query = ArticleQuery(
                lang=choice.lang,
                text=choice.text,
                topics=choice.topics,
                partners=choice.partners,
                sort="newest",
                page_size=max(10, len(self.recent)),
                now=self.now,
            )
            results = self.build.search.list_articles(query)
            # Only articles with every word, as typed: no corrected spelling in an e-mail.
            exact = results.corrected is None and results.matched_all_words
            self._found[choice] = {version_id(a) for a in results.articles} if exact else set()
        return version in self._found[choice]
