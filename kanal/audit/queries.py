"""Reading the audit log."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from .models import AuditEvent


def history_of(obj: Model) -> QuerySet[AuditEvent]:
    """Every event recorded about ``obj``, oldest first. Callers check access to ``obj``."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")
