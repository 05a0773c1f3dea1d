"""Writes for routing: the editable tables, automatic decisions, and installing a model.

Every action runs in one transaction, writes its audit event, and tells every process
to reload the routing data (``queries.bump_data_version``) once it has committed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal import audit
from kanal.core.loading import LoadReport
from kanal.directory.models import Unit

from . import datafiles, rules
from .models import (
    AutoApplySetting,
    GazetteerEntry,
    KeywordFlow,
    RoutingDecision,
    RoutingKeyword,
)
from .queries import bump_data_version, forget_auto_apply_switches, forget_model


class RoutingError(ValueError):
    """A routing write was refused; the message says why, for the user."""


def _changed_later() -> None:
    transaction.on_commit(bump_data_version)


def _sync(model, wanted: dict[tuple, dict], *, key, fields: list[str]) -> LoadReport:
    """Create the rows of ``wanted`` that are missing and update ``fields`` of those that
    differ, in bulk (the files hold about a thousand rows). Other rows are left alone."""
    report = LoadReport()
    existing = {key(obj): obj for obj in model.objects.all()}
    to_create, to_update = [], []
    for k, values in wanted.items():
        obj = existing.get(k)
        if obj is None:
            to_create.append(model(**values))
            report.count(True, True)
            continue
        changed = [f for f in fields if getattr(obj, f) != values[f]]
        for f in changed:
            setattr(obj, f, values[f])
        if changed:
            to_update.append(obj)
        report.count(bool(changed), False)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=500)
    return report


@transaction.atomic
def load_routing_data(*, actor=None, keywords_csv: Path, gazetteer_csv: Path) -> dict:
    """Load keywords and gazetteer entries from the data files. Idempotent: rows are
    matched on (unit, phrase) and (name, kind, codes); a file row that changed updates
    its table row; rows an operator added in the admin are left alone.

    Keyword rows naming a unit that does not exist are skipped and reported.
    """
    units = {u.code: u for u in Unit.objects.all()}
    skipped: list[str] = []
    wanted_keywords: dict[tuple, dict] = {}
    for row in datafiles.read_keywords(keywords_csv):
        unit = units.get(row.unit_code)
        flow = row.unit_code if row.unit_code in KeywordFlow.values and row.unit_code else ""
        if unit is None and not flow:
            skipped.append(row.unit_code)
            continue
        key = (unit.pk if unit else None, flow, row.phrase)
        wanted_keywords[key] = {
            "unit": unit,
            "flow": flow,
            "phrase": row.phrase,
            "weight": row.weight,
        }
    keywords = _sync(
        RoutingKeyword,
        wanted_keywords,
        key=lambda k: (k.unit_id, k.flow, k.phrase),
        fields=["weight"],
    )
    wanted_places: dict[tuple, dict] = {}
    for place in datafiles.read_gazetteer(gazetteer_csv):
        place_key = (place.name, place.kind, place.kelurahan_code, place.kecamatan_code)
        wanted_places[place_key] = {
            "name": place.name,
            "kind": place.kind,
            "kelurahan_code": place.kelurahan_code,
            "kecamatan_code": place.kecamatan_code,
            "unit_hint": units.get(place.unit_hint),
            "needs_prefix": place.needs_prefix,
            "case_sensitive": place.case_sensitive,
            "not_after": place.not_after,
        }
    places = _sync(
        GazetteerEntry,
        wanted_places,
        key=lambda e: (e.name, e.kind, e.kelurahan_code, e.kecamatan_code),
        fields=["unit_hint", "needs_prefix", "case_sensitive", "not_after"],
    )
    report = {
        "keywords": str(keywords),
        "gazetteer": str(places),
        "skipped_units": sorted(set(skipped)),
    }
    audit.record("routing_data.loaded", actor=actor, data=report, actor_label="system")
    _changed_later()
    return report


@transaction.atomic
def save_keyword(*, actor, keyword: RoutingKeyword) -> RoutingKeyword:
    """Create or change a keyword (from the admin). The weight must be in (0, 10]."""
    problem = rules.keyword_problem(keyword.phrase, keyword.weight)
    if (keyword.unit_id is None) == (not keyword.flow):
        problem = problem or _("Choose a unit or the PPID flow, not both.")
    if problem:
        raise RoutingError(problem)
    keyword.phrase = keyword.phrase.strip()
    audit.save_and_record(
        keyword,
        actor=actor,
        created="routing_keyword.created",
        changed="routing_keyword.changed",
        data={"target": keyword.target_code, "phrase": keyword.phrase, "weight": keyword.weight},
    )
    _changed_later()
    return keyword


@transaction.atomic
def delete_keyword(*, actor, keyword: RoutingKeyword) -> None:
    """Delete a routing keyword (audited); suggestions stop using it within a minute."""
    audit.delete_and_record(
        keyword,
        "routing_keyword.deleted",
        actor=actor,
        data={"target": keyword.target_code, "phrase": keyword.phrase},
    )
    _changed_later()


@transaction.atomic
def save_gazetteer_entry(*, actor, entry: GazetteerEntry) -> GazetteerEntry:
    """Create or change a gazetteer entry. Kelurahan entries need a kelurahan code,
    kecamatan entries a kecamatan code; landmarks and streets carry no place codes."""
    problem = rules.gazetteer_problem(entry.kind, entry.kelurahan_code, entry.kecamatan_code)
    if problem:
        raise RoutingError(problem)
    audit.save_and_record(
        entry,
        actor=actor,
        created="gazetteer_entry.created",
        changed="gazetteer_entry.changed",
        data={"name": entry.name, "kind": entry.kind},
    )
    _changed_later()
    return entry


@transaction.atomic
def delete_gazetteer_entry(*, actor, entry: GazetteerEntry) -> None:
    """Delete a gazetteer entry (audited); places and landmark hints stop using it."""
    audit.delete_and_record(
        entry, "gazetteer_entry.deleted", actor=actor, data={"name": entry.name}
    )
    _changed_later()


@transaction.atomic
def save_auto_apply_setting(*, actor, setting: AutoApplySetting) -> AutoApplySetting:
    """Switch automatic application of the unit on or off for a category."""
    problem = rules.auto_apply_problem(setting.threshold)
    if problem:
        raise RoutingError(problem)
    setting.save()
    audit.record(
        "auto_apply_setting.changed",
        actor=actor,
        obj=setting,
        data={
            "category": setting.category.code,
            "enabled": setting.enabled,
            "threshold": setting.threshold,
        },
    )
    _changed_later()
    forget_auto_apply_switches()
    return setting


@transaction.atomic
def record_auto_decision(
    *,
    case_id: int,
    field: str,
    suggested_value: str,
    confidence: float,
    reason: str = "",
    previous_value: str = "",
    model_version: str = "",
) -> RoutingDecision:
    """Record that ``field`` of case ``case_id`` was set automatically (by the system).

    Call it in the same transaction as the change to the case, so the record exists
    exactly when the change does.
    """
    decision = RoutingDecision.objects.create(
        case_id=case_id,
        field=field,
        suggested_value=suggested_value,
        previous_value=previous_value,
        confidence=confidence,
        reason=reason[:300],
        model_version=model_version,
        applied_at=timezone.now(),
    )
    audit.record(
        "routing_decision.applied",
        obj=decision,
        data={
            "case_id": case_id,
            "field": field,
            "value": suggested_value,
            "previous": previous_value,
            "confidence": confidence,
        },
        actor_label="system",
    )
    return decision


@transaction.atomic
def revert_auto_decision(*, actor, decision: RoutingDecision) -> RoutingDecision:
    """Mark an automatic decision reverted by ``actor``. The complaints app undoes the
    change on the case itself (in the same transaction). Reverting twice is refused."""
    decision = RoutingDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.reverted_at is not None:
        raise RoutingError(_("This automatic decision has already been reverted."))
    decision.reverted_at = timezone.now()
    decision.reverted_by = actor
    decision.save(update_fields=["reverted_at", "reverted_by"])
    audit.record(
        "routing_decision.reverted",
        actor=actor,
        obj=decision,
        data={"case_id": decision.case_id, "field": decision.field},
    )
    return decision


@transaction.atomic
def install_model(*, actor, model, path: Path, report: dict) -> Path:
    """Write a trained model to ``path`` (atomically: a temporary file renamed over the
    old one) and audit it with its evaluation ``report``. Deterministic bytes for the
    same model, so an unchanged retrain leaves git clean."""
    from .classifier import save_model

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    try:
        save_model(model, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    audit.record(
        "routing_model.installed",
        actor=actor,
        data={"path": str(path), **report},
    )
    transaction.on_commit(forget_model)
    return path
