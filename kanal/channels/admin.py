from django.contrib import admin

from . import actions
from .models import Citizen, Contact, Conversation, InboundEvent


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    list_display = ["provider", "event_key", "received_at", "status", "is_probe", "attempts"]
    list_filter = ["provider", "status", "is_probe"]
    search_fields = ["event_key"]
    exclude = ["body"]
    readonly_fields = [f.name for f in InboundEvent._meta.fields if f.name != "body"]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry processing")
    def retry(self, request, queryset):
        for event in queryset.filter(status="failed"):
            actions.retry_inbound_event(actor=request.user, event_id=event.pk)


@admin.register(Contact, Conversation, Citizen)
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
