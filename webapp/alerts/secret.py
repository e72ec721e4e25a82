"""The alerts secret, which signs e-mail links and form tokens and keys the stored hashes."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask


def secret(app: Flask) -> str:
    """The alerts secret: the setting (NEWS_ALERTS_SECRET, the same on every machine), or
    for one machine a random one kept in a file beside the builds."""
    if app.config["ALERTS_SECRET"]:
        return app.config["ALERTS_SECRET"]
    # Read (or made) when first needed, not when the app starts: a web machine whose disk
    # is read-only still serves every reading page.
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
    app.config["ALERTS_SECRET"] = path.read_text(encoding="ascii").strip()
    return app.config["ALERTS_SECRET"]
