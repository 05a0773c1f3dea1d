""" "My reports": every case of a phone or e-mail the citizen proved with a one-time code."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kanal.core import ratelimit

from .. import actions, queries, rules
from ..forms import CodeForm, ContactForm
from .citizen_common import SESSION_CONTACT, SESSION_PENDING_CONTACT, limit


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
        if limit(request, "my-code-send", 10, 3600):
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
        if limit(request, "my-code-check", 10, 900):
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
