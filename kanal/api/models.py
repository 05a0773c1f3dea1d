"""Credentials for machines: partner keys (Open311), staff tokens (REST), and the rows that
make partner traffic traceable (which partner filed which case, which updates it sent) and
retried POSTs safe (idempotency keys). No domain rules live here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kanal.complaints.models import Complaint
from kanal.core.models import TimeStampedModel
from kanal.directory.models import Category


class PartnerKey(TimeStampedModel):
    """An Open311 ``api_key`` issued to a partner system; only a hash of the key is stored."""

    name = models.CharField(_("partner"), max_length=150)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    prefix = models.CharField(_("key prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    posts_per_hour = models.PositiveIntegerField(_("requests per hour"), default=60)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 partner key")
        verbose_name_plural = _("Open311 partner keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ApiToken(TimeStampedModel):
    """A staff member's personal REST API token; acts with that member's scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    prefix = models.CharField(_("token prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ServiceAttribute(TimeStampedModel):
    """An extra question of a category, published as an Open311 service-definition attribute."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Short text")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Long text")
        SINGLE = "singlevaluelist", _("One choice from a list")
        MULTI = "multivaluelist", _("Several choices from a list")

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="service_attributes"
    )
    code = models.SlugField(_("code"), max_length=60)
    variable = models.BooleanField(
        _("asks for input"), default=True, help_text=_("Untick for an information-only line.")
    )
    datatype = models.CharField(_("type"), max_length=20, choices=Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question"), max_length=300)
    datatype_description = models.CharField(_("hint"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=1)
    values = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For lists: [{"key": "k", "name": "Shown name"}, …]'),
    )

    class Meta:
        ordering = ["category", "order"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="one_attribute_code"),
            models.UniqueConstraint(fields=["category", "order"], name="one_attribute_order"),
        ]
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")

    def __str__(self) -> str:
        return f"{self.category.code}:{self.code}"


class PartnerRequest(models.Model):
    """Which partner filed a case through Open311, with what it sent besides the case."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="open311_request"
    )
    partner = models.ForeignKey(PartnerKey, on_delete=models.PROTECT, related_name="requests")
    token = models.CharField(max_length=40, unique=True)
    account_id = models.CharField(max_length=100, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.partner.name}: {self.complaint}"


class PartnerUpdate(models.Model):
    """An update a partner sent on one of its requests (servicerequestupdates), once per id."""

    partner = models.ForeignKey(PartnerKey, on_delete=models.PROTECT, related_name="updates")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    update_id = models.CharField(max_length=100)
    status = models.CharField(max_length=30)
    description = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "update_id"], name="one_partner_update_id")
        ]

    def __str__(self) -> str:
        return f"{self.partner.name} update {self.update_id}"


class IdempotencyKey(models.Model):
    """The first response to a POST with an ``Idempotency-Key``, replayed on retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # method, path and body, hashed
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_idempotency_key")]

    def __str__(self) -> str:
        return self.key
