"""Following one's case: look it up by number, prove it is yours, reply, reopen, rate."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kanal.core import ratelimit

from .. import actions, queries, rules
from ..forms import CodeForm, FollowupKeyForm, RatingForm, ReplyForm, TrackForm
from ..models import ContactPreference, MessageKind, State
from ..rules import TransitionRefused
from .citizen_common import (
    SESSION_CONTACT,
    SESSION_LOOKED_UP,
    SESSION_VERIFIED,
    limit,
    submitted_reports,
)

# One budget per address for finding a case by its number, whether through the lookup
# form or by typing /lacak/<number>/ (tracking numbers must not be enumerable).
TRACK_LIMIT, TRACK_WINDOW = 30, 600


def _too_many_lookups(request, form, retry_after: int):
    form.is_valid()
    form.add_error(None, _("Too many look-ups from this connection. Try again in a few minutes."))
    response = render(request, "complaints/track.html", {"form": form}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def track(request):
    """The lookup form: each number looked up costs one hit of the tracking budget."""
    form = TrackForm(request.GET or None)
    if form.is_valid() and (wait := limit(request, "track", TRACK_LIMIT, TRACK_WINDOW)):
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
    return number in submitted_reports(request) or any(
        number in request.session.get(key, []) for key in (SESSION_VERIFIED, SESSION_LOOKED_UP)
    )


def _verified(request, case) -> bool:
    """The reporter proved who they are on this device: a code, the key, or "my reports"."""
    if case.tracking_number in request.session.get(SESSION_VERIFIED, []):
        return True
    contact = request.session.get(SESSION_CONTACT)
    return bool(contact) and case in queries.cases_for_contact(contact)


def track_case(request, number: str):
    """State, due date and public replies; the reporter's own content only after a code.

    Opening a number by URL costs one hit of the same budget as the lookup form (found
    or not), unless this browser already has the case (see ``_already_paid``); over
    budget it answers 429 with the lookup form and Retry-After.
    """
    if not _already_paid(request, number) and (
        wait := limit(request, "track", TRACK_LIMIT, TRACK_WINDOW)
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
        # A closed case has no next deadline to show.
        "show_due": case.due_date and case.state not in rules.FINAL_STATES,
        "due_text": queries.due_date_text(case),
        "public_messages": queries.public_messages(case),
        "code_form": CodeForm(),
        "key_form": FollowupKeyForm(),
        "has_contact": bool(
            case.reporter_id and case.reporter.contact_preference != ContactPreference.NONE
        ),
        "has_key": bool(case.followup_key_hash),
    }
    if verified:
        context |= {
            "own_messages": case.messages.filter(kind=MessageKind.CITIZEN_REPLY),
            "reply_form": ReplyForm(),
            "rating_form": RatingForm(),
            "can_reply": case.state not in rules.FINAL_STATES,
            "can_rate": case.state in rules.ANSWERED_STATES and case.rating is None,
            "can_reopen": case.state in rules.ANSWERED_STATES,
        }
    return render(request, "complaints/track_case.html", context)


@require_POST
def send_code(request, number: str):
    case = queries.find_by_tracking_number(number)
    if case is None:
        raise Http404
    per_case = ratelimit.hit("code-send-case", case.tracking_number, limit=3, window=3600)
    if limit(request, "code-send", 5, 3600) or not per_case.allowed:
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
    if limit(request, "code-check", 10, 900):
        messages.error(request, _("Too many attempts. Try again later."))
    elif form.is_valid() and actions.verify_access_code(case, form.cleaned_data["code"]):
        _mark_verified(request, case)
        messages.success(request, _("Thank you. You can now reply, reopen and rate."))
    else:
        messages.error(request, _("That code is not valid or has expired. Ask for a new one."))
    return redirect("complaints:track_case", number=case.tracking_number)


@require_POST
def check_followup_key(request, number: str):
    """The anonymous reporter opens their case with the follow-up key from the confirmation."""
    case = queries.find_by_tracking_number(number)
    if case is None:
        raise Http404
    form = FollowupKeyForm(request.POST)
    per_case = ratelimit.hit("followup-key-case", case.tracking_number, limit=10, window=3600)
    if limit(request, "followup-key", 20, 900) or not per_case.allowed:
        messages.error(request, _("Too many attempts. Try again later."))
    elif form.is_valid() and actions.verify_followup_key(case, form.cleaned_data["key"]):
        _mark_verified(request, case)
        messages.success(request, _("Thank you. You can now reply, reopen and rate."))
    else:
        messages.error(request, _("That follow-up key does not match this report. Check it."))
    return redirect("complaints:track_case", number=case.tracking_number)


def _mark_verified(request, case) -> None:
    request.session[SESSION_VERIFIED] = [
        *request.session.get(SESSION_VERIFIED, [])[-9:],
        case.tracking_number,
    ]


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
