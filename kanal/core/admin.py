from django.contrib import admin

from . import actions
from .models import CalendarOverride, Heartbeat, ScheduledJob


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows shown in the admin but written elsewhere (the system, a console, a loader).

    Nothing is added, changed or deleted here; ``allow_delete = True`` keeps deleting.
    """

    allow_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and super().has_delete_permission(request, obj)


class ActionAdmin(admin.ModelAdmin):
    """Saves and deletes go through the app's actions (checks, audit, caches).

    Each admin names ``save_action`` and ``delete_action``, called as
    ``action(actor=request.user, <object_kwarg>=obj)``; a bulk delete runs the delete
    action once per row, so every row is audited.
    """

    save_action = None
    delete_action = None
    object_kwarg = "item"

    def save_model(self, request, obj, form, change):
        # The admin's form already ran the checks the action runs.
        type(self).save_action(actor=request.user, **{self.object_kwarg: obj})

    def delete_model(self, request, obj):
        type(self).delete_action(actor=request.user, **{self.object_kwarg: obj})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


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
