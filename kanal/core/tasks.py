"""Background-task plumbing: enqueue after commit, the heartbeat task, periodic jobs."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend

from .models import Heartbeat

# The database queue claims higher priorities first, then the oldest. Most tasks keep
# the default (0). After a burst the follow-up work (routing, notices) can queue for
# minutes; these two kinds must not wait behind it.
PRIORITY_SCHEDULED = 20  # periodic jobs: sealing the audit chain, recovery, deadline sweeps
PRIORITY_INTAKE = 10  # a citizen's delivery becomes a case before earlier follow-up work


def enqueue_on_commit(task_obj, *args, **kwargs) -> None:
    """Have a task run once the current transaction commits; never if it rolls back.

    ``task_obj`` is a Task or its dotted path ("kanal.complaints.tasks.send_notice"):
    actions name their own app's tasks by path, because tasks sit above actions in the
    layer rule (a task calls an action; an action only asks for a task to run later).
    Another app's task is imported, never named by path, so the import contracts see
    the dependency (``kanal/core/tests/test_task_paths.py`` checks).

    With the database queue (the default) the task row is written in the caller's
    transaction: a transactional outbox. A worker sees it only once the transaction
    commits, a rollback removes it, no process crash between commit and enqueue can
    lose it, and the action costs one commit instead of two. Any other queue is told
    after commit. Outside a transaction the task is enqueued at once.
    """
    target = import_string(task_obj) if isinstance(task_obj, str) else task_obj
    if isinstance(target.get_backend(), DatabaseBackend):
        target.enqueue(*args, **kwargs)
        return
    transaction.on_commit(lambda: target.enqueue(*args, **kwargs))


@task()
def record_heartbeat(name: str) -> str:
    """Record that a worker ran a task just now. Safe to run twice (an upsert)."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": now})
    return now.isoformat()


def task_row_insert(task_obj, source: str, column: str) -> tuple[str, list] | None:
    """SQL and parameters that insert, for each row of ``source`` (a CTE or table name),
    the task row ``task.enqueue(<that row's column>)`` writes; None unless the task goes
    to the database queue on PostgreSQL.

    For a caller that stores a row and queues its task in one statement (``WITH source AS
    (INSERT … RETURNING id) INSERT …``): one round trip and no transaction block for the
    hot path of webhook intake. Every column is prepared by the model's own fields as
    ``DBTaskResult.objects.create`` in ``DatabaseBackend.enqueue`` prepares it (defaults,
    ``auto_now_add``, the id function); only ``args_kwargs`` is built in SQL, as
    ``{"args": [id], "kwargs": {}}``. ``kanal/channels/tests/test_webhook_path.py`` compares the
    row with one written by ``enqueue``. (``enqueue`` also sends ``task_enqueued``,
    which only django_tasks' debug log listens to; this does not.)

    The statement, with the columns that depend only on the task (priority, queue, path,
    run_after, the defaults) written into it as literals, is made once per task and kept
    (:func:`_task_row_template`); each call prepares only the id and the ``auto_now_add``
    time as parameters.
    """
    from django.db import connection

    target = import_string(task_obj) if isinstance(task_obj, str) else task_obj
    backend = target.get_backend()
    if not isinstance(backend, DatabaseBackend) or connection.vendor != "postgresql":
        return None
    backend.validate_task(target)
    key = (
        target.module_path,
        target.priority,
        target.queue_name,
        target.run_after,
        backend.alias,
        source,
        column,
        connection.alias,
    )
    template = _TASK_ROW_TEMPLATES.get(key)
    if template is None:
        template = _TASK_ROW_TEMPLATES[key] = _task_row_template(target, backend, source, column)
    sql, fresh = template
    now = timezone.now()
    return sql, [
        field.get_db_prep_save(backend._get_id() if field.primary_key else now, connection)
        for field in fresh
    ]


# (task, queue, backend, source, column, database) -> (SQL, the fields whose parameters
# each row prepares). A handful of entries: one per task so queued.
_TASK_ROW_TEMPLATES: dict[tuple, tuple[str, list]] = {}


def _task_row_template(target, backend, source: str, column: str):
    """The statement for the task's rows and the fields each row prepares as parameters:
    the primary key (the backend's id function) and ``auto_now``/``auto_now_add`` times.
    Every other column is prepared by its field once and written as a literal, rendered
    by psycopg as its client-side binding renders a parameter (``compose_sql``), so the
    statement sent is the one parameters would have given. A field whose value could
    differ between two rows of the same task (a callable default whose result is not
    constant) would make this wrong: such a field is refused."""
    from django.db import connection
    from django.db.models.signals import pre_save
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult(
        id=backend._get_id(),
        args_kwargs={},
        priority=target.priority,
        task_path=target.module_path,
        queue_name=target.queue_name,
        run_after=target.run_after,
        backend_name=backend.alias,
    )
    # As Model.save() would: django_tasks_db's pre_save handler sets run_after.
    pre_save.send(
        sender=DBTaskResult, instance=row, raw=False, using=connection.alias, update_fields=None
    )
    connection.ensure_connection()  # compose_sql renders with the connection's adapters
    qn = connection.ops.quote_name
    columns, values, fresh = [], [], []
    for field in DBTaskResult._meta.concrete_fields:
        columns.append(qn(field.column))
        if field.name == "args_kwargs":
            values.append(
                f"jsonb_build_object('args', jsonb_build_array({source}.{qn(column)}), "
                "'kwargs', '{}'::jsonb)"
            )
            continue
        if (
            field.primary_key
            or getattr(field, "auto_now", False)
            or getattr(field, "auto_now_add", False)
        ):
            fresh.append(field)
            values.append("%s")
            continue
        if field.has_default() and callable(field.default) and field.default not in (list, dict):
            raise ValueError(f"{field.name}: a callable default this template cannot keep")
        prepared = field.get_db_prep_save(field.pre_save(row, add=True), connection)
        # A literal inside a statement that still takes parameters: % doubled.
        values.append(connection.ops.compose_sql("%s", [prepared]).replace("%", "%%"))
    sql = (
        f"INSERT INTO {qn(DBTaskResult._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 - names from the model
        f"SELECT {', '.join(values)} FROM {source}"
    )
    return sql, fresh
