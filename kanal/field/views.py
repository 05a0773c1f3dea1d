"""The field app (an installable offline page), its JSON endpoints, and the device list.

The page and its service worker live under /lapangan/ so that the worker's scope is
the app alone. Everything the app sends is a normal same-origin request with the login
session cookie and Django's CSRF token (the token is handed out by ``api_status``).
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kanal.accounts.actions import record_login, record_logout
from kanal.accounts.decorators import staff_required
from kanal.complaints.models import Channel
from kanal.core import ratelimit
from kanal.core.uploads import UploadRejected
from kanal.wilayah.queries import kelurahan_names

from . import actions, queries
from .forms import CONSENT_TEXT, FieldRecordForm
from .rules import FIELD_CHANNELS

# The files the service worker keeps for offline use (besides the page itself).
APP_ASSETS = ("kanal/kanal.css", "field/field.css", "field/field.js", "field/icon-192.png")


def _signed_in(request) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.is_verified())


def _device(request):
    """The device row of this session, registered on first use."""
    device = queries.device_of(request)
    if device is None:
        if not request.session.session_key:
            request.session.save()
        device = actions.register_device(
            request.user,
            session_key=request.session.session_key,
            user_agent=request.headers.get("User-Agent", ""),
        )
        # Sign in once on the device: the session lives for days, guarded by the
        # second factor whenever the device has been idle.
        request.session.set_expiry(settings.KANAL_FIELD_SESSION_DAYS * 24 * 3600)
    return device


@never_cache
def app(request):
    """The field app's only page; the service worker keeps a copy for offline use."""
    if not _signed_in(request):
        return redirect_to_login(request.get_full_path())
    if not queries.may_use_field_app(request.user):
        raise PermissionDenied
    device = _device(request)
    context = queries.field_context(request.user)
    groups: dict[str, list] = {}
    for code, name, kecamatan in kelurahan_names():
        groups.setdefault(kecamatan, []).append((code, name))
    boot = {
        "user": request.user.pk,
        "device": device.token,
        "statusUrl": reverse("field:api_status"),
        "submitUrl": reverse("field:api_submit"),
        "verifyUrl": reverse("field:api_verify"),
        "swUrl": reverse("field:service_worker"),
        "loginUrl": f"{reverse('accounts:login')}?next={reverse('field:app')}",
        "consent": str(CONSENT_TEXT),
        "visits": [{"id": v.id, "title": v.title, "place": v.place} for v in context.visits],
        "defaultChannel": context.default_channel,
    }
    return render(
        request,
        "field/app.html",
        {
            "boot": boot,
            "context": context,
            "kelurahan_groups": list(groups.items()),
            "consent_text": CONSENT_TEXT,
            "channels": _channel_choices(),
            "texts": _texts(),
        },
    )


def _texts() -> dict[str, str]:
    """The sentences the script shows, translated here (the script has no catalogue)."""
    return {
        "online": _("Online"),
        "offline": _("Offline: records stay on this phone"),
        "waiting": _("Waiting to send"),
        "sending": _("Sending…"),
        "sent": _("Sent. Tracking number: {number}"),
        "failed": _("Not sent: {message}"),
        "summary": _("{waiting} waiting to send, {sent} sent."),
        "nothing": _("Nothing recorded yet."),
        "needText": _("Write what the complaint is about, or add a photo."),
        "needConsent": _("Read the consent aloud and tick it, or leave the name and number empty."),
        "badPhone": _("Enter a phone number like 0812 3456 7890."),
        "photoAdded": _("Photo added ({kb} KB)."),
        "photoFailed": _("The photo could not be read. Take it again."),
        "locating": _("Finding the location…"),
        "located": _("Location found (within {m} m). The kelurahan is worked out from it."),
        "noLocation": _("The phone gave no location. Choose the kelurahan from the list."),
        "signOutWaiting": _(
            "{n} records have not been sent yet. Signing out deletes them from this phone. "
            "Sign out anyway?"
        ),
        "revoked": _("This phone was signed out from the console. The records on it were deleted."),
        "signedOut": _("Sign in again to send the records waiting on this phone."),
        "signIn": _("Sign in"),
        "photoOnly": _("(photo only)"),
        "withPhoto": _("with photo"),
        "slip": _("Slip"),
        "noNetwork": _("No connection. The record will be sent later."),
    }


def _channel_choices():
    return [(c, Channel(c).label) for c in FIELD_CHANNELS]


