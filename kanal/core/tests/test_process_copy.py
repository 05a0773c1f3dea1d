"""kanal.core.process_copy: a value kept for a few seconds per process."""

import pytest
from django.db import transaction

from kanal.core import process_copy
from kanal.core.process_copy import ProcessCopy


def test_the_value_is_kept_for_its_seconds_then_read_anew(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(process_copy.time, "monotonic", lambda: now[0])
    reads = []
    copy = ProcessCopy(5.0)
    load = lambda: reads.append(1) or len(reads)  # noqa: E731
    assert copy.get(load) == 1
    now[0] = 104.9
    assert copy.get(load) == 1  # still young: not read again
    now[0] = 105.0
    assert copy.get(load) == 2
    assert copy.forget() is True and copy.forget() is False
    assert copy.get(load) == 3


@pytest.mark.django_db(transaction=True)
def test_forget_inside_a_transaction_forgets_again_when_it_commits():
    reads = []
    copy = ProcessCopy(60.0)
    load = lambda: reads.append(1) or len(reads)  # noqa: E731
    copy.get(load)
    with transaction.atomic():
        copy.forget_now_and_after_commit()
        assert copy.get(load) == 2  # a read inside sees the rows before the commit
    assert copy.get(load) == 3  # so the commit forgets that read too
