"""The citizen's report: the form, "this is my problem too", the map, the tracking number."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kanal.core import phones, ratelimit
from kanal.core.uploads import UploadRejected
from kanal.directory.models import Category
from kanal.wilayah.queries import kelurahan_at, kelurahan_by_code

from .. import actions, queries, rules
from ..forms import CONSENT_TEXT, PointForm, ReportForm
from ..models import Channel
from .citizen_common import limit, remember_submitted, submitted_reports
from .report_page import blank_form, device, form_age, render_form


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
        device=device(request),
        form_age=form_age(request),
        limits={
            "min_seconds": settings.KANAL_REPORT_MIN_SECONDS,
            "per_device": settings.KANAL_REPORTS_PER_DEVICE_PER_HOUR,
            "per_address": settings.KANAL_REPORTS_PER_ADDRESS_PER_HOUR,
            "per_address_without_device": settings.KANAL_REPORTS_PER_HOUR,
        },
    )
    if verdict == "too_fast":
        return _("The report could not be sent. Please check it and send it again."), 400
    # Every counter is counted (one Redis round trip for all), as before one by one.
    results = ratelimit.hit_many([ratelimit.Hit(c.scope, c.key, c.limit, 3600) for c in counters])
    wait = max((r.retry_after for r in results if not r.allowed), default=0)
    if wait:
        message = _(
            "Too many reports were sent from this device or connection. "
            "Try again in %(minutes)d minutes."
        ) % {"minutes": max(1, wait // 60)}
        return message + _other_channels(), 429
    return "", 0


def case_inputs(form) -> dict:
    """Turn a valid ReportForm into submit_complaint's keyword arguments.

    The kelurahan and category come from the process's rows of the form's choice-list
    version (no query per report); a code not among them is looked up in the database.
    """
    data = form.cleaned_data
    files = []
    if upload := data.get("photo"):
        files.append((upload.name, upload.read()))
    kelurahan, categories = queries.form_places(form.choice_version)
    category = None
    if code := data["category"]:
        category = categories.get(code) or Category.objects.filter(code=code).first()
    return {
        "kind": data["kind"],
        "title": data["title"],
        "description": data["description"],
        "category": category,
        "kelurahan": kelurahan.get(data["kelurahan"]) or kelurahan_by_code(data["kelurahan"]),
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
    if limit(request, "support", settings.KANAL_REPORTS_PER_ADDRESS_PER_HOUR, 3600):
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


def report(request):
    """The public report form. On any error the form comes back with what was typed.

    Before a new case is stored, public reports of the same topic nearby are offered:
    "this is my problem too" (POST ``support``) counts the citizen on that case;
    "mine is different" (POST ``different``) goes on. Works without JavaScript; the map
    only fills the same fields.
    """
    if request.method != "POST":
        return blank_form(request)
    if request.POST.get("support"):
        return _support(request, request.POST["support"])
    form = ReportForm(request.POST or None, request.FILES or None)
    if not form.is_valid():
        return render_form(request, form, 400)
    if form.is_spam:
        form.add_error(None, _("The report could not be sent. Please try again."))
        return render_form(request, form, 400)
    if not request.POST.get("different") and (nearby := _nearby_for(form.cleaned_data)):
        return render_form(request, form, 200, nearby)
    refusal, status = _report_refusal(request)
    if refusal:
        form.add_error(None, refusal)
        return render_form(request, form, status)
    try:
        # One commit: the case, its audit event and task row, and for a reporter who
        # left no contact (no reporter row) the follow-up key and its audit event.
        case, key = actions.submit_web_report(channel=Channel.WEB, **case_inputs(form))
    except UploadRejected as exc:
        form.add_error("photo", str(exc))
        return render_form(request, form, 400)
    response = redirect("complaints:submitted", number=case.tracking_number)
    # The number and key go to this browser's sealed cookie, not a session row.
    remember_submitted(request, response, case.tracking_number, key)
    return response


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
    """The tracking number on screen (and the follow-up key, if the report has one), shown
    only to the browser that sent the report (its sealed cookie names the number)."""
    own = submitted_reports(request)
    if number not in own:
        return redirect("complaints:track_case", number=number)
    receipt = queries.receipt_of(number)
    if receipt is None:
        raise Http404
    key = own[number]
    return render(request, "complaints/submitted.html", {"case": receipt, "followup_key": key})
