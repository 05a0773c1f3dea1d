"""The citizen's side: report a problem, see the tracking number, follow the case."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kanal.core import ratelimit
from kanal.core.uploads import UploadRejected
from kanal.directory.models import Category
from kanal.wilayah.queries import kelurahan_by_code

from .. import actions, queries
from ..forms import CONSENT_TEXT, CodeForm, RatingForm, ReplyForm, ReportForm, TrackForm
from ..models import MessageKind, State
from ..rules import TransitionRefused

SESSION_SUBMITTED = "kanal_submitted_cases"
SESSION_VERIFIED = "kanal_verified_cases"
SESSION_LOOKED_UP = "kanal_looked_up_cases"

# One budget per address for finding a case by its number, whether through the lookup
# form or by typing /lacak/<number>/ (tracking numbers must not be enumerable).
TRACK_LIMIT, TRACK_WINDOW = 30, 600


def _limit(request, scope: str, limit: int, window: int) -> int:
    result = ratelimit.hit(scope, ratelimit.client_ip(request), limit=limit, window=window)
    return 0 if result.allowed else result.retry_after


def case_inputs(form) -> dict:
    """Turn a valid ReportForm into submit_complaint's keyword arguments."""
    data = form.cleaned_data
    files = []
    if upload := data.get("photo"):
        files.append((upload.name, upload.read()))
    return {
        "kind": data["kind"],
        "title": data["title"],
        "description": data["description"],
        "category": Category.objects.filter(code=data["category"]).first()
        if data["category"]
        else None,
        "kelurahan": kelurahan_by_code(data["kelurahan"]),
        "lat": data.get("lat"),
        "lng": data.get("lng"),
        "address": data["address"],
        "is_anonymous": data["is_anonymous"],
        "reporter": actions.ReporterDetails(
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            contact_preference=data["contact_preference"],
            consent_text=str(CONSENT_TEXT) if data.get("consent") else "",
        ),
        "files": files,
    }


