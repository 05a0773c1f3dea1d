"""publishing 0003_phones_e164: media partners' numbers become E.164; the rest stays."""

import pytest

from kanal.core.tests.migrating import migrate_back_and_forth, migrate_to_latest, models_before

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = "0002_visit_complaints"


def test_partner_numbers_become_e164(capsys):
    old = models_before("publishing", BEFORE)
    Partner = old.get_model("publishing", "MediaPartner")
    tv = Partner.objects.create(
        name="TV", kind="tv", email="tv@example.com", phone="0812 7000 1111"
    )
    radio = Partner.objects.create(
        name="Radio", kind="radio", email="r@example.com", phone="redaksi"
    )

    migrate_to_latest()

    from kanal.publishing.models import MediaPartner

    assert dict(MediaPartner.objects.values_list("pk", "phone")) == {
        tv.pk: "+6281270001111",
        radio.pk: "redaksi",
    }
    assert "publishing.MediaPartner.phone: 1 rewritten to E.164, 0 already E.164, 1 left" in (
        capsys.readouterr().out
    )
    migrate_back_and_forth("publishing", BEFORE)
    assert MediaPartner.objects.get(pk=tv.pk).phone == "+6281270001111"
