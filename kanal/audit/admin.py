from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, nobody edits it."""

    list_display = ["created_at", "actor_label", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["action", "object_repr", "actor_label", "object_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
