"""The staff console for cases: the inbox, the case page and its action buttons, staff entry."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kanal.accounts.decorators import staff_required
from kanal.accounts.queries import scope_for
from kanal.accounts.rules import Capability
from kanal.core.uploads import UploadRejected
from kanal.directory.models import Unit
from kanal.directory.queries import active_categories, outside_bodies
from kanal.outbox import queries as outbox_queries
from kanal.routing.models import RoutingDecision
from kanal.routing.queries import suggest, suggestion_rows

from .. import actions, console_queries, queries, rules
from ..actions.presence import mark_present
from ..forms import InboxFilterForm, StaffEntryForm
from ..models import Attachment, Kind, StaffNotification, State
from .report import case_inputs

INBOX_VIEWS = [
    ("", _lazy("All open")),
    ("owner=me", _lazy("My cases")),
    ("owner=none", _lazy("Unassigned")),
    ("returned=on", _lazy("Returned")),
    ("sla=overdue", _lazy("Overdue")),
]


@staff_required
def inbox(request):
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = queries.InboxFilters(
        **{k: v or ("" if k != "returned" else False) for k, v in data.items()}
    )
    # Counted up to a cap: "1–50 of more than 1,000", not an exact COUNT(*) at each visit.
    page = queries.inbox_page(request.user, filters, request.GET.get("page"))
    scope = scope_for(request.user)
    current = request.GET.urlencode()
    advanced = {k for k, v in data.items() if v} - {"owner", "returned", "sla"}
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
            "can_triage": scope.has(Capability.TRIAGE),
            "can_bulk": scope.has(Capability.TRIAGE) or bool(scope.unit_ids),
            "can_export": True,
            "views": [
                (q, label, q == current)
                for q, label in INBOX_VIEWS
                # Owners and send-backs mean something to those who triage or handle cases.
                if scope.has(Capability.TRIAGE) or scope.unit_ids or q in ("", "sla=overdue")
            ],
            "filters_open": bool(advanced),
            "query_string": current,
            "bulk_officers": _bulk_officers(scope, filters),
            "unit_groups": console_queries.unit_picker_groups()
            if scope.has(Capability.TRIAGE)
            else [],
            "people": _people_matching(request.user, filters.q),
            "today": queries.today(),
            "count_cap": queries.inbox_count_cap(),
        },
    )


def _bulk_officers(scope, filters) -> list:
    """Officers offered by bulk "assign": one's own units', or the filtered unit's."""
    if scope.unit_ids:
        return console_queries.officers_in_units(scope.unit_ids)
    if filters.unit and scope.has(Capability.TRIAGE):
        unit = Unit.objects.filter(code=filters.unit).first()
        return list(console_queries.officers_of_unit(unit)) if unit else []
    return []


def _people_matching(user, text: str) -> int:
    """How many reporters match a search (for a link to the people page), for allowed roles."""
    if not text.strip() or not scope_for(user).has(Capability.VIEW_REPORTERS):
        return 0
    return len(queries.matching_reporter_ids(text))


