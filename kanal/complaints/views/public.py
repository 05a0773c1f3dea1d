"""The citizen's side: report a problem, see the tracking number, follow the case."""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kanal.core import phones, ratelimit
from kanal.core.uploads import UploadRejected
from kanal.directory.models import Category
from kanal.wilayah.queries import kelurahan_at, kelurahan_by_code

from .. import actions, queries, rules
from ..forms import (
    CONSENT_TEXT,
    CodeForm,
    ContactForm,
    FollowupKeyForm,
    PointForm,
    RatingForm,
    ReplyForm,
    ReportForm,
    TrackForm,
)
from ..models import MessageKind, State
from ..rules import TransitionRefused

SESSION_SUBMITTED = "kanal_submitted_cases"
SESSION_VERIFIED = "kanal_verified_cases"
SESSION_LOOKED_UP = "kanal_looked_up_cases"

# One budget per address for finding a case by its number, whether through the lookup
# form or by typing /lacak/<number>/ (tracking numbers must not be enumerable).
TRACK_LIMIT, TRACK_WINDOW = 30, 600
SESSION_KEYS = "kanal_followup_keys"
SESSION_CONTACT = "kanal_citizen_contact"  # the phone or e-mail proved for "my reports"
SESSION_PENDING_CONTACT = (
    "kanal_pending_contact"  # shown on the confirmation page of this browser only
)
DEVICE_COOKIE = "kanal_device"
FORM_STAMP_SALT = "kanal.report-form"


def _limit(request, scope: str, limit: int, window: int) -> int:
    result = ratelimit.hit(scope, ratelimit.client_ip(request), limit=limit, window=window)
    return 0 if result.allowed else result.retry_after


def _device(request) -> str:
    """This browser's device token (a signed random cookie), or "" when it has none."""
    return request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_COOKIE) or ""


def _form_age(request) -> float | None:
    """Seconds since this form was shown (its signed stamp), or None without a valid one."""
    try:
        shown = signing.loads(
            request.POST.get("started", ""), salt=FORM_STAMP_SALT, max_age=24 * 3600
        )
    except signing.BadSignature:
        return None
    return time.time() - float(shown)


def _other_channels() -> str:
    """The configured channels a refused citizen can use instead (none invented)."""
    if settings.KANAL_WHATSAPP_DISPLAY_NUMBER:
        return _(" You can also send it by WhatsApp to %(number)s.") % {
            "number": settings.KANAL_WHATSAPP_DISPLAY_NUMBER
        }
    if settings.KANAL_PPID_DESK_ADDRESS:
        return _(" You can also bring it to our desk at %(address)s.") % {
            "address": settings.KANAL_PPID_DESK_ADDRESS
        }
    return ""