def report(request):
    """The public report form. On any error the form comes back with what was typed."""
    form = ReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.is_spam:
            form.add_error(None, _("The report could not be sent. Please try again."))
            status = 400
        elif wait := _limit(request, "report", settings.KANAL_REPORTS_PER_HOUR, 3600):
            form.add_error(
                None,
                _(
                    "Too many reports from this connection. Try again in "
                    "%(minutes)d minutes, or send it by WhatsApp."
                )
                % {"minutes": max(1, wait // 60)},
            )
            status = 429
        else:
            try:
                case = actions.submit_complaint(channel="web", **case_inputs(form))
            except UploadRejected as exc:
                form.add_error("photo", str(exc))
                status = 400
            else:
                request.session[SESSION_SUBMITTED] = [
                    *request.session.get(SESSION_SUBMITTED, [])[-9:],
                    case.tracking_number,
                ]
                return redirect("complaints:submitted", number=case.tracking_number)
    elif request.method == "POST":
        status = 400
    return render(request, "complaints/report.html", {"form": form}, status=status)


def submitted(request, number: str):
    """The tracking number on screen, shown only to the browser that sent the report."""
    if number not in request.session.get(SESSION_SUBMITTED, []):
        return redirect("complaints:track_case", number=number)
    case = queries.find_by_tracking_number(number)
    if case is None:
        raise Http404
    return render(request, "complaints/submitted.html", {"case": case})


def _too_many_lookups(request, form, retry_after: int):
    form.is_valid()
    form.add_error(None, _("Too many look-ups from this connection. Try again in a few minutes."))
    response = render(request, "complaints/track.html", {"form": form}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def track(request):
    """The lookup form: each number looked up costs one hit of the tracking budget."""
    form = TrackForm(request.GET or None)
    if form.is_valid() and (wait := _limit(request, "track", TRACK_LIMIT, TRACK_WINDOW)):
        return _too_many_lookups(request, form, wait)
    if form.is_valid():
        case = queries.find_by_tracking_number(form.cleaned_data["number"])
        if case is not None:
            # Paid for here: the page it leads to does not count it again.
            _remember(request, SESSION_LOOKED_UP, case.tracking_number)
            return redirect("complaints:track_case", number=case.tracking_number)
        form.add_error("number", _("No report has this number. Check it and try again."))
    return render(request, "complaints/track.html", {"form": form})


def _remember(request, key: str, number: str) -> None:
    numbers = request.session.get(key, [])
    if number not in numbers:
        request.session[key] = [*numbers[-9:], number]


def _already_paid(request, number: str) -> bool:
    """This browser sent the report, proved the code, or found it through the form."""
    return any(
        number in request.session.get(key, [])
        for key in (SESSION_SUBMITTED, SESSION_VERIFIED, SESSION_LOOKED_UP)
    )


def _verified(request, case) -> bool:
    return case.tracking_number in request.session.get(SESSION_VERIFIED, [])


def track_case(request, number: str):
    """State, due date and public replies; the reporter's own content only after a code.

    Opening a number by URL costs one hit of the same budget as the lookup form (found
    or not), unless this browser already has the case (see ``_already_paid``); over
    budget it answers 429 with the lookup form and Retry-After.
    """
    if not _already_paid(request, number) and (
        wait := _limit(request, "track", TRACK_LIMIT, TRACK_WINDOW)
    ):
        return _too_many_lookups(request, TrackForm({"number": number[:30]}), wait)
    case = queries.find_by_tracking_number(number)
    if case is None:
        raise Http404
    if case.state == State.MERGED and case.merged_into_id:
        messages.info(
            request,
            _("This report was merged into %(main)s.") % {"main": case.merged_into.tracking_number},
        )
    verified = _verified(request, case)
    context = {
        "case": case,
        "verified": verified,
        "due_text": queries.due_date_text(case),
        "public_messages": queries.public_messages(case),
        "code_form": CodeForm(),
        "has_contact": bool(case.reporter_id and case.reporter.contact_preference != "none"),
    }
    if verified:
        context |= {
            "own_messages": case.messages.filter(kind=MessageKind.CITIZEN_REPLY),
            "reply_form": ReplyForm(),
            "rating_form": RatingForm(),
            "can_reply": case.state not in ("ditutup", "bukan_wewenang", "ditolak", "digabung"),
            "can_rate": case.state in ("selesai", "ditutup") and case.rating is None,
            "can_reopen": case.state in ("selesai", "ditutup"),
        }
    return render(request, "complaints/track_case.html", context)


@require_POST
def send_code(request, number: str):
    case = queries.find_by_tracking_number(number)
    if case is None:
        raise Http404
    per_case = ratelimit.hit("code-send-case", case.tracking_number, limit=3, window=3600)
    if _limit(request, "code-send", 5, 3600) or not per_case.allowed:
        messages.error(request, _("Too many codes were requested. Try again in an hour."))
    elif actions.issue_access_code(case):
        messages.success(request, _("We sent a six-digit code to the contact you gave."))
    else:
        messages.error(request, _("This report has no contact to send a code to."))
    return redirect("complaints:track_case", number=case.tracking_number)


@require_POST
def check_code(request, number: str):
    case = queries.find_by_tracking_number(number)
    if case is None:
        raise Http404
    form = CodeForm(request.POST)
    if _limit(request, "code-check", 10, 900):
        messages.error(request, _("Too many attempts. Try again later."))
    elif form.is_valid() and actions.verify_access_code(case, form.cleaned_data["code"]):
        request.session[SESSION_VERIFIED] = [
            *request.session.get(SESSION_VERIFIED, [])[-9:],
            case.tracking_number,
        ]
        messages.success(request, _("Thank you. You can now reply, reopen and rate."))
    else:
        messages.error(request, _("That code is not valid or has expired. Ask for a new one."))
    return redirect("complaints:track_case", number=case.tracking_number)


def _verified_case(request, number):
    case = queries.find_by_tracking_number(number)
    if case is None or not _verified(request, case):
        raise Http404
    return case


@require_POST
def citizen_reply(request, number: str):
    case = _verified_case(request, number)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            actions.add_citizen_reply(case=case, body=form.cleaned_data["body"])
            messages.success(request, _("Your message was added to the report."))
        except TransitionRefused:
            messages.error(request, _("This report is closed. Reopen it to write again."))
    else:
        messages.error(request, _("Write a message first."))
    return redirect("complaints:track_case", number=case.tracking_number)


@require_POST
def citizen_reopen(request, number: str):
    case = _verified_case(request, number)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the problem is not solved."))
    else:
        try:
            actions.reopen_complaint(case=case, reason=form.cleaned_data["body"])
            messages.success(request, _("The report was reopened and sent back to the unit."))
        except TransitionRefused:
            messages.error(
                request,
                _(
                    "This report can no longer be reopened (10 working days "
                    "after closing). Send a new report instead."
                ),
            )
    return redirect("complaints:track_case", number=case.tracking_number)


@require_POST
def citizen_rate(request, number: str):
    case = _verified_case(request, number)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            actions.rate_complaint(
                case=case, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("Thank you for your rating."))
        except TransitionRefused:
            messages.error(request, _("You can rate once the report has been answered."))
    else:
        messages.error(request, _("Choose a rating from 1 to 5."))
    return redirect("complaints:track_case", number=case.tracking_number)
