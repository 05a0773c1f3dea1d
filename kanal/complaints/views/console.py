"""The staff console for cases: the inbox, the case page and its action buttons, staff entry."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kanal.accounts.decorators import staff_required
from kanal.accounts.queries import scope_for
from kanal.accounts.rules import Capability
from kanal.core.uploads import UploadRejected
from kanal.directory.models import Unit
from kanal.directory.queries import city_units, outside_bodies
from kanal.outbox import queries as outbox_queries
from kanal.routing.models import RoutingDecision
from kanal.routing.queries import suggest, suggestion_rows

from .. import actions, queries, rules
from ..forms import InboxFilterForm, StaffEntryForm
from ..models import Attachment, StaffNotification
from .public import case_inputs


@staff_required
def inbox(request):
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = queries.InboxFilters(**{k: v or "" for k, v in data.items()})
    # Counted up to a cap: "1–50 of more than 1,000", not an exact COUNT(*) at each visit.
    page = queries.inbox_page(request.user, filters, request.GET.get("page"))
    scope = scope_for(request.user)
    return render(
        request,
        "complaints/console/inbox.html",
        {
            "form": form,
            "page": page,
            "counts": queries.inbox_counts(request.user),
            "notifications": StaffNotification.objects.filter(
                user=request.user, read_at__isnull=True
            ).select_related("complaint")[:10],
            "can_record": scope.has(Capability.RECORD_CASES),
            "today": queries.today(),
            "count_cap": queries.inbox_count_cap(),
        },
    )


@staff_required
def new_case(request):
    """A case heard by phone, at a desk, by a lurah or camat, or on a field visit."""
    if not scope_for(request.user).has(Capability.RECORD_CASES):
        raise PermissionDenied
    form = StaffEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.submit_complaint(
                channel=form.cleaned_data["channel"], entered_by=request.user, **case_inputs(form)
            )
        except UploadRejected as exc:
            form.add_error("photo", str(exc))
        else:
            messages.success(
                request, _("Case %(number)s recorded.") % {"number": case.tracking_number}
            )
            return redirect("complaints:console_case", number=case.tracking_number)
    return render(
        request,
        "complaints/console/new.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def case_page(request, number: str):
    case = queries.access_complaint(request.user, number)
    scope = scope_for(request.user)
    triage = scope.has(Capability.TRIAGE)
    handles = queries.may_handle(request.user, case)
    actions.mark_notifications_read(user=request.user, case=case)
    show_reporter = queries.can_see_reporter(request.user, case)
    known = [case.reporter.name, case.reporter.phone, case.reporter.email] if case.reporter else []
    suggestion = (
        _suggestion(case) if triage and case.state in ("diterima", "diverifikasi") else None
    )
    return render(
        request,
        "complaints/console/case.html",
        {
            "case": case,
            "sla": queries.sla_of(case),
            "due_text": queries.due_date_text(case),
            "show_reporter": show_reporter,
            # Staff who may not see the reporter read the description with personal data masked.
            "description": case.description
            if show_reporter
            else rules.redact_personal_data(case.description, known),
            "timeline": queries.timeline(case),
            "deliveries": outbox_queries.delivery_panel_for(case, show_addresses=show_reporter),
            "messages_list": queries.messages_for_staff(case),
            "follow_ups": case.follow_ups.select_related("author", "unit"),
            "attachments": case.attachments.all(),
            "allowed": {a.value for a in rules.allowed_actions(case.state)},
            "triage": triage,
            "handles": handles,
            "units": city_units().order_by("name") if triage else [],
            "area_units": Unit.objects.filter(kind__in=["kecamatan", "kelurahan"]).order_by("name")
            if triage
            else [],
            "outside": outside_bodies() if triage else [],
            "duplicates": queries.possible_duplicates(case) if triage else [],
            "redacted": rules.redact_personal_data(case.description, known)
            if triage and not case.public_summary
            else "",
            "templates": queries.templates_for(case),
            "reply_text": queries.filled_template(case, request.GET.get("template"))
            if request.GET.get("template", "").isdigit()
            else "",
            "suggestion": suggestion,
            "auto_decision": RoutingDecision.objects.filter(
                case_id=case.pk, field="unit", reverted_at__isnull=True
            ).first()
            if triage and case.state == "didisposisikan"
            else None,
            "routing_rows": suggestion_rows(suggestion) if suggestion else [],
        },
    )


def _suggestion(case):
    """The router's suggestions for a case being triaged."""
    return suggest(
        f"{case.title}\n{case.description}",
        lat=case.lat,
        lng=case.lng,
        category_code=case.category.code if case.category else None,
    )


