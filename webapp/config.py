"""Settings with defaults. Environment variables override them; nothing else reads os.environ."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def content_dir() -> Path:
    """The communicators' folder the environment names (NEWS_CONTENT_DIR), else content/:
    webapp/languages.py reads the site's languages from its site.yaml when a process starts."""
    return Path(os.environ.get("NEWS_CONTENT_DIR") or PROJECT_ROOT / "content").absolute()


class Config:
    """Defaults for every setting the app reads."""

    # Where communicators' files live and where builds are written.
    CONTENT_DIR = PROJECT_ROOT / "content"
    BUILDS_DIR = PROJECT_ROOT / "var" / "builds"
    # Parsed articles kept between builds, so a rebuild reads only changed files.
    CACHE_DIR = PROJECT_ROOT / "var" / "cache" / "articles"
    # How many old builds to keep beside the live one (workers may still read them).
    BUILDS_KEPT = 3
    TRANSLATIONS_DIR = PROJECT_ROOT / "translations"
    STATIC_DIR = PROJECT_ROOT / "static"
    # Articles per page in lists.
    PAGE_SIZE = 10
    # Send Strict-Transport-Security; only where the site is served over HTTPS.
    HSTS = False
    # Signs preview links of drafts and scheduled articles (no secret: no preview links).
    PREVIEW_SECRET = None
    # How long a preview link works.
    PREVIEW_DAYS = 7
    # The moment pages are read at (a datetime, for tests); None: the present.
    NOW = None
    # Where searches that found nothing and followed suggestions are counted (one file per
    # worker and day: webapp/search_log.py); None: search-log/ beside BUILDS_DIR.
    SEARCH_LOG_DIR = None
    # How many proxies in front of the app set X-Forwarded-For (the shipped nginx: 1); the
    # address they name is the client's, for the subscription form's rate limit.
    PROXIES = 0
    # E-mail alerts (webapp/alerts/). The database: a SQLAlchemy URL, for several machines
    # postgresql+psycopg://user:password@host/name; None: a SQLite file beside BUILDS_DIR.
    ALERTS_DATABASE_URL = None
    # Signs the links in alert e-mails and the form token: the same on every machine.
    # None: a random one kept in a file beside BUILDS_DIR (one machine).
    ALERTS_SECRET = None
    # smtp://[user:password@]host[:port][?starttls=1] or smtps://...; None: the e-mails are
    # written to ALERTS_MAILDIR instead (the demo).
    ALERTS_SMTP_URL = None
    ALERTS_MAILDIR = PROJECT_ROOT / "var" / "mail"
    ALERTS_FROM = "Nyheter <nyheter@localhost>"
    # Hours a confirmation link works; an unconfirmed request is deleted after them.
    ALERTS_CONFIRM_HOURS = 48
    # Subscription requests allowed per address a day and per client an hour.
    ALERTS_PER_ADDRESS_A_DAY = 5
    ALERTS_PER_CLIENT_AN_HOUR = 30


def from_environment(overrides: dict | None = None) -> dict:
    """Return the settings: defaults, then NEWS_* environment variables, then `overrides`."""
    settings = {key: getattr(Config, key) for key in dir(Config) if key.isupper()}
    for key in ("CONTENT_DIR", "BUILDS_DIR", "CACHE_DIR"):
        if f"NEWS_{key}" in os.environ:
            settings[key] = Path(os.environ[f"NEWS_{key}"])
    if os.environ.get("NEWS_HSTS") == "1":
        settings["HSTS"] = True
    if os.environ.get("NEWS_PREVIEW_SECRET"):
        settings["PREVIEW_SECRET"] = os.environ["NEWS_PREVIEW_SECRET"]
    if "NEWS_PREVIEW_DAYS" in os.environ:
        settings["PREVIEW_DAYS"] = int(os.environ["NEWS_PREVIEW_DAYS"])
    if os.environ.get("NEWS_SEARCH_LOG_DIR"):
        settings["SEARCH_LOG_DIR"] = Path(os.environ["NEWS_SEARCH_LOG_DIR"]).absolute()
    if "NEWS_PAGE_SIZE" in os.environ:
        settings["PAGE_SIZE"] = int(os.environ["NEWS_PAGE_SIZE"])
    for key in ("ALERTS_DATABASE_URL", "ALERTS_SECRET", "ALERTS_SMTP_URL", "ALERTS_FROM"):
        if os.environ.get(f"NEWS_{key}"):
            settings[key] = os.environ[f"NEWS_{key}"]
    for key in ("PROXIES", "ALERTS_CONFIRM_HOURS", "ALERTS_PER_ADDRESS_A_DAY", "ALERTS_PER_CLIENT_AN_HOUR"):
        if os.environ.get(f"NEWS_{key}"):
            settings[key] = int(os.environ[f"NEWS_{key}"])
    if os.environ.get("NEWS_ALERTS_MAILDIR"):
        settings["ALERTS_MAILDIR"] = Path(os.environ["NEWS_ALERTS_MAILDIR"]).absolute()
    settings.update(overrides or {})
    for key in ("CONTENT_DIR", "BUILDS_DIR", "CACHE_DIR"):
        # Relative to where the command runs, as a shell user means it (Flask would
        # otherwise send media from a relative folder inside the package: not found).
        settings[key] = Path(settings[key]).absolute()
    return settings
