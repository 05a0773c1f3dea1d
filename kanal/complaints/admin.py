from django.contrib import admin

from . import actions
from .models import ResponseTemplate


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    """Operators keep the reply templates; changes go through actions (audited)."""

    list_display = ["name", "category", "state", "updated_at"]
    list_filter = ["state", "category"]
    search_fields = ["name", "body"]

    def save_model(self, request, obj, form, change):
        actions.save_response_template(actor=request.user, template=obj)

    def delete_model(self, request, obj):
        actions.delete_response_template(actor=request.user, template=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            actions.delete_response_template(actor=request.user, template=obj)
