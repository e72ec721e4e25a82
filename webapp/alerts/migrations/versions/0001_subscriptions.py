"""Subscriptions, the articles the sender has seen, the delivery ledger, rate-limit counts.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from webapp.alerts.schema import Moment

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("public_id", sa.String(32), nullable=False, unique=True),
        sa.Column("address", sa.String(254), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("filters", sa.String(2000), nullable=False),
        sa.Column("frequency", sa.String(12), nullable=False),
        sa.Column("created_at", Moment(), nullable=False),
        sa.Column("confirmed_at", Moment()),
        sa.Column("checked_until", Moment()),
        sa.Column("pending_mail", sa.String(12)),
        sa.UniqueConstraint("address", "lang", "filters", "frequency", name="one_subscription_per_choice"),
    )
    op.create_index("subscriptions_due", "subscriptions", ["confirmed_at", "checked_until"])
    op.create_index("subscriptions_pending_mail", "subscriptions", ["pending_mail"])
    op.create_table(
        "articles_seen",
        sa.Column("version", sa.String(300), primary_key=True),
        sa.Column("first_seen_at", Moment(), nullable=False),
    )
    op.create_index("articles_seen_by_time", "articles_seen", ["first_seen_at"])
    op.create_table(
        "deliveries",
        sa.Column(
            "subscription_id",
            sa.Integer(),
            sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("version", sa.String(300), primary_key=True),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", Moment()),
        sa.Column("error", sa.String(500)),
        sa.Column("created_at", Moment(), nullable=False),
        sa.Column("sent_at", Moment()),
    )
    op.create_index("deliveries_by_state", "deliveries", ["state", "next_attempt_at"])
    op.create_index("deliveries_by_message", "deliveries", ["message_id"])
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("at", Moment(), nullable=False),
    )
    op.create_index("requests_by_key", "requests", ["kind", "key", "at"])
    op.create_table(
        "sender_state",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    for table in ("sender_state", "requests", "deliveries", "articles_seen", "subscriptions"):
        op.drop_table(table)
