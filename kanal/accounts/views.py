"""Staff login in two steps: password, then the TOTP code (or enrolment of a first device)."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core import signing
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from kanal.core import ratelimit

from . import actions, queries
from .forms import PasswordStepForm, TokenForm
from .models import User

PENDING_KEY = "kanal_pending_user"
NEXT_KEY = "kanal_login_next"


KNOWN_DEVICE_COOKIE = "kanal_known_device"
KNOWN_DEVICE_SALT = "kanal.accounts.known-device"
KNOWN_DEVICE_MAX_USERS = 10  # a shared office computer remembers up to ten officers


def _known_user_ids(request) -> list[int]:
    """Accounts that passed the second factor in this browser before (signed cookie)."""
    value = request.COOKIES.get(KNOWN_DEVICE_COOKIE)
    if not value:
        return []
    try:
        ids = signing.loads(
            value, salt=KNOWN_DEVICE_SALT, max_age=settings.KANAL_KNOWN_DEVICE_DAYS * 86400
        )
    except signing.BadSignature:
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def _remember_device(request, response, user) -> None:
    ids = [user.pk] + [i for i in _known_user_ids(request) if i != user.pk]
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        signing.dumps(ids[:KNOWN_DEVICE_MAX_USERS], salt=KNOWN_DEVICE_SALT),
        max_age=settings.KANAL_KNOWN_DEVICE_DAYS * 86400,
        httponly=True,
        secure=request.is_secure(),
        samesite="Lax",
    )


def _is_known_device(request, username: str) -> bool:
    ids = _known_user_ids(request)
    return bool(ids) and User.objects.filter(pk__in=ids, username__iexact=username).exists()


def _otp_failures_exceeded(user) -> int:
    """Seconds to wait when this account's wrong codes passed the limit (only failures count)."""
    result = ratelimit.peek(
        "otp-fail",
        f"user:{user.pk}",
        limit=settings.KANAL_LOGIN_ATTEMPTS,
        window=settings.KANAL_LOGIN_WINDOW_SECONDS,
    )
    return 0 if result.allowed else result.retry_after


def _count_otp_failure(user) -> None:
    ratelimit.hit(
        "otp-fail",
        f"user:{user.pk}",
        limit=settings.KANAL_LOGIN_ATTEMPTS,
        window=settings.KANAL_LOGIN_WINDOW_SECONDS,
    )


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _pending_user(request) -> User | None:
    user_id = request.session.get(PENDING_KEY)
    return User.objects.filter(pk=user_id, is_active=True).first() if user_id else None


def login_view(request):
    """Step 1: username and password. Failures slow the account down and, in large
    numbers, the address; a browser that passed this account's second factor before is
    never slowed (actions.login_wait)."""
    form = PasswordStepForm(request.POST or None)
    if request.method == "GET":
        request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next"))
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        ip = ratelimit.client_ip(request)
        wait = actions.login_wait(
            username=username, ip=ip, known_device=_is_known_device(request, username)
        )
        if wait.seconds:
            actions.record_login(None, username=username, outcome="rate_limited", ip=ip)
            form.add_error(
                None,
                _(
                    "Too many wrong passwords for this account. Wait %(seconds)d seconds, "
                    "then try again."
                )
                % {"seconds": wait.seconds}
                if wait.reason == "account"
                else _(
                    "Too many wrong passwords from this network. Try again in %(minutes)d "
                    "minutes, or log in from a device you used before."
                )
                % {"minutes": max(1, (wait.seconds + 59) // 60)},
            )
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                actions.record_login_failure(username=username, ip=ip)
                actions.record_login(None, username=username, outcome="password_failed", ip=ip)
                form.add_error(None, _("The username or password is wrong."))
            else:
                actions.record_login(user, username=username, outcome="password_ok", ip=ip)
                request.session.cycle_key()
                request.session[PENDING_KEY] = user.pk
                if queries.confirmed_totp_device(user):
                    return redirect("accounts:verify")
                return redirect("accounts:enrol")
    return render(request, "accounts/login.html", {"form": form}, status=status)


def _finish_login(request, user: User, device) -> HttpResponseRedirect:
    next_url = request.session.get(NEXT_KEY)
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    actions.record_login(
        user, username=user.username, outcome="logged_in", ip=ratelimit.client_ip(request)
    )
    actions.clear_login_failures(username=user.username)
    response = redirect(_safe_next(request, next_url))
    _remember_device(request, response, user)
    return response


def verify_view(request):
    """Step 2: the six-digit code of the user's confirmed authenticator."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    device = queries.confirmed_totp_device(user)
    if device is None:
        return redirect("accounts:enrol")
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if _otp_failures_exceeded(user):
            form.add_error(None, _("Too many wrong codes. Log in again later."))
            status = 429
        elif not device.verify_is_allowed()[0]:
            # django-otp slows guessing: after a wrong code it waits 2^n seconds.
            form.add_error(
                "token", _("Wait a few seconds after a wrong code, then enter the newest code.")
            )
        elif device.verify_token(form.cleaned_data["token"]):
            return _finish_login(request, user, device)
        else:
            _count_otp_failure(user)
            actions.record_login(
                user, username=user.username, outcome="otp_failed", ip=ratelimit.client_ip(request)
            )
            form.add_error(
                "token",
                _(
                    "That code is not valid. Check the time on your phone "
                    "and enter the newest code."
                ),
            )
    return render(request, "accounts/verify.html", {"form": form, "staff": user}, status=status)


def enrol_view(request):
    """First login: show the secret as a QR code and text; a correct code confirms it."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if queries.confirmed_totp_device(user):
        return redirect("accounts:verify")
    device = actions.start_totp_enrolment(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _otp_failures_exceeded(user):
            form.add_error(None, _("Too many wrong codes. Log in again later."))
        elif actions.confirm_totp_enrolment(user, device, form.cleaned_data["token"]):
            return _finish_login(request, user, device)
        else:
            _count_otp_failure(user)
            form.add_error(
                "token",
                _("That code is not valid. Scan the code again and enter the newest six digits."),
            )
    uri = device.config_url
    qr_svg = segno.make(uri, error="m").svg_inline(
        scale=4, title=_("QR code for your authenticator app")
    )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/enrol.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret, "staff": user},
    )


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        actions.record_logout(request.user, ip=ratelimit.client_ip(request))
    logout(request)
    return redirect("accounts:login")
