"""Reads of the staff console's case page: the history in sentences, the grouped unit
picker, the officers a case can be assigned to, and response templates filled in."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from kanal.directory.models import Unit

from . import rules
from .models import Complaint
from .queries import timeline


def officers_of_unit(unit):
    """Active staff who handle ``unit``'s cases (officers to assign a case to), by name."""
    from kanal.accounts.models import User

    return (
        User.objects.filter(
            is_active=True,
            memberships__unit=unit,
            memberships__role__in=["unit_officer", "area_officer", "inspector"],
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def officers_in_units(unit_ids) -> list:
    """Officers of any of ``unit_ids`` (the bulk "assign" list of a unit officer)."""
    from kanal.accounts.models import User

    return list(
        User.objects.filter(
            is_active=True,
            memberships__unit_id__in=list(unit_ids),
            memberships__role__in=["unit_officer", "area_officer", "inspector"],
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a case's history on the console: when, who, and what in a sentence."""

    at: object  # datetime
    who: str
    text: str


def history_in_sentences(case: Complaint) -> list[HistoryEntry]:
    """The case's history as sentences staff read (``rules.describe_event``), oldest first.

    Two queries: the events with their actors, and the names of the units they mention.
    """
    events = list(timeline(case))
    codes = {
        value
        for event in events
        for key in ("unit", "old_unit")
        if isinstance(value := (event.data or {}).get(key), str)
    }
    names = dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
    return [
        HistoryEntry(
            at=event.created_at,
            who=rules.describe_actor(str(event.actor) if event.actor else "", event.actor_label),
            text=rules.describe_event(event.action, event.data, names),
        )
        for event in events
    ]


UNIT_GROUP_KINDS = ("kecamatan", "kelurahan")


def unit_picker_groups(exclude_id: int | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Units a case can be routed to, grouped for a <select>: OPD, kecamatan offices,
    then kelurahan offices under their kecamatan. Each entry is (code, name)."""
    from django.utils.translation import gettext as _

    from kanal.directory.queries import city_units

    skip = [exclude_id] if exclude_id is not None else []
    opd = [(u.code, u.name) for u in city_units().exclude(pk__in=skip).order_by("name")]
    areas = (
        Unit.objects.filter(is_active=True, kind__in=UNIT_GROUP_KINDS)
        .exclude(pk__in=skip)
        .order_by("name")
        .values_list("code", "name", "kind", "kelurahan__kecamatan__name")
    )
    kecamatan = [(code, name) for code, name, kind, _k in areas if kind == "kecamatan"]
    by_kecamatan: dict[str, list[tuple[str, str]]] = {}
    for code, name, kind, parent in areas:
        if kind == "kelurahan":
            by_kecamatan.setdefault(parent or "", []).append((code, name))
    groups = [(_("City units (OPD)"), opd), (_("Kecamatan offices"), kecamatan)]
    groups += [
        (_("Kelurahan offices, Kec. %(name)s") % {"name": name}, rows)
        for name, rows in sorted(by_kecamatan.items())
    ]
    return [(label, rows) for label, rows in groups if rows]


def templates_for(case: Complaint):
    """Response templates for the case's category and state (general ones included)."""
    from .models import ResponseTemplate

    return (
        ResponseTemplate.objects.filter(Q(category__isnull=True) | Q(category=case.category_id))
        .filter(Q(state="") | Q(state=case.state))
        .order_by("name")
    )


def _template_values(case: Complaint) -> dict[str, str]:
    from django.utils import formats

    return {
        "tracking_number": case.tracking_number,
        "title": case.title,
        "unit": str(case.unit or ""),
        "due_date": formats.date_format(case.due_date, "j F Y") if case.due_date else "",
        "state": str(case.get_state_display()),
    }


def filled_templates(case: Complaint) -> list[tuple]:
    """Every template that fits the case with its text filled in: (template, text)."""
    values = _template_values(case)
    return [(t, rules.fill_template(t.body, values)) for t in templates_for(case)]


def filled_template(case: Complaint, template_id) -> str:
    """A template's text with the case's values in its placeholders ('' if not applicable)."""
    template = templates_for(case).filter(pk=template_id).first()
    if template is None:
        return ""
    return rules.fill_template(template.body, _template_values(case))


def returning_unit_code(case: Complaint) -> str:
    """The unit that last sent ``case`` back to the operators (from its history), or ''."""
    event = timeline(case).filter(action="complaint.send_back").order_by("-created_at").first()
    return (event.data or {}).get("unit") or "" if event else ""
