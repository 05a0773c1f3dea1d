"""complaints 0008_phones_e164: reporters', WhatsApp followers' and code contacts' numbers
become E.164; what is not a number stays, counted."""

from datetime import UTC, datetime

import pytest

from kanal.core.tests.migrating import migrate_back_and_forth, migrate_to_latest, models_before

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = "0007_reporter_name_trigram"


def test_stored_numbers_become_e164_and_the_rest_stays(capsys):
    old = models_before("complaints", BEFORE)
    Reporter = old.get_model("complaints", "Reporter")
    Complaint = old.get_model("complaints", "Complaint")
    Follower = old.get_model("complaints", "Follower")
    ContactCode = old.get_model("complaints", "ContactCode")
    typed = {
        "web": "0812-3456-7890",
        "whatsapp": "6281234567001",
        "ppid": "+62 812 3456 7002",
        "landline": "(0721) 481234",
        "done": "+6285700001111",
        "note": "lewat ketua RT",
        "short": "0812",
        "none": "",
    }
    reporters = {
        key: Reporter.objects.create(name=key, phone=phone) for key, phone in typed.items()
    }
    case = Complaint.objects.create(
        tracking_number="BL-AAAA-0001",
        title="t",
        description="d",
        channel="web",
        received_at=datetime(2026, 1, 1, tzinfo=UTC),
        reporter=reporters["web"],
    )
    f1 = Follower.objects.create(
        complaint=case, via="whatsapp", address="6281234567890", unsubscribe_token="a"
    )
    # The same number written another way on the same case: rewriting it would break
    # one_follower_per_address, so it stays and is counted.
    f2 = Follower.objects.create(
        complaint=case, via="whatsapp", address="081234567890", unsubscribe_token="b"
    )
    f3 = Follower.objects.create(
        complaint=case, via="email", address="rina@example.com", unsubscribe_token="c"
    )
    expires = datetime(2026, 1, 1, tzinfo=UTC)
    c1 = ContactCode.objects.create(contact="6281234567890", code_hash="x", expires_at=expires)
    c2 = ContactCode.objects.create(contact="rina@example.com", code_hash="x", expires_at=expires)

    migrate_to_latest()

    from kanal.complaints.models import ContactCode as Code
    from kanal.complaints.models import Follower as F
    from kanal.complaints.models import Reporter as R

    phones = dict(R.objects.values_list("name", "phone"))
    assert phones == {
        "web": "+6281234567890",
        "whatsapp": "+6281234567001",
        "ppid": "+6281234567002",
        "landline": "+62721481234",
        "done": "+6285700001111",
        "note": "lewat ketua RT",
        "short": "0812",
        "none": "",
    }
    addresses = dict(F.objects.values_list("pk", "address"))
    assert addresses == {f1.pk: "+6281234567890", f2.pk: "081234567890", f3.pk: "rina@example.com"}
    assert dict(Code.objects.values_list("pk", "contact")) == {
        c1.pk: "+6281234567890",
        c2.pk: "rina@example.com",
    }
    out = capsys.readouterr().out
    assert (
        "complaints.Reporter.phone: 4 rewritten to E.164, 1 already E.164, "
        "2 left as they were (not a phone number), 0 left as they were (E.164 form already taken)"
    ) in out
    assert "complaints.Follower.address: 1 rewritten to E.164, 0 already E.164, 0 left" in out
    assert "(not a phone number), 1 left as they were (E.164 form already taken)" in out

    migrate_back_and_forth("complaints", BEFORE)
    assert dict(R.objects.values_list("name", "phone")) == phones
