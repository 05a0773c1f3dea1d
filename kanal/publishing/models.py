"""Publishing tables: content and its workflow, channel posts, cadence plan, partners, visits.

Writes happen only in :mod:`kanal.publishing.actions`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kanal.core.models import TimeStampedModel
from kanal.directory.models import Unit
from kanal.wilayah.models import Kelurahan


class ContentKind(models.TextChoices):
    ACTIVITY = "activity", _("Government activity")
    ANNOUNCEMENT = "announcement", _("Official announcement")
    PRIORITY_PROGRAM = "priority_program", _("Priority program")
    PRESS_RELEASE = "press_release", _("Press release")
    INFOGRAPHIC = "infographic", _("Infographic")


class ContentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Channel(models.TextChoices):
    WEBSITE = "website", _("Website")
    FACEBOOK = "facebook", _("Facebook")
    INSTAGRAM = "instagram", _("Instagram")
    TIKTOK = "tiktok", _("TikTok")


SOCIAL_CHANNELS = (Channel.FACEBOOK, Channel.INSTAGRAM, Channel.TIKTOK)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=70, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class ContentItem(TimeStampedModel):
    """One piece of content (kegiatan, imbauan, program prioritas, siaran pers, infografis).

    ``channels`` lists the social channels to cross-post to (the website always shows a
    published item). ``scheduled_at`` is the planned publication time, set while drafting
    so the weekly plan can be checked before anything is approved.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ContentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("body"), help_text=_("Plain text; a blank line starts a paragraph."))
    units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("units"))
    tags = models.ManyToManyField(Tag, blank=True, related_name="items", verbose_name=_("tags"))
    channels = models.JSONField(_("social channels"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=ContentState.choices, default=ContentState.DRAFT
    )
    scheduled_at = models.DateTimeField(_("planned publication"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    progress_percent = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, help_text=_("Priority programs only.")
    )

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["state", "kind", "published_at"])]
        verbose_name = _("content item")
        verbose_name_plural = _("content items")

    def __str__(self) -> str:
        return self.title

    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


class ContentFile(TimeStampedModel):
    """An image (re-encoded, with alt text) or a PDF attachment of a content item."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="files")
    storage_name = models.CharField(max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    alt_text = models.CharField(_("alt text"), max_length=250, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                name="publishing_image_has_alt_text",
                condition=~models.Q(content_type="image/jpeg") | ~models.Q(alt_text=""),
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ProgressUpdate(TimeStampedModel):
    """A dated progress note of a priority program, shown on the program's page."""

    program = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"))
    text = models.TextField(_("what changed"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)

    class Meta:
        ordering = ["-date", "-id"]


class Comment(TimeStampedModel):
    """A note between editor and reviewer on one item (staff only)."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    body = models.TextField(_("comment"))

    class Meta:
        ordering = ["created_at", "id"]


class PostState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    CONTAINER = "container", _("Media being prepared")  # Instagram container exists
    PUBLISHING = "publishing", _("Being published")  # the publish call may have happened
    PROCESSING = "processing", _("Processed by the provider")  # TikTok publish_id known
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")
    NEEDS_CHECK = "needs_check", _("Needs a manual check")


class ChannelPost(TimeStampedModel):
    """The cross-post of one item to one social channel, with the provider's ids.

    The state is written *before* each provider call that creates something, so a task
    that dies between the call and the record finds ``publishing`` on retry and asks the
    provider what happened instead of posting again.
    """

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="posts")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=PostState.choices, default=PostState.PENDING
    )
    container_id = models.CharField(max_length=100, blank=True)  # Instagram
    publish_id = models.CharField(max_length=200, blank=True)  # TikTok
    external_id = models.CharField(_("post id"), max_length=200, blank=True)
    privacy_level = models.CharField(max_length=40, blank=True)  # TikTok
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["item", "channel"], name="publishing_one_post_per_ch")
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.channel}"


class CadencePlan(models.Model):
    """How many items of a kind a channel should carry each week."""

    kind = models.CharField(_("kind"), max_length=20, choices=ContentKind.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    posts_per_week = models.PositiveSmallIntegerField(_("posts per week"))

    class Meta:
        ordering = ["kind", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "channel"], name="publishing_one_plan_per_pair")
        ]
        verbose_name = _("weekly plan")
        verbose_name_plural = _("weekly plan")

    def __str__(self) -> str:
        return f"{self.kind}/{self.channel}: {self.posts_per_week}"


class PartnerKind(models.TextChoices):
    TV = "tv", _("Television")
    RADIO = "radio", _("Radio")
    ONLINE = "online", _("Online media")
    PRINT = "print", _("Print")


class MediaPartner(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=PartnerKind.choices)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    preferred_formats = models.CharField(
        _("preferred formats"), max_length=200, blank=True, help_text=_("e.g. text, photos, PDF")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("media partner")
        verbose_name_plural = _("media partners")

    def __str__(self) -> str:
        return self.name


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class PressDelivery(TimeStampedModel):
    """One press release sent to one partner: one row, never two e-mails."""

    item = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="deliveries")
    partner = models.ForeignKey(MediaPartner, on_delete=models.PROTECT, related_name="deliveries")
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)

    class Meta:
        ordering = ["partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "partner"], name="publishing_one_delivery")
        ]


class FieldVisit(TimeStampedModel):
    """The mayor's field visit (kunjungan lapangan): plan, talking points, short report."""

    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan")
    )
    place = models.CharField(_("place"), max_length=200, help_text=_("e.g. Pasar Tugu"))
    participants = models.TextField(_("participants"), blank=True)
    talking_points = models.ManyToManyField(
        ContentItem, blank=True, related_name="visits", verbose_name=_("talking points")
    )
    notes = models.TextField(_("notes for the talking points"), blank=True)
    report = models.TextField(_("report"), blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    # Complaints heard during the visit (recorded in the field app with the visit as context).
    complaints = models.ManyToManyField(
        "complaints.Complaint", blank=True, related_name="field_visits", editable=False
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("field visit")
        verbose_name_plural = _("field visits")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"
