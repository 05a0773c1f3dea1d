from django.contrib import admin

from kanal.core.admin import ReadOnlyAdmin

from . import actions
from .models import Citizen, Contact, Conversation, InboundEvent


@admin.register(InboundEvent)
class InboundEventAdmin(ReadOnlyAdmin):
    allow_delete = True
    list_display = ["provider", "event_key", "received_at", "status", "is_probe", "attempts"]
    list_filter = ["provider", "status", "is_probe"]
    search_fields = ["event_key"]
    exclude = ["body"]
    readonly_fields = [f.name for f in InboundEvent._meta.fields if f.name != "body"]
    actions = ["retry"]

    @admin.action(description="Retry processing")
    def retry(self, request, queryset):
        for event in queryset.filter(status="failed"):
            actions.retry_inbound_event(actor=request.user, event_id=event.pk)


@admin.register(Contact, Conversation, Citizen)
class PeopleAdmin(ReadOnlyAdmin):
    allow_delete = True
