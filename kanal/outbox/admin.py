from django.contrib import admin

from .models import DeliveryAttempt, OutboxMessage


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["route", "address", "state", "reason", "tries", "provider_status", "detail"]
    readonly_fields = fields


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read only: the outbox is written by actions and the sending task, never by hand."""

    list_display = ["kind", "reference_number", "first_route", "status", "created_at"]
    list_filter = ["status", "kind", "first_route"]
    search_fields = ["reference_number"]
    inlines = [AttemptInline]
    exclude = ["body"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
