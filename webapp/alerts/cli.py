"""`flask alerts ...`: the database schema, the sender, and staff's data-protection tasks."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from webapp.live import LiveBuild
from webapp.search import SearchError

alerts_cli = AppGroup("alerts", help="E-mail alerts: the database, the sender, subscribers' data.")


def _store():
    return current_app.extensions["alerts_store"]


@alerts_cli.command("migrate")
def migrate_command():
    """Create or update the alerts database (ALERTS_DATABASE_URL) to the newest schema."""
    _store().migrate()
    click.echo(
        f"The alerts database is up to date ({_store().engine.url.render_as_string(hide_password=True)})."
    )


def make_sender(app: Flask):
    """The sender the settings describe (SMTP URL or the Maildir folder)."""
    from webapp.alerts.compose import Composer
    from webapp.alerts.mail import transport
    from webapp.alerts.sender import Sender

    config = app.config
    mail = transport(config["ALERTS_SMTP_URL"], config["ALERTS_MAILDIR"])
    return Sender(app, app.extensions["alerts_store"], mail, Composer(app))


@alerts_cli.command("run")
@click.option("--once", is_flag=True, help="One run, then stop (for cron or a systemd timer).")
@click.option("--every", default=15.0, show_default=True, help="Seconds between runs.")
def run_command(once: bool, every: float):
    """Send what is due: confirmations, retries and new articles, again and again."""
    app = current_app._get_current_object()
    live = LiveBuild(app.config["BUILDS_DIR"])
    sender = make_sender(app)
    while True:
        try:
            report = sender.run_once(live.get(), app.config["NOW"] or datetime.now(UTC))
            click.echo(_summary(report), err=True)
        except SearchError as error:
            click.echo(f"alerts: no build to read yet ({error})", err=True)
        if once:
            return
        time.sleep(every)


def _summary(report) -> str:
    parts = [
        f"{name.replace('_', ' ')} {value}"
        for name, value in vars(report).items()
        if value and name != "errors"
    ]
    return "alerts: " + (", ".join(parts) or "nothing to do") + "".join(f"\n  {e}" for e in report.errors)


@alerts_cli.command("status")
def status_command():
    """How many subscribers there are, and the e-mails given up on (the dead letters)."""
    for name, count in _store().counts().items():
        click.echo(f"{name}: {count}")
    letters = _store().dead_letters()
    if letters:
        click.echo("\nE-mails not delivered (newest first):")
    for letter in letters:
        click.echo(
            f"  {letter['created_at']:%Y-%m-%d %H:%M} {letter['state']}: {letter['articles']} article(s) "
            f"to subscription {letter['public_id']}: {letter['error']}"
        )


@alerts_cli.command("export")
@click.argument("address")
def export_command(address: str):
    """Everything stored about ADDRESS, as JSON (a subject access request, GDPR art. 15)."""
    click.echo(json.dumps(_store().export(address), ensure_ascii=False, indent=2))


@alerts_cli.command("delete")
@click.argument("address")
def delete_command(address: str):
    """Delete ADDRESS and all its subscriptions (GDPR art. 17)."""
    count = _store().delete_address(address)
    click.echo(f"Deleted {count} subscription(s) of {address}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(alerts_cli)