def _asset_version() -> str:
    """Changes whenever an offline asset changes, so phones fetch the new version."""
    digest = hashlib.sha256()
    for name in APP_ASSETS:
        path = finders.find(name)
        if path:
            with open(path, "rb") as fh:
                digest.update(fh.read())
        digest.update(static(name).encode())
    with open(finders.find("field/sw-template.js") or "/dev/null", "rb") as fh:
        digest.update(fh.read())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request):
    """The service worker, served under /lapangan/ so that its scope is the app."""
    path = finders.find("field/sw-template.js")
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    config = {
        "version": _asset_version(),
        "page": reverse("field:app"),
        "assets": [static(name) for name in APP_ASSETS],
    }
    body = f"const KANAL_FIELD = {json.dumps(config)};\n{source}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    """The web app manifest: what the phone shows when the app is installed."""
    data = {
        "name": _("Kanal field app"),
        "short_name": _("Kanal field"),
        "description": _("Record complaints heard in person, with or without a signal."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("field:app"),
        "scope": reverse("field:app"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b4f8a",
        "icons": [
            {"src": static("field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("field/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("field/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@never_cache
@require_GET
def api_status(request):
    """Whether this device may send: signed in, signed out from the console, or idle.

    Without a session the device's token still tells the app whether it was revoked
    (then it wipes its records) or merely needs a fresh sign-in (it keeps them).
    """
    if not _signed_in(request):
        device = queries.device_by_token(request.GET.get("device", ""))
        return JsonResponse(
            {"state": "revoked" if device and device.revoked else "signed_out"}, status=401
        )
    if not queries.may_use_field_app(request.user):
        return JsonResponse({"state": "forbidden"}, status=403)
    device = _device(request)
    return JsonResponse(
        {
            "state": "verify" if queries.needs_reverification(device) else "ok",
            "user": request.user.pk,
            "device": device.token,
            "csrf": get_token(request),
        }
    )


def _json_error(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"message": message, **extra}, status=status)


@require_POST
def api_submit(request):
    """Record one complaint from the phone, at most once per slip number.

    201 with the tracking number when the case was created now, 200 with the same
    answer for a resend; 401 when the device must sign in again or repeat the second
    factor; 400 with a sentence when the record cannot be accepted as it is.
    """
    if not _signed_in(request):
        return _json_error(_("Sign in again to send."), 401, state="signed_out")
    if not queries.may_use_field_app(request.user):
        return _json_error(_("Your account may not record complaints."), 403, state="forbidden")
    device = _device(request)
    if queries.needs_reverification(device):
        return _json_error(
            _("This phone was idle. Enter the code from your authenticator app to send."),
            401,
            state="verify",
        )
    form = FieldRecordForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return _json_error(" ".join(errors), 400, state="invalid")
    data = form.cleaned_data
    photo = data.get("photo")
    record = actions.FieldRecord(
        slip=data["slip"],
        text=data.get("text", "").strip(),
        channel=data["channel"],
        kelurahan=data.get("kelurahan"),
        lat=data.get("lat"),
        lng=data.get("lng"),
        place=data.get("place", ""),
        name=data.get("name", "").strip(),
        phone=data.get("phone", ""),
        wants_no_contact=data.get("no_contact", False),
        consent_text=str(CONSENT_TEXT) if data.get("consent") else "",
        photo=(photo.name, photo.read()) if photo else None,
        visit=data.get("visit"),
        recorded_at=data.get("recorded_at"),
    )
    try:
        case, created = actions.record_field_complaint(
            device, record, fallback_title=_("Complaint with a photo")
        )
    except UploadRejected as exc:
        return _json_error(str(exc), 400, state="invalid")
    except PermissionError:
        return _json_error(
            _("This slip number was used by someone else. Record the complaint again."),
            409,
            state="invalid",
        )
    return JsonResponse(
        {
            "slip": record.slip,
            "tracking_number": case.tracking_number,
            "state": case.get_state_display(),
            "created": created,
        },
        status=201 if created else 200,
    )


@require_POST
def api_verify(request):
    """The second-factor code again, on a device that was idle."""
    if not _signed_in(request):
        return _json_error(_("Sign in again to send."), 401, state="signed_out")
    device = _device(request)
    ip = ratelimit.client_ip(request)
    limit = ratelimit.hit(
        "otp",
        f"user:{request.user.pk}",
        limit=settings.KANAL_LOGIN_ATTEMPTS,
        window=settings.KANAL_LOGIN_WINDOW_SECONDS,
    )
    if not limit.allowed:
        return _json_error(_("Too many attempts. Sign out and sign in again later."), 429)
    code = "".join(ch for ch in request.POST.get("code", "") if ch.isdigit())
    if len(code) == 6 and actions.reverify_device(device, code):
        return JsonResponse({"state": "ok"})
    record_login(request.user, username=request.user.username, outcome="otp_failed", ip=ip)
    return _json_error(
        _("That code is not valid. Wait for a new code in your authenticator app and enter it."),
        400,
        state="verify",
    )


@require_POST
def sign_out(request):
    """Sign out on the phone: the device session ends (the app has already wiped its data)."""
    if request.user.is_authenticated:
        device = queries.device_of(request)
        if device is not None:
            actions.end_device_session(request.user, device, revoked=False)
        record_logout(request.user, ip=ratelimit.client_ip(request))
    logout(request)
    return redirect(f"{reverse('accounts:login')}?next={reverse('field:app')}")


@staff_required
def devices(request):
    """Phones signed in to the field app; sign one out when it is lost or handed on."""
    if request.method == "POST":
        device = queries.access_device(request.user, int(request.POST.get("device", 0)))
        actions.end_device_session(request.user, device, revoked=True)
        messages.success(request, _("The device was signed out. It can no longer send."))
        return redirect("field:devices")
    return render(
        request,
        "field/devices.html",
        {"rows": queries.device_rows(request.user)},
    )
