"""`flask search report`: what readers searched for and did not find, for staff who add
synonyms and best bets to content/search.yaml (docs/search.md)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from webapp import languages
from webapp.search_log import default_since, per_day, read_counts
from webapp.views.search import search_log_folder

search_group = AppGroup("search", help="Reports on what readers search for.")


@search_group.command("report")
@click.option("--days", default=30, show_default=True, help="How many days back, today included.")
@click.option("--limit", default=50, show_default=True, help="How many queries to list.")
@click.option("--lang", type=click.Choice(languages.SITE), help="Only searches in this language.")
@with_appcontext
def report_command(days: int, limit: int, lang: str | None) -> None:
    """Searches that found nothing and suggestions readers followed, per query."""
    folder = search_log_folder(current_app.config)
    since = default_since(max(1, days))
    counts = [entry for entry in read_counts(folder, since) if lang is None or entry.lang == lang]
    daily = per_day(folder, since, lang)
    click.echo(f"Searches counted in {folder} since {since.isoformat()} ({days} days).")
    if not counts:
        click.echo("No search found nothing and no suggestion was followed.")
        return
    for day, events in daily.items():
        click.echo(
            f"  {day}: {events['nothing']} found nothing, {events['corrected']} were corrected, "
            f"{events['followed']} followed a suggestion"
        )
    click.echo(
        "\nFound nothing (no results, or a correction's results shown instead). Add a synonym\n"
        "when readers use another word than the news, or a best bet for a question asked often:"
    )
    click.echo(f"{'searches':>8}  {'days':>4}  lang  query  [correction shown]")
    for entry in [entry for entry in counts if entry.found_nothing][:limit]:
        shown = ", ".join(f"{other} ×{times}" for other, times in entry.corrected.most_common(3))
        click.echo(
            f"{entry.found_nothing:>8}  {len(entry.days):>4}  {entry.lang:<4}  {entry.query}"
            + (f"  [{shown}]" if shown else "")
        )
    followed = [entry for entry in counts if entry.followed]
    if followed:
        click.echo("\nSuggestions followed (typed -> chosen). A frequent one may deserve a synonym:")
        ranked = sorted(followed, key=lambda entry: -sum(entry.followed.values()))
        for entry in ranked[:limit]:
            for other, times in entry.followed.most_common(3):
                click.echo(f"{times:>8}  {len(entry.days):>4}  {entry.lang:<4}  {entry.query} -> {other}")
