"""E-mail out: building one message (plain text plus accessible HTML) and handing it over.

Two transports: SMTP (production, and the tests' real server) and a Maildir folder, so
`make run` needs no mail server (the demo's e-mails are files in var/mail/ to read). Each
transport says what became of a message in the terms the ledger needs: sent, refused for
now (`Refused(temporary=True)`: retried), refused for good, or `Uncertain` (the connection
broke while the message was being handed over: it may have gone, so it is not sent again).
"""

from __future__ import annotations

import mailbox
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

SMTP_TIMEOUT = 30  # seconds for each exchange with the server


@dataclass(frozen=True)
class Outgoing:
    """One e-mail to one subscriber."""

    to: str
    subject: str
    text: str
    html: str
    # RFC 8058 one-click unsubscribing: the address a mail program POSTs to.
    unsubscribe_url: str | None = None


class Refused(Exception):
    """The server did not take the message; `temporary` ones are tried again later."""

    def __init__(self, reason: str, temporary: bool):
        super().__init__(reason)
        self.temporary = temporary


class Uncertain(Exception):
    """The message may or may not have been taken: it is not sent again."""


def build_message(outgoing: Outgoing, sender: str, now: datetime) -> Message:
    """The MIME message: text/plain first, text/html as the alternative, list headers.

    For an ASCII address, the standard library's older MIME classes (policy compat32):
    they build a message in a quarter of the time of EmailMessage, whose parsing of every
    header is most of the cost of telling 100,000 subscribers (bench/alerts_fanout.py).
    An address with other characters (åsa@exempel.se) needs EmailMessage, which sends it
    as SMTPUTF8.
    """
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    headers = {
        "From": sender,
        "To": outgoing.to,
        # One line: a subject is an article's title, and a title may hold line breaks.
        "Subject": " ".join(outgoing.subject.split()),
        "Date": format_datetime(now),
        "Message-ID": make_msgid(domain=domain),
        "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation replies, please
    }
    if outgoing.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{outgoing.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if not outgoing.to.isascii():
        message = EmailMessage()
        for name, value in headers.items():
            message[name] = value
        message.set_content(outgoing.text)
        message.add_alternative(outgoing.html, subtype="html")
        return message
    name, address = parseaddr(sender)
    headers["From"] = formataddr((name, address), charset="utf-8")
    headers["Subject"] = Header(headers["Subject"], "utf-8")  # encoded words, folded as RFC 2047 says
    # Long headers (the unsubscribe link) on one line, as mail programs read them best.
    message = MIMEMultipart("alternative", policy=compat32.clone(max_line_length=998))
    for name, value in headers.items():
        message[name] = value
    message.attach(MIMEText(outgoing.text, "plain", "utf-8"))
    message.attach(MIMEText(outgoing.html, "html", "utf-8"))
    return message


class SmtpTransport:
    """An SMTP server from a URL: smtp://[user:password@]host[:port][?starttls=1] or
    smtps://... One connection is kept for a run and opened again after a failure."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"not an SMTP URL: {url!r} (smtp://host:port or smtps://host:port)")
        self.secure = parts.scheme == "smtps"
        self.host, self.port = parts.hostname, parts.port or (465 if self.secure else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.starttls = parse_qs(parts.query).get("starttls") == ["1"]
        self._server: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._server is None:
            try:
                if self.secure:
                    server = smtplib.SMTP_SSL(
                        self.host, self.port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context()
                    )
                else:
                    server = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
                    if self.starttls:
                        server.starttls(context=ssl.create_default_context())
                if self.user:
                    server.login(self.user, self.password or "")
            except (OSError, smtplib.SMTPException) as error:
                raise Refused(
                    f"cannot reach the mail server {self.host}:{self.port}: {error}", True
                ) from error
            self._server = server
        return self._server

    def send(self, message: Message) -> None:
        server = self._connect()
        try:
            server.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise Refused(f"{code} {reply!r}", temporary=400 <= code < 500) from error
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            self._reset()
            raise Refused(
                f"{error.smtp_code} {error.smtp_error!r}", temporary=400 <= error.smtp_code < 500
            ) from error
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self._drop()
            raise Uncertain(f"the connection to the mail server broke: {error}") from error

    def _reset(self) -> None:
        try:
            self._server.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()

    def _drop(self) -> None:
        server, self._server = self._server, None
        try:
            server.close()
        except OSError:
            pass

    def close(self) -> None:
        if self._server is not None:
            try:
                self._server.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._server = None


class MaildirTransport:
    """Messages written to a Maildir folder instead of sent: the demo's `make run`."""

    def __init__(self, path: Path):
        self.folder = mailbox.Maildir(path, create=True)

    def send(self, message: Message) -> None:
        self.folder.add(message)

    def close(self) -> None:
        pass


def transport(smtp_url: str | None, maildir: Path):
    """The transport the settings name: SMTP when a URL is set, else the Maildir folder."""
    return SmtpTransport(smtp_url) if smtp_url else MaildirTransport(maildir)
