"""Response templates: operators keep the texts replies start from."""

from __future__ import annotations

from django.db import transaction

from kanal import audit

from ..models import ResponseTemplate


@transaction.atomic
def save_response_template(*, actor, template: ResponseTemplate) -> ResponseTemplate:
    """Create or change a template (from the admin); records the change."""
    created = template.pk is None
    template.save()
    audit.record(
        "response_template.created" if created else "response_template.updated",
        actor=actor,
        obj=template,
        data={"name": template.name, "state": template.state, "category": template.category_id},
    )
    return template


@transaction.atomic
def delete_response_template(*, actor, template: ResponseTemplate) -> None:
    audit.record(
        "response_template.deleted", actor=actor, obj=template, data={"name": template.name}
    )
    template.delete()
