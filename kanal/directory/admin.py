from django.contrib import admin

from kanal.core.admin import ActionAdmin

from . import actions
from .models import Category, Unit


@admin.register(Unit)
class UnitAdmin(ActionAdmin):
    list_display = ["code", "name", "short_name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name", "urusan", "complaint_topics"]
    readonly_fields = ["code", "kind", "parent", "kecamatan", "kelurahan"]
    fields = ["code", "kind", "parent", "kecamatan", "kelurahan", *actions.UNIT_EDITABLE_FIELDS]

    def has_add_permission(self, request):
        return False  # units come from the region's registry file

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_action(self, request, obj, form, change):
        actions.update_unit(
            actor=request.user,
            unit=obj,
            **{
                f: form.cleaned_data[f]
                for f in form.changed_data
                if f in actions.UNIT_EDITABLE_FIELDS
            },
        )
        return None


@admin.register(Category)
class CategoryAdmin(ActionAdmin):
    list_display = ["code", "__str__", "default_unit", "is_active", "position"]
    list_filter = ["is_active", "parent"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["default_unit"]
    save_action = actions.save_category
    object_kwarg = "category"
