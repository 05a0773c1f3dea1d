"""Admin for partner keys, staff API tokens and service attributes; writes go through actions.

A new key or token is shown once, in the confirmation message; only its hash is stored.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from kanal.core.admin import ActionAdmin

from . import actions
from .models import ApiToken, PartnerKey, ServiceAttribute


@admin.register(PartnerKey)
class PartnerKeyAdmin(ActionAdmin):
    list_display = ["name", "prefix", "posts_per_hour", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "contact", "prefix"]
    fields = ["name", "contact", "posts_per_hour", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "revoked_at"]
    actions = ["revoke"]

    def save_through_action(self, request, obj, form, change):
        if change:
            actions.update_partner_key(actor=request.user, partner=obj, fields=form.changed_data)
            return None
        created, raw = actions.issue_partner_key(
            actor=request.user,
            name=obj.name,
            contact=obj.contact,
            posts_per_hour=obj.posts_per_hour,
        )
        obj.prefix, obj.key_hash = created.prefix, created.key_hash
        messages.warning(
            request,
            _("The partner's api_key is %(key)s — copy it now, it is not shown again.")
            % {"key": raw},
        )
        return created

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: past requests stay linked to the partner

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for partner in queryset:
            actions.revoke_partner_key(actor=request.user, partner=partner)


@admin.register(ApiToken)
class ApiTokenAdmin(ActionAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "prefix"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "expires_at"]
        return ["user", "name", "prefix", "expires_at", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return self.get_fields(request, obj)

    def save_through_action(self, request, obj, form, change):
        if change:
            return None  # tokens are not edited; revoke and issue a new one
        created, raw = actions.issue_api_token(
            actor=request.user, user=obj.user, name=obj.name, expires_at=obj.expires_at
        )
        obj.prefix, obj.key_hash = created.prefix, created.key_hash
        messages.warning(
            request,
            _("The API token is %(token)s — copy it now, it is not shown again.") % {"token": raw},
        )
        return created

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            actions.revoke_api_token(actor=request.user, token=token)


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(ActionAdmin):
    list_display = ["category", "order", "code", "datatype", "required"]
    list_filter = ["datatype", "required"]
    search_fields = ["code", "description", "category__code", "category__name"]
    delete_action = actions.delete_service_attribute
    object_kwarg = "attribute"

    def save_through_action(self, request, obj, form, change):
        actions.save_service_attribute(actor=request.user, attribute=obj)
        return None
