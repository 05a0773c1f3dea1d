"""Cross-posting that never posts twice: one ChannelPost per (item, channel).

The driver never holds a row lock across an HTTP call. Before any call that creates
something at the provider it commits the state ``publishing``; after the call it
records the provider's id. A run that finds ``publishing`` (the previous run died or
lost the connection between the call and the record) asks the provider first:

* Instagram: the container's ``status_code``; ``PUBLISHED`` means it was published, so
  only the media id is looked up (by the item's link in the caption); never publish again.
* Facebook: the Page's recent posts, looking for the item's link in the message.
* TikTok: its API has no way to find a publish that was not recorded, so the post
  becomes ``needs_check``: a person looks in the TikTok app and either marks it posted
  or asks for it to be posted again. Never posted twice silently.

Each write below is its own atomic transaction with its audit event.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal import audit

from .. import queries, rules
from ..models import ChannelPost, ContentItem, ContentKind, PostState
from ..providers import meta, tiktok
from ..providers.base import ProviderError
from .common import enqueue

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 10


def _poll_attempts() -> int:
    return int(settings.KANAL_PUBLISHING_POLL_ATTEMPTS)


def _poll_wait() -> float:
    return float(settings.KANAL_PUBLISHING_POLL_SECONDS)


def marker_for(item: ContentItem) -> str:
    """The item's public path: it is in every caption, so it finds our post again."""
    name = "publishing:program" if item.kind == ContentKind.PRIORITY_PROGRAM else "publishing:item"
    return reverse(name, args=[item.slug])


def start_crossposts(item: ContentItem) -> list[ChannelPost]:
    """Create the item's channel posts (once) and enqueue their drivers after commit.

    Runs inside the publishing transaction. A channel without credentials gets a
    ``skipped`` post that says so.
    """
    posts = []
    for channel in item.channels:
        post, created = ChannelPost.objects.get_or_create(item=item, channel=channel)
        posts.append(post)
        if not created:
            continue
        if not queries.channel_configured(channel):
            post.state = PostState.SKIPPED
            post.error = _("%(channel)s is not configured (no account or token).") % {
                "channel": post.get_channel_display()
            }
            post.save(update_fields=["state", "error", "updated_at"])
            audit.record(
                "crosspost.skipped",
                obj=item,
                data={"channel": channel, "reason": "not_configured"},
                actor_label="system",
            )
            continue
        enqueue("drive_channel_post", post.pk)
    return posts


@transaction.atomic
def _claim(post_id: int) -> ChannelPost | None:
    """Take the lease on a post that still has work; None when finished or taken."""
    post = ChannelPost.objects.select_for_update().select_related("item").get(pk=post_id)
    now = timezone.now()
    if post.state in rules.TERMINAL_POST_STATES:
        return None
    if post.locked_until and post.locked_until > now:
        return None
    post.locked_until = now + LEASE
    post.attempts += 1
    post.save(update_fields=["locked_until", "attempts", "updated_at"])
    return post


@transaction.atomic
def _record(post: ChannelPost, state: str | None = None, *, event: str = "", **fields):
    """Write the post's new state and ids (and an audit event for what people care about)."""
    if state is not None:
        post.state = state
        fields["state"] = state
    for name, value in fields.items():
        setattr(post, name, value)
    if state == PostState.PUBLISHED:
        post.published_at = post.published_at or timezone.now()
        post.error = ""
        fields.update(published_at=post.published_at, error="")
    ChannelPost.objects.filter(pk=post.pk).update(**fields, updated_at=timezone.now())
    if event:
        audit.record(
            f"crosspost.{event}",
            obj=post.item,
            actor_label="system",
            data={
                "channel": post.channel,
                "state": post.state,
                "external_id": post.external_id,
                "error": post.error,
            },
        )


def _release(post: ChannelPost) -> None:
    ChannelPost.objects.filter(pk=post.pk).update(locked_until=None)


