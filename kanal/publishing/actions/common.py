"""Helpers shared by the publishing actions."""

from __future__ import annotations

from kanal.core.tasks import enqueue_on_commit


def enqueue(task_name: str, *args) -> None:
    """Have ``kanal.publishing.tasks.<task_name>(*args)`` run once the transaction commits.

    Tasks sit above actions in the layer rule (tasks call actions), so an action names
    the task it needs instead of importing the module.
    """
    enqueue_on_commit(f"kanal.publishing.tasks.{task_name}", *args)
