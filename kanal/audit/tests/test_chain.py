"""The audit log is append-only and tamper-evident: a hash chain, checked by a command."""

import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from kanal import audit
from kanal.audit.models import GENESIS_HASH, AppendOnlyError, AuditChainHead, AuditEvent
from kanal.audit.queries import verify_chain
from kanal.audit.rules import hash_of

pytestmark = pytest.mark.django_db


def _raw(sql, params=()):
    """Run SQL behind the model's back, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser can switch triggers off for the transaction.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def _three_events():
    return [audit.record(f"test.step{i}", data={"i": i, "text": "ä ü"}) for i in range(3)]


def test_each_event_carries_the_hash_of_the_one_before():
    first, second, third = _three_events()
    before = AuditEvent.objects.filter(pk__lt=first.pk).order_by("-id").first()
    assert first.prev_hash == (before.hash if before else GENESIS_HASH)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    stored = AuditEvent.objects.get(pk=third.pk)  # as read back from the database
    assert hash_of(stored) == stored.hash
    assert AuditChainHead.objects.get(pk=1).last_hash == third.hash
    assert verify_chain().ok


def test_the_model_refuses_updates_and_deletes():
    event = audit.record("test.once")
    event.action = "test.changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="test.changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.once"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_the_database_refuses_updates_and_deletes_on_postgresql():
    from django.db import DatabaseError

    event = audit.record("test.once")
    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])


def test_a_changed_event_is_found_by_the_command():
    _, second, _ = _three_events()
    call_command("verify_audit_chain")  # intact
    _raw("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"i": 99}', second.pk])
    report = verify_chain()
    assert any(f"event {second.pk}: content" in p for p in report.problems)
    with pytest.raises(CommandError, match="audit chain broken"):
        call_command("verify_audit_chain")


def test_a_removed_event_is_found():
    _, second, third = _three_events()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    assert any(f"event {third.pk}: previous hash" in p for p in verify_chain().problems)


def test_events_cut_off_the_end_are_found():
    _, _, third = _three_events()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [third.pk])
    assert any("chain head" in p for p in verify_chain().problems)


def test_a_rolled_back_event_leaves_the_chain_intact():
    audit.record("test.kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("test.rolled_back")
        raise RuntimeError
    after = audit.record("test.after")
    assert after.prev_hash == AuditEvent.objects.get(action="test.kept").hash
    assert verify_chain().ok


def test_deleting_a_staff_account_keeps_its_events(staff_factory):
    user = staff_factory("sari")
    event, user_id = audit.record("test.by_sari", actor=user), user.pk
    user.delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == user_id and stored.actor_label == "sari"
    assert verify_chain().ok


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_transactions_writing_at_once_do_not_fork_the_chain():
    """Each writer holds its transaction open after recording; the other must wait."""
    errors = []
    barrier = threading.Barrier(4)

    def writer(n):
        try:
            barrier.wait()
            for i in range(5):
                with transaction.atomic():
                    audit.record("test.concurrent", data={"writer": n, "i": i})
                    time.sleep(0.01)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    events = list(AuditEvent.objects.order_by("id"))
    assert len([e for e in events if e.action == "test.concurrent"]) == 20
    prev = [e.prev_hash for e in events]
    assert len(prev) == len(set(prev)), "two events chained onto the same predecessor"
    assert verify_chain().ok
