"""channels 0003_phones_e164: citizens' and contacts' numbers and SMS contact ids become
E.164; WhatsApp contacts keep their wa_id; what is not a number stays, counted."""

import pytest

from kanal.core.tests.migrating import migrate_back_and_forth, migrate_to_latest, models_before

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = "0002_channel_settings"


def test_stored_numbers_become_e164_and_wa_ids_stay(capsys):
    old = models_before("channels", BEFORE)
    Citizen = old.get_model("channels", "Citizen")
    Contact = old.get_model("channels", "Contact")
    sari = Citizen.objects.create(name="Sari", phone="0812 3456 7890")
    odd = Citizen.objects.create(name="Odd", phone="tanya di kantor")
    wa = Contact.objects.create(
        channel="whatsapp", external_id="6281234567890", phone="+6281234567890", citizen=sari
    )
    sms = Contact.objects.create(
        channel="sms", external_id="081234567890", phone="081234567890", citizen=sari
    )
    # An SMS contact whose E.164 id another SMS contact already holds keeps its own.
    sms_new = Contact.objects.create(
        channel="sms", external_id="+6285700001111", phone="+6285700001111", citizen=odd
    )
    sms_old = Contact.objects.create(
        channel="sms", external_id="0857-0000-1111", phone="", citizen=odd
    )
    tg = Contact.objects.create(channel="telegram", external_id="123456789", phone="", citizen=odd)

    migrate_to_latest()

    from kanal.channels.models import Citizen as C
    from kanal.channels.models import Contact as K

    assert dict(C.objects.values_list("pk", "phone")) == {
        sari.pk: "+6281234567890",
        odd.pk: "tanya di kantor",
    }
    rows = {
        pk: (ext, phone) for pk, ext, phone in K.objects.values_list("pk", "external_id", "phone")
    }
    assert rows == {
        wa.pk: ("6281234567890", "+6281234567890"),  # Meta's wa_id stays the id
        sms.pk: ("+6281234567890", "+6281234567890"),
        sms_new.pk: ("+6285700001111", "+6285700001111"),
        sms_old.pk: ("0857-0000-1111", ""),
        tg.pk: ("123456789", ""),  # not a phone channel: untouched
    }
    out = capsys.readouterr().out
    assert "channels.Citizen.phone: 1 rewritten to E.164, 0 already E.164, 1 left" in out
    assert "channels.Contact.external_id: 1 rewritten to E.164, 1 already E.164, 0 left" in out
    assert "1 left as they were (E.164 form already taken)" in out

    migrate_back_and_forth("channels", BEFORE)
    assert K.objects.get(pk=sms.pk).external_id == "+6281234567890"
