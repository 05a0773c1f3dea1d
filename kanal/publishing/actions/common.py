"""Helpers shared by the publishing actions."""

from __future__ import annotations

from django.utils.module_loading import import_string

from kanal.core.tasks import enqueue_on_commit


def enqueue(task_name: str, *args) -> None:
    """Enqueue ``kanal.publishing.tasks.<task_name>(*args)`` after the transaction commits.

    Tasks sit above actions in the layer rule (tasks call actions), so an action names
    the task it needs instead of importing the module.
    """
    enqueue_on_commit(import_string(f"kanal.publishing.tasks.{task_name}"), *args)
