from django.contrib import admin

from kanal.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import DeliveryAttempt, OutboxMessage


class AttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = ["route", "address", "state", "reason", "tries", "provider_status", "detail"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Read only: the outbox is written by actions and the sending task, never by hand."""

    allow_delete = True

    list_display = ["kind", "reference_number", "first_route", "status", "created_at"]
    list_filter = ["status", "kind", "first_route"]
    search_fields = ["reference_number"]
    inlines = [AttemptInline]
    exclude = ["body"]
