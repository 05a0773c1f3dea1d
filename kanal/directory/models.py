"""The perangkat daerah registry (units) and the case category taxonomy."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kanal.core.models import TimeStampedModel
from kanal.wilayah.models import Kecamatan, Kelurahan


class UnitKind(models.TextChoices):
    SECRETARIAT = "sekretariat", _("Secretariat")
    INSPECTORATE = "inspektorat", _("Inspectorate")
    DINAS = "dinas", _("Dinas (office)")
    BADAN = "badan", _("Badan (agency)")
    SATUAN = "satuan", _("Satuan (unit)")
    HOSPITAL = "rumah_sakit", _("Regional hospital")
    AREA_GROUP = "wilayah", _("Area offices (group)")
    KECAMATAN = "kecamatan", _("Kecamatan office")
    KELURAHAN = "kelurahan", _("Kelurahan office")
    OUTSIDE = "luar_kewenangan", _("Outside the city's authority")


class Unit(TimeStampedModel):
    """A perangkat daerah (OPD), an area office, or a body outside the city's authority.

    The same record serves the public website (tugas, fungsi, kewenangan, contacts) and
    case routing (complaint topics, area). Area offices carry their kecamatan or
    kelurahan; bodies outside the city's authority are referred to, never disposed to.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    urusan = models.TextField(_("urusan"), blank=True)
    tasks = models.TextField(_("tugas"), blank=True)
    functions = models.TextField(_("fungsi"), blank=True)
    authority = models.TextField(_("kewenangan"), blank=True)
    complaint_topics = models.TextField(_("typical complaint topics"), blank=True)
    head_title = models.CharField(_("head's title"), max_length=100, blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan, null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    kelurahan = models.ForeignKey(
        Kelurahan, null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    @property
    def is_outside_authority(self) -> bool:
        return self.kind == UnitKind.OUTSIDE

    @property
    def area_code(self) -> str:
        """The Kemendagri code of the area an area office serves, else ''."""
        if self.kelurahan_id:
            return self.kelurahan.code
        if self.kecamatan_id:
            return self.kecamatan.code
        return ""


class Category(TimeStampedModel):
    """A case category (two levels), with the unit a case of it goes to by default."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
    )
    default_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="default_for",
        verbose_name=_("default unit"),
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name
