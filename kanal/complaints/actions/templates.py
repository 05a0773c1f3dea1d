"""Response templates: operators keep the texts replies start from."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from kanal import audit

from ..models import ResponseTemplate


@transaction.atomic
def save_response_template(*, actor, template: ResponseTemplate) -> ResponseTemplate:
    """Create or change a template (from the admin); records the change.

    Audited as ``response_template.created`` or ``response_template.updated``.
    """
    return audit.save_and_record(
        template,
        actor=actor,
        created="response_template.created",
        changed="response_template.updated",
        data={
            "name": template.name,
            "language": template.language,
            "state": template.state,
            "category": template.category_id,
        },
    )


@transaction.atomic
def delete_response_template(*, actor, template: ResponseTemplate) -> None:
    """Delete ``template`` (audited as ``response_template.deleted``, with its name)."""
    audit.delete_and_record(
        template, "response_template.deleted", actor=actor, data={"name": template.name}
    )


STARTER_TEMPLATES = (
    Path(__file__).resolve().parents[3] / "data" / "response_templates" / "starter.csv"
)


@transaction.atomic
def add_starter_templates(*, actor, path: Path = STARTER_TEMPLATES) -> int:
    """Add the shipped starter templates (Indonesian and English) that are missing.

    A template is missing when none has its name; topic templates need their category
    (a region without the topic skips them). Returns how many were added. Migration 0004
    adds the same set at install time, as far as the categories were loaded then.
    """
    from kanal.directory.models import Category

    added = 0
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if ResponseTemplate.objects.filter(name=row["name"]).exists():
                continue
            category = None
            if row["category"]:
                category = Category.objects.filter(code=row["category"]).first()
                if category is None:
                    continue
            save_response_template(
                actor=actor,
                template=ResponseTemplate(
                    name=row["name"],
                    language=row["language"],
                    category=category,
                    state=row["state"],
                    body=row["body"],
                ),
            )
            added += 1
    return added
