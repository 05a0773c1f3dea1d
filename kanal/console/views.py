"""The staff console shell: the home page, a person's page across channels, the dashboard."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kanal.accounts.decorators import staff_required
from kanal.accounts.queries import scope_for
from kanal.accounts.rules import Capability
from kanal.channels import actions as channel_actions
from kanal.complaints.models import Channel
from kanal.core.queries import last_heartbeat
from kanal.insights import dashboard as insights_dashboard

from . import queries


@staff_required
def home(request):
    scope = scope_for(request.user)
    heartbeat = last_heartbeat("worker")
    worker_age = (timezone.now() - heartbeat.seen_at).total_seconds() if heartbeat else None
    memberships = request.user.memberships.select_related("unit").order_by("unit__name")
    return render(
        request,
        "console/home.html",
        {
            "scope": scope,
            "can_ppid": scope.has(Capability.PPID),
            "can_publish": scope.has(Capability.PUBLISH),
            "can_dashboards": scope.has(Capability.DASHBOARDS),
            "can_see_dashboard": scope.has(Capability.DASHBOARDS) or bool(scope.unit_ids),
            "can_people": scope.has(Capability.VIEW_REPORTERS),
            "can_channels": scope.has(Capability.TRIAGE) or scope.has(Capability.MANAGE_ACCOUNTS),
            "memberships": memberships,
            "worker_age": worker_age,
            "worker_ok": worker_age is not None and worker_age < 180,
        },
    )


# --- a person across channels -----------------------------------------------------------------


@staff_required
def people(request):
    """Search people by name, phone or e-mail (roles that may see reporters only)."""
    queries.access_people(request.user)
    text = request.GET.get("q", "")
    return render(
        request,
        "console/people.html",
        {"q": text, "results": queries.search_people(request.user, text) if text else None},
    )


@staff_required
def citizen_page(request, citizen_id: int):
    person = queries.citizen_person(request.user, citizen_id)
    return render(
        request,
        "console/person.html",
        {"person": person, "channels": Channel.choices},
    )


@staff_required
def reporter_page(request, reporter_id: int):
    person = queries.reporter_person(request.user, reporter_id)
    return render(request, "console/person.html", {"person": person, "channels": []})


@staff_required
@require_POST
def link_contact(request, citizen_id: int):
    """Join another contact to this citizen, with the citizen's consent recorded."""
    person = queries.citizen_person(request.user, citizen_id)
    other = queries.contact_for_link(request.POST.get("channel", ""), request.POST.get("id", ""))
    consent = request.POST.get("consent", "").strip()
    if other is None:
        messages.error(request, _("No contact with that channel and number or id was found."))
    elif not consent or request.POST.get("agreed") != "1":
        messages.error(
            request, _("Write what the citizen agreed to and tick that they agreed, then link.")
        )
    elif not person.contacts:
        messages.error(request, _("This person has no channel contact to link to."))
    else:
        channel_actions.link_contacts(
            actor=request.user, contact=person.contacts[0], other=other, consent_text=consent
        )
        messages.success(
            request,
            _("%(contact)s is now linked to this person; the consent was recorded.")
            % {"contact": other},
        )
    return redirect("console:citizen", citizen_id=citizen_id)


@staff_required
@require_POST
def unlink_contact(request, citizen_id: int, contact_id: int):
    person = queries.citizen_person(request.user, citizen_id)
    contact = next((c for c in person.contacts if c.pk == contact_id), None)
    if contact is None:
        raise Http404
    try:
        citizen = channel_actions.unlink_contact(
            actor=request.user, contact=contact, reason=request.POST.get("reason", "")
        )
    except ValueError:
        messages.error(
            request, _("Write why the contact is separated (and keep at least one contact).")
        )
        return redirect("console:citizen", citizen_id=citizen_id)
    messages.success(request, _("%(contact)s is now a separate person.") % {"contact": contact})
    return redirect("console:citizen", citizen_id=citizen.pk)


# --- the leadership dashboard -------------------------------------------------------------------


def _dashboard_scope(user):
    """The whole city for leadership and operators; a unit officer's own units; else 403."""
    scope = scope_for(user)
    if scope.has(Capability.DASHBOARDS):
        return None
    if scope.unit_ids:
        return scope.unit_ids
    raise PermissionDenied


def _date(value: str):
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@staff_required
def dashboard(request):
    """Cases per channel, unit, kecamatan and week, with the answering figures; as CSV too."""
    unit_ids = _dashboard_scope(request.user)
    preset = request.GET.get("period", "90")
    period = insights_dashboard.period_from(
        preset, _date(request.GET.get("from", "")), _date(request.GET.get("to", ""))
    )
    board = insights_dashboard.dashboard(period, unit_ids)
    if request.GET.get("format") == "csv":
        return _dashboard_csv(board)
    return render(
        request,
        "console/dashboard.html",
        {"board": board, "preset": preset, "presets": PRESET_LABELS},
    )


PRESET_LABELS = [
    ("30", _lazy("Last 30 days")),
    ("90", _lazy("Last 90 days")),
    ("365", _lazy("Last 12 months")),
]


def _dashboard_csv(board) -> HttpResponse:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Figure"), _("Group"), _("Cases")])
    writer.writerow([_("Received"), "", board.received])
    writer.writerow([_("Heard in person"), "", board.heard_in_person])
    writer.writerow([_("Open and overdue"), "", board.open_overdue])
    for title, bars in [
        (_("By channel"), board.by_channel),
        (_("By unit"), board.by_unit),
        (_("By kecamatan"), board.by_kecamatan),
        (_("By week"), board.by_week),
    ]:
        for bar in bars:
            writer.writerow([title, bar.label, bar.value])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="kanal-dashboard-{board.period.start}-{board.period.end}.csv"'
    )
    return response
