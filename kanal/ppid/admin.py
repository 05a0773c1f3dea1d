"""DIP and DIK in the admin: every save and delete goes through an action."""

from django.contrib import admin

from . import actions
from .models import ExemptedInformationItem, PublicDocument, PublicInformationItem


class ActionAdmin(admin.ModelAdmin):
    save_action = None
    delete_action = None

    def save_model(self, request, obj, form, change):
        type(self).save_action(actor=request.user, item=obj)

    def delete_model(self, request, obj):
        type(self).delete_action(actor=request.user, item=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class PublicDocumentInline(admin.TabularInline):
    """Documents are listed here; new ones are added through the action (sanitised)."""

    model = PublicDocument
    extra = 0
    fields = ["title", "url", "file"]
    readonly_fields = ["title", "url", "file"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PublicInformationItem)
class PublicInformationItemAdmin(ActionAdmin):
    save_action = staticmethod(actions.save_public_information_item)
    delete_action = staticmethod(actions.delete_public_information_item)
    list_display = ["title", "category", "unit", "last_published_on", "is_published"]
    list_filter = ["category", "is_published"]
    search_fields = ["title", "summary"]
    autocomplete_fields = ["unit"]
    inlines = [PublicDocumentInline]


@admin.register(ExemptedInformationItem)
class ExemptedInformationItemAdmin(ActionAdmin):
    save_action = staticmethod(actions.save_exempted_item)
    delete_action = staticmethod(actions.delete_exempted_item)
    list_display = ["title", "ground", "exempt_from", "exempt_until"]
    list_filter = ["ground"]
    search_fields = ["title", "legal_basis"]
    exclude = ["expiry_alerted_on"]
