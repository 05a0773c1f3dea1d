"""Admin: the weekly plan and media partners (saved through actions); the rest read-only."""

from django.contrib import admin

from kanal.core.admin import ActionAdmin, ReadOnlyAdmin

from . import actions
from .actions import partners
from .models import CadencePlan, ChannelPost, ContentItem, FieldVisit, MediaPartner


@admin.register(CadencePlan)
class CadencePlanAdmin(ActionAdmin):
    list_display = ("kind", "channel", "posts_per_week")
    list_filter = ("channel",)

    def save_through_action(self, request, obj, form, change):
        return actions.save_cadence_plan(
            request.user, kind=obj.kind, channel=obj.channel, posts_per_week=obj.posts_per_week
        )


@admin.register(MediaPartner)
class MediaPartnerAdmin(ActionAdmin):
    list_display = ("name", "kind", "email", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "email")

    def save_through_action(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in partners.PARTNER_FIELDS}
        existing = MediaPartner.objects.get(pk=obj.pk) if change else None
        return partners.save_media_partner(request.user, existing, **fields)


# Read-only here: changes go through the publishing console (workflow and audit).
@admin.register(ContentItem)
class ContentItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "state", "scheduled_at", "published_at")
    list_filter = ("kind", "state")
    search_fields = ("title",)


@admin.register(ChannelPost)
class ChannelPostAdmin(ReadOnlyAdmin):
    list_display = ("item", "channel", "state", "external_id", "attempts", "updated_at")
    list_filter = ("channel", "state")


@admin.register(FieldVisit)
class FieldVisitAdmin(ReadOnlyAdmin):
    list_display = ("date", "title", "kelurahan", "place")
