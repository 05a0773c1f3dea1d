"""Staff pages of the data protection officer (system_admin): requests and breaches."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kanal.accounts.decorators import staff_required

from . import actions, queries, rules
from .forms import BreachForm, IdentityForm, RefuseForm, SubjectRequestForm
from .models import RequestState


def _officer(request) -> None:
    if not queries.can_manage_privacy(request.user):
        raise PermissionDenied


@staff_required
def index(request):
    _officer(request)
    now = timezone.now()
    breach_rows = [
        (
            b,
            rules.breach_notice_due(b.discovered_at),
            rules.breach_notice_overdue(
                b.discovered_at, b.subjects_notified_at, b.authority_notified_at, now
            ),
        )
        for b in queries.breaches(request.user)[:50]
    ]
    return render(
        request,
        "privacy/index.html",
        {
            "requests": queries.subject_requests(request.user)[:100],
            "breach_rows": breach_rows,
            "retention_days": queries.retention_days(),
            "due_now": queries.cases_due_for_anonymisation().count(),
        },
    )


@staff_required
def new_request(request):
    _officer(request)
    form = SubjectRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        req = actions.open_subject_request(actor=request.user, **form.cleaned_data)
        return redirect("privacy:request", pk=req.pk)
    return render(
        request,
        "privacy/request_new.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def request_detail(request, pk: int):
    req = queries.access_subject_request(request.user, pk)
    return render(
        request,
        "privacy/request.html",
        {
            "req": req,
            "cases": queries.cases_of_subject(req) if req.state == RequestState.OPEN else [],
            "identity_form": IdentityForm(),
            "refuse_form": RefuseForm(),
            "finished_states": rules.FINISHED_STATES,
        },
    )


@staff_required
@require_POST
def request_step(request, pk: int, step: str):
    """Check identity, give the copy, erase, or refuse; errors come back as messages."""
    req = queries.access_subject_request(request.user, pk)
    try:
        if step == "identity":
            form = IdentityForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say how the identity was checked."))
            else:
                actions.check_subject_identity(
                    actor=request.user, request=req, how=form.cleaned_data["how"]
                )
        elif step == "access":
            data = actions.complete_access_request(actor=request.user, request=req)
            response = HttpResponse(
                json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="data-{req.pk}.json"'
            return response
        elif step == "erase":
            done = actions.erase_subject_data(actor=request.user, request=req)
            messages.success(request, _("%(n)d case(s) anonymised.") % {"n": len(done)})
        elif step == "refuse":
            form = RefuseForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the reason for refusing."))
            else:
                actions.refuse_subject_request(
                    actor=request.user, request=req, reason=form.cleaned_data["reason"]
                )
        else:
            raise PermissionDenied
    except actions.RequestClosed:
        messages.error(request, _("This request is already closed."))
    except ValueError:
        messages.error(request, _("Check the person's identity first."))
    return redirect("privacy:request", pk=req.pk)


@staff_required
def breach_new(request):
    _officer(request)
    form = BreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        breach = actions.record_breach(actor=request.user, **form.cleaned_data)
        return redirect("privacy:breach", pk=breach.pk)
    return render(
        request,
        "privacy/breach_form.html",
        {"form": form, "breach": None},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def breach_detail(request, pk: int):
    breach = queries.access_breach(request.user, pk)
    form = BreachForm(request.POST or None, instance=breach)
    if request.method == "POST" and form.is_valid():
        actions.update_breach(
            actor=request.user,
            breach=breach,
            close=request.POST.get("close") == "1",
            **form.cleaned_data,
        )
        messages.success(request, _("Saved."))
        return redirect("privacy:breach", pk=breach.pk)
    return render(
        request,
        "privacy/breach_form.html",
        {
            "form": form,
            "breach": breach,
            "due": rules.breach_notice_due(breach.discovered_at),
            "overdue": rules.breach_notice_overdue(
                breach.discovered_at,
                breach.subjects_notified_at,
                breach.authority_notified_at,
                timezone.now(),
            ),
        },
        status=400 if request.method == "POST" else 200,
    )
