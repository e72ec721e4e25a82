"""E-mail alerts: subscriptions to any list, double opt-in, delivery at most once.

A part of its own beside the reading site: the read side never imports it, and it writes
only to its own database (webapp/alerts/store.py), never to a build. `init_app` adds the
subscription pages and the `flask alerts` commands; the sender (`flask alerts run`) is a
process of its own beside the web workers.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from webapp.alerts import cli, views
from webapp.alerts.choice import FREQUENCIES, FREQUENCY_LABELS
from webapp.alerts.secret import secret
from webapp.alerts.store import Store


def init_app(app: Flask, in_language: str) -> None:
    """The subscription pages under every language prefix, and the commands."""
    if not app.config["ALERTS_DATABASE_URL"]:
        database = Path(app.config["BUILDS_DIR"]).parent / "alerts.sqlite3"
        app.config["ALERTS_DATABASE_URL"] = f"sqlite:///{database}"
    app.extensions["alerts_store"] = Store(app.config["ALERTS_DATABASE_URL"], lambda: secret(app))
    app.register_blueprint(views.bp, url_prefix=in_language)
    app.jinja_env.globals.update(FREQUENCIES=FREQUENCIES, FREQUENCY_LABELS=FREQUENCY_LABELS)
    cli.init_app(app)
