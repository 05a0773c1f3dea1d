"""Helpers for idempotent loads of reference data from files."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, changed: bool, created: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def upsert(model, lookup: dict, values: dict):
    """Create or update one row; returns (row, changed, created). Unchanged rows are not saved."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values), True, True
    changed = [k for k, v in values.items() if getattr(row, k) != v]
    for k in changed:
        setattr(row, k, values[k])
    if changed:
        row.save(update_fields=changed)
    return row, bool(changed), False
