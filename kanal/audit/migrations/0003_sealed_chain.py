"""Deferred sealing: events are inserted unsealed and chained later by ``seq``.

Events written before this migration were chained in id order, so their chain
position is their rank by id. The PostgreSQL trigger now allows exactly one update
per event: setting the chain fields of an unsealed event, content unchanged.
"""

from django.db import migrations, models

SEALING_TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
       AND NEW.id = OLD.id
       AND NEW.created_at IS NOT DISTINCT FROM OLD.created_at
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.actor_label IS NOT DISTINCT FROM OLD.actor_label
       AND NEW.action IS NOT DISTINCT FROM OLD.action
       AND NEW.content_type_id IS NOT DISTINCT FROM OLD.content_type_id
       AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id
       AND NEW.object_repr IS NOT DISTINCT FROM OLD.object_repr
       AND NEW.data IS NOT DISTINCT FROM OLD.data THEN
        RETURN NEW;  -- sealing: the chain fields are set once, the content is unchanged
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY_TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def allow_sealing(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEALING_TRIGGER_SQL, params=None)


def refuse_every_update(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_TRIGGER_SQL, params=None)


def number_existing_events(apps, schema_editor):
    """Give the events chained before (in id order) their position, and the head its seq."""
    schema_editor.execute(
        "UPDATE audit_auditevent SET seq = ranked.position FROM "
        "(SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS position FROM audit_auditevent) "
        "AS ranked WHERE audit_auditevent.id = ranked.id",
        params=None,
    )
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    AuditChainHead.objects.filter(pk=1).update(last_seq=AuditEvent.objects.count())


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_hash_chain'),
    ]

    operations = [
        migrations.RunPython(allow_sealing, refuse_every_update),
        migrations.AddField(
            model_name='auditchainhead',
            name='last_seq',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.BigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.RunPython(number_existing_events, migrations.RunPython.noop),
    ]
