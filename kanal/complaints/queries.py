"""Reads of cases: who may see which, the inbox, the public view, deadlines in force."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kanal.accounts.queries import scope_for
from kanal.accounts.rules import Capability, StaffScope
from kanal.audit.queries import history_of
from kanal.core.queries import working_calendar

from . import rules
from .models import CaseMessage, Complaint, MessageKind, State


def deadlines() -> dict:
    """The deadline settings in force (defaults from rules, overridden by settings)."""
    return rules.DEFAULT_DEADLINES | getattr(settings, "KANAL_COMPLAINT_DEADLINES", {})


def today():
    return timezone.localdate()


# --- visibility --------------------------------------------------------------------------


def _visibility_filter(scope: StaffScope) -> Q | None:
    """The cases a scope reaches, as a filter; None means every case."""
    if scope.has(Capability.TRIAGE):
        return None  # operators triage everything, oversight included
    parts = Q(pk__in=[])
    if scope.has(Capability.VIEW_ALL_CASES):
        parts |= Q(is_oversight=False)
    if scope.has(Capability.VIEW_OVERSIGHT_CASES):
        parts |= Q(is_oversight=True)
    if scope.unit_ids:
        unit_cases = Q(unit_id__in=scope.unit_ids)
        if not scope.has(Capability.VIEW_OVERSIGHT_CASES):
            # Misconduct reports never reach the unit they concern.
            unit_cases &= Q(is_oversight=False)
        parts |= unit_cases
    for area in scope.area_codes:
        area_cases = Q(kelurahan__code=area) | Q(kelurahan__code__startswith=area + ".")
        if area.count(".") == 2:
            area_cases |= Q(kecamatan__code=area)
        parts |= area_cases & Q(is_oversight=False)
    return parts


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """Every case ``user`` may open (empty for non-staff)."""
    scope = scope_for(user)
    qs = Complaint.objects.select_related("unit", "category", "kelurahan", "kecamatan")
    if not scope.roles:
        return qs.none()
    condition = _visibility_filter(scope)
    return qs if condition is None else qs.filter(condition)


def access_complaint(user, tracking_number: str) -> Complaint:
    """The case if ``user`` may open it; Http404 when it does not exist or is out of scope.

    Out-of-scope cases answer 404, not 403, so that a number typed into a URL does not
    confirm that a case exists.
    """
    case = complaints_visible_to(user).filter(tracking_number=tracking_number).first()
    if case is None:
        raise Http404
    return case


def can_see_reporter(user, case: Complaint) -> bool:
    """ "Who reported it" is its own permission, separate from handling the case."""
    scope = scope_for(user)
    if scope.has(Capability.VIEW_REPORTERS) and (
        not case.is_oversight
        or scope.has(Capability.VIEW_OVERSIGHT_CASES)
        or scope.has(Capability.TRIAGE)
    ):
        return True
    return not case.is_anonymous and case.unit_id in scope.reporter_unit_ids


def require(user, capability: str, case: Complaint) -> None:
    """Raise PermissionDenied unless ``user`` may take an action needing ``capability``."""
    scope = scope_for(user)
    if capability == "triage" and scope.has(Capability.TRIAGE):
        return
    if (
        capability == "handle"
        and case.unit_id
        and (
            case.unit_id in scope.unit_ids
            or (
                scope.has(Capability.HANDLE_AREA_CASES)
                and case.kelurahan_id
                and scope.covers_area(case.kelurahan.code)
            )
        )
    ):
        if case.is_oversight and not scope.has(Capability.VIEW_OVERSIGHT_CASES):
            raise PermissionDenied
        return
    raise PermissionDenied


def may_handle(user, case: Complaint) -> bool:
    """Whether ``user`` handles ``case`` for its unit or area (the yes/no of require)."""
    try:
        require(user, "handle", case)
    except PermissionDenied:
        return False
    return True


def due_date_text(case: Complaint) -> str:
    """The running deadline explained in words ('' when no clock runs)."""
    from kanal.core.queries import describe_due_date

    if not (case.due_date and case.clock_started_on):
        return ""
    basis_state = {
        "verify": "diterima",
        "follow_up": "didisposisikan",
        "review": "ditindaklanjuti",
        "auto_close": "selesai",
    }.get(case.due_basis, "")
    days = rules.clock_for(basis_state, deadlines()).working_days
    return describe_due_date(case.clock_started_on, days)


# --- the inbox ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    state: str = ""
    unit: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    channel: str = ""
    category: str = ""
    kind: str = ""
    sla: str = ""  # "at_risk" or "overdue"
    q: str = ""
    open_only: bool = True


def _search(qs: QuerySet[Complaint], text: str) -> QuerySet[Complaint]:
    """Full text on PostgreSQL (Indonesian configuration), a plain match on SQLite."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", "description", config="indonesian")
        query = SearchQuery(text, config="indonesian", search_type="websearch")
        return qs.annotate(search=vector).filter(
            Q(search=query) | Q(tracking_number__iexact=text.strip())
        )
    condition = Q(tracking_number__iexact=text.strip())
    for word in text.split():
        condition |= Q(title__icontains=word) | Q(description__icontains=word)
    return qs.filter(condition)


