"""A sender killed after SMTP took an e-mail and before it wrote that down: the next run
must not send it again (at most once). The sender is the real command in a process of its
own; the SMTP server kills it the moment the message arrives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.alerts.site import SECRET, AlertsSite, text_of

pytestmark = pytest.mark.slow


def start_sender(site: AlertsSite, smtp_url: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "NEWS_BUILDS_DIR": str(site.builds),
        "NEWS_CACHE_DIR": str(site.builds.parent / "article-cache"),
        "NEWS_ALERTS_DATABASE_URL": site.store.url,
        "NEWS_ALERTS_SECRET": SECRET,
        "NEWS_ALERTS_SMTP_URL": smtp_url,
    }
    command = [sys.executable, "-m", "flask", "--app", "webapp", "alerts", "run", "--once"]
    return subprocess.Popen(command, env=environment, stderr=subprocess.PIPE, text=True)


def test_a_sender_killed_right_after_sending_never_sends_it_again(tmp_path, alerts_database, mail_server):
    # The sender process reads the real clock: the site's clock is set to it.
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    site = AlertsSite(tmp_path, alerts_database, mail_server.url, NOW=started)
    inbox = mail_server.inbox
    site.subscribe("/sv/topics/vatten", "anna@example.se")
    site.send()
    site.confirm(inbox.messages[-1])
    local = (started + timedelta(minutes=1)).astimezone(ZoneInfo("Europe/Stockholm"))
    site.news("ny", "Nyheten som kom under kraschen", local.strftime("%Y-%m-%d %H:%M"))
    site.rebuild()

    running = []

    def kill_the_sender(message):
        if "/alerts/unsubscribe/" in text_of(message):
            os.kill(running[-1].pid, signal.SIGKILL)

    inbox.on_message = kill_the_sender
    running.append(start_sender(site, mail_server.url))
    _out, errors = running[-1].communicate(timeout=120)
    assert running[-1].returncode == -signal.SIGKILL, errors
    inbox.on_message = None
    running.append(start_sender(site, mail_server.url))
    _out, errors = running[-1].communicate(timeout=120)
    assert running[-1].returncode == 0, errors
    about_it = [m for m in inbox.messages if m["Subject"] == "Nyheten som kom under kraschen"]
    assert len(about_it) == 1, "sent again after the crash"
    # Later, the row the killed sender left is "uncertain", which staff can see.
    site.at(datetime.now(UTC) + timedelta(minutes=11))
    site.send()
    assert site.store.counts().get("deliveries uncertain") == 1
    site.store.engine.dispose()
