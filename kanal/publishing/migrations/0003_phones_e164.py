"""Stored phone numbers rewritten to E.164 (+62721123456), the one form every app stores
(kanal.core.phones); pages show them in the national form. Office notes that are not
numbers stay as they were and are counted; the reverse is a no-op."""

from django.db import migrations

from kanal.core.phone_migrations import rewrite_phones


def forwards(apps, schema_editor):
    rewrite_phones(apps, "publishing.MediaPartner", "phone")


class Migration(migrations.Migration):
    dependencies = [("publishing", "0002_visit_complaints")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
