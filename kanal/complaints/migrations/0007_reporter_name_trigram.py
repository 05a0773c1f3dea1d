"""A trigram index for finding a reporter by part of a name (issue 17's person search).

``queries.matching_reporter_ids`` and the console's people search filter
``name__icontains``, which Django writes on PostgreSQL as
``UPPER("complaints_reporter"."name"::text) LIKE UPPER('%…%')``. A B-tree cannot serve a
substring, so each search read the whole reporter table (one reporter per two cases:
half a million rows at a million cases, measured in ``bench/scale.py``). A GIN index of
trigrams (``pg_trgm``) over exactly that expression answers the LIKE from the index.

``pg_trgm`` ships with PostgreSQL and is a trusted extension (PostgreSQL 13+): the
database's owner may create it without superuser rights. Built CONCURRENTLY (no write
lock on a live table), hence ``atomic = False``. SQLite has neither and is skipped (it
scans, which is fine at the sizes SQLite is used for).
"""

from django.db import migrations

INDEX = "complaints_reporter_name_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON complaints_reporter "
        "USING gin ((UPPER(name::text)) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0006_citizen_side"),
    ]

    operations = [migrations.RunPython(create, drop)]
