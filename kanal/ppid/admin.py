"""DIP and DIK in the admin: every save and delete goes through an action."""

from django.contrib import admin

from kanal.core.admin import ActionAdmin, ReadOnlyInline

from . import actions
from .models import ExemptedInformationItem, PublicDocument, PublicInformationItem


class PublicDocumentInline(ReadOnlyInline):
    """Documents are listed here; new ones are added through the action (sanitised)."""

    model = PublicDocument
    fields = ["title", "url", "file"]


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
