"""Reads of PPID data. ``access_*`` are the permission-checked getters for staff pages.

Only staff whose scope has ``Capability.PPID`` see requests and the personal data in
them; the public status page goes through :func:`lookup_request`, which needs the
registration number and the contact the requester gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kanal.accounts.queries import scope_for
from kanal.accounts.rules import Capability
from kanal.core.queries import describe_due_date, working_calendar

from . import rules
from .models import (
    Dispute,
    ExemptedInformationItem,
    InformationCategory,
    InformationRequest,
    Objection,
    ObjectionState,
    PublicInformationItem,
    Reminder,
    RequestAttachment,
    RequestState,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- settings (read here so that the code works before the lead adds them) -------------


def clock_mode() -> str:
    """Which date starts the notice clock: "receipt" (UU 22(7), default) or "complete"."""
    return settings.KANAL_PPID_CLOCK_STARTS_AT


def reminder_lead_days() -> int:
    """Working days before a deadline that a reminder is due (KANAL_PPID_REMINDER_WORKING_DAYS)."""
    return settings.KANAL_PPID_REMINDER_WORKING_DAYS


def commission_name() -> str:
    # [GUESS] the city's disputes go to the provincial commission.
    """The information commission that hears disputes (KANAL_PPID_COMMISSION)."""
    return settings.KANAL_PPID_COMMISSION


def body_name() -> str:
    """The public body's name on notices and registers (KANAL_PPID_BODY_NAME)."""
    return settings.KANAL_PPID_BODY_NAME


def today() -> date:
    """Today in the city's time zone: the day every PPID clock counts from."""
    return timezone.localdate()


# --- permissions -----------------------------------------------------------------------


def is_ppid_staff(user) -> bool:
    """Whether the user holds the PPID capability (officer or superior)."""
    return scope_for(user).has(Capability.PPID)


def is_ppid_superior(user) -> bool:
    """Whether the user is the PPID's superior, who answers objections."""
    return scope_for(user).has(Capability.PPID_SUPERIOR)


def _require_ppid(user) -> None:
    if not is_ppid_staff(user):
        raise PermissionDenied


def access_request(user, request_id: int) -> InformationRequest:
    """The request with personal data, for PPID staff only (PermissionDenied otherwise)."""
    _require_ppid(user)
    return get_object_or_404(InformationRequest, pk=request_id)


def access_objection(user, objection_id: int) -> Objection:
    """The objection ``objection_id`` with its request, for PPID staff; PermissionDenied for
    others, 404 if unknown.
    """
    _require_ppid(user)
    return get_object_or_404(Objection.objects.select_related("request"), pk=objection_id)


def access_attachment(user, attachment_id: int) -> RequestAttachment:
    """A KTP or power-of-attorney file: PPID roles only, never unit officers."""
    _require_ppid(user)
    return get_object_or_404(RequestAttachment, pk=attachment_id)


# --- requests --------------------------------------------------------------------------


def requests_for(user, *, state: str = "", search: str = "", overdue_only: bool = False):
    """Requests for the PPID list: open overdue first, then by due date, answered last."""
    _require_ppid(user)
    now = today()
    qs = InformationRequest.objects.all()
    if state:
        qs = qs.filter(state=state)
    if search:
        qs = qs.filter(
            Q(registration_number__icontains=search)
            | Q(requester_name__icontains=search)
            | Q(information_requested__icontains=search)
        )
    if overdue_only:
        qs = qs.exclude(state=RequestState.ANSWERED).filter(due_on__lt=now)
    return qs.annotate(
        rank=Case(
            When(~Q(state=RequestState.ANSWERED) & Q(due_on__lt=now), then=0),
            When(~Q(state=RequestState.ANSWERED), then=1),
            default=2,
            output_field=IntegerField(),
        )
    ).order_by("rank", "due_on", "-received_at")


def objections_for(user, *, open_only: bool = False):
    """Objections for PPID staff (PermissionDenied for others), by state then due date; only those
    still filed with ``open_only``.
    """
    _require_ppid(user)
    qs = Objection.objects.select_related("request")
    if open_only:
        qs = qs.filter(state=ObjectionState.FILED)
    return qs.order_by("state", "due_on")


def overdue_summary(user) -> dict:
    """What the atasan PPID must see: overdue requests and objections."""
    _require_ppid(user)
    now = today()
    return {
        "requests": InformationRequest.objects.exclude(state=RequestState.ANSWERED)
        .filter(due_on__lt=now)
        .order_by("due_on"),
        "objections": Objection.objects.filter(state=ObjectionState.FILED, due_on__lt=now)
        .select_related("request")
        .order_by("due_on"),
    }


