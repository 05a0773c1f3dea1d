"""Administrative areas: the kota/kabupaten, its kecamatan and kelurahan (Kemendagri codes)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """The kota or kabupaten this deployment serves (level 2), e.g. 18.71."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    province_code = models.CharField(_("province code"), max_length=10, blank=True)
    province_name = models.CharField(_("province"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Kecamatan(models.Model):
    """A district (level 3), e.g. 18.71.01 Kedaton."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="kecamatan")

    class Meta:
        ordering = ["name"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self) -> str:
        return self.name


class Kelurahan(models.Model):
    """An urban village (level 4), e.g. 18.71.01.1003 Kedaton, with its boundary.

    ``boundary`` is a GeoJSON geometry (WGS84, [lng, lat]); the bounding box columns let
    the database pick candidates before the exact polygon test.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="kelurahan")
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    lat = models.FloatField(_("centroid latitude"), null=True, blank=True)
    lng = models.FloatField(_("centroid longitude"), null=True, blank=True)
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    min_lng = models.FloatField(null=True, blank=True)
    max_lng = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["min_lat", "max_lat", "min_lng", "max_lng"])]
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")

    def __str__(self) -> str:
        return self.name
