from django.contrib import admin

from kanal.core.admin import ActionAdmin

from . import actions
from .models import ResponseTemplate


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(ActionAdmin):
    """Operators keep the reply templates; changes go through actions (audited)."""

    list_display = ["name", "category", "state", "updated_at"]
    list_filter = ["state", "category"]
    search_fields = ["name", "body"]

    save_action = actions.save_response_template
    delete_action = actions.delete_response_template
    object_kwarg = "template"
