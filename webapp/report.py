"""The publishing report staff read (`flask content status`; after each build the watcher
prints its problems, and the rest when it changed: `WatchedReport`): what is
scheduled and when, drafts and scheduled versions with their preview links, withdrawn
news, alerts, and every file with a problem. Plain text, in English like the other
messages for staff, with times in the site's time zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from webapp import languages
from webapp.content import Content
from webapp.content.cache import full_article
from webapp.content.model import Problem
from webapp.preview import PreviewError, make_token


def publishing_report(content: Content, now: datetime, secret: str | None, preview_days: int) -> list[str]:
    """The report's lines."""
    local = _local_time(content)
    scheduled, drafts = _scheduled_and_drafts(content, now)
    lines = [f"Publishing report at {local(now)} ({content.site.timezone})", ""]
    lines += _section(
        "Scheduled: public by themselves at their time",
        (f"{local(a.published_at)}  {a.source}  {a.title}" for a in scheduled),
    )
    if scheduled:  # staff check an embargoed press release before its time
        lines = lines[:-1] + _preview_links(content, scheduled, secret, preview_days)
    lines += _section("Drafts: not public", (f"{a.source}  {a.title}" for a in drafts))
    if drafts:
        lines = lines[:-1] + _preview_links(content, drafts, secret, preview_days)
    withdrawn = [a for a in map(_withdrawn, content.articles) if a is not None]
    lines += _section(
        "Withdrawn: still online with a notice, not listed",
        (
            f"{local(a.withdrawn.withdrawn_at)}  {a.source}  {a.title}: {a.withdrawn.reason}"
            for a in withdrawn
        ),
    )
    lines += _section("Alerts", (_alert_line(alert, now, local) for alert in content.alerts))
    lines += problems_section(content.problems) or ["Problems: none; every file is published as written.", ""]
    lines += advice_section(content.advice)
    return lines


class WatchedReport:
    """What the watcher prints after a build when it changed: the scheduled versions and
    the drafts with their preview links, and withdrawn news. Kept between builds, so that
    only articles that changed are read whole to learn whether they are withdrawn (the
    first build reads them all once)."""

    def __init__(self, secret: str | None, preview_days: int, withdrawn: bool = True):
        """`withdrawn=False`: leave withdrawn news out (a one-off build: reading every
        article once more would add seconds at 100,000 articles; `content status` has it)."""
        self.secret, self.preview_days, self.with_withdrawn = secret, preview_days, withdrawn
        self._withdrawn: dict[str, str | None] = {}  # fingerprint -> its line, if withdrawn
        self._printed: tuple | None = None

    def lines(self, content: Content, now: datetime) -> list[str] | None:
        """The lines to print, or None when nothing of it changed since the last call."""
        local = _local_time(content)
        scheduled, drafts = _scheduled_and_drafts(content, now)
        withdrawn = self._withdrawn_lines(content, local) if self.with_withdrawn else []
        sections = (
            _section(
                "Scheduled: public by themselves at their time",
                (f"{local(a.published_at)}  {a.source}  {a.title}" for a in scheduled),
            ),
            _section("Drafts: not public", (f"{a.source}  {a.title}" for a in drafts)),
            _section("Withdrawn: still online with a notice, not listed", withdrawn)
            if self.with_withdrawn
            else ["Withdrawn: see flask --app webapp content status", ""],
        )
        if sections == self._printed:
            return None
        self._printed = sections
        if not scheduled and not drafts and not withdrawn and self.with_withdrawn:
            return ["Scheduled: none. Drafts: none. Withdrawn: none."]

        def with_links(section: list[str], articles: list) -> list[str]:
            if not articles:
                return section
            return section[:-1] + _preview_links(content, articles, self.secret, self.preview_days)

        return with_links(sections[0], scheduled) + with_links(sections[1], drafts) + sections[2]

    def _withdrawn_lines(self, content: Content, local) -> list[str]:
        known, found = self._withdrawn, {}
        for article in content.articles:
            fingerprint = article.fingerprint
            if fingerprint not in known:
                whole = _withdrawn(article)
                known[fingerprint] = (
                    f"{local(whole.withdrawn.withdrawn_at)}  {whole.source}  {whole.title}: "
                    f"{whole.withdrawn.reason}"
                    if whole
                    else None
                )
            found[fingerprint] = known[fingerprint]
        self._withdrawn = found  # articles gone or changed are forgotten
        return sorted(line for line in found.values() if line)


def _local_time(content: Content):
    zone = ZoneInfo(content.site.timezone)

    def local(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    return local


def _scheduled_and_drafts(content: Content, now: datetime) -> tuple[list, list]:
    """The versions still to be published, in order, and the drafts, read whole (the few
    there are; a summary has no title)."""
    scheduled = sorted(
        (a for a in content.articles if not a.draft and a.published_at > now), key=lambda a: a.published_at
    )
    drafts = [a for a in content.articles if a.draft]
    return [full_article(a, keep=False) for a in scheduled], [full_article(a, keep=False) for a in drafts]


def _withdrawn(article):
    whole = full_article(article, keep=False)
    return whole if whole.withdrawn else None


def _preview_links(content: Content, drafts: list, secret: str | None, days: int) -> list[str]:
    lines = []
    for article in drafts:
        try:
            token = make_token(secret, article)
        except PreviewError as error:
            return [f"  (no preview links: {error})", ""]
        lines.append(
            f"  preview {article.key}.{article.lang}: {content.site.base_url}/{article.lang}/preview/{token}"
        )
    return [*lines, f"  (each link works for {days} days and only for the version built now)", ""]


def _alert_line(alert, now: datetime, local) -> str:
    if alert.ends_at and alert.ends_at <= now:
        state = f"ended {local(alert.ends_at)}"
    elif alert.starts_at and alert.starts_at > now:
        state = f"starts {local(alert.starts_at)}"
    else:
        state = "shown now" + (f", until {local(alert.ends_at)}" if alert.ends_at else "")
    title = alert.title.get(languages.DEFAULT) or next(iter(alert.title.values()), "")
    return f"{alert.severity:<8} {alert.id}: {title} ({state})"


def problems_section(problems: Iterable[Problem]) -> list[str]:
    """Problems grouped by file, or no lines when there are none."""
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.path, []).append(problem)
    if not by_file:
        return []
    lines = [
        f"Problems in {len(by_file)} file(s): fix them and save; until then each is left out, "
        "or its last good version stays"
    ]
    for path, found in sorted(by_file.items()):
        lines.append(f"  {path}")
        lines += [f"    - {p.field + ': ' if p.field else ''}{p.message}" for p in found]
    return [*lines, ""]


def advice_section(advice: Iterable[Problem]) -> list[str]:
    """Advice on published files (lättläst), or no lines when there is none."""
    advice = list(advice)
    if not advice:
        return []
    lines = [f"Advice on {len({a.path for a in advice})} file(s), published as they are:"]
    lines += [f"  {a.path}: {a.field + ': ' if a.field else ''}{a.message}" for a in advice]
    return [*lines, ""]


def _section(title: str, items: Iterable[str]) -> list[str]:
    items = list(items)
    return [f"{title}: {len(items) or 'none'}", *(f"  {item}" for item in items), ""]
