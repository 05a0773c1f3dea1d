"""Stored phone numbers rewritten to E.164 (+6281234567890), the one form every app stores
and compares (kanal.core.phones). Values that are not numbers stay as they were and are
counted; the reverse is a no-op (E.164 is a valid value for the old code too)."""

from django.db import migrations

from kanal.core.phone_migrations import rewrite_phones


def forwards(apps, schema_editor):
    rewrite_phones(apps, "complaints.Reporter", "phone")
    # Followers by WhatsApp: one per number and case (one_follower_per_address).
    rewrite_phones(
        apps,
        "complaints.Follower",
        "address",
        only={"via": "whatsapp"},
        unique_with=("complaint", "via"),
    )
    # One-time codes of "my reports" are keyed by the normalised contact.
    rewrite_phones(apps, "complaints.ContactCode", "contact", exclude={"contact__contains": "@"})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0007_reporter_name_trigram")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
