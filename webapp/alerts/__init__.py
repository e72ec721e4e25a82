"""E-mail alerts: subscriptions to any list, double opt-in, delivery at most once.

A part of its own beside the reading site: the read side never imports it, and it writes
only to its own database (webapp/alerts/store.py), never to a build. `init_app` adds the
subscription pages and the `flask alerts` commands; the sender (`flask alerts run`) is a
process of its own beside the web workers.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from webapp.alerts import cli, views
from webapp.alerts.choice import FREQUENCIES, FREQUENCY_LABELS
from webapp.alerts.store import Store


def _secret(app: Flask) -> str:
    """The alerts secret: the setting (NEWS_ALERTS_SECRET, the same on every machine), or
    for one machine a random one kept in a file beside the builds."""
    if app.config["ALERTS_SECRET"]:
        return app.config["ALERTS_SECRET"]
    path = Path(app.config["BUILDS_DIR"]).parent / "alerts-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".alerts-secret-{secrets.token_hex(8)}")
        draft.write_text(secrets.token_urlsafe(32), encoding="ascii")
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # whole or not at all; of two workers, the first one's
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="ascii").strip()


def init_app(app: Flask, in_language: str) -> None:
    """The subscription pages under every language prefix, and the commands."""
    app.config["ALERTS_SECRET"] = _secret(app)
    if not app.config["ALERTS_DATABASE_URL"]:
        database = Path(app.config["BUILDS_DIR"]).parent / "alerts.sqlite3"
        app.config["ALERTS_DATABASE_URL"] = f"sqlite:///{database}"
    app.extensions["alerts_store"] = Store(app.config["ALERTS_DATABASE_URL"], app.config["ALERTS_SECRET"])
    app.register_blueprint(views.bp, url_prefix=in_language)
    app.jinja_env.globals.update(FREQUENCIES=FREQUENCIES, FREQUENCY_LABELS=FREQUENCY_LABELS)
    cli.init_app(app)
