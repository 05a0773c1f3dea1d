"""Staff PPID pages under /console/ppid/: list, request page and its steps, registers, report.

Every view is behind ``staff_required`` and loads through ``queries.access_*`` or a
query that checks Capability.PPID, so other staff get 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kanal.accounts.decorators import staff_required
from kanal.core.uploads import UploadRejected
from kanal.outbox import queries as outbox_queries

from .. import actions, exports, queries, rules
from ..forms import (
    AnswerForm,
    AttachmentForm,
    CompleteForm,
    DisputeForm,
    ExtendForm,
    NoticeForm,
    StaffObjectionForm,
    StaffRequestForm,
)
from ..models import ExemptionGround, Outcome, RequestState
from .public import _uploads


def _require_ppid(request) -> None:
    if not queries.is_ppid_staff(request.user):
        raise PermissionDenied


@staff_required
def request_list(request):
    state = request.GET.get("state", "")
    search = request.GET.get("q", "").strip()
    overdue = request.GET.get("overdue") == "1"
    rows = queries.requests_for(request.user, state=state, search=search, overdue_only=overdue)
    return render(
        request,
        "ppid/console/list.html",
        {
            "requests": rows[:200],
            "states": RequestState.choices,
            "state": state,
            "q": search,
            "overdue": overdue,
            "today": queries.today(),
            "objections": queries.objections_for(request.user, open_only=True),
            "reminders": queries.reminders_for(request.user),
            "is_superior": queries.is_ppid_superior(request.user),
            "overdue_summary": queries.overdue_summary(request.user),
        },
    )


@staff_required
def request_new(request):
    """A request received by letter, e-mail, in person or by phone, entered by staff."""
    _require_ppid(request)
    form = StaffRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            req = actions.submit_information_request(
                actor=request.user,
                channel=form.cleaned_data["channel"],
                details=form.cleaned_data,
                received_at=form.cleaned_data["received_at"],
                uploads=_uploads(form),
            )
        except UploadRejected as exc:
            form.add_error("identity_file", str(exc))
        else:
            messages.success(
                request, _("Request %(n)s registered.") % {"n": req.registration_number}
            )
            return redirect("ppid:console_request", req.pk)
    return render(request, "ppid/console/new.html", {"form": form})


def _detail_context(request, req, **forms):
    notice = getattr(req, "notice", None)
    objections = list(req.objections.all())
    context = {
        "req": req,
        "notice": notice,
        "attachments": req.attachments.all(),
        "objections": objections,
        "deliveries": outbox_queries.delivery_panel_for_request(req),
        "due_text": queries.explain_request_due(req),
        "overdue": rules.is_overdue(req.due_on, queries.today(), answered=not req.is_open),
        "objection_deadline": queries.objection_deadline_for(req),
        "is_superior": queries.is_ppid_superior(request.user),
        "complete_form": CompleteForm(
            initial={k: getattr(req, k) for k in CompleteForm.base_fields}
        ),
        "extend_form": ExtendForm(),
        "notice_form": NoticeForm(),
        "attachment_form": AttachmentForm(),
        "objection_form": StaffObjectionForm(
            initial={
                "objector_name": req.requester_name,
                "ground_arose_on": req.answered_on,
                "filed_on": queries.today(),
            }
        ),
        "answer_form": AnswerForm(),
        "dispute_form": DisputeForm(),
        "objection_dues": {o.pk: queries.explain_objection_due(o) for o in objections},
    }
    context.update(forms)
    return context


@staff_required
def request_detail(request, pk: int):
    req = queries.access_request(request.user, pk)
    return render(request, "ppid/console/detail.html", _detail_context(request, req))


def _step(request, pk: int, form_class, form_name: str, run):
    """Run one staff step: validate, call the action, report errors on the request page."""
    req = queries.access_request(request.user, pk)
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            message = run(req, form.cleaned_data)
        except (rules.RuleViolation, UploadRejected) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, message)
            return redirect("ppid:console_request", req.pk)
    context = _detail_context(request, req, **{form_name: form})
    return render(request, "ppid/console/detail.html", context, status=400)


@staff_required
@require_POST
def complete(request, pk: int):
    def run(req, data):
        actions.complete_information_request(actor=request.user, request=req, details=data)
        return _("The request is complete.")

    return _step(request, pk, CompleteForm, "complete_form", run)


@staff_required
@require_POST
def extend(request, pk: int):
    def run(req, data):
        req = actions.extend_information_request(
            actor=request.user, request=req, reason=data["reason"]
        )
        return _("Extended to %(due)s.") % {"due": req.due_on}

    return _step(request, pk, ExtendForm, "extend_form", run)


@staff_required
@require_POST
def issue_notice(request, pk: int):
    def run(req, data):
        actions.issue_written_notice(actor=request.user, request=req, **data)
        return _("The written notice was issued.")

    return _step(request, pk, NoticeForm, "notice_form", run)


@staff_required
@require_POST
def add_attachment(request, pk: int):
    def run(req, data):
        upload = data["file"]
        actions.add_request_attachment(
            actor=request.user,
            request=req,
            upload=actions.Upload(data["kind"], upload.name, upload.read()),
        )
        return _("The file was attached.")

    return _step(request, pk, AttachmentForm, "attachment_form", run)


@staff_required
@require_POST
def record_objection(request, pk: int):
    def run(req, data):
        objection = actions.file_objection(
            actor=request.user,
            request=req,
            ground=data["ground"],
            ground_arose_on=data["ground_arose_on"],
            objector_name=data["objector_name"],
            email=req.email,
            phone=req.phone,
            case_position=data["case_position"],
            filed_on=data["filed_on"],
            accept_late=data["accept_late"],
        )
        return _("Objection %(n)s recorded.") % {"n": objection.registration_number}

    return _step(request, pk, StaffObjectionForm, "objection_form", run)


def _objection_step(request, objection_id: int, form_class, form_name: str, run):
    objection = queries.access_objection(request.user, objection_id)
    return _step(
        request, objection.request_id, form_class, form_name, lambda r, d: run(objection, d)
    )


@staff_required
@require_POST
def answer_objection(request, objection_id: int):
    if not queries.is_ppid_superior(request.user):
        raise PermissionDenied

    def run(objection, data):
        actions.answer_objection(
            actor=request.user,
            objection=objection,
            decision=data["decision"],
            reasons=data["reasons"],
            superior_position=data["superior_position"],
        )
        return _("The answer was recorded.")

    return _objection_step(request, objection_id, AnswerForm, "answer_form", run)


@staff_required
@require_POST
def record_dispute(request, objection_id: int):
    def run(objection, data):
        actions.record_dispute(actor=request.user, objection=objection, **data)
        return _("The dispute was recorded.")

    return _objection_step(request, objection_id, DisputeForm, "dispute_form", run)


@staff_required
def attachment_file(request, attachment_id: int):
    attachment = queries.access_attachment(request.user, attachment_id)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def notice_pdf(request, pk: int):
    req = queries.access_request(request.user, pk)
    notice = getattr(req, "notice", None)
    if notice is None or not notice.document:
        raise Http404
    return FileResponse(
        notice.document.open("rb"),
        content_type="application/pdf",
        filename=f"{req.registration_number}.pdf",
    )


def _year(request) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


REGISTERS = {
    "requests": (queries.request_register, "register-permohonan"),
    "objections": (queries.objection_register, "register-keberatan"),
}


@staff_required
def register(request, name: str, fmt: str = "html"):
    if name not in REGISTERS:
        raise Http404
    build, filename = REGISTERS[name]
    year = _year(request)
    headers, rows = build(request.user, year)
    suffix = f"-{year}" if year else ""
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(headers, rows), content_type="text/csv")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(headers, rows, filename),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        return render(
            request,
            "ppid/console/register.html",
            {"name": name, "headers": headers, "rows": rows, "year": year},
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}{suffix}.{fmt}"'
    return response


@staff_required
def annual_report(request, fmt: str = "html"):
    _require_ppid(request)
    year = _year(request) or queries.today().year - 1
    figures = queries.annual_report(year)
    filename = f"laporan-layanan-informasi-{year}"
    if fmt == "pdf":
        from ..documents import render_annual_report_pdf  # ReportLab on demand

        pdf = render_annual_report_pdf(figures, queries.body_name())
        response = HttpResponse(pdf, content_type="application/pdf")
    elif fmt == "csv":
        rows = exports.figures_rows(figures)
        response = HttpResponse(
            exports.to_csv(["measure", "key", "value"], rows), content_type="text/csv"
        )
    elif fmt == "json":
        response = HttpResponse(exports.figures_json(figures), content_type="application/json")
    else:
        return render(
            request,
            "ppid/console/annual_report.html",
            {
                "figures": figures,
                "year": year,
                "due": rules.annual_report_due(year),
                "outcomes": [(Outcome(k).label, v) for k, v in figures.by_outcome.items()],
                "grounds": [
                    (ExemptionGround(k).label, v) for k, v in figures.rejection_grounds.items()
                ],
            },
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@staff_required
def lists(request):
    """The DIP and DIK with their alerts; entries are edited in the admin."""
    _require_ppid(request)
    return render(
        request,
        "ppid/console/lists.html",
        {
            "groups": queries.published_dip(),
            "stale": queries.stale_berkala_items(),
            "exempted": queries.exempted_items(),
            "today": queries.today(),
        },
    )
