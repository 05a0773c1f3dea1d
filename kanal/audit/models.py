"""The audit log: one row per action, written in the action's own transaction.

The log is append-only and tamper-evident (ASVS 16.4.2). An action inserts its event
*unsealed*: no lock, so concurrent actions never wait for each other. A sealer
(``kanal.audit.actions.seal_pending``, every few seconds from the scheduler) then gives
each committed event its place in the chain (``seq``), the hash of the event before it
(``prev_hash``) and its own hash over its content and that link (``hash``). Changing,
removing or inserting a row breaks the chain, which ``manage.py verify_audit_chain``
reports. The model refuses updates and deletes; on PostgreSQL a trigger (migration
0003) refuses them in the database as well, except the one update that seals an event
without touching its content.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64  # the "previous hash" of the first event


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events are never updated")

    def delete(self):
        raise AppendOnlyError("audit events are never deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("audit events are never updated")

    def bulk_create(self, *args, **kwargs):
        # Events are written one by one through audit.record (kanal.audit.actions).
        raise AppendOnlyError("audit events are written one at a time through audit.record")


class AuditEvent(models.Model):
    """Who did what to which object, when, with what data. Never updated or deleted."""

    created_at = models.DateTimeField(_("time"), db_index=True)
    # The user row may be deleted later; the event keeps the id and actor_label as they
    # were (no database constraint, no SET NULL: that would be an UPDATE of the log).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Who acted when it was not a staff member: "system", "citizen", "channel:whatsapp".
    actor_label = models.CharField(_("actor label"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    # Set once by the sealer; empty/None while the event waits to be sealed.
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, default="", blank=True)
    hash = models.CharField(max_length=64, default="", blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are never deleted")


class AuditChainHead(models.Model):
    """One row: the last sealed event. Sealers lock it so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_event_id = models.BigIntegerField(null=True, blank=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"audit chain head at {self.last_event_id}"
