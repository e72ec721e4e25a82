"""The alerts database: subscriptions, the delivery ledger and the rate-limit counts.

One `Store` per process, made from a URL: SQLite (the embedded default, one file) or
PostgreSQL (for several machines). Every web machine and the sender share it, so the web
tier still keeps no state of its own. SQL lives here; the pages and the sender call these
methods. Times are aware UTC datetimes (schema.Moment).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, and_, create_engine, delete, event, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from webapp.alerts.choice import FREQUENCIES, Choice
from webapp.alerts.schema import articles_seen, deliveries, requests, sender_state, subscriptions

MIGRATIONS = Path(__file__).parent / "migrations"


class RateLimited(Exception):
    """Too many subscription requests: `kind` is "address" or "client"."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class Limits:
    """How many subscription requests are allowed: per address a day, per client an hour."""

    per_address_a_day: int = 5
    per_client_an_hour: int = 30


@dataclass(frozen=True)
class Subscription:
    id: int
    public_id: str
    address: str
    choice: Choice
    frequency: str
    created_at: datetime
    confirmed_at: datetime | None
    checked_until: datetime | None
    pending_mail: str | None

    @classmethod
    def from_row(cls, row) -> Subscription:
        return cls(
            id=row.id,
            public_id=row.public_id,
            address=row.address,
            choice=Choice.from_json(row.lang, row.filters),
            frequency=row.frequency,
            created_at=row.created_at,
            confirmed_at=row.confirmed_at,
            checked_until=row.checked_until,
            pending_mail=row.pending_mail,
        )


def _engine(url: str) -> Engine:
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def sqlite_settings(connection, _record):
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")  # off by default: unsubscribing cascades
            cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the sender
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

    return engine


def _insert(engine: Engine):
    """The dialect's INSERT, which can skip rows that are there already."""
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


