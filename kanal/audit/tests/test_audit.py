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


def test_save_and_record_names_a_new_row_created_and_a_saved_one_changed(staff_factory):
    user = staff_factory("rina")
    obj = CalendarOverride(date=date(2026, 3, 4), is_working_day=False, reason="cuti")
    audit.save_and_record(obj, actor=user, created="day.created", changed="day.changed")
    obj.reason = "cuti bersama"
    audit.save_and_record(obj, actor=user, created="day.created", changed="day.changed")
    assert [e.action for e in history_of(obj)] == ["day.created", "day.changed"]
    assert CalendarOverride.objects.get(pk=obj.pk).reason == "cuti bersama"


def test_save_and_record_cleans_first_and_records_nothing_for_an_invalid_row():
    obj = CalendarOverride(date=date(2026, 3, 5), is_working_day=False, reason="")
    with pytest.raises(Exception, match="reason"):
        audit.save_and_record(obj, actor=None, created="day.created", changed="x", clean=True)
    assert not CalendarOverride.objects.exists()
    assert not AuditEvent.objects.filter(action="day.created").exists()


def test_delete_and_record_keeps_the_event_of_a_deleted_row():
    obj = CalendarOverride.objects.create(date=date(2026, 3, 6), is_working_day=True, reason="x")
    pk = obj.pk
    audit.delete_and_record(obj, "day.deleted", actor=None, data={"reason": "x"})
    assert not CalendarOverride.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="day.deleted")
    assert event.object_id == str(pk) and event.data == {"reason": "x"}


def test_gathered_events_are_inserted_together_in_order_and_not_at_all_on_error(
    django_assert_num_queries,
):
    obj = CalendarOverride.objects.create(date=date(2026, 1, 5), is_working_day=False, reason="x")
    # Two statements: the look inside the block, and one INSERT for both events.
    with django_assert_num_queries(2), audit.gathered():
        audit.record("thing.first", obj=obj)
        with audit.gathered():  # an inner block adds to the outer one
            audit.record("thing.second", obj=obj, actor_label="citizen")
        assert not AuditEvent.objects.filter(action__startswith="thing.").exists()
    assert [(e.action, e.actor_label) for e in history_of(obj)] == [
        ("thing.first", "system"),
        ("thing.second", "citizen"),
    ]
    with pytest.raises(RuntimeError), audit.gathered():
        audit.record("thing.third", obj=obj)
        raise RuntimeError
    assert not AuditEvent.objects.filter(action="thing.third").exists()
    audit.record("thing.fourth", obj=obj)  # outside a block: at once, as before
    assert AuditEvent.objects.filter(action="thing.fourth").exists()
