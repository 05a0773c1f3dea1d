"""Data migrations that rewrite stored phone numbers to E.164 (kanal.core.phones).

Each app's ``00NN_phones_e164`` migration calls :func:`rewrite_phones` for its fields.
Nothing is lost: a value that is not a number (free text, a number of no allocated
range) is left exactly as it was and counted; so is a value whose E.164 form another
row already holds where the two must differ (a unique constraint). The reverse is a
no-op: the E.164 form is a correct value for the old code too.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import phones

BATCH = 500


@dataclass
class Rewritten:
    label: str
    rewritten: int = 0
    unchanged: int = 0  # already E.164
    not_a_number: int = 0  # left as they were
    taken: int = 0  # left as they were: another row already holds the E.164 form

    def __str__(self) -> str:
        return (
            f"{self.label}: {self.rewritten} rewritten to E.164, {self.unchanged} already E.164, "
            f"{self.not_a_number} left as they were (not a phone number), "
            f"{self.taken} left as they were (E.164 form already taken)"
        )


def rewrite_phones(
    apps,
    model: str,
    field: str,
    *,
    only: dict | None = None,
    exclude: dict | None = None,
    unique_with: tuple[str, ...] = (),
    convert=None,
    report=print,
) -> Rewritten:
    """Rewrite ``model``'s ``field`` to E.164 in every row (``only``/``exclude``: filters).

    ``model`` is "app_label.Model" (the historical model from ``apps``). ``unique_with``
    names the other fields of a unique constraint on ``field``: a row whose new value
    another row already has with the same values keeps its old one. ``convert`` turns a
    stored value into E.164 ("" when it is not a number; default
    :func:`phones.e164_or_blank`). Prints one line of counts when there were rows.
    """
    convert = convert or phones.e164_or_blank
    Model = apps.get_model(model)
    result = Rewritten(f"{model}.{field}")
    rows = Model.objects.exclude(**{field: ""}).filter(**(only or {})).exclude(**(exclude or {}))
    rows = rows.order_by("pk")
    unique_with = tuple(Model._meta.get_field(name).attname for name in unique_with)
    last = 0
    while batch := list(rows.filter(pk__gt=last).only("pk", field, *unique_with)[:BATCH]):
        last = batch[-1].pk
        changed = [
            row for row in batch if _rewrite(Model, row, field, unique_with, convert, result)
        ]
        Model.objects.bulk_update(changed, [field])
    if result.rewritten or result.unchanged or result.not_a_number or result.taken:
        report(f"  {result}")
    return result


def _rewrite(Model, row, field, unique_with, convert, result: Rewritten) -> bool:
    """Set ``row``'s new value in memory and count it; True when it is to be saved."""
    old = getattr(row, field)
    new = convert(old)
    if not new:
        result.not_a_number += 1
        return False
    if new == old:
        result.unchanged += 1
        return False
    if unique_with:
        same = {name: getattr(row, name) for name in unique_with}
        if Model.objects.filter(**same, **{field: new}).exclude(pk=row.pk).exists():
            result.taken += 1
            return False
        # Saved at once, so that the next row's check sees it.
        Model.objects.filter(pk=row.pk).update(**{field: new})
        result.rewritten += 1
        return False
    setattr(row, field, new)
    result.rewritten += 1
    return True
