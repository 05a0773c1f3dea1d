"""Background work of insights: keep the cached public figures fresh. Safe to run twice.

Writes only to the cache (insights is a read-only app).
"""

from django_tasks import task

from . import queries


@task()
def refresh_figures_task() -> str:
    """Recompute the current period's figures and replace the cached value."""
    found = queries.refresh_figures()
    return f"figures as of {found.as_of.isoformat()}"
