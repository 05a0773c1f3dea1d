from django.contrib import admin

from .models import AnonymisedCase


@admin.register(AnonymisedCase)
class AnonymisedCaseAdmin(admin.ModelAdmin):
    """Read-only: which cases lost their personal data, when and why."""

    list_display = ["complaint", "reason", "anonymised_at"]
    list_filter = ["reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
