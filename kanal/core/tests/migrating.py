"""Run one app's data migration against rows written with its historical models."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def models_before(app: str, migration: str):
    """Migrate ``app`` back to ``migration`` and return the historical apps registry."""
    executor = MigrationExecutor(connection)
    executor.migrate([(app, migration)])
    return executor.loader.project_state([(app, migration)]).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate_back_and_forth(app: str, migration: str) -> None:
    """The reverse is a no-op and the forward pass can run again (values stay E.164)."""
    models_before(app, migration)
    migrate_to_latest()
