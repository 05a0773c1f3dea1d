"""PostgreSQL indexes for the inbox's full-text search (measured in bench/scale.py).

``queries._search`` filters on ``to_tsvector('indonesian', title || ' ' || description)``
OR ``UPPER(tracking_number) = UPPER(q)`` (``iexact``). Without these two expression
indexes PostgreSQL computes the text vector of every case on every search (a sequential
scan: seconds at a million cases). With them the OR becomes a BitmapOr of two index
scans. The expressions must stay exactly what Django generates for
``SearchVector("title", "description", config="indonesian")``.

Built CONCURRENTLY (no write lock on a live table), hence ``atomic = False``. SQLite
has neither feature and is skipped.
"""

from django.db import migrations

INDEXES = {
    "complaints_fts_idx": (
        "USING gin ((to_tsvector('indonesian'::regconfig, "
        "COALESCE(title, '') || ' ' || COALESCE(description, ''))))"
    ),
    "complaints_tracking_upper_idx": "(UPPER(tracking_number::text))",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
            f"ON complaints_complaint {definition}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