def find_request(registration_number: str) -> InformationRequest | None:
    """The request with this registration number (case and surrounding spaces ignored), or None."""
    return InformationRequest.objects.filter(
        registration_number__iexact=registration_number.strip()
    ).first()


def lookup_request(registration_number: str, contact: str) -> InformationRequest | None:
    """The request with this number whose requester gave ``contact``; None otherwise.

    The same None for "no such number" and "wrong contact", so the page reveals nothing.
    """
    found = find_request(registration_number)
    if found and rules.contact_matches(contact, email=found.email, phone=found.phone):
        return found
    return None


def explain_request_due(req: InformationRequest) -> str:
    """The notice deadline in words, counted as the rules count it."""
    if req.extended_on:
        original = rules.notice_due(working_calendar(), req.clock_start)
        return describe_due_date(original, rules.EXTENSION_WORKING_DAYS)
    return describe_due_date(req.clock_start, rules.NOTICE_WORKING_DAYS)


def explain_objection_due(obj: Objection) -> str:
    """The objection's answer deadline in words (the law's working days from filing)."""
    return describe_due_date(obj.filed_on, rules.OBJECTION_ANSWER_WORKING_DAYS)


def objection_deadline_for(req: InformationRequest) -> date | None:
    """The last day to object to the notice (ground date = notice date)."""
    if not req.answered_on:
        return None
    return rules.objection_filing_deadline(working_calendar(), req.answered_on)


def reminders_for(user, *, limit: int = 20):
    """Up to ``limit`` reminders for PPID staff (PermissionDenied for others); those
    meant for the superior are shown to the superior only.
    """
    _require_ppid(user)
    qs = Reminder.objects.all()
    if not is_ppid_superior(user):
        qs = qs.filter(for_superior=False)
    return qs[:limit]


# --- DIP / DIK ------------------------------------------------------------------------


@dataclass(frozen=True)
class DipEntry:
    """One published DIP item, flagged when a berkala item is out of date."""

    item: PublicInformationItem
    stale: bool  # berkala and older than six months (UU 9(3))


def published_dip() -> list[tuple[str, StrOrPromise, list[DipEntry]]]:
    """The published DIP grouped by category: (value, label, entries)."""
    now = today()
    items = (
        PublicInformationItem.objects.filter(is_published=True)
        .select_related("unit")
        .prefetch_related("documents")
    )
    groups: list[tuple[str, StrOrPromise, list[DipEntry]]] = []
    for value, label in InformationCategory.choices:
        entries = [
            DipEntry(
                i, i.category == "berkala" and rules.berkala_is_stale(i.last_published_on, now)
            )
            for i in items
            if i.category == value
        ]
        groups.append((value, label, entries))
    return groups


def newly_published_dip(limit: int = 30) -> list[PublicInformationItem]:
    """Published DIP entries, the most recently (re)published first: by
    ``last_published_on`` where the PPID set it (berkala entries are republished), else
    when the entry was added."""
    items = PublicInformationItem.objects.filter(is_published=True).select_related("unit")
    return sorted(items, key=dip_published_at, reverse=True)[:limit]


def dip_published_at(item: PublicInformationItem):
    """When ``item`` was last published, as an aware datetime (start of that day, WIB)."""
    if item.last_published_on:
        day = datetime.combine(item.last_published_on, time.min)
        return max(timezone.make_aware(day), item.created_at)
    return item.created_at


def stale_berkala_items(on: date | None = None):
    """Periodic (berkala) DIP items never published or older than six months on ``on``
    (default today): UU 14/2008 Pasal 9(3).
    """
    now = on or today()
    return [
        i
        for i in PublicInformationItem.objects.filter(category=InformationCategory.BERKALA)
        if rules.berkala_is_stale(i.last_published_on, now)
    ]


def exempted_items(on: date | None = None):
    """The DIK with an ``ended`` flag for entries whose exemption period has run out."""
    now = on or today()
    items = list(ExemptedInformationItem.objects.all())
    for item in items:
        item.ended = rules.exemption_has_ended(item.exempt_until, now)
    return items


def open_items_for_reminders():
    """Open requests and objections, for the reminder job."""
    return (
        InformationRequest.objects.exclude(state=RequestState.ANSWERED),
        Objection.objects.filter(state=ObjectionState.FILED).select_related("request"),
    )


# --- annual report (UU 14/2008 Pasal 12) -----------------------------------------------


