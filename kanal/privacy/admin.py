from django.contrib import admin

from kanal.core.admin import ReadOnlyAdmin

from .models import AnonymisedCase


@admin.register(AnonymisedCase)
class AnonymisedCaseAdmin(ReadOnlyAdmin):
    """Read-only: which cases lost their personal data, when and why."""

    list_display = ["complaint", "reason", "anonymised_at"]
    list_filter = ["reason"]
