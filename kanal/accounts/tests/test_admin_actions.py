"""kanal.core.admin.ActionAdmin through the real admin pages: admins whose action takes
fields rather than the object (``save_through_action``), and one without a delete action.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from kanal.accounts.models import Membership
from kanal.audit.models import AuditEvent
from kanal.core.admin import ReadOnlyAdmin
from kanal.core.models import CalendarOverride
from kanal.publishing.models import CadencePlan

pytestmark = pytest.mark.django_db


def test_an_added_row_saved_by_its_action_is_the_one_the_admin_logs_and_links(admin_client):
    response = admin_client.post(
        reverse("admin:core_calendaroverride_add"),
        {"date": "2026-12-24", "is_working_day": "", "reason": "Cuti bersama", "decree": "SK 1"},
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get(date="2026-12-24")
    assert override.reason == "Cuti bersama"
    assert AuditEvent.objects.filter(action="calendar.override_set").count() == 1
    # The action made the row; its key went back onto the admin's object.
    logged = LogEntry.objects.get(content_type__model="calendaroverride")
    assert logged.object_id == str(override.pk)


def test_a_bulk_delete_runs_the_delete_action_for_each_override(admin_client):
    rows = [
        CalendarOverride.objects.create(date=day, is_working_day=False, reason="Libur")
        for day in ("2026-12-24", "2026-12-31")
    ]
    response = admin_client.post(
        reverse("admin:core_calendaroverride_changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in rows], "post": "yes"},
    )
    assert response.status_code == 302
    assert not CalendarOverride.objects.exists()
    assert AuditEvent.objects.filter(action="calendar.override_removed").count() == 2


def test_a_changed_membership_is_taken_away_and_given_anew(admin_client, staff_factory):
    staff = staff_factory("budi", [("unit_officer", "dpu")])
    membership = Membership.objects.get(user=staff)
    response = admin_client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": staff.pk, "unit": membership.unit_id, "role": "editor"},
    )
    assert response.status_code == 302
    assert list(Membership.objects.filter(user=staff).values_list("role", flat=True)) == ["editor"]
    actions = AuditEvent.objects.filter(action__startswith="staff.membership_")
    assert sorted(actions.values_list("action", flat=True)) == [
        "staff.membership_added",
        "staff.membership_added",  # by the fixture
        "staff.membership_removed",
    ]


def test_an_admin_without_a_delete_action_deletes_as_django_does(admin_client):
    plans = [
        CadencePlan.objects.create(kind="activity", channel=channel, posts_per_week=3)
        for channel in ("facebook", "instagram")
    ]
    response = admin_client.post(
        reverse("admin:publishing_cadenceplan_changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in plans], "post": "yes"},
    )
    assert response.status_code == 302
    assert not CadencePlan.objects.filter(pk__in=[p.pk for p in plans]).exists()


def test_every_admin_lists_its_rows_and_read_only_admins_refuse_adding(admin_client):
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        if isinstance(model_admin, ReadOnlyAdmin):
            add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
            assert admin_client.get(add).status_code == 403, add


def test_read_only_inlines_show_their_rows_without_a_way_to_add(admin_client, staff_factory):
    staff = staff_factory("budi", [("unit_officer", "dpu")])
    page = admin_client.get(reverse("admin:accounts_user_change", args=[staff.pk]))
    assert page.status_code == 200
    inline = page.context["inline_admin_formsets"][0]
    assert [form.original for form in inline] == list(Membership.objects.filter(user=staff))
    assert not inline.has_add_permission
    assert not inline.formset.can_delete
    assert set(inline.formset.form.base_fields) <= {"id", "user"}  # nothing to edit
