"""privacy 0003_phones_e164: data-subject requests' numbers become E.164; what is not a
number stays, counted."""

from datetime import UTC, datetime

import pytest

from kanal.core.tests.migrating import migrate_back_and_forth, migrate_to_latest, models_before

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = "0002_retention_of_channels_and_ppid"


def test_subject_request_numbers_become_e164(capsys, staff_factory):
    dpo = staff_factory("dpo.m")
    old = models_before("privacy", BEFORE)
    SubjectRequest = old.get_model("privacy", "SubjectRequest")
    common = {"kind": "access", "received_at": datetime(2026, 1, 5, tzinfo=UTC)}
    typed = SubjectRequest.objects.create(
        subject_name="A", phone="0812.3456.7890", recorded_by_id=dpo.pk, **common
    )
    odd = SubjectRequest.objects.create(
        subject_name="B", phone="08xx (lupa)", recorded_by_id=dpo.pk, **common
    )

    migrate_to_latest()

    from kanal.privacy.models import SubjectRequest as S

    assert dict(S.objects.values_list("pk", "phone")) == {
        typed.pk: "+6281234567890",
        odd.pk: "08xx (lupa)",
    }
    assert "privacy.SubjectRequest.phone: 1 rewritten to E.164, 0 already E.164, 1 left" in (
        capsys.readouterr().out
    )
    migrate_back_and_forth("privacy", BEFORE)
    assert S.objects.get(pk=typed.pk).phone == "+6281234567890"