class Store:
    """The alerts database at `url`, with `secret()` keying the hashes it keeps."""

    def __init__(self, url: str, secret: Callable[[], str]):
        self.url = url
        self.engine = _engine(url)
        self._secret = secret  # asked for when first needed

    # --- schema ---------------------------------------------------------------------------

    def migrate(self) -> None:
        """Bring the schema to the newest migration (Alembic); safe to run again."""
        if self.url.startswith("sqlite:///"):  # SQLite makes the file, not its folder
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    # --- subscribing ----------------------------------------------------------------------

    def keyed_hash(self, kind: str, value: str) -> str:
        return hmac.new(self._secret().encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def request(
        self, address: str, choice: Choice, frequency: str, client: str, now: datetime, limits: Limits
    ) -> None:
        """Ask for a subscription: queue its confirmation e-mail, or, when the address has it
        already, an e-mail saying so. The caller answers the same either way, so the page
        never tells whether an address is subscribed. Raises RateLimited."""
        if frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency {frequency!r}")
        try:
            self._request(address, choice, frequency, client, now, limits)
        except IntegrityError:
            # The same request twice at the same moment (a double click on two machines):
            # the other one inserted it first, so this one is the "asked again" case.
            self._request(address, choice, frequency, client, now, limits)

    def _request(
        self, address: str, choice: Choice, frequency: str, client: str, now: datetime, limits: Limits
    ) -> None:
        address_key, client_key = (
            self.keyed_hash("address", address.lower()),
            self.keyed_hash("client", client),
        )
        with self.engine.begin() as db:
            for kind, key, limit, window in (
                ("client", client_key, limits.per_client_an_hour, timedelta(hours=1)),
                ("address", address_key, limits.per_address_a_day, timedelta(days=1)),
            ):
                count = db.scalar(
                    select(func.count())
                    .select_from(requests)
                    .where(requests.c.kind == kind, requests.c.key == key, requests.c.at > now - window)
                )
                if count >= limit:
                    raise RateLimited(kind)
            db.execute(
                insert(requests),
                [
                    {"kind": "client", "key": client_key, "at": now},
                    {"kind": "address", "key": address_key, "at": now},
                ],
            )
            same = and_(
                subscriptions.c.address == address,
                subscriptions.c.lang == choice.lang,
                subscriptions.c.filters == choice.to_json(),
                subscriptions.c.frequency == frequency,
            )
            found = db.execute(select(subscriptions.c.id, subscriptions.c.confirmed_at).where(same)).first()
            if found is None:
                db.execute(
                    insert(subscriptions).values(
                        public_id=secrets.token_hex(16),
                        address=address,
                        lang=choice.lang,
                        filters=choice.to_json(),
                        frequency=frequency,
                        created_at=now,
                        pending_mail="confirm",
                    )
                )
            elif found.confirmed_at is None:  # asked again: a new link, and more time to follow it
                db.execute(update(subscriptions).where(same).values(created_at=now, pending_mail="confirm"))
            else:
                db.execute(update(subscriptions).where(same).values(pending_mail="already"))

    def get(self, public_id: str) -> Subscription | None:
        with self.engine.connect() as db:
            row = db.execute(select(subscriptions).where(subscriptions.c.public_id == public_id)).first()
        return Subscription.from_row(row) if row else None

    def confirm(self, public_id: str, now: datetime, valid_for: timedelta) -> Subscription | None:
        """Confirm the subscription (double opt-in) if its link is still valid. The same
        news at another frequency, confirmed before, is replaced by this one."""
        with self.engine.begin() as db:
            row = db.execute(select(subscriptions).where(subscriptions.c.public_id == public_id)).first()
            if row is None:
                return None
            if row.confirmed_at is None:
                if row.created_at < now - valid_for:
                    return None
                db.execute(
                    update(subscriptions)
                    .where(subscriptions.c.id == row.id)
                    .values(confirmed_at=now, checked_until=now, pending_mail=None)
                )
                db.execute(
                    delete(subscriptions).where(
                        subscriptions.c.address == row.address,
                        subscriptions.c.lang == row.lang,
                        subscriptions.c.filters == row.filters,
                        subscriptions.c.id != row.id,
                        subscriptions.c.confirmed_at.is_not(None),
                    )
                )
            row = db.execute(select(subscriptions).where(subscriptions.c.id == row.id)).first()
        return Subscription.from_row(row)

    def unsubscribe(self, public_id: str) -> bool:
        """Delete the subscription and, with it, the address (unless it has others)."""
        with self.engine.begin() as db:
            return (
                db.execute(delete(subscriptions).where(subscriptions.c.public_id == public_id)).rowcount > 0
            )

    # --- staff: data protection -----------------------------------------------------------

    def export(self, address: str) -> list[dict]:
        """Everything stored about `address` (its subscriptions and what was sent to it)."""
        with self.engine.connect() as db:
            rows = db.execute(
                select(subscriptions).where(func.lower(subscriptions.c.address) == address.lower())
            ).all()
            found = []
            for row in rows:
                sent = db.execute(
                    select(deliveries.c.version, deliveries.c.state, deliveries.c.sent_at)
                    .where(deliveries.c.subscription_id == row.id)
                    .order_by(deliveries.c.created_at)
                ).all()
                found.append(
                    {
                        "address": row.address,
                        "language": row.lang,
                        "news": Choice.from_json(row.lang, row.filters).to_json(),
                        "frequency": row.frequency,
                        "requested_at": row.created_at.isoformat(),
                        "confirmed_at": row.confirmed_at.isoformat() if row.confirmed_at else None,
                        "emails": [
                            {"article": v, "state": s, "sent_at": t.isoformat() if t else None}
                            for v, s, t in sent
                        ],
                    }
                )
        return found

    def delete_address(self, address: str) -> int:
        """Delete every subscription of `address` (and their ledger rows); return how many."""
        with self.engine.begin() as db:
            gone = delete(subscriptions).where(func.lower(subscriptions.c.address) == address.lower())
            return db.execute(gone).rowcount

    # --- the sender -----------------------------------------------------------------------

    def expire(self, now: datetime, confirm_within: timedelta, keep_ledger: timedelta) -> int:
        """Delete unconfirmed requests past their time, day-old rate-limit counts and old
        ledger rows; return how many unconfirmed requests went."""
        with self.engine.begin() as db:
            gone = db.execute(
                delete(subscriptions).where(
                    subscriptions.c.confirmed_at.is_(None), subscriptions.c.created_at < now - confirm_within
                )
            ).rowcount
            db.execute(delete(requests).where(requests.c.at < now - timedelta(days=1)))
            db.execute(delete(deliveries).where(deliveries.c.created_at < now - keep_ledger))
            db.execute(delete(articles_seen).where(articles_seen.c.first_seen_at < now - keep_ledger))
        return gone

    def claim_pending_mail(self, limit: int = 500) -> list[tuple[Subscription, str]]:
        """Subscriptions with a confirmation or notice to send, each claimed by this sender:
        the claim is cleared first, so a crash loses one (asked for again) but never sends
        two."""
        claimed = []
        with self.engine.begin() as db:
            rows = db.execute(
                select(subscriptions).where(subscriptions.c.pending_mail.is_not(None)).limit(limit)
            ).all()
            for row in rows:
                taken = db.execute(
                    update(subscriptions)
                    .where(subscriptions.c.id == row.id, subscriptions.c.pending_mail == row.pending_mail)
                    .values(pending_mail=None)
                ).rowcount
                if taken:
                    claimed.append((Subscription.from_row(row), row.pending_mail))
        return claimed

    def state(self, name: str) -> str | None:
        with self.engine.connect() as db:
            return db.scalar(select(sender_state.c.value).where(sender_state.c.name == name))

    def set_state(self, name: str, value: str) -> None:
        with self.engine.begin() as db:
            if db.execute(
                update(sender_state).where(sender_state.c.name == name).values(value=value)
            ).rowcount:
                return
            db.execute(insert(sender_state).values(name=name, value=value))

    def record_seen(self, first_seen: dict[str, datetime]) -> dict[str, datetime]:
        """Note articles seen public (version -> moment) unless noted before; return every
        given version's first-seen moment as stored."""
        with self.engine.begin() as db:
            if first_seen:
                rows = [{"version": v, "first_seen_at": at} for v, at in first_seen.items()]
                db.execute(_insert(self.engine)(articles_seen).on_conflict_do_nothing(), rows)
            stored = db.execute(
                select(articles_seen).where(articles_seen.c.version.in_(list(first_seen)))
            ).all()
        return {row.version: row.first_seen_at for row in stored}

    def due(self, now: datetime, newest: datetime, batch: int = 1000) -> Iterator[list[Subscription]]:
        """Confirmed subscriptions that may get an e-mail now and have seen nothing after
        `newest` (the latest first-seen moment), in batches, by id."""
        window_ends = [
            and_(
                subscriptions.c.frequency == name, subscriptions.c.checked_until <= now - timedelta(seconds=s)
            )
            for name, s in FREQUENCIES.items()
        ]
        after = 0
        while True:
            with self.engine.connect() as db:
                rows = db.execute(
                    select(subscriptions)
                    .where(
                        subscriptions.c.id > after,
                        subscriptions.c.confirmed_at.is_not(None),
                        subscriptions.c.checked_until < newest,
                        or_(*window_ends),
                    )
                    .order_by(subscriptions.c.id)
                    .limit(batch)
                ).all()
            if not rows:
                return
            after = rows[-1].id
            yield [Subscription.from_row(row) for row in rows]

    def claim_deliveries(self, planned: list[dict], now: datetime) -> set[tuple[int, str]]:
        """Write ledger rows (subscription_id, version, message_id) as "sending" before the
        e-mails go; return the (subscription_id, version) pairs this call wrote. A pair
        written before (sent, or by another sender) is skipped: never sent twice."""
        if not planned:
            return set()
        rows = [{**row, "state": "sending", "attempts": 1, "created_at": now} for row in planned]
        statement = (
            _insert(self.engine)(deliveries)
            .on_conflict_do_nothing()
            .returning(deliveries.c.subscription_id, deliveries.c.version)
        )
        with self.engine.begin() as db:
            written = set()
            for start in range(0, len(rows), 500):  # RETURNING with many rows: SQLAlchemy 2 batches it
                result = db.execute(statement, rows[start : start + 500])
                written.update((r.subscription_id, r.version) for r in result)
        return written

    def set_delivery_state(self, message_ids: list[str], state: str, now: datetime, **values) -> None:
        """Record what became of the e-mails `message_ids`."""
        if not message_ids:
            return
        if state == "sent":
            values["sent_at"] = now
        with self.engine.begin() as db:
            for start in range(0, len(message_ids), 500):
                db.execute(
                    update(deliveries)
                    .where(deliveries.c.message_id.in_(message_ids[start : start + 500]))
                    .values(state=state, **values)
                )

    def mark_checked(self, subscription_ids: list[int], until: datetime) -> None:
        with self.engine.begin() as db:
            for start in range(0, len(subscription_ids), 500):
                db.execute(
                    update(subscriptions)
                    .where(subscriptions.c.id.in_(subscription_ids[start : start + 500]))
                    .values(checked_until=until)
                )

    def interrupted(self, now: datetime, older_than: timedelta) -> int:
        """Ledger rows left "sending" by a sender that stopped: they may have gone out, so
        they become "uncertain" and are never sent again. Returns how many."""
        with self.engine.begin() as db:
            return db.execute(
                update(deliveries)
                .where(deliveries.c.state == "sending", deliveries.c.created_at < now - older_than)
                .values(state="uncertain", error="the sender stopped while sending")
            ).rowcount

    def retries_due(self, now: datetime, limit: int = 500) -> list[tuple[Subscription, str, list[str], int]]:
        """E-mails SMTP refused for now whose next attempt is due: (subscription, message
        id, versions, attempts so far), each claimed as "sending" again."""
        found = []
        with self.engine.begin() as db:
            rows = db.execute(
                select(deliveries)
                .where(deliveries.c.state == "retry", deliveries.c.next_attempt_at <= now)
                .order_by(deliveries.c.message_id)
                .limit(limit)
            ).all()
            messages: dict[str, list] = {}
            for row in rows:
                messages.setdefault(row.message_id, []).append(row)
            for message_id, parts in messages.items():
                taken = db.execute(
                    update(deliveries)
                    .where(deliveries.c.message_id == message_id, deliveries.c.state == "retry")
                    .values(state="sending", attempts=deliveries.c.attempts + 1)
                ).rowcount
                if not taken:
                    continue
                row = db.execute(
                    select(subscriptions).where(subscriptions.c.id == parts[0].subscription_id)
                ).first()
                found.append(
                    (
                        Subscription.from_row(row),
                        message_id,
                        [p.version for p in parts],
                        parts[0].attempts + 1,
                    )
                )
        return found

    def counts(self) -> dict[str, int]:
        """How many subscriptions and ledger rows there are in each state (for staff)."""
        with self.engine.connect() as db:
            found = {
                "confirmed": db.scalar(
                    select(func.count())
                    .select_from(subscriptions)
                    .where(subscriptions.c.confirmed_at.is_not(None))
                ),
                "unconfirmed": db.scalar(
                    select(func.count())
                    .select_from(subscriptions)
                    .where(subscriptions.c.confirmed_at.is_(None))
                ),
            }
            for state, count in db.execute(
                select(deliveries.c.state, func.count()).group_by(deliveries.c.state)
            ):
                found[f"deliveries {state}"] = count
        return found

    def dead_letters(self, limit: int = 100) -> list[dict]:
        """E-mails given up on (and ones that may not have gone out), newest first."""
        with self.engine.connect() as db:
            rows = db.execute(
                select(
                    deliveries.c.message_id,
                    deliveries.c.state,
                    deliveries.c.error,
                    deliveries.c.created_at,
                    subscriptions.c.public_id,
                    func.count().label("articles"),
                )
                .join(subscriptions, subscriptions.c.id == deliveries.c.subscription_id)
                .where(deliveries.c.state.in_(("dead", "uncertain")))
                .group_by(
                    deliveries.c.message_id,
                    deliveries.c.state,
                    deliveries.c.error,
                    deliveries.c.created_at,
                    subscriptions.c.public_id,
                )
                .order_by(deliveries.c.created_at.desc())
                .limit(limit)
            ).all()
        return [dict(row._mapping) for row in rows]
