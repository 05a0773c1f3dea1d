"""The admin base classes of kanal.core.admin, through the real admin pages (audit, complaints)."""

import pytest
from django.urls import reverse

from kanal import audit
from kanal.audit.models import AuditEvent
from kanal.complaints.models import ResponseTemplate

pytestmark = pytest.mark.django_db


def test_read_only_admins_list_but_refuse_adding_changing_and_deleting(admin_client):
    event = audit.record("test.event")
    assert admin_client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    # allow_delete (channels' contacts) keeps deleting, never adding.
    assert admin_client.get(reverse("admin:channels_contact_add")).status_code == 403


def test_action_admins_save_and_delete_through_the_actions(admin_client):
    """A bulk delete runs the delete action per row: each deletion is audited."""
    kept = [
        ResponseTemplate.objects.create(name=f"T{i}", state="diterima", body="Terima kasih")
        for i in range(2)
    ]
    others = ResponseTemplate.objects.exclude(pk__in=[t.pk for t in kept]).count()
    response = admin_client.post(
        reverse("admin:complaints_responsetemplate_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [t.pk for t in kept],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert ResponseTemplate.objects.count() == others
    deleted = AuditEvent.objects.filter(action="response_template.deleted")
    assert sorted(e.data["name"] for e in deleted) == ["T0", "T1"]
