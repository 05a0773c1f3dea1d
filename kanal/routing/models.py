"""Routing data operators edit (keywords, gazetteer, auto-apply switches) and the record
of every automatic decision."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kanal.core.models import TimeStampedModel
from kanal.directory.models import Category, Unit


class KeywordFlow(models.TextChoices):
    UNIT = "", _("the unit")
    PPID = "ppid", _("PPID: request for public information")


class RoutingKeyword(TimeStampedModel):
    """A word or phrase that points a message at a unit ("lampu jalan" → Disperkim), or at
    the PPID flow for information requests ("salinan" → PPID), which is not a unit.

    Matched on whole words of the normalised text, as written or stemmed. The weight
    says how decisive the phrase is (1 = a hint, 3 = nearly certain, 4 = decisive).
    """

    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_keywords",
        verbose_name=_("unit"),
    )
    flow = models.CharField(
        _("or flow"), max_length=10, choices=KeywordFlow.choices, default="", blank=True
    )
    phrase = models.CharField(_("word or phrase"), max_length=120)
    weight = models.FloatField(_("weight"), default=1.0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["flow", "unit__code", "phrase"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "flow", "phrase"], name="routing_keyword_unique"
            ),
            models.CheckConstraint(
                condition=(models.Q(unit__isnull=False) & models.Q(flow=""))
                | (models.Q(unit__isnull=True) & ~models.Q(flow="")),
                name="routing_keyword_unit_or_flow",
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0) & models.Q(weight__lte=10),
                name="routing_keyword_weight_range",
            ),
        ]
        verbose_name = _("routing keyword")
        verbose_name_plural = _("routing keywords")

    @property
    def target_code(self) -> str:
        """The code suggestions use: the unit's code, or "ppid"."""
        return self.unit.code if self.unit_id else self.flow

    def __str__(self) -> str:
        return f"{self.phrase} → {self.target_code}"


class GazetteerKind(models.TextChoices):
    KELURAHAN = "kelurahan", _("Kelurahan")
    KECAMATAN = "kecamatan", _("Kecamatan")
    LANDMARK = "landmark", _("Landmark")
    STREET = "street", _("Street")


class GazetteerEntry(TimeStampedModel):
    """A name (official, variant spelling or misspelling) of a place or landmark.

    Kelurahan and kecamatan names set the place; landmarks and streets never do (they
    may hint a unit, e.g. "RSUD Abdul Moeloek" → the province).
    """

    name = models.CharField(_("name or alias"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=GazetteerKind.choices)
    kelurahan_code = models.CharField(_("kelurahan code"), max_length=20, blank=True)
    kecamatan_code = models.CharField(_("kecamatan code"), max_length=20, blank=True)
    unit_hint = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("unit hint"),
    )
    needs_prefix = models.BooleanField(_("only after “Kelurahan”/“Kel.”/“Lurah”"), default=False)
    case_sensitive = models.BooleanField(_("only when capitalised"), default=False)
    not_after = models.CharField(
        _("not after these words"), max_length=120, blank=True, help_text=_("space-separated")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "kind", "kelurahan_code", "kecamatan_code"],
                name="routing_gazetteer_unique",
            )
        ]
        verbose_name = _("gazetteer entry")
        verbose_name_plural = _("gazetteer entries")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class AutoApplySetting(TimeStampedModel):
    """Whether a confident unit suggestion is applied without the verifier, per category."""

    category = models.OneToOneField(
        Category,
        on_delete=models.CASCADE,
        related_name="auto_apply_setting",
        verbose_name=_("category"),
    )
    enabled = models.BooleanField(_("apply automatically"), default=False)
    threshold = models.FloatField(_("minimum confidence"), default=0.9)

    class Meta:
        ordering = ["category__code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gte=0.5) & models.Q(threshold__lte=1.0),
                name="routing_auto_apply_threshold_range",
            )
        ]
        verbose_name = _("auto-apply setting")
        verbose_name_plural = _("auto-apply settings")

    def __str__(self) -> str:
        return f"{self.category.code}: {self.enabled} ≥ {self.threshold}"


class RoutingDecision(models.Model):
    """One automatic decision on a case (e.g. the unit), kept so it can be reverted."""

    case_id = models.PositiveBigIntegerField(_("case"), db_index=True)
    field = models.CharField(_("field"), max_length=40)
    suggested_value = models.CharField(_("suggested value"), max_length=120)
    previous_value = models.CharField(_("previous value"), max_length=120, blank=True)
    confidence = models.FloatField(_("confidence"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    model_version = models.CharField(_("model version"), max_length=80, blank=True)
    applied_at = models.DateTimeField(_("applied at"))
    reverted_at = models.DateTimeField(_("reverted at"), null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reverted by"),
    )

    class Meta:
        ordering = ["-applied_at"]
        verbose_name = _("automatic routing decision")
        verbose_name_plural = _("automatic routing decisions")

    def __str__(self) -> str:
        return f"case {self.case_id}: {self.field} = {self.suggested_value}"

    @property
    def is_reverted(self) -> bool:
        return self.reverted_at is not None
