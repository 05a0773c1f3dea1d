"""Publishing background tasks: each takes ids, calls one action and is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from . import actions
from .actions import crosspost, partners


@task()
def drive_channel_post(post_id: int) -> str | None:
    """Advance one cross-post (see actions.crosspost.drive_channel_post)."""
    return crosspost.drive_channel_post(post_id)


@task()
def deliver_press_release(delivery_id: int) -> str:
    """Send one press release e-mail to one partner, once."""
    return partners.deliver_press_release(delivery_id)


@task()
def run_publishing() -> dict:
    """Periodic: publish due scheduled items, then drive unfinished cross-posts."""
    published = actions.publish_due_items()
    driven = crosspost.enqueue_pending_posts()
    return {"published": published, "driven": driven}
