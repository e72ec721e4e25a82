"""The alerts database: every table and what each column is for.

Only what the service needs is stored (GDPR data minimisation): the address, what it asked
for, and dates. The delivery ledger names articles, not people; the rate-limit counts keep
keyed hashes (HMAC) of addresses and clients, never the values, and only for a day.
Alembic migrations (webapp/alerts/migrations/) create and change these tables; a test
checks that the migrations and this file describe the same schema.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

# The longest address SMTP allows (RFC 5321: 254 characters in a path).
MAX_ADDRESS = 254
# A subscription's filters as canonical JSON (webapp/alerts/filters.py limits them).
MAX_FILTERS = 2000


class Moment(TypeDecorator):
    """A moment in UTC. SQLite keeps no time zone and gives back a naive time: this gives
    every database's answer back as an aware UTC datetime, so times compare the same."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and dialect.name == "sqlite":
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    # Random and unguessable: the signed links in e-mails name this, never `id`.
    Column("public_id", String(32), nullable=False, unique=True),
    Column("address", String(MAX_ADDRESS), nullable=False),
    # The language the subscriber chose: of the articles, the e-mails and the pages.
    Column("lang", String(8), nullable=False),
    Column("filters", String(MAX_FILTERS), nullable=False),
    # "immediately", "daily" or "weekly" (webapp/alerts/filters.py FREQUENCIES).
    Column("frequency", String(12), nullable=False),
    Column("created_at", Moment(), nullable=False),
    # None until the subscriber follows the confirmation link (double opt-in): nothing
    # but the confirmation is ever sent before; unconfirmed rows are deleted after a while.
    Column("confirmed_at", Moment()),
    # Articles first seen after this moment are new to the subscriber; the sender moves it
    # on each time it sends them an e-mail.
    Column("checked_until", Moment()),
    # A message about the subscription the sender is to send: "confirm" (the link) or
    # "already" (asked again for what they have). None: nothing to send.
    Column("pending_mail", String(12)),
    UniqueConstraint("address", "lang", "filters", "frequency", name="one_subscription_per_choice"),
)
Index("subscriptions_due", subscriptions.c.confirmed_at, subscriptions.c.checked_until)
Index("subscriptions_pending_mail", subscriptions.c.pending_mail)

# Articles as the sender first saw them public: the moment decides which subscribers they
# are new to (an embargoed article is first seen when its embargo ends, a backdated one
# when it is published, whatever date it carries).
articles_seen = Table(
    "articles_seen",
    metadata,
    Column("version", String(300), primary_key=True),  # model.version_id: "<lang>:<slug>"
    Column("first_seen_at", Moment(), nullable=False),
)
Index("articles_seen_by_time", articles_seen.c.first_seen_at)

# The delivery ledger: one row per article per subscriber, written before the e-mail is
# handed to SMTP. The primary key makes a second e-mail about the same article to the same
# subscriber impossible, even after a crash or with two senders at once (at most once).
deliveries = Table(
    "deliveries",
    metadata,
    Column("subscription_id", Integer, ForeignKey("subscriptions.id", ondelete="CASCADE"), primary_key=True),
    Column("version", String(300), primary_key=True),
    # The e-mail it went in: every row of one e-mail has the same message id.
    Column("message_id", String(64), nullable=False),
    # "sending" (handed to SMTP now), "sent", "retry" (SMTP refused it for now),
    # "dead" (given up: the dead-letter record) or "uncertain" (the sender stopped while
    # sending: it may have gone out, so it is never sent again).
    Column("state", String(12), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Moment()),
    Column("error", String(500)),
    Column("created_at", Moment(), nullable=False),
    Column("sent_at", Moment()),
)
Index("deliveries_by_state", deliveries.c.state, deliveries.c.next_attempt_at)
Index("deliveries_by_message", deliveries.c.message_id)

# Recent subscription requests, for rate limits shared by every web machine.
requests = Table(
    "requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(8), nullable=False),  # "address" or "client"
    Column("key", String(64), nullable=False),  # HMAC-SHA256 of the address or client, hex
    Column("at", Moment(), nullable=False),
)
Index("requests_by_key", requests.c.kind, requests.c.key, requests.c.at)

# Small facts the sender keeps between runs ("scanned": which build and moment it last
# looked for new articles in).
sender_state = Table(
    "sender_state",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", String(200), nullable=False),
)
