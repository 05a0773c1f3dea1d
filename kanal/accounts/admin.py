from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from kanal.core.admin import ActionAdmin, ReadOnlyInline

from . import actions
from .models import Membership, User


class MembershipInline(ReadOnlyInline):
    model = Membership
    autocomplete_fields = ["unit"]
    fields = ["unit", "role", "can_view_reporters"]


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ActionAdmin):
    """Roles are given and taken through actions, so admin access follows them."""

    list_display = ["user", "role", "unit", "can_view_reporters"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name", "unit__code"]
    autocomplete_fields = ["user", "unit"]
    delete_action = actions.remove_membership
    object_kwarg = "membership"

    def save_through_action(self, request, obj, form, change):
        # A changed membership is the old one taken away and the new one given.
        if change:
            actions.remove_membership(
                actor=request.user, membership=Membership.objects.get(pk=obj.pk)
            )
        return actions.add_membership(
            actor=request.user,
            user=obj.user,
            unit=obj.unit,
            role=obj.role,
            can_view_reporters=obj.can_view_reporters,
        )
