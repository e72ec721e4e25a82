"""Alembic's environment for the alerts database: run by webapp/alerts/store.py `migrate`
(`flask alerts migrate`) with a connection it opened, never from an alembic.ini."""

from alembic import context

from webapp.alerts.schema import metadata

connection = context.config.attributes["connection"]
# Batch mode: SQLite changes a table by copying it, which Alembic does for us.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
