"""An article's life as communicators write it (docs/content.md): drafts, scheduled news,
withdrawal, historic news, and site-wide alerts with their times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import LABEL
from webapp.content import ContentError, load_content
from webapp.content.cache import full_article
from webapp.content.loader import LEFT_OUT


def messages(content) -> list[str]:
    return [str(problem) for problem in content.problems]


def test_an_article_is_public_news_unless_it_says_otherwise(content_tree):
    content_tree.article("nyhet")
    [article] = content_tree.load().articles
    assert (article.draft, article.withdrawn, article.historic) == (False, None, False)


def test_draft_and_historic_are_true_or_false(content_tree):
    content_tree.article("utkast", draft="true", historic="false")
    content_tree.article("gammal", draft="false", historic="true")
    articles = {a.key: a for a in content_tree.load().articles}
    assert (articles["utkast"].draft, articles["utkast"].historic) == (True, False)
    assert (articles["gammal"].draft, articles["gammal"].historic) == (False, True)


@pytest.mark.parametrize("value", ["yes", "ja", "1", "[true]", "{}"])
def test_a_draft_flag_that_is_not_true_or_false_is_a_problem(content_tree, value):
    content_tree.article("utkast", draft=value)
    content = content_tree.load()
    assert content.articles == [] and "utkast.sv.md: draft: must be true or false" in messages(content)[0]


def test_a_draft_is_validated_like_any_article(content_tree):
    # A draft must be publishable when `draft: true` is removed; its problems are listed.
    content_tree.article("utkast", draft="true", topics="[okant]")
    content = content_tree.load()
    assert content.articles == []
    assert messages(content) == [
        f"content/articles/utkast.sv.md: topics: unknown topic 'okant' (known: klimat). {LEFT_OUT}"
    ]


def test_a_withdrawn_article_has_its_time_in_utc_and_reason(content_tree):
    content_tree.article("fel", withdrawn="{date: 2024-06-01 10:00, reason: Siffrorna var fel.}")
    [article] = content_tree.load().articles
    assert article.withdrawn.withdrawn_at == datetime(2024, 6, 1, 8, 0, tzinfo=UTC)  # CEST
    assert article.withdrawn.reason == "Siffrorna var fel."


@pytest.mark.parametrize(
    ("withdrawn", "problem"),
    [
        ("{date: 2024-06-01 10:00}", "withdrawn.reason: is missing; it is required"),
        ("{reason: Fel.}", "withdrawn.date: is missing; write it as YYYY-MM-DD HH:MM"),
        ("{date: 2024-06-01, reason: Fel.}", "withdrawn.date: write the time too, like 2024-06-01 09:30"),
        ("{date: 2024-05-01 10:00, reason: Fel.}", "withdrawn.date: is before 'published'"),
        ("{date: 2024-06-01 10:00, reason: Fel., av: Anna}", "withdrawn.av: unknown field"),
        ("true", "withdrawn: must be fields on lines of their own (such as date, reason)"),
    ],
)
def test_a_withdrawal_needs_a_date_after_publication_and_a_reason(content_tree, withdrawn, problem):
    content_tree.article("fel", withdrawn=withdrawn)
    content = content_tree.load()
    assert content.articles == [] and problem in messages(content)[0]


AHEAD = "is in the future, but only 'published' can be scheduled"


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"updated": "2099-01-01 08:00"}, f"updated: {AHEAD}: a change goes out when the file is saved"),
        (
            {"changes": "[{date: 2099-01-01 08:00, note: Ny siffra.}]"},
            f"changes[1].date: {AHEAD}: a change goes out",
        ),
        (
            {"withdrawn": "{date: 2099-01-01 08:00, reason: Fel.}"},
            f"withdrawn.date: {AHEAD}: a withdrawal goes out",
        ),
    ],
)
def test_a_change_dated_ahead_is_refused_and_the_published_version_stays(content_tree, fields, problem):
    """Only publication can be scheduled. A change dated ahead (an embargoed update, say)
    must not go out early: the last good version stays until the date is put right."""
    cache = content_tree.root.parent / "cache"
    content_tree.article("nyhet", body="Siffran är 10.")
    load_content(content_tree.root, LABEL, cache_dir=cache)
    content_tree.article("nyhet", body="Siffran är 12, under embargo.", **fields)
    content = load_content(content_tree.root, LABEL, cache_dir=cache)
    [message] = messages(content)
    assert message.startswith(f"content/articles/nyhet.sv.md: {problem}"), message
    [article] = content.articles
    assert "12" not in full_article(article).body_html


def test_a_change_made_a_moment_ago_by_a_fast_clock_is_accepted(content_tree):
    soon = (datetime.now(UTC) + timedelta(minutes=5)).astimezone(ZoneInfo("Europe/Stockholm"))
    content_tree.article("nyhet", updated=soon.strftime("%Y-%m-%d %H:%M"))
    content = content_tree.load()
    assert content.problems == () and len(content.articles) == 1


def test_a_scheduled_article_is_loaded_with_its_future_time(content_tree):
    # It appears by itself at that minute: the read side compares published_at with now.
    content_tree.article("snart", published="2099-01-01 08:00")
    [article] = content_tree.load().articles
    assert article.published_at == datetime(2099, 1, 1, 7, 0, tzinfo=UTC)


def site_with(content_tree, lines: str) -> None:
    site = (content_tree.root / "site.yaml").read_text()
    content_tree.write("site.yaml", site + lines)


def test_the_site_may_mark_news_older_than_some_years_historic(content_tree):
    assert content_tree.load().site.historic_after_years is None  # never, unless it says so
    site_with(content_tree, "historic_after_years: 5\n")
    assert content_tree.load().site.historic_after_years == 5


@pytest.mark.parametrize("value", ["0", "-1", "2.5", "fem", "[5]", "1000000"])
def test_historic_after_years_must_be_a_positive_whole_number(content_tree, value):
    site_with(content_tree, f"historic_after_years: {value}\n")
    with pytest.raises(ContentError, match="site.yaml: historic_after_years: must be a whole number"):
        content_tree.load()


ALERT = """
severity: danger
title: {sv: Eldningsförbud, en: Fire ban}
text: {sv: Det är förbjudet att elda i hela länet., en: Lighting fires is forbidden in the whole county.}
link: https://www.krisinformation.se/
link_text: {sv: Mer på Krisinformation, en: More on Krisinformation}
from: 2024-07-01 08:00
until: 2024-07-15 20:00
"""


def test_an_alert_is_loaded_with_its_texts_link_and_times_in_utc(content_tree):
    content_tree.write("alerts/eldningsforbud.yaml", ALERT)
    [alert] = content_tree.load().alerts
    assert (alert.id, alert.severity, alert.title["en"]) == ("eldningsforbud", "danger", "Fire ban")
    assert alert.link_text == {"sv": "Mer på Krisinformation", "en": "More on Krisinformation"}
    assert alert.starts_at == datetime(2024, 7, 1, 6, 0, tzinfo=UTC)
    assert alert.ends_at == datetime(2024, 7, 15, 18, 0, tzinfo=UTC)


def test_alerts_are_sorted_by_severity_then_id(content_tree):
    for name, severity in [("b", "info"), ("a", "info"), ("c", "warning"), ("d", "danger")]:
        content_tree.write(
            f"alerts/{name}.yaml", f"severity: {severity}\ntitle: {{sv: T, en: T}}\ntext: {{sv: T, en: T}}"
        )
    assert [(a.severity, a.id) for a in content_tree.load().alerts] == [
        ("danger", "d"),
        ("warning", "c"),
        ("info", "a"),
        ("info", "b"),
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("severity: danger", "severity: red"), "severity: must be one of danger, warning, info, not 'red'"),
        (("severity: danger", ""), "severity: is missing; it is required"),
        (
            ("en: Fire ban", "de: Feuerverbot"),
            "title.de: unknown field; the fields here are ar, en, fi, se, sv",
        ),
        (("until: 2024-07-15 20:00", "until: 2024-06-15 20:00"), "until: must be after 'from'"),
        (("from: 2024-07-01 08:00", "from: 2024-07-01"), "from: write the time too, like 2024-07-01 09:30"),
        (
            ("link_text: {sv: Mer på Krisinformation, en: More on Krisinformation}", ""),
            "link_text: needs one text",
        ),
        (("link: https://www.krisinformation.se/", ""), "link_text: is given, but 'link' is missing"),
        (("\ntext:", "\ntexten:"), "texten: unknown field; did you mean 'text'?"),
    ],
)
def test_an_alert_with_a_problem_is_left_out_and_named(content_tree, change, problem):
    content_tree.write("alerts/brand.yaml", ALERT.replace(*change))
    content_tree.article("nyhet")
    content = content_tree.load()
    assert content.alerts == () and len(content.articles) == 1
    assert f"content/alerts/brand.yaml: {problem}" in messages(content)[0]


def test_an_alert_file_name_is_its_id(content_tree):
    content_tree.write("alerts/Brand Nu.yaml", ALERT)
    content = content_tree.load()
    assert content.alerts == () and "the file name must be <alert-id>.yaml" in messages(content)[0]