def drive_channel_post(post_id: int) -> str | None:
    """Advance one cross-post as far as it can go now; returns its state (None: not claimed).

    Safe to run twice and concurrently (a lease); a provider error is recorded on the
    post with the provider's words. Called by the task of the same name.
    """
    post = _claim(post_id)
    if post is None:
        return None
    try:
        if post.attempts > MAX_ATTEMPTS:
            _record(
                post,
                PostState.NEEDS_CHECK,
                event="needs_check",
                error=_("Gave up after %(n)d attempts: %(error)s")
                % {"n": MAX_ATTEMPTS, "error": post.error},
            )
        elif post.channel == "facebook":
            _drive_facebook(post)
        elif post.channel == "instagram":
            _drive_instagram(post)
        elif post.channel == "tiktok":
            _drive_tiktok(post)
    except ProviderError as exc:
        if exc.code == "network" and post.state == PostState.PUBLISHING:
            # We cannot know whether the provider acted: keep "publishing" so the next
            # run reconciles instead of posting again.
            _record(post, error=str(exc))
        elif exc.code == "network":
            _record(post, error=str(exc))  # nothing was created; the sweep tries again
        else:
            _record(post, PostState.FAILED, event="failed", error=str(exc))
    finally:
        _release(post)
    return ChannelPost.objects.get(pk=post_id).state


# --- Facebook -------------------------------------------------------------------------


def _drive_facebook(post: ChannelPost) -> None:
    item = post.item
    marker = marker_for(item)
    if post.state == PostState.PUBLISHING:
        found = meta.facebook_find_post(marker)
        if found:
            _record(post, PostState.PUBLISHED, event="published", external_id=found)
            return
    else:
        _record(post, PostState.PUBLISHING)
    post_id = meta.facebook_post(queries.caption(item), link=queries.item_url(item))
    _record(post, PostState.PUBLISHED, event="published", external_id=post_id)


# --- Instagram ------------------------------------------------------------------------


def _drive_instagram(post: ChannelPost) -> None:
    item = post.item
    if post.state == PostState.PENDING or not post.container_id:
        images = queries.image_urls(item)
        if not images:
            _record(post, PostState.FAILED, event="failed", error=_("Instagram needs an image."))
            return
        container = meta.instagram_create_container(images[0], queries.caption(item))
        _record(post, PostState.CONTAINER, container_id=container, error="")
    for attempt in range(_poll_attempts()):
        status = meta.instagram_container_status(post.container_id)
        if status == "PUBLISHED":
            # Published by an earlier run that died before recording: never again.
            media = meta.instagram_find_media(marker_for(item)) or ""
            _record(post, PostState.PUBLISHED, event="published", external_id=media)
            return
        if status in ("ERROR", "EXPIRED"):
            _record(
                post,
                PostState.FAILED,
                event="failed",
                container_id="",
                error=_("Instagram could not prepare the media (%(status)s).") % {"status": status},
            )
            return
        if status == "FINISHED":
            used, total = meta.instagram_quota()
            if rules.instagram_quota_left(used, total) <= 0:
                _record(
                    post,
                    error=_("Instagram's publishing limit is reached (%(used)d of %(total)d).")
                    % {"used": used, "total": total},
                )
                return
            _record(post, PostState.PUBLISHING)
            media = meta.instagram_publish(post.container_id)
            _record(post, PostState.PUBLISHED, event="published", external_id=media)
            return
        if attempt + 1 < _poll_attempts():
            time.sleep(_poll_wait())
    # Still IN_PROGRESS: the periodic sweep comes back.


# --- TikTok ---------------------------------------------------------------------------


