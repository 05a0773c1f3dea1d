from datetime import date

import pytest
from django.db import transaction

from kanal import audit
from kanal.audit.models import AuditEvent
from kanal.audit.queries import history_of
from kanal.core.models import CalendarOverride

pytestmark = pytest.mark.django_db


def test_an_event_rolls_back_with_the_action_it_describes():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("test.failed", actor_label="system")
        raise RuntimeError
    assert not AuditEvent.objects.filter(action="test.failed").exists()


def test_history_lists_an_objects_events_in_order(staff_factory):
    user = staff_factory("rina")
    obj = CalendarOverride.objects.create(date=date(2026, 1, 2), is_working_day=False, reason="x")
    audit.record("thing.first", actor=user, obj=obj, data={"when": date(2026, 1, 2)})
    audit.record("thing.second", obj=obj)
    audit.record("other.object", obj=user)
    events = list(history_of(obj))
    assert [e.action for e in events] == ["thing.first", "thing.second"]
    assert events[0].actor == user and events[0].actor_label == "rina"
    assert events[0].data == {"when": "2026-01-02"}
    assert events[1].actor is None and events[1].actor_label == "system"
