"""Stored phone numbers rewritten to E.164 (+6281234567890), the one form every app stores
and compares (kanal.core.phones). Values that are not numbers stay as they were and are
counted; the reverse is a no-op (E.164 is a valid value for the old code too)."""

from django.db import migrations

from kanal.core.phone_migrations import rewrite_phones


def forwards(apps, schema_editor):
    rewrite_phones(apps, "privacy.SubjectRequest", "phone")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_retention_of_channels_and_ppid")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
