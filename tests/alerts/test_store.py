"""The alerts database: the migrations make exactly the schema the code uses, on SQLite and
PostgreSQL; staff can export and delete what is stored about an address."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.alerts.site import START
from webapp.alerts.cli import alerts_cli
from webapp.alerts.schema import metadata
from webapp.alerts.store import Store


def test_the_migrations_make_the_schema_the_code_uses(alerts_database):
    store = Store(alerts_database, lambda: "secret")
    store.migrate()
    store.migrate()  # a second run changes nothing and fails on nothing
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    store.engine.dispose()
    assert differences == []


def test_staff_export_and_delete_an_address(site):
    site.subscribe("/sv/topics/vatten", "Anna@Example.se")
    site.subscribe("/en/", "anna@example.se", frequency="weekly")
    site.subscribe("/sv/", "bo@example.se")
    runner = site.app.test_cli_runner()
    exported = json.loads(runner.invoke(alerts_cli, ["export", "ANNA@example.se"]).output)
    assert len(exported) == 2
    assert {entry["language"] for entry in exported} == {"sv", "en"}
    first = next(entry for entry in exported if entry["language"] == "sv")
    assert json.loads(first["news"])["topics"] == ["vatten"]
    assert first["requested_at"].startswith(START.date().isoformat()) and first["confirmed_at"] is None
    deleted = runner.invoke(alerts_cli, ["delete", "anna@example.se"])
    assert "Deleted 2 subscription(s)" in deleted.output
    assert json.loads(runner.invoke(alerts_cli, ["export", "anna@example.se"]).output) == []
    assert site.store.counts()["unconfirmed"] == 1, "another address is untouched"
    # Nothing is sent to a deleted address, not even the confirmation it had asked for.
    site.send()
    assert [m["To"] for m in site.inbox.messages] == ["bo@example.se"]


def test_the_database_holds_no_address_of_a_subscriber_who_left(site):
    site.subscribe("/sv/", "anna@example.se")
    site.send()
    site.confirm(site.inbox.messages[0])
    site.subscribe("/sv/", "anna@example.se")  # rate-limit counts: kept as keyed hashes only
    with site.store.engine.connect() as db:
        rows = [row for table in metadata.sorted_tables for row in db.execute(table.select())]
    assert any("anna@example.se" in str(row) for row in rows)
    runner = site.app.test_cli_runner()
    runner.invoke(alerts_cli, ["delete", "anna@example.se"])
    with site.store.engine.connect() as db:
        rows = [row for table in metadata.sorted_tables for row in db.execute(table.select())]
    assert not any("anna@example.se" in str(row).lower() for row in rows)
