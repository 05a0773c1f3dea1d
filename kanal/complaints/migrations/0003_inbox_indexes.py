"""PostgreSQL partial indexes for the console inbox (issue 8; measured in bench/scale.py).

The inbox lists open and completed cases (``queries.INBOX_STATES``) most urgent first,
``ORDER BY due_date, received_at``, 50 at a time, and counts them only up to a cap
(``queries.count_capped``, which keeps ``ORDER BY due_date`` in its subquery). Each
index below holds only those cases (about one in eight at a million, and the share
shrinks as closed cases pile up) in that order, so the page and the capped count stop
after a page or ``cap + 1`` entries:

* ``complaints_inbox_due_idx``: the default list, the overdue and at-risk filters, the
  channel/kind filters (read in order, filtered), and the filter menu's overdue count
  (its ``state IN open states`` implies this predicate).
* ``complaints_inbox_unit_due_idx``: a unit officer's own cases and the unit filter
  (``queries.inbox`` passes the unit as a literal id so the planner can use it).
* ``complaints_inbox_kecamatan_due_idx``: the kecamatan filter, likewise.

The predicate must stay exactly ``queries.INBOX_STATES`` (the query's ``state IN (...)``
has to imply it, or PostgreSQL will not use the index). Built CONCURRENTLY (no write
lock on a live table), hence ``atomic = False``, as in 0002. SQLite is skipped: its
inbox is small and it would not use them the same way.
"""

from django.db import migrations

INBOX_STATES = (
    "diterima",
    "diverifikasi",
    "didisposisikan",
    "ditindaklanjuti",
    "ditunda",
    "selesai",
)
_PREDICATE = "WHERE state IN ({})".format(", ".join(f"'{s}'" for s in INBOX_STATES))

INDEXES = {
    "complaints_inbox_due_idx": f"(due_date, received_at) {_PREDICATE}",
    "complaints_inbox_unit_due_idx": f"(unit_id, due_date, received_at) {_PREDICATE}",
    "complaints_inbox_kecamatan_due_idx": f"(kecamatan_id, due_date, received_at) {_PREDICATE}",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON complaints_complaint {definition}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("complaints", "0002_search_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
