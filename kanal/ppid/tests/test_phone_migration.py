"""ppid 0002_phones_e164: requesters' and objectors' numbers become E.164; what is not a
number stays, counted."""

from datetime import UTC, date, datetime

import pytest

from kanal.core.tests.migrating import migrate_back_and_forth, migrate_to_latest, models_before

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = "0001_initial"


def test_requesters_and_objectors_numbers_become_e164(capsys):
    old = models_before("ppid", BEFORE)
    Request = old.get_model("ppid", "InformationRequest")
    Objection = old.get_model("ppid", "Objection")
    common = {
        "channel": "web",
        "state": "in_progress",
        "information_requested": "APBD 2025",
        "received_at": datetime(2026, 1, 5, tzinfo=UTC),
        "received_on": date(2026, 1, 5),
        "clock_start": date(2026, 1, 5),
        "due_on": date(2026, 1, 19),
    }
    spaced = Request.objects.create(
        registration_number="PPID-2026-000001",
        requester_name="A",
        phone="+62 812 3456 7890",
        **common,
    )
    landline = Request.objects.create(
        registration_number="PPID-2026-000002", requester_name="B", phone="0721-123456", **common
    )
    text = Request.objects.create(
        registration_number="PPID-2026-000003", requester_name="C", phone="via e-mail", **common
    )
    objection = Objection.objects.create(
        registration_number="KEB-2026-000001",
        request=spaced,
        state="filed",
        ground="a",
        ground_arose_on=date(2026, 1, 20),
        filed_on=date(2026, 1, 21),
        due_on=date(2026, 3, 4),
        objector_name="A",
        phone="0062 812 3456 7890",
    )

    migrate_to_latest()

    from kanal.ppid.models import InformationRequest
    from kanal.ppid.models import Objection as O

    assert dict(InformationRequest.objects.values_list("pk", "phone")) == {
        spaced.pk: "+6281234567890",
        landline.pk: "+62721123456",
        text.pk: "via e-mail",
    }
    assert O.objects.get(pk=objection.pk).phone == "+6281234567890"
    out = capsys.readouterr().out
    assert "ppid.InformationRequest.phone: 2 rewritten to E.164, 0 already E.164, 1 left" in out
    assert "ppid.Objection.phone: 1 rewritten to E.164" in out

    migrate_back_and_forth("ppid", BEFORE)
    assert O.objects.get(pk=objection.pk).phone == "+6281234567890"
