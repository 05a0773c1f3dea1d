from django.contrib import admin

from . import actions
from .forms import AutoApplySettingForm, GazetteerEntryForm, RoutingKeywordForm
from .models import AutoApplySetting, GazetteerEntry, RoutingDecision, RoutingKeyword


class _ActionAdmin(admin.ModelAdmin):
    """Saves and deletes go through the routing actions (audit, cache refresh)."""

    save_action = None
    delete_action = None
    object_kwarg = ""

    def save_model(self, request, obj, form, change):
        # The form already ran the same checks the action runs.
        type(self).save_action(actor=request.user, **{self.object_kwarg: obj})

    def delete_model(self, request, obj):
        type(self).delete_action(actor=request.user, **{self.object_kwarg: obj})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(RoutingKeyword)
class RoutingKeywordAdmin(_ActionAdmin):
    form = RoutingKeywordForm
    list_display = ["phrase", "unit", "flow", "weight", "is_active"]
    list_filter = ["is_active", "flow", "unit"]
    search_fields = ["phrase", "unit__code", "unit__name"]
    autocomplete_fields = ["unit"]
    save_action = actions.save_keyword
    delete_action = actions.delete_keyword
    object_kwarg = "keyword"


@admin.register(GazetteerEntry)
class GazetteerEntryAdmin(_ActionAdmin):
    form = GazetteerEntryForm
    list_display = ["name", "kind", "kelurahan_code", "kecamatan_code", "unit_hint", "is_active"]
    list_filter = ["kind", "is_active", "needs_prefix", "case_sensitive"]
    search_fields = ["name", "kelurahan_code", "kecamatan_code", "note"]
    autocomplete_fields = ["unit_hint"]
    save_action = actions.save_gazetteer_entry
    delete_action = actions.delete_gazetteer_entry
    object_kwarg = "entry"


@admin.register(AutoApplySetting)
class AutoApplySettingAdmin(admin.ModelAdmin):
    list_display = ["category", "enabled", "threshold"]
    list_filter = ["enabled"]
    autocomplete_fields = ["category"]
    form = AutoApplySettingForm

    def save_model(self, request, obj, form, change):
        actions.save_auto_apply_setting(actor=request.user, setting=obj)

    def has_delete_permission(self, request, obj=None):
        return False  # switch it off instead, so the history stays readable


@admin.register(RoutingDecision)
class RoutingDecisionAdmin(admin.ModelAdmin):
    """Read-only: decisions are recorded by the system and reverted from the case."""

    list_display = [
        "case_id",
        "field",
        "suggested_value",
        "confidence",
        "applied_at",
        "reverted_at",
    ]
    list_filter = ["field"]
    search_fields = ["case_id", "suggested_value"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
