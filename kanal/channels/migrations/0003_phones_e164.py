"""Stored phone numbers rewritten to E.164 (+6281234567890), the one form every app stores
and compares (kanal.core.phones). Values that are not numbers stay as they were and are
counted; the reverse is a no-op (E.164 is a valid value for the old code too)."""

from django.db import migrations

from kanal.core.phone_migrations import rewrite_phones


def forwards(apps, schema_editor):
    rewrite_phones(apps, "channels.Citizen", "phone")
    rewrite_phones(apps, "channels.Contact", "phone")
    # SMS contacts are known by their number (one_contact_per_id); WhatsApp contacts keep
    # their wa_id (E.164 digits without "+"), the id Meta sends.
    rewrite_phones(
        apps, "channels.Contact", "external_id", only={"channel": "sms"}, unique_with=("channel",)
    )


class Migration(migrations.Migration):
    dependencies = [("channels", "0002_channel_settings")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