def annual_report(year: int) -> rules.AnnualFigures:
    """The Pasal 12 figures: requests received in ``year``, objections and disputes filed in it.

    Time to answer counts working days from the clock start to the notice date.
    """
    cal = working_calendar()
    requests = InformationRequest.objects.filter(received_on__year=year).select_related("notice")
    facts = []
    for r in requests:
        notice = getattr(r, "notice", None)
        answered_on = r.answered_on if notice is not None else None
        facts.append(
            rules.RequestFacts(
                received_on=r.received_on,
                outcome=notice.outcome if notice else "",
                answered_on=r.answered_on,
                working_days_to_answer=cal.working_days_between(r.clock_start, answered_on)
                if answered_on is not None
                else None,
                exemption_ground=notice.exemption_ground if notice else "",
                allowed_working_days=rules.NOTICE_WORKING_DAYS
                + (rules.EXTENSION_WORKING_DAYS if r.extended_on else 0),
            )
        )
    # Objections and disputes count in the year they were filed.
    objections = Objection.objects.filter(filed_on__year=year)
    disputes = Dispute.objects.filter(filed_on__year=year)
    return rules.annual_figures(
        year,
        facts,
        [rules.ObjectionFacts(o.ground, o.decision) for o in objections],
        [rules.DisputeFacts(d.outcome) for d in disputes],
    )


# --- registers (Perki 1/2010 family formats; see docs reference §2.5) ------------------


def _register_years(qs, field: str, year: int | None):
    return qs.filter(**{f"{field}__year": year}) if year else qs


def request_register(user, year: int | None = None) -> tuple[list[str], list[list]]:
    """The request register: headers and rows, in the columns the KI format lists."""
    _require_ppid(user)
    from django.utils.translation import gettext as _

    headers = [
        _("No."),
        _("Registration number"),
        _("Date received"),
        _("Name"),
        _("Address"),
        _("Contact"),
        _("Occupation"),
        _("Information requested"),
        _("Purpose of use"),
        _("Information held"),
        _("Format held"),
        _("Kind of request"),
        _("Decision"),
        _("Reason for refusal"),
        _("Date of the written notice"),
        _("Cost and how to pay"),
    ]
    qs = _register_years(
        InformationRequest.objects.select_related("notice").order_by("received_at"),
        "received_on",
        year,
    )
    rows = []
    for n, r in enumerate(qs, start=1):
        notice = getattr(r, "notice", None)
        held = ""
        if notice:
            held = (
                _("No: %(where)s") % {"where": notice.held_by or "-"}
                if notice.outcome == "not_held"
                else (_("No") if notice.outcome == "not_documented" else _("Yes"))
            )
        rows.append(
            [
                n,
                r.registration_number,
                r.received_on.isoformat(),
                r.requester_name,
                r.address,
                " / ".join(x for x in (r.phone, r.email) if x),
                r.occupation,
                r.information_requested,
                r.purpose,
                held,
                notice.format if notice else "",
                r.get_access_method_display(),
                notice.get_outcome_display() if notice else r.get_state_display(),
                notice.get_exemption_ground_display() if notice and notice.exemption_ground else "",
                r.answered_on.isoformat() if r.answered_on else "",
                (f"Rp {int(notice.cost)}; {notice.payment_method}".strip("; ") if notice else ""),
            ]
        )
    return headers, rows


def objection_register(user, year: int | None = None) -> tuple[list[str], list[list]]:
    """The objection register (register keberatan columns a–k)."""
    _require_ppid(user)
    from django.utils.translation import gettext as _

    headers = [
        _("Objection number"),
        _("Date received"),
        _("Objector"),
        _("Request number"),
        _("Information requested"),
        _("Purpose of use"),
        _("Ground (Pasal 35)"),
        _("Decision of the atasan PPID"),
        _("Date of the answer"),
        _("Name and position of the atasan PPID"),
        _("Objector's response"),
    ]
    qs = _register_years(
        Objection.objects.select_related("request").order_by("filed_on", "id"), "filed_on", year
    )
    rows = [
        [
            o.registration_number,
            o.filed_on.isoformat(),
            o.objector_name + (f" ({o.proxy_name})" if o.proxy_name else ""),
            o.request.registration_number,
            o.request.information_requested,
            o.request.purpose,
            o.get_ground_display(),
            o.get_decision_display() if o.decision else "",
            o.answered_on.isoformat() if o.answered_on else "",
            ", ".join(x for x in (o.superior_name, o.superior_position) if x),
            o.requester_response,
        ]
        for o in qs
    ]
    return headers, rows
