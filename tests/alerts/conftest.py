from __future__ import annotations

import pytest

from tests.alerts.site import AlertsSite


@pytest.fixture
def site(tmp_path, alerts_database, mail_server) -> AlertsSite:
    """The alerts site on SQLite and then on PostgreSQL, with a real SMTP server."""
    site = AlertsSite(tmp_path, alerts_database, mail_server.url)
    site.inbox = mail_server.inbox
    yield site
    site.store.engine.dispose()
