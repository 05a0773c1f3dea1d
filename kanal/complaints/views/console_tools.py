"""The console's tools around the inbox: bulk actions, exports, response templates."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kanal.accounts.decorators import staff_required
from kanal.accounts.queries import scope_for
from kanal.accounts.rules import Capability
from kanal.directory.models import Category, Unit

from .. import actions, exports, queries, rules
from ..forms import InboxFilterForm
from ..models import ResponseTemplate, State

# --- bulk actions ---------------------------------------------------------------------------


def _bulk_step(action: str, request, case, post):
    """One case of a bulk action, through the same action as the case page."""
    from kanal.accounts.models import User

    if action == "verify":
        return actions.verify_complaint(actor=request.user, case=case)
    if action == "dispose":
        unit = get_object_or_404(Unit, code=post.get("unit"), is_active=True)
        if case.state in (State.DISPOSED, State.FOLLOWED_UP):
            return actions.reroute_complaint(actor=request.user, case=case, unit=unit)
        return actions.dispose_complaint(actor=request.user, case=case, unit=unit)
    if action == "assign":
        value = post.get("officer", "")
        officer = User.objects.filter(pk=value, is_active=True).first() if value.isdigit() else None
        return actions.assign_complaint(actor=request.user, case=case, officer=officer)
    if action == "merge":
        number = rules.normalise_tracking_number(post.get("into", ""))
        into = queries.access_complaint(request.user, number)
        return actions.merge_complaints(actor=request.user, duplicate=case, into=into)
    raise Http404


@staff_required
@require_POST
def bulk(request):
    """Apply one action to the selected cases, each in its own transaction and audit event.

    A case that refuses (wrong state, no permission) is reported by number; the others
    go through.
    """
    action = request.POST.get("action", "")
    numbers = request.POST.getlist("cases")[:200]
    back = request.POST.get("next", "")
    target = "complaints:inbox"
    if not numbers:
        messages.error(request, _("Select at least one case first."))
    elif action not in ("verify", "dispose", "assign", "merge"):
        messages.error(request, _("Choose an action for the selected cases."))
    else:
        done, refused = [], []
        visible = queries.complaints_visible_to(request.user)
        for case in visible.filter(tracking_number__in=numbers):
            try:
                _bulk_step(action, request, case, request.POST)
            except (rules.TransitionRefused, PermissionDenied, Http404) as exc:
                refused.append(f"{case.tracking_number} ({exc or _('not allowed')})")
            else:
                done.append(case.tracking_number)
        if done:
            messages.success(
                request,
                _("%(action)s: done for %(n)d cases (%(numbers)s).")
                % {"action": BULK_LABELS[action], "n": len(done), "numbers": ", ".join(done)},
            )
        if refused:
            messages.error(
                request,
                _("Not done for %(n)d cases: %(list)s")
                % {"n": len(refused), "list": "; ".join(refused)},
            )
    url = f"{redirect(target).url}{back}" if back.startswith("?") else redirect(target).url
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = redirect(target).url
    return redirect(url)


BULK_LABELS = {
    "verify": _lazy("Verify"),
    "dispose": _lazy("Route"),
    "assign": _lazy("Assign"),
    "merge": _lazy("Close as duplicate"),
}

# --- export ---------------------------------------------------------------------------------


@staff_required
def export(request):
    """The filtered inbox as CSV or XLSX, masked for the user's role; the export is audited."""
    file_format = request.GET.get("format", "csv")
    if file_format not in ("csv", "xlsx"):
        raise Http404
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = queries.InboxFilters(
        **{k: v or ("" if k != "returned" else False) for k, v in data.items()}
    )
    rows = exports.export_rows(request.user, filters, settings.KANAL_EXPORT_MAX_ROWS)
    actions.record_export(
        actor=request.user,
        filters={k: v for k, v in data.items() if v},
        rows=len(rows),
        file_format=file_format,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if file_format == "csv":
        body, content_type = exports.to_csv(exports.headers(), rows), "text/csv; charset=utf-8"
    else:
        body = exports.to_xlsx(exports.headers(), rows, _("Cases"))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="kanal-cases-{stamp}.{file_format}"'
    return response


# --- response templates ----------------------------------------------------------------------


class TemplateForm(forms.ModelForm):
    class Meta:
        model = ResponseTemplate
        fields = ["name", "language", "category", "state", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].empty_label = _("Every topic")
        self.fields["state"].choices = [("", _("Every state")), *State.choices]


def _require_triage(request) -> None:
    if not scope_for(request.user).has(Capability.TRIAGE):
        raise PermissionDenied


@staff_required
def templates(request):
    """Operators keep the reply templates: list, add, and add the shipped starter set."""
    _require_triage(request)
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and request.POST.get("starter") == "1":
        added = actions.add_starter_templates(actor=request.user)
        messages.success(
            request,
            _("%(n)d starter templates were added.") % {"n": added}
            if added
            else _("Every starter template is already there."),
        )
        return redirect("complaints:templates")
    if request.method == "POST" and form.is_valid():
        template = actions.save_response_template(actor=request.user, template=form.instance)
        messages.success(request, _("Template “%(name)s” was added.") % {"name": template.name})
        return redirect("complaints:templates")
    return render(
        request,
        "complaints/console/templates.html",
        {
            "form": form,
            "templates": ResponseTemplate.objects.select_related("category").order_by(
                "language", "name"
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def template_edit(request, template_id: int):
    _require_triage(request)
    template = get_object_or_404(ResponseTemplate, pk=template_id)
    if request.method == "POST" and request.POST.get("delete") == "1":
        actions.delete_response_template(actor=request.user, template=template)
        messages.success(request, _("Template “%(name)s” was deleted.") % {"name": template.name})
        return redirect("complaints:templates")
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        actions.save_response_template(actor=request.user, template=form.instance)
        messages.success(request, _("Template “%(name)s” was saved.") % {"name": template.name})
        return redirect("complaints:templates")
    return render(
        request,
        "complaints/console/template_edit.html",
        {"form": form, "template": template},
        status=400 if request.method == "POST" else 200,
    )