def _drive_tiktok(post: ChannelPost) -> None:
    item = post.item
    if post.state == PostState.PUBLISHING and not post.publish_id:
        _record(
            post,
            PostState.NEEDS_CHECK,
            event="needs_check",
            error=_(
                "An earlier attempt may have reached TikTok but was not recorded. Check the "
                "account in the TikTok app, then mark it posted or post it again."
            ),
        )
        return
    if not post.publish_id:
        images = queries.image_urls(item)
        if not images:
            _record(post, PostState.FAILED, event="failed", error=_("TikTok needs an image."))
            return
        info = tiktok.creator_info()
        privacy = rules.tiktok_privacy(
            info.get("privacy_level_options") or [],
            audited=settings.KANAL_TIKTOK_APP_AUDITED,
        )
        _record(post, PostState.PUBLISHING, privacy_level=privacy)
        publish_id = tiktok.init_photo_post(
            item.title[: rules.TIKTOK_TITLE_LIMIT],
            queries.caption(item)[: rules.CAPTION_LIMITS["tiktok"]],
            images[:35],
            privacy,
        )
        _record(post, PostState.PROCESSING, publish_id=publish_id)
    for attempt in range(_poll_attempts()):
        data = tiktok.fetch_status(post.publish_id)
        status = data.get("status", "")
        if status == "PUBLISH_COMPLETE":
            ids = data.get("publicaly_available_post_id") or []
            _record(
                post, PostState.PUBLISHED, event="published", external_id=str(ids[0]) if ids else ""
            )
            return
        if status == "FAILED":
            _record(
                post,
                PostState.FAILED,
                event="failed",
                publish_id="",
                error=_("TikTok refused the post: %(reason)s")
                % {"reason": data.get("fail_reason", "")},
            )
            return
        if attempt + 1 < _poll_attempts():
            time.sleep(_poll_wait())


# --- Staff decisions ------------------------------------------------------------------


@transaction.atomic
def retry_channel_post(actor, post: ChannelPost) -> ChannelPost:
    """Try a failed post again (from where it safely can) and enqueue its driver.

    A ``needs_check`` post is not retried here: see :func:`repost_after_check`.
    """
    post = ChannelPost.objects.select_for_update().get(pk=post.pk)
    if post.state not in (PostState.FAILED, PostState.SKIPPED):
        raise rules.TransitionRefused(_("Only a failed or skipped post can be retried."))
    if post.state == PostState.SKIPPED and not queries.channel_configured(post.channel):
        raise rules.TransitionRefused(_("The channel is still not configured."))
    post.state = PostState.CONTAINER if post.container_id else PostState.PENDING
    post.attempts = 0
    post.save(update_fields=["state", "attempts", "updated_at"])
    audit.record("crosspost.retried", actor=actor, obj=post.item, data={"channel": post.channel})
    enqueue("drive_channel_post", post.pk)
    return post


@transaction.atomic
def resolve_checked_post(actor, post: ChannelPost, *, was_posted: bool) -> ChannelPost:
    """After a person looked at the provider: record it as posted, or post it again."""
    post = ChannelPost.objects.select_for_update().get(pk=post.pk)
    if post.state != PostState.NEEDS_CHECK:
        raise rules.TransitionRefused(_("This post does not need a check."))
    if was_posted:
        post.state = PostState.PUBLISHED
        post.published_at = timezone.now()
        post.error = ""
    else:
        post.state = PostState.PENDING
        post.publish_id = ""
        post.container_id = ""
        post.attempts = 0
        enqueue("drive_channel_post", post.pk)
    post.save()
    audit.record(
        "crosspost.checked",
        actor=actor,
        obj=post.item,
        data={"channel": post.channel, "was_posted": was_posted},
    )
    return post


def enqueue_pending_posts() -> list[int]:
    """Enqueue a driver for every unfinished post that no worker holds (periodic sweep)."""
    now = timezone.now()
    ids = list(queries.posts_to_drive().exclude(locked_until__gt=now).values_list("pk", flat=True))
    with transaction.atomic():
        for pk in ids:
            enqueue("drive_channel_post", pk)
    return ids
