"""Writes on content: create, edit, files, workflow transitions, comments, progress, plan.

Cross-posting lives in :mod:`.crosspost`, media partners in :mod:`.partners`, field
visits in :mod:`.visits`. Every function here is atomic and writes its audit event.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from django.core.files.base import ContentFile as DjangoFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kanal import audit
from kanal.core.uploads import UploadRejected, pillow, sanitise_upload

from .. import rules
from ..models import (
    SOCIAL_CHANNELS,
    CadencePlan,
    Comment,
    ContentFile,
    ContentItem,
    ContentKind,
    ContentState,
    ProgressUpdate,
    Tag,
)
from .common import enqueue
from .crosspost import start_crossposts

__all__ = [
    "UploadRejected",
    "add_comment",
    "add_file",
    "add_progress_update",
    "create_item",
    "enqueue",
    "publish_due_items",
    "save_cadence_plan",
    "transition_item",
    "update_item",
]


def _unique_slug(title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200] or "konten"
    slug, n = base, 2
    others = ContentItem.objects.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _set_tags(item: ContentItem, names: list[str]) -> None:
    tags = []
    for name in {n.strip() for n in names if n.strip()}:
        tag, _created = Tag.objects.get_or_create(
            slug=slugify(name)[:70] or "tag", defaults={"name": name[:60]}
        )
        tags.append(tag)
    item.tags.set(tags)


def _clean_channels(channels) -> list[str]:
    return [c for c in SOCIAL_CHANNELS if c in set(channels or [])]


@transaction.atomic
def create_item(
    actor,
    *,
    kind: str,
    title: str,
    body: str,
    summary: str = "",
    units=(),
    tags: list[str] | None = None,
    channels=(),
    scheduled_at: datetime | None = None,
    progress_percent: int | None = None,
) -> ContentItem:
    """Create a draft. Bodies are plain text (paragraphs by blank lines): nothing to sanitise."""
    if kind not in ContentKind.values:
        raise ValueError(kind)
    item = ContentItem.objects.create(
        kind=kind,
        title=title.strip(),
        slug=_unique_slug(title),
        summary=summary.strip(),
        body=body.strip(),
        channels=_clean_channels(channels),
        scheduled_at=scheduled_at,
        created_by=actor,
        progress_percent=progress_percent,
    )
    item.units.set(units)
    _set_tags(item, tags or [])
    audit.record("content.created", actor=actor, obj=item, data={"kind": kind})
    return item


@transaction.atomic
def update_item(actor, item: ContentItem, **fields) -> ContentItem:
    """Change a draft's fields (title, summary, body, units, tags, channels, scheduled_at)."""
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    if item.state not in rules.EDITABLE_STATES:
        raise rules.TransitionRefused(_("Only a draft can be changed. Return it to draft first."))
    changed: list[str] = []
    for name in ("title", "summary", "body", "scheduled_at", "progress_percent", "kind"):
        if name in fields and getattr(item, name) != fields[name]:
            setattr(item, name, fields[name])
            changed.append(name)
    if "channels" in fields:
        item.channels = _clean_channels(fields["channels"])
        changed.append("channels")
    item.save()
    if "units" in fields:
        item.units.set(fields["units"])
    if "tags" in fields:
        _set_tags(item, fields["tags"])
    audit.record("content.updated", actor=actor, obj=item, data={"fields": changed})
    return item


@transaction.atomic
def add_file(actor, item: ContentItem, name: str, data: bytes, alt_text: str = "") -> ContentFile:
    """Attach an image (re-encoded, alt text required) or a PDF to an item.

    Raises UploadRejected with a message for the user; nothing is stored then.
    """
    clean = sanitise_upload(name, data, allow_pdf=item.kind == ContentKind.PRESS_RELEASE)
    is_image = clean.content_type.startswith("image/")
    if is_image and not alt_text.strip():
        raise UploadRejected(_("Describe the image in the alt text, for people who cannot see it."))
    width = height = None
    if is_image:
        with pillow()[0].open(io.BytesIO(clean.content)) as im:
            width, height = im.size
    stored = default_storage.save(f"publishing/{clean.storage_name()}", DjangoFile(clean.content))
    file = ContentFile.objects.create(
        item=item,
        storage_name=stored,
        original_name=clean.original_name,
        content_type=clean.content_type,
        alt_text=alt_text.strip() if is_image else "",
        width=width,
        height=height,
        position=item.files.count(),
    )
    audit.record("content.file_added", actor=actor, obj=item, data={"file": file.pk})
    return file


@transaction.atomic
def transition_item(actor, item: ContentItem, verb: str, *, now=None) -> ContentItem:
    """Move an item through the workflow table (rules.TRANSITIONS); audit who did it.

    Approving needs another editor than the submitter. Publishing stamps
    ``published_at`` and starts the cross-posts (tasks enqueued after commit).
    Raises rules.TransitionRefused with a message for the user.
    """
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    before = item.state
    target = rules.next_state(
        item.state,
        verb,
        actor_is_submitter=actor is not None and item.submitted_by_id == actor.pk,
        has_schedule=item.scheduled_at is not None,
    )
    now = now or timezone.now()
    if verb == "submit":
        item.submitted_by = actor
    elif verb == "approve":
        item.approved_by = actor
    elif verb == "return":
        item.approved_by = None
    if target == ContentState.PUBLISHED:
        item.published_at = now
    item.state = target
    item.save()
    audit.record(
        f"content.{verb}",
        actor=actor,
        obj=item,
        data={"from": before, "to": target},
    )
    if target == ContentState.PUBLISHED:
        start_crossposts(item)
    return item


def publish_due_items(now=None) -> list[int]:
    """Publish every scheduled item whose time has come (each in its own transaction)."""
    now = now or timezone.now()
    done = []
    for item in ContentItem.objects.filter(state=ContentState.SCHEDULED, scheduled_at__lte=now):
        try:
            transition_item(None, item, "publish", now=now)
        except rules.TransitionRefused:
            continue  # changed by someone else meanwhile
        done.append(item.pk)
    return done


@transaction.atomic
def add_comment(actor, item: ContentItem, body: str) -> Comment:
    """Add an editor's comment (surrounding blanks removed) to ``item``, audited."""
    comment = Comment.objects.create(item=item, author=actor, body=body.strip())
    audit.record("content.commented", actor=actor, obj=item, data={"comment": comment.pk})
    return comment


@transaction.atomic
def add_progress_update(
    actor, program: ContentItem, *, on: date, percent: int, text: str
) -> ProgressUpdate:
    """Add a progress note to a priority program and set its current progress."""
    if program.kind != ContentKind.PRIORITY_PROGRAM:
        raise ValueError("progress updates belong to priority programs")
    update = ProgressUpdate.objects.create(
        program=program, date=on, progress_percent=percent, text=text.strip(), author=actor
    )
    ContentItem.objects.filter(pk=program.pk).update(progress_percent=percent)
    audit.record("program.progress", actor=actor, obj=program, data={"percent": percent})
    return update


@transaction.atomic
def save_cadence_plan(actor, *, kind: str, channel: str, posts_per_week: int) -> CadencePlan:
    """Set how many items of ``kind`` ``channel`` should carry each week."""
    plan, _created = CadencePlan.objects.update_or_create(
        kind=kind, channel=channel, defaults={"posts_per_week": posts_per_week}
    )
    audit.record("cadence.planned", actor=actor, obj=plan, data={"n": posts_per_week})
    return plan
