"""The field app's devices: one row per phone signed in to record complaints offline."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceSession(models.Model):
    """A phone signed in to the field app, tied to one login session.

    ``token`` is a random name the app keeps on the phone, so that after the session is
    gone it can still learn whether the device was signed out from the console (and then
    wipe what it holds) or merely needs a fresh sign-in. ``verified_at`` is the last
    second-factor check; ``last_active_at`` the last thing the officer did. Revoking ends
    the login session at once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="field_devices"
    )
    session_key = models.CharField(max_length=40, unique=True)
    token = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("device"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("signed in"), auto_now_add=True)
    verified_at = models.DateTimeField(_("last second-factor check"))
    last_active_at = models.DateTimeField(_("last active"))
    ended_at = models.DateTimeField(_("signed out"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked = models.BooleanField(_("signed out from the console"), default=False)

    class Meta:
        ordering = ["-last_active_at"]
        verbose_name = _("field device")
        verbose_name_plural = _("field devices")

    def __str__(self) -> str:
        return f"{self.user} · {self.label or self.pk}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
