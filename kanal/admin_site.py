"""The Django admin behind the staff login: a verified second factor is required."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.admin import OTPAdminSite


class KanalAdminSite(OTPAdminSite):
    site_header = "Kanal"
    site_title = "Kanal"

    def login(self, request, extra_context=None):
        """Send people to the staff login (rate limited, with enrolment) instead."""
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