ACTIONS = {
    "verify": lambda r, c, p: actions.verify_complaint(actor=r.user, case=c),
    "dispose": lambda r, c, p: actions.dispose_complaint(
        actor=r.user,
        case=c,
        unit=get_object_or_404(Unit, code=p.get("unit")),
        note=p.get("note", ""),
    ),
    "postpone": lambda r, c, p: actions.postpone_complaint(
        actor=r.user, case=c, question=_required(p, "text")
    ),
    "resume": lambda r, c, p: actions.resume_complaint(actor=r.user, case=c),
    "refer_outside": lambda r, c, p: actions.refer_complaint_outside(
        actor=r.user,
        case=c,
        body=get_object_or_404(Unit, code=p.get("unit")),
        explanation=_required(p, "text"),
    ),
    "reject": lambda r, c, p: actions.reject_complaint(
        actor=r.user, case=c, reason=_required(p, "text")
    ),
    "merge": lambda r, c, p: actions.merge_complaints(
        actor=r.user,
        duplicate=c,
        into=queries.access_complaint(
            r.user, rules.normalise_tracking_number(_required(p, "into"))
        ),
    ),
    "send_back": lambda r, c, p: actions.send_back_complaint(
        actor=r.user, case=c, reason=_required(p, "text")
    ),
    "follow_up": lambda r, c, p: actions.follow_up_complaint(
        actor=r.user, case=c, body=_required(p, "text")
    ),
    "return_to_unit": lambda r, c, p: actions.return_to_unit(
        actor=r.user, case=c, note=_required(p, "text")
    ),
    "complete": lambda r, c, p: actions.complete_complaint(
        actor=r.user, case=c, note=p.get("text", "")
    ),
    "close": lambda r, c, p: actions.close_complaint(actor=r.user, case=c),
    "hand_to_ppid": lambda r, c, p: actions.hand_to_ppid(actor=r.user, case=c),
    "revert_routing": lambda r, c, p: actions.revert_auto_disposition(actor=r.user, case=c),
    "reply": lambda r, c, p: actions.send_public_reply(
        actor=r.user, case=c, body=_required(p, "text")
    ),
    "note": lambda r, c, p: actions.add_internal_note(
        actor=r.user, case=c, body=_required(p, "text")
    ),
    "publish": lambda r, c, p: actions.publish_complaint(
        actor=r.user,
        case=c,
        public=p.get("public") == "1",
        public_title=p.get("public_title", ""),
        public_summary=p.get("public_summary", ""),
        is_anonymous=p.get("is_anonymous") == "1",
    ),
}


class MissingText(ValueError):
    pass


def _required(post, field: str) -> str:
    value = post.get(field, "").strip()
    if not value:
        raise MissingText(field)
    return value


@staff_required
@require_POST
def case_action(request, number: str, action: str):
    """Run one action from the case page; errors come back as messages, nothing is lost."""
    case = queries.access_complaint(request.user, number)
    if action not in ACTIONS:
        raise Http404
    try:
        ACTIONS[action](request, case, request.POST)
    except MissingText:
        messages.error(request, _("Write the text for this action first."))
    except rules.TransitionRefused as exc:
        messages.error(request, _("Not possible now: %(why)s") % {"why": exc})
    except PermissionDenied:
        messages.error(request, _("Your role does not allow this action on this case."))
    else:
        messages.success(request, _("Done."))
    return redirect("complaints:console_case", number=case.tracking_number)


@staff_required
def attachment(request, number: str, attachment_id: int):
    """An attachment, for staff who may open the case; served as a download."""
    case = queries.access_complaint(request.user, number)
    item = get_object_or_404(Attachment, pk=attachment_id, complaint=case)
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=item.content_type == "application/pdf",
        filename=item.original_name or item.file.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def escalations(request):
    """Overdue cases that reached the operators' supervisor or the leadership."""
    scope = scope_for(request.user)
    if not scope.has(Capability.DASHBOARDS):
        raise PermissionDenied
    cases = (
        queries.complaints_visible_to(request.user)
        .filter(escalation_level__gte=2, state__in=rules.OPEN_STATES)
        .order_by("due_date")
    )
    return render(request, "complaints/console/escalations.html", {"cases": cases})
