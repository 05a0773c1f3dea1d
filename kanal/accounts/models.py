"""Staff accounts, their roles and their membership of units."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kanal.directory.models import Unit


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator (verifier)")
    UNIT_OFFICER = "unit_officer", _("Unit officer (admin penghubung)")
    AREA_OFFICER = "area_officer", _("Kecamatan/kelurahan officer")
    PPID_OFFICER = "ppid_officer", _("PPID officer")
    PPID_SUPERIOR = "ppid_superior", _("Atasan PPID")
    EDITOR = "editor", _("Editor (humas)")
    INSPECTOR = "inspector", _("Inspektorat")
    LEADERSHIP = "leadership", _("Leadership (pimpinan)")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class User(AbstractUser):
    """A staff member. Citizens have no account; they are contacts of the channels app."""

    phone = models.CharField(_("phone"), max_length=30, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    """A staff member holds ``role`` in ``unit``; what they see is scoped by these rows.

    ``can_view_reporters`` grants a unit officer the separate permission to see who
    reported a case ("handle the case" does not imply it).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    can_view_reporters = models.BooleanField(_("may see reporters"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"