def inbox(user, filters: InboxFilters) -> QuerySet[Complaint]:
    """The cases ``user`` may see that match ``filters``, most urgent first."""
    qs = complaints_visible_to(user)
    if filters.open_only and not filters.state:
        qs = qs.filter(state__in=rules.OPEN_STATES | {State.COMPLETED})
    for field, value in [
        ("state", filters.state),
        ("unit__code", filters.unit),
        ("kecamatan__code", filters.kecamatan),
        ("kelurahan__code", filters.kelurahan),
        ("channel", filters.channel),
        ("category__code", filters.category),
        ("kind", filters.kind),
    ]:
        if value:
            qs = qs.filter(**{field: value})
    if filters.sla == "overdue":
        qs = qs.filter(due_date__lt=today())
    elif filters.sla == "at_risk":
        calendar = working_calendar()
        horizon = calendar.add_working_days(today(), deadlines()["at_risk_working_days"])
        qs = qs.filter(due_date__gte=today(), due_date__lte=horizon)
    if filters.q.strip():
        qs = _search(qs, filters.q)
    return qs.order_by("due_date", "received_at")


def inbox_counts(user) -> dict[str, int]:
    """How many visible cases are in each state, plus overdue ones, for the filter menu."""
    qs = complaints_visible_to(user)
    counts = dict(qs.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    counts["overdue"] = qs.filter(state__in=rules.OPEN_STATES, due_date__lt=today()).count()
    return counts


def sla_of(case: Complaint) -> rules.SlaStatus:
    return rules.sla_status(working_calendar(), case.due_date, today(), deadlines())


def timeline(case: Complaint):
    """Every event on the case (audit log) with the messages, oldest first."""
    return history_of(case)


def messages_for_staff(case: Complaint) -> QuerySet[CaseMessage]:
    return case.messages.select_related("author")


def public_messages(case: Complaint) -> QuerySet[CaseMessage]:
    """Replies the reporter and the public may read (never internal notes)."""
    return case.messages.filter(kind=MessageKind.PUBLIC_REPLY)


def possible_duplicates(case: Complaint, limit: int = 5) -> list[Complaint]:
    """Open cases with similar text in the same or a neighbouring kelurahan (or anywhere,
    when the case has no kelurahan), most similar first."""
    from kanal.routing import queries as routing_queries
    from kanal.routing import rules as routing_rules

    candidates = Complaint.objects.filter(state__in=rules.OPEN_STATES).exclude(pk=case.pk)
    if case.kelurahan_id:
        codes = {case.kelurahan.code} | set(
            routing_queries.neighbouring_kelurahan(case.kelurahan.code)
        )
        candidates = candidates.filter(kelurahan__code__in=codes)
    candidates = list(candidates.order_by("-received_at")[:300])
    texts = [(c.pk, f"{c.title} {c.description}") for c in candidates]
    scored = routing_rules.similar_texts(f"{case.title} {case.description}", texts, 0.25)
    by_id = {c.pk: c for c in candidates}
    return [by_id[pk] for pk, _ in scored[:limit]]


# --- the public ----------------------------------------------------------------------------

PUBLIC_STATES = frozenset(
    {"diverifikasi", "didisposisikan", "ditindaklanjuti", "selesai", "ditutup", "bukan_wewenang"}
)


def public_complaints() -> QuerySet[Complaint]:
    """Cases the public may see: made public by an operator, never confidential or oversight."""
    return (
        Complaint.objects.filter(is_confidential=False, is_oversight=False, state__in=PUBLIC_STATES)
        .exclude(public_summary="")
        .select_related("unit", "category", "kelurahan")
    )


def find_by_tracking_number(number: str) -> Complaint | None:
    return (
        Complaint.objects.filter(tracking_number=rules.normalise_tracking_number(number))
        .select_related("unit", "reporter")
        .first()
    )


def templates_for(case: Complaint):
    """Response templates for the case's category and state (general ones included)."""
    from .models import ResponseTemplate

    return (
        ResponseTemplate.objects.filter(Q(category__isnull=True) | Q(category=case.category_id))
        .filter(Q(state="") | Q(state=case.state))
        .order_by("name")
    )


def filled_template(case: Complaint, template_id) -> str:
    """A template's text with the case's values in its placeholders ('' if not applicable)."""
    template = templates_for(case).filter(pk=template_id).first()
    if template is None:
        return ""
    return rules.fill_template(
        template.body,
        {
            "tracking_number": case.tracking_number,
            "title": case.title,
            "unit": str(case.unit or ""),
            "due_date": case.due_date.strftime("%d-%m-%Y") if case.due_date else "",
            "state": case.get_state_display(),
        },
    )
