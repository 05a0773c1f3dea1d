"""Public PPID pages: what the PPID is and the DIP, the request form, status, objections."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kanal.core import ratelimit
from kanal.core.uploads import UploadRejected

from .. import actions, queries, rules
from ..forms import ObjectionForm, RequestForm, StatusForm
from ..models import AttachmentKind, Channel

SENT_KEY = "ppid_sent_number"
OBJECTION_SENT_KEY = "ppid_objection_number"


def _limited(request, scope: str) -> int:
    """Count a submission from this address; seconds to wait when over the limit."""
    result = ratelimit.hit(
        scope,
        ratelimit.client_ip(request),
        limit=settings.KANAL_PPID_FORM_LIMIT,
        window=settings.KANAL_PPID_FORM_WINDOW_SECONDS,
    )
    return 0 if result.allowed else max(1, result.retry_after)


def _too_many(form, wait: int) -> None:
    form.add_error(
        None,
        _("Too many submissions from your connection. Try again in %(minutes)d minutes.")
        % {"minutes": max(1, wait // 60)},
    )


def index(request):
    """What the PPID is, how to ask, and the Daftar Informasi Publik by category."""
    return render(
        request,
        "ppid/index.html",
        {"groups": queries.published_dip(), "body_name": queries.body_name()},
    )


def _uploads(form) -> list[actions.Upload]:
    files = []
    for field, kind in (
        ("identity_file", AttachmentKind.IDENTITY),
        ("power_of_attorney", AttachmentKind.POWER_OF_ATTORNEY),
    ):
        upload = form.cleaned_data.get(field)
        if upload:
            files.append(actions.Upload(kind, upload.name, upload.read()))
    return files


def request_form(request):
    """The request form: works without JavaScript, keeps input on error, rate limited."""
    form = RequestForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_bot():
            # Say nothing useful to a bot; store nothing.
            request.session[SENT_KEY] = ""
            return redirect("ppid:request_sent")
        if wait := _limited(request, "ppid-request"):
            _too_many(form, wait)
            form.is_valid()
            status = 429
        elif form.is_valid():
            try:
                req = actions.submit_information_request(
                    actor=None,
                    channel=Channel.WEB,
                    details=form.cleaned_data,
                    uploads=_uploads(form),
                )
            except UploadRejected as exc:
                form.add_error("identity_file", str(exc))
            else:
                request.session[SENT_KEY] = req.registration_number
                return redirect("ppid:request_sent")
    return render(request, "ppid/request_form.html", {"form": form}, status=status)


def request_sent(request):
    number = request.session.get(SENT_KEY)
    req = queries.find_request(number) if number else None
    context = {"number": number, "due": queries.explain_request_due(req) if req else ""}
    return render(request, "ppid/request_sent.html", context)


def status(request):
    """Look a request up by its number and the contact given; shows state and due date only."""
    form = StatusForm(request.POST or None)
    found = None
    code = 200
    if request.method == "POST" and form.is_valid():
        if wait := _limited(request, "ppid-status"):
            _too_many(form, wait)
            code = 429
        else:
            found = queries.lookup_request(
                form.cleaned_data["registration_number"], form.cleaned_data["contact"]
            )
            if found is None:
                form.add_error(
                    None,
                    _(
                        "We found no request with that number and contact. "
                        "Check both and try again."
                    ),
                )
    context = {"form": form, "found": found}
    if found:
        context["due"] = queries.explain_request_due(found)
        context["overdue"] = rules.is_overdue(
            found.due_on, queries.today(), answered=not found.is_open
        )
        context["objection_deadline"] = queries.objection_deadline_for(found)
    return render(request, "ppid/status.html", context, status=code)


def objection_form(request):
    """An objection to the atasan PPID, referencing a request number and its contact."""
    form = ObjectionForm(request.POST or None)
    code = 200
    if request.method == "POST":
        if form.is_bot():
            request.session[OBJECTION_SENT_KEY] = ""
            return redirect("ppid:objection_sent")
        if wait := _limited(request, "ppid-objection"):
            _too_many(form, wait)
            form.is_valid()
            code = 429
        elif form.is_valid():
            data = form.cleaned_data
            req = queries.lookup_request(data["registration_number"], data["contact"])
            if req is None:
                form.add_error(
                    "registration_number",
                    _("We found no request with that number and contact."),
                )
            else:
                contact = data["contact"]
                try:
                    objection = actions.file_objection(
                        actor=None,
                        request=req,
                        ground=data["ground"],
                        ground_arose_on=data["ground_arose_on"],
                        objector_name=data["objector_name"],
                        proxy_name=data["proxy_name"],
                        email=contact if "@" in contact else "",
                        phone="" if "@" in contact else contact,
                        case_position=data["case_position"],
                    )
                except rules.RuleViolation as exc:
                    form.add_error("ground_arose_on", str(exc))
                else:
                    request.session[OBJECTION_SENT_KEY] = objection.registration_number
                    return redirect("ppid:objection_sent")
    return render(request, "ppid/objection_form.html", {"form": form}, status=code)


def objection_sent(request):
    number = request.session.get(OBJECTION_SENT_KEY)
    return render(request, "ppid/objection_sent.html", {"number": number})
