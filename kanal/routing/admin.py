from django.contrib import admin

from kanal.core.admin import ActionAdmin, ReadOnlyAdmin

from . import actions
from .forms import AutoApplySettingForm, GazetteerEntryForm, RoutingKeywordForm
from .models import AutoApplySetting, GazetteerEntry, RoutingDecision, RoutingKeyword


@admin.register(RoutingKeyword)
class RoutingKeywordAdmin(ActionAdmin):
    form = RoutingKeywordForm
    list_display = ["phrase", "unit", "flow", "weight", "is_active"]
    list_filter = ["is_active", "flow", "unit"]
    search_fields = ["phrase", "unit__code", "unit__name"]
    autocomplete_fields = ["unit"]
    save_action = actions.save_keyword
    delete_action = actions.delete_keyword
    object_kwarg = "keyword"


@admin.register(GazetteerEntry)
class GazetteerEntryAdmin(ActionAdmin):
    form = GazetteerEntryForm
    list_display = ["name", "kind", "kelurahan_code", "kecamatan_code", "unit_hint", "is_active"]
    list_filter = ["kind", "is_active", "needs_prefix", "case_sensitive"]
    search_fields = ["name", "kelurahan_code", "kecamatan_code", "note"]
    autocomplete_fields = ["unit_hint"]
    save_action = actions.save_gazetteer_entry
    delete_action = actions.delete_gazetteer_entry
    object_kwarg = "entry"


@admin.register(AutoApplySetting)
class AutoApplySettingAdmin(ActionAdmin):
    list_display = ["category", "enabled", "threshold"]
    list_filter = ["enabled"]
    autocomplete_fields = ["category"]
    form = AutoApplySettingForm
    save_action = actions.save_auto_apply_setting
    object_kwarg = "setting"

    def has_delete_permission(self, request, obj=None):
        return False  # switch it off instead, so the history stays readable


@admin.register(RoutingDecision)
class RoutingDecisionAdmin(ReadOnlyAdmin):
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
