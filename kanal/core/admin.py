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


class ReadOnlyInline(admin.TabularInline):
    """Related rows listed on their parent's page, written elsewhere: ``fields`` are shown
    read-only; nothing is added or deleted here.
    """

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or ()

    def has_add_permission(self, request, obj=None):
        return False


class ActionAdmin(admin.ModelAdmin):
    """Saves and deletes go through the app's actions (checks, audit, caches).

    The save/delete pair of every admin that writes through actions, written once. An
    admin names ``save_action`` and ``delete_action``, called as
    ``action(actor=request.user, <object_kwarg>=obj)``; an action that takes the fields
    instead of the object is called from an overridden :meth:`save_through_action`.
    A bulk delete runs the delete action once per row, so every row is audited. Without
    a ``delete_action`` the admin deletes as Django's does (rows with no delete action).
    """

    save_action = None
    delete_action = None
    object_kwarg = "item"

    def save_through_action(self, request, obj, form, change):
        """Save ``obj`` through the action; return the saved row when it is another object.

        The admin's form already ran the checks the action runs. The returned row's
        primary key is copied onto ``obj`` (the admin redirects to it and logs it).
        """
        type(self).save_action(actor=request.user, **{self.object_kwarg: obj})
        return None

    def save_model(self, request, obj, form, change):
        saved = self.save_through_action(request, obj, form, change)
        if saved is not None:
            obj.pk = saved.pk

    def delete_model(self, request, obj):
        if self.delete_action is None:
            super().delete_model(request, obj)
            return
        type(self).delete_action(actor=request.user, **{self.object_kwarg: obj})

    def delete_queryset(self, request, queryset):
        if self.delete_action is None:
            super().delete_queryset(request, queryset)
            return
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ActionAdmin):
    list_display = ["date", "is_working_day", "reason", "decree"]
    date_hierarchy = "date"
    delete_action = actions.remove_calendar_override
    object_kwarg = "override"

    def save_through_action(self, request, obj, form, change):
        return actions.set_calendar_override(
            actor=request.user,
            day=obj.date,
            is_working_day=obj.is_working_day,
            reason=obj.reason,
            decree=obj.decree,
        )


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    list_display = ["name", "last_enqueued_at"]
    readonly_fields = ["name", "last_enqueued_at"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]
    readonly_fields = ["name", "seen_at"]
