"""The audit log is append-only and tamper-evident: a hash chain, checked by a command."""

import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from kanal import audit
from kanal.audit.actions import seal_pending
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
    """Three sealed events, as read back from the database."""
    events = [audit.record(f"test.step{i}", data={"i": i, "text": "ä ü"}) for i in range(3)]
    seal_pending()
    return [AuditEvent.objects.get(pk=e.pk) for e in events]


def test_events_are_written_unsealed_and_the_sealer_chains_them():
    written = audit.record("test.unsealed", data={"i": 1})
    assert (written.seq, written.hash) == (None, "")
    assert verify_chain().pending >= 1 and verify_chain().ok  # recent: not a problem
    first, second, third = _three_events()
    before = AuditEvent.objects.filter(seq=first.seq - 1).first()
    assert first.prev_hash == (before.hash if before else GENESIS_HASH)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert [first.seq + 1, first.seq + 2] == [second.seq, third.seq]
    assert hash_of(third) == third.hash
    assert AuditChainHead.objects.get(pk=1).last_hash == third.hash
    assert seal_pending() == 0  # nothing left; sealing twice changes nothing
    assert verify_chain().ok and verify_chain().pending == 0


def test_events_the_sealer_never_reached_are_reported(settings):
    from datetime import timedelta

    from django.utils import timezone

    audit.record("test.waiting")
    later = timezone.now() + timedelta(minutes=11)
    assert any("not sealed" in p for p in verify_chain(now=later).problems)
    call_command("verify_audit_chain", "--seal")
    assert verify_chain(now=later).ok


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

    unsealed = audit.record("test.once")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):  # sealing must not change the content
        cursor.execute(
            "UPDATE audit_auditevent SET seq = -1, action = 'x' WHERE id = %s", [unsealed.pk]
        )
    seal_pending()
    event = AuditEvent.objects.get(pk=unsealed.pk)
    assert event.seq is not None
    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "UPDATE audit_auditevent SET seq = NULL WHERE id = %s",
        "UPDATE audit_auditevent SET hash = 'x' WHERE id = %s",
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
    assert any(f"event {third.pk}: chain position" in p for p in verify_chain().problems)


def test_a_removed_and_renumbered_event_is_found():
    _, second, third = _three_events()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    _raw("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [second.seq, third.pk])
    assert any(f"event {third.pk}: previous hash" in p for p in verify_chain().problems)


def test_an_event_unsealed_to_be_rewritten_is_found():
    *_, third = _three_events()
    _raw(
        "UPDATE audit_auditevent SET seq = NULL, hash = '', data = %s WHERE id = %s",
        ['{"i": 99}', third.pk],
    )
    seal_pending()  # re-chains the rewritten event at the end of the chain
    assert any("chain position" in p for p in verify_chain().problems)


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
    seal_pending()
    after = AuditEvent.objects.get(pk=after.pk)
    assert after.prev_hash == AuditEvent.objects.get(action="test.kept").hash
    assert verify_chain().ok


def test_deleting_a_staff_account_keeps_its_events(staff_factory):
    user = staff_factory("sari")
    event, user_id = audit.record("test.by_sari", actor=user), user.pk
    user.delete()
    seal_pending()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == user_id and stored.actor_label == "sari"
    assert verify_chain().ok


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_writers_and_sealers_at_once_seal_every_event_once_without_a_fork():
    """Writers hold their transactions open while two sealers run; nobody waits for a
    lock on the write path, and the chain comes out whole."""
    errors = []
    barrier = threading.Barrier(6)
    writing = threading.Event()
    writing.set()

    def writer(n):
        try:
            barrier.wait()
            for i in range(10):
                with transaction.atomic():
                    audit.record("test.concurrent", data={"writer": n, "i": i})
                    time.sleep(0.005)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def sealer():
        try:
            barrier.wait()
            while writing.is_set():
                seal_pending(batch=7)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    sealers = [threading.Thread(target=sealer) for _ in range(2)]
    for t in writers + sealers:
        t.start()
    for t in writers:
        t.join()
    writing.clear()
    for t in sealers:
        t.join()
    seal_pending()
    assert not errors
    events = list(AuditEvent.objects.filter(action="test.concurrent"))
    assert len(events) == 40 and all(e.seq is not None for e in events)
    chained = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in chained] == list(range(1, len(chained) + 1))
    prev = [e.prev_hash for e in chained]
    assert len(prev) == len(set(prev)), "two events chained onto the same predecessor"
    assert verify_chain().ok
