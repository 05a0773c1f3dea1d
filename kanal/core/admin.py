from django.contrib import admin

from . import actions
from .models import CalendarOverride, Heartbeat, ScheduledJob


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "reason", "decree"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        saved = actions.set_calendar_override(
            actor=request.user,
            day=obj.date,
            is_working_day=obj.is_working_day,
            reason=obj.reason,
            decree=obj.decree,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        actions.remove_calendar_override(actor=request.user, override=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            actions.remove_calendar_override(actor=request.user, override=obj)


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    list_display = ["name", "last_enqueued_at"]
    readonly_fields = ["name", "last_enqueued_at"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]
    readonly_fields = ["name", "seen_at"]