@staff_required
def new_case(request):
    """A case heard by phone, at a desk, by a lurah or camat, or on a field visit."""
    if not scope_for(request.user).has(Capability.RECORD_CASES):
        raise PermissionDenied
    form = StaffEntryForm(
        request.POST or None,
        request.FILES or None,
        default_channel=queries.default_staff_channel(request.user),
    )
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
    area = queries.covers_area_of(request.user, case)
    actions.mark_notifications_read(user=request.user, case=case)
    show_reporter = queries.can_see_reporter(request.user, case)
    known = [case.reporter.name, case.reporter.phone, case.reporter.email] if case.reporter else []
    suggestion = _suggestion(case) if triage and case.state in rules.OPEN_STATES else None
    allowed = {a.value for a in rules.allowed_actions(case.state)}
    messages_list = list(queries.messages_for_staff(case))
    others = mark_present(user=request.user, case_id=case.pk)
    return render(
        request,
        "complaints/console/case.html",
        {
            "case": case,
            "sla": queries.sla_of(case),
            "due_text": queries.due_date_text(case),
            "show_reporter": show_reporter,
            "person_url": reverse("console:reporter", args=[case.reporter_id])
            if show_reporter and case.reporter_id and scope.has(Capability.VIEW_REPORTERS)
            else "",
            # Staff who may not see the reporter read the description with personal data masked.
            "description": case.description
            if show_reporter
            else rules.redact_personal_data(case.description, known),
            "history": console_queries.history_in_sentences(case),
            "messages_list": messages_list,
            "seen_messages": len(messages_list),
            "others_here": [(name, int(ago // 60)) for name, ago in others.values()],
            "deliveries": outbox_queries.delivery_panel_for(case, show_addresses=show_reporter),
            "follow_ups": case.follow_ups.select_related("author", "unit"),
            "attachments": case.attachments.all(),
            "allowed": allowed,
            "triage": triage,
            "handles": handles,
            "area": area,
            "may_note": triage or handles or area,
            "may_assign": case.unit_id is not None
            and case.state in rules.OPEN_STATES
            and (triage or handles),
            "officers": console_queries.officers_of_unit(case.unit) if case.unit_id else [],
            "unit_groups": console_queries.unit_picker_groups(exclude_id=case.unit_id)
            if triage and ("dispose" in allowed or "reroute" in allowed)
            else [],
            "categories": active_categories().order_by("parent__position", "position")
            if triage and case.state in rules.OPEN_STATES
            else [],
            "kinds": Kind.choices,
            "outside": outside_bodies() if triage else [],
            "duplicates": queries.possible_duplicates(case) if triage else [],
            "redacted": rules.redact_personal_data(case.description, known)
            if triage and not case.public_summary
            else "",
            "templates": console_queries.templates_for(case) if triage or handles else [],
            "filled_templates": console_queries.filled_templates(case) if triage or handles else [],
            "reply_text": request.session.pop(_draft_key(case), "")
            or (
                console_queries.filled_template(case, request.GET.get("template"))
                if request.GET.get("template", "").isdigit()
                else ""
            ),
            "suggestion": suggestion,
            "suggested_unit": _suggested_unit(suggestion, case, _returned_by(case)),
            "auto_decision": RoutingDecision.objects.filter(
                case_id=case.pk, field="unit", reverted_at__isnull=True
            ).first()
            if triage and case.state == State.DISPOSED
            else None,
            "routing_rows": suggestion_rows(suggestion) if suggestion else [],
        },
    )


def _draft_key(case) -> str:
    return f"kanal_reply_draft:{case.pk}"


def _suggestion(case):
    """The router's suggestions for a case being triaged."""
    return suggest(
        f"{case.title}\n{case.description}",
        lat=case.lat,
        lng=case.lng,
        category_code=case.category.code if case.category else None,
    )


def _returned_by(case) -> str:
    """The code of the unit that sent the case back ('' when it was not sent back)."""
    return console_queries.returning_unit_code(case) if case.returned_at else ""


def _suggested_unit(suggestion, case, avoid: str = ""):
    """The unit to offer first in the picker, with why: the router's, else the topic's.

    Never the unit the case is with, nor the one that just sent it back (``avoid``).
    """
    skip = {"ppid", getattr(case.unit, "code", None), avoid}
    if suggestion and not suggestion.operator_decides and suggestion.unit.unit_code not in skip:
        unit = Unit.objects.filter(code=suggestion.unit.unit_code, is_active=True).first()
        if unit and not unit.is_outside_authority:
            return {"code": unit.code, "name": unit.name, "reason": suggestion.unit.reason}
    default = case.category.default_unit if case.category else None
    if default and default.pk != case.unit_id and default.code != avoid:
        return {"code": default.code, "name": default.name, "reason": _("the topic's usual unit")}
    return None


def _unit(p, field="unit"):
    return get_object_or_404(Unit, code=p.get(field), is_active=True)


def _officer(p):
    from kanal.accounts.models import User

    value = p.get("officer", "")
    return get_object_or_404(User, pk=value, is_active=True) if value.isdigit() else None


def _category(p):
    from kanal.directory.models import Category

    code = p.get("category", "")
    return get_object_or_404(Category, code=code, is_active=True) if code else None


ACTIONS = {
    "verify": lambda r, c, p: actions.verify_complaint(actor=r.user, case=c),
    "dispose": lambda r, c, p: actions.dispose_complaint(
        actor=r.user, case=c, unit=_unit(p), note=p.get("note", "")
    ),
    "reroute": lambda r, c, p: actions.reroute_complaint(
        actor=r.user, case=c, unit=_unit(p), note=p.get("note", "")
    ),
    "recategorise": lambda r, c, p: actions.recategorise_complaint(
        actor=r.user, case=c, category=_category(p), kind=p.get("kind", "")
    ),
    "assign": lambda r, c, p: actions.assign_complaint(actor=r.user, case=c, officer=_officer(p)),
    "take": lambda r, c, p: actions.assign_complaint(actor=r.user, case=c, officer=r.user),
    "forward": lambda r, c, p: actions.forward_to_operator(
        actor=r.user, case=c, note=_required(p, "text")
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


def _done_message(action: str, case) -> str:
    """What happened, in a sentence (never a bare "Done.")."""
    unit = str(case.unit or "")
    texts = {
        "verify": _("Case %(number)s is verified. Route it to a unit next."),
        "dispose": _("Case %(number)s was disposed to %(unit)s; its officers were notified."),
        "reroute": _("Case %(number)s now goes to %(unit)s; its officers were notified."),
        "recategorise": _("The topic and kind of %(number)s were saved."),
        "assign": _("The assignment of %(number)s was saved."),
        "take": _("You now own case %(number)s."),
        "forward": _("Your note on %(number)s was sent to the operators."),
        "postpone": _("Your question was sent to the reporter; %(number)s waits for them."),
        "resume": _("Verification of %(number)s resumed."),
        "refer_outside": _("Case %(number)s was referred outside the city; the reporter was told."),
        "reject": _("Case %(number)s was rejected; the reporter was told why."),
        "merge": _("Case %(number)s was merged; its reporter will receive the main case's news."),
        "send_back": _("Case %(number)s went back to the operators with your reason."),
        "follow_up": _("Your follow-up on %(number)s was sent for the operator's check."),
        "return_to_unit": _("Case %(number)s was returned to %(unit)s with what is missing."),
        "complete": _("The answer on %(number)s was accepted and sent to the reporter."),
        "close": _("Case %(number)s is closed."),
        "hand_to_ppid": _("Case %(number)s is now an information request for the PPID."),
        "revert_routing": _("The automatic disposition of %(number)s was undone."),
        "reply": _("Your reply on %(number)s was sent to the reporter."),
        "note": _("Your internal note on %(number)s was saved."),
        "publish": _("The public view of %(number)s was saved."),
    }
    return texts.get(action, _("Saved.")) % {"number": case.tracking_number, "unit": unit}


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
    """Run one action from the case page; errors come back as messages, nothing is lost.

    After an action that takes the case out of the user's reach (a unit sending a case
    back), the user lands on their inbox with the outcome, not on a 404.
    """
    case = queries.access_complaint(request.user, number)
    if action not in ACTIONS:
        raise Http404
    if action == "reply" and _written_over(request, case):
        return redirect(reverse("complaints:console_case", args=[case.tracking_number]) + "#reply")
    try:
        ACTIONS[action](request, case, request.POST)
    except MissingText:
        messages.error(request, _("Write the text for this action first."))
    except rules.TransitionRefused as exc:
        messages.error(request, _("Not possible now: %(why)s") % {"why": exc})
    except PermissionDenied:
        messages.error(request, _("Your role does not allow this action on this case."))
    else:
        case.refresh_from_db()
        messages.success(request, _done_message(action, case))
        if not queries.complaints_visible_to(request.user).filter(pk=case.pk).exists():
            return redirect("complaints:inbox")
    return redirect("complaints:console_case", number=case.tracking_number)


def _written_over(request, case) -> bool:
    """True (and the draft kept) when someone else wrote on the case since the page loaded.

    The officer reads what was added and sends again; the second send goes through.
    """
    seen = request.POST.get("seen_messages", "")
    if not seen.isdigit() or request.POST.get("confirm") == "1":
        return False
    newer = queries.messages_for_staff(case)[int(seen) :]
    other = next((m for m in newer if m.author_id != request.user.pk), None)
    if other is None:
        return False
    request.session[_draft_key(case)] = request.POST.get("text", "")
    messages.warning(
        request,
        _(
            "%(who)s wrote on this case while you were writing. Read it below; your reply "
            "was not sent and is kept in the box. Send it again if it still fits."
        )
        % {"who": other.author or _("The reporter")},
    )
    return True


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