def _report_refusal(request) -> tuple[str, int]:
    """("", 0) when the report may go ahead, else the message and the HTTP status.

    Fair to shared addresses: see rules.report_limits. Counters are only counted here,
    for a form that is otherwise ready to be stored.
    """
    verdict, counters = rules.report_limits(
        address=ratelimit.client_ip(request),
        device=_device(request),
        form_age=_form_age(request),
        limits={
            "min_seconds": settings.KANAL_REPORT_MIN_SECONDS,
            "per_device": settings.KANAL_REPORTS_PER_DEVICE_PER_HOUR,
            "per_address": settings.KANAL_REPORTS_PER_ADDRESS_PER_HOUR,
            "per_address_without_device": settings.KANAL_REPORTS_PER_HOUR,
        },
    )
    if verdict == "too_fast":
        return _("The report could not be sent. Please check it and send it again."), 400
    wait = 0
    for counter in counters:
        result = ratelimit.hit(counter.scope, counter.key, limit=counter.limit, window=3600)
        if not result.allowed:
            wait = max(wait, result.retry_after)
    if wait:
        message = _(
            "Too many reports were sent from this device or connection. "
            "Try again in %(minutes)d minutes."
        ) % {"minutes": max(1, wait // 60)}
        return message + _other_channels(), 429
    return "", 0


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


def _support(request, number: str):
    """ "This is my problem too": count the citizen on that case (and let them follow it)."""
    case = queries.public_complaints().filter(tracking_number=number).first()
    if case is None:
        raise Http404
    if _limit(request, "support", settings.KANAL_REPORTS_PER_ADDRESS_PER_HOUR, 3600):
        messages.error(request, _("Too many requests from this connection. Try again later."))
        return redirect("portal:case", number=case.tracking_number)
    preference = request.POST.get("contact_preference")
    via, address = "none", ""
    if preference == "email" and rules.normalise_contact(request.POST.get("email", "")):
        via, address = "email", request.POST["email"]
    elif preference == "whatsapp" and phones.e164_or_blank(request.POST.get("phone", "")):
        via, address = "whatsapp", request.POST["phone"]
    actions.follow_complaint(case=case, via=via, address=address, supporter=True)
    text = _("Thank you. You were added as a supporter of report %(number)s.") % {
        "number": case.tracking_number
    }
    if via != "none":
        text += " " + _("You will receive its updates; each message has a link to stop them.")
    messages.success(request, text)
    return redirect("portal:case", number=case.tracking_number)


def _nearby_for(data) -> list:
    return queries.nearby_reports(
        lat=data.get("lat"),
        lng=data.get("lng"),
        kelurahan_code=data.get("kelurahan") or "",
        category_code=data.get("category") or "",
    )


def _render_form(request, form, status=200, nearby=()):
    response = render(
        request,
        "complaints/report.html",
        {
            "form": form,
            "nearby": nearby,
            # A form shown again (an error, the nearby reports) keeps its first stamp:
            # the time trap measures the person's time with the whole form.
            "started": request.POST.get("started")
            if _form_age(request) is not None
            else signing.dumps(time.time(), salt=FORM_STAMP_SALT),
            "map": {
                "tiles": settings.KANAL_MAP_TILE_URL,
                "attribution": settings.KANAL_MAP_TILE_ATTRIBUTION,
            },
        },
        status=status,
    )
    if not _device(request):
        response.set_signed_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(16),
            salt=DEVICE_COOKIE,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def report(request):
    """The public report form. On any error the form comes back with what was typed.

    Before a new case is stored, public reports of the same topic nearby are offered:
    "this is my problem too" (POST ``support``) counts the citizen on that case;
    "mine is different" (POST ``different``) goes on. Works without JavaScript; the map
    only fills the same fields.
    """
    if request.method == "POST" and request.POST.get("support"):
        return _support(request, request.POST["support"])
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _render_form(request, form)
    if not form.is_valid():
        return _render_form(request, form, 400)
    if form.is_spam:
        form.add_error(None, _("The report could not be sent. Please try again."))
        return _render_form(request, form, 400)
    if not request.POST.get("different") and (nearby := _nearby_for(form.cleaned_data)):
        return _render_form(request, form, 200, nearby)
    refusal, status = _report_refusal(request)
    if refusal:
        form.add_error(None, refusal)
        return _render_form(request, form, status)
    try:
        case = actions.submit_complaint(channel="web", **case_inputs(form))
    except UploadRejected as exc:
        form.add_error("photo", str(exc))
        return _render_form(request, form, 400)
    request.session[SESSION_SUBMITTED] = [
        *request.session.get(SESSION_SUBMITTED, [])[-9:],
        case.tracking_number,
    ]
    if case.reporter_id is None:
        keys = request.session.get(SESSION_KEYS, {})
        keys = dict(list(keys.items())[-4:])
        keys[case.tracking_number] = actions.issue_followup_key(case)
        request.session[SESSION_KEYS] = keys
    return redirect("complaints:submitted", number=case.tracking_number)


def map_point(request):
    """For the map: the kelurahan at a point and the public reports nearby (JSON)."""
    form = PointForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": "lat and lng are required"}, status=400)
    lat, lng = form.cleaned_data["lat"], form.cleaned_data["lng"]
    kelurahan = kelurahan_at(lat, lng)
    nearby = queries.nearby_reports(
        lat=lat,
        lng=lng,
        kelurahan_code=kelurahan.code if kelurahan else "",
        category_code=form.cleaned_data["category"],
    )
    html = render_to_string("complaints/_nearby.html", {"nearby": nearby}, request=request)
    return JsonResponse(
        {
            "kelurahan": {
                "code": kelurahan.code,
                "name": kelurahan.name,
                "kecamatan": kelurahan.kecamatan.name,
            }
            if kelurahan
            else None,
            "nearby": len(nearby),
            "html": html,
        }
    )


def map_areas(request):
    """The kelurahan boundaries as GeoJSON, for the map when no tile server is configured."""
    data = queries.map_areas_geojson()
    response = JsonResponse(data)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def submitted(request, number: str):
    """The tracking number on screen, shown only to the browser that sent the report."""
    if number not in request.session.get(SESSION_SUBMITTED, []):
        return redirect("complaints:track_case", number=number)
    case = queries.find_by_tracking_number(number)
    if case is None:
        raise Http404
    key = request.session.get(SESSION_KEYS, {}).get(case.tracking_number, "")
    return render(request, "complaints/submitted.html", {"case": case, "followup_key": key})


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
        # A closed case has no next deadline to show.
        "show_due": case.due_date and case.state not in rules.FINAL_STATES,
        "due_text": queries.due_date_text(case),
        "public_messages": queries.public_messages(case),
        "code_form": CodeForm(),
        "key_form": FollowupKeyForm(),
        "has_contact": bool(case.reporter_id and case.reporter.contact_preference != "none"),
        "has_key": bool(case.followup_key_hash),
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
    if _limit(request, "followup-key", 20, 900) or not per_case.allowed:
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


def my_reports(request):
    """ "My reports": every case of a proved phone or e-mail, from every channel.

    Step 1 asks for the phone or e-mail and sends a code (the same answer whether or not
    it has reports); step 2 checks the code; then this device stays signed in for
    KANAL_CITIZEN_SESSION_DAYS (a cookie session, no password).
    """
    contact = request.session.get(SESSION_CONTACT)
    if contact:
        cases = list(queries.cases_for_contact(contact)[:100])
        for case in cases:
            case.show_due = case.due_date and case.state not in rules.FINAL_STATES
            case.answer = queries.public_messages(case).last()
        return render(request, "complaints/my_reports.html", {"contact": contact, "cases": cases})
    pending = request.session.get(SESSION_PENDING_CONTACT, "")
    contact_form = ContactForm(request.POST if "contact" in request.POST else None)
    code_form = CodeForm(request.POST if "code" in request.POST else None)
    status = 200
    if request.method == "POST" and "contact" in request.POST:
        if _limit(request, "my-code-send", 10, 3600):
            contact_form.add_error(None, _("Too many codes were requested. Try again in an hour."))
            status = 429
        elif contact_form.is_valid():
            pending = contact_form.cleaned_data["contact"]
            sent = ratelimit.hit("my-code-contact", pending, limit=3, window=3600)
            if sent.allowed:
                actions.issue_contact_code(pending)
            request.session[SESSION_PENDING_CONTACT] = pending
            messages.info(
                request,
                _(
                    "If this number or address has reports, we sent it a six-digit code. "
                    "Enter it below."
                ),
            )
            return redirect("complaints:my_reports")
        else:
            status = 400
    elif request.method == "POST" and "code" in request.POST and pending:
        if _limit(request, "my-code-check", 10, 900):
            code_form.add_error("code", _("Too many attempts. Try again later."))
            status = 429
        elif code_form.is_valid() and actions.verify_contact_code(
            pending, code_form.cleaned_data["code"]
        ):
            request.session.cycle_key()  # a new session id once signed in
            request.session[SESSION_CONTACT] = pending
            request.session.pop(SESSION_PENDING_CONTACT, None)
            request.session.set_expiry(settings.KANAL_CITIZEN_SESSION_DAYS * 24 * 3600)
            return redirect("complaints:my_reports")
        else:
            code_form.errors.pop("code", None)
            code_form.add_error(
                "code", _("That code is not valid or has expired. Ask for a new one.")
            )
            status = 400
    return render(
        request,
        "complaints/my_reports_sign_in.html",
        {"contact_form": contact_form, "code_form": code_form, "pending": pending},
        status=status,
    )


@require_POST
def my_reports_sign_out(request):
    """Forget the proved contact on this device."""
    request.session.pop(SESSION_CONTACT, None)
    request.session.set_expiry(None)
    messages.success(request, _("You signed out of your reports on this device."))
    return redirect("complaints:my_reports")
