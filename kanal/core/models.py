"""Infrastructure tables shared by every app: the base model, calendar overrides, the schedule."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Base for domain tables: when a row was created and last changed (UTC)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class CalendarOverride(TimeStampedModel):
    """A decree that makes one date a working day or a day off, overriding the holiday list.

    Example: a regional decree adds a local holiday, or moves a cuti bersama day.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("is a working day"),
        help_text=_("Tick to make the date a working day; leave empty to make it a day off."),
    )
    reason = models.CharField(_("reason"), max_length=200)
    decree = models.CharField(_("decree"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


class ScheduledJob(models.Model):
    """When the scheduler last enqueued a periodic job; the row lock makes it enqueue once."""

    name = models.CharField(max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Heartbeat(models.Model):
    """The last time a process proved it was alive (the worker runs the heartbeat task)."""

    name = models.CharField(max_length=100, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
