"""Staff login in two steps: password, then the TOTP code (or enrolment of a first device)."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
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


def _limits():
    return {"limit": settings.KANAL_LOGIN_ATTEMPTS, "window": settings.KANAL_LOGIN_WINDOW_SECONDS}


def _too_many(request, scope: str, *keys: str) -> int:
    """Count an attempt under each key; the seconds to wait if any is over the limit."""
    results = [ratelimit.hit(scope, k, **_limits()) for k in keys]
    blocked = [r.retry_after for r in results if not r.allowed]
    return max(blocked) if blocked else 0


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
    """Step 1: username and password. Rate limited per account and per address."""
    form = PasswordStepForm(request.POST or None)
    if request.method == "GET":
        request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next"))
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        ip = ratelimit.client_ip(request)
        wait = _too_many(request, "login", f"user:{username.lower()}", f"ip:{ip}")
        if wait:
            actions.record_login(None, username=username, outcome="rate_limited", ip=ip)
            form.add_error(
                None,
                _("Too many attempts. Try again in %(minutes)d minutes.")
                % {"minutes": max(1, wait // 60)},
            )
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
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
    return redirect(_safe_next(request, next_url))


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
        if _too_many(request, "otp", f"user:{user.pk}"):
            form.add_error(None, _("Too many attempts. Log in again later."))
            status = 429
        elif not device.verify_is_allowed()[0]:
            # django-otp slows guessing: after a wrong code it waits 2^n seconds.
            form.add_error(
                "token", _("Wait a few seconds after a wrong code, then enter the newest code.")
            )
        elif device.verify_token(form.cleaned_data["token"]):
            return _finish_login(request, user, device)
        else:
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
        if _too_many(request, "otp", f"user:{user.pk}"):
            form.add_error(None, _("Too many attempts. Log in again later."))
        elif actions.confirm_totp_enrolment(user, device, form.cleaned_data["token"]):
            return _finish_login(request, user, device)
        else:
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
        actions.record_login(
            request.user,
            username=request.user.username,
            outcome="logged_out",
            ip=ratelimit.client_ip(request),
        )
    logout(request)
    return redirect("accounts:login")
