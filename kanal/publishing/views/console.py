"""Staff pages under /console/publishing/: editors (Capability.PUBLISH) only."""

from __future__ import annotations

from datetime import date, timedelta
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kanal.accounts.decorators import staff_required

from .. import actions, queries, rules
from ..actions import crosspost, partners, visits
from ..forms import (
    CommentForm,
    FileForm,
    ItemForm,
    PartnerForm,
    ProgressForm,
    ReportForm,
    SendForm,
    VisitForm,
)
from ..models import ChannelPost, ContentKind, ContentState, MediaPartner, PressDelivery


def editor_required(view):
    """Staff with a verified second factor and the PUBLISH capability."""

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not queries.can_publish(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@editor_required
def dashboard(request):
    state = request.GET.get("state") or None
    if state not in ContentState.values:
        state = None
    return render(
        request,
        "publishing/console/dashboard.html",
        {
            "items": queries.items_for_console(state)[:100],
            "state": state,
            "states": ContentState.choices,
            "channels": queries.channel_status(),
        },
    )


def _item_kwargs(data):
    return {
        "kind": data["kind"],
        "title": data["title"],
        "summary": data["summary"],
        "body": data["body"],
        "units": data["units"],
        "tags": data["tags"],
        "channels": data["channels"],
        "scheduled_at": data["scheduled_at"],
        "progress_percent": data["progress_percent"],
    }


@editor_required
def item_new(request):
    form = ItemForm(request.POST or None, initial={"kind": request.GET.get("kind", "activity")})
    if request.method == "POST" and form.is_valid():
        item = actions.create_item(request.user, **_item_kwargs(form.cleaned_data))
        messages.success(request, _("Draft saved."))
        return redirect("publishing:console_item", item.pk)
    return render(request, "publishing/console/item_form.html", {"form": form})


@editor_required
def item_edit(request, item_id):
    item = queries.access_item(request.user, item_id)
    initial = {
        "kind": item.kind,
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "units": item.units.all(),
        "tags": ", ".join(t.name for t in item.tags.all()),
        "channels": item.channels,
        "scheduled_at": item.scheduled_at and timezone.localtime(item.scheduled_at),
        "progress_percent": item.progress_percent,
    }
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_item(request.user, item, **_item_kwargs(form.cleaned_data))
        except rules.TransitionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("publishing:console_item", item.pk)
    return render(request, "publishing/console/item_form.html", {"form": form, "item": item})


def _detail(request, item, status=200, **forms):
    context = {
        "item": item,
        "verbs": rules.verbs_from(item.state),
        "previews": queries.previews(item),
        "posts": item.posts.all(),
        "history": queries.item_history(item),
        "comments": item.comments.select_related("author"),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "file_form": forms.get("file_form") or FileForm(),
        "progress_form": forms.get("progress_form") or ProgressForm(),
        "send_form": forms.get("send_form") or SendForm(),
        "deliveries": queries.deliveries_for(item),
        "is_program": item.kind == ContentKind.PRIORITY_PROGRAM,
        "is_press": item.kind == ContentKind.PRESS_RELEASE,
        "public_url": queries.item_url(item),
    }
    return render(request, "publishing/console/item_detail.html", context, status=status)


@editor_required
def item_detail(request, item_id):
    return _detail(request, queries.access_item(request.user, item_id))


@editor_required
@require_POST
def item_transition(request, item_id):
    item = queries.access_item(request.user, item_id)
    verb = request.POST.get("verb", "")
    try:
        actions.transition_item(request.user, item, verb)
    except rules.TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("publishing:console_item", item.pk)


@editor_required
@require_POST
def item_comment(request, item_id):
    item = queries.access_item(request.user, item_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _detail(request, item, status=400, comment_form=form)
    actions.add_comment(request.user, item, form.cleaned_data["body"])
    return redirect("publishing:console_item", item.pk)


@editor_required
@require_POST
def item_file(request, item_id):
    item = queries.access_item(request.user, item_id)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            actions.add_file(
                request.user, item, upload.name, upload.read(), form.cleaned_data["alt_text"]
            )
        except actions.UploadRejected as exc:
            form.add_error("file", str(exc))
    if form.errors:
        return _detail(request, item, status=400, file_form=form)
    messages.success(request, _("File added."))
    return redirect("publishing:console_item", item.pk)


@editor_required
@require_POST
def item_progress(request, item_id):
    item = queries.access_item(request.user, item_id)
    form = ProgressForm(request.POST)
    if not form.is_valid() or item.kind != ContentKind.PRIORITY_PROGRAM:
        return _detail(request, item, status=400, progress_form=form)
    data = form.cleaned_data
    actions.add_progress_update(
        request.user, item, on=data["date"], percent=data["percent"], text=data["text"]
    )
    return redirect("publishing:console_item", item.pk)


@editor_required
@require_POST
def item_send(request, item_id):
    item = queries.access_item(request.user, item_id)
    form = SendForm(request.POST)
    if not form.is_valid():
        return _detail(request, item, status=400, send_form=form)
    try:
        sent = partners.send_press_release(request.user, item, form.cleaned_data["partners"])
    except rules.TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(n)d e-mail(s) queued; partners who had it already were skipped.")
            % {"n": len(sent)},
        )
    return redirect("publishing:console_item", item.pk)


@editor_required
@require_POST
def delivery_resend(request, delivery_id):
    delivery = get_object_or_404(PressDelivery, pk=delivery_id)
    try:
        partners.resend_press_release(request.user, delivery)
    except rules.TransitionRefused as exc:
        messages.error(request, str(exc))
    return redirect("publishing:console_item", delivery.item_id)


@editor_required
@require_POST
def post_retry(request, post_id):
    post = get_object_or_404(ChannelPost, pk=post_id)
    try:
        if post.state == "needs_check":
            crosspost.resolve_checked_post(
                request.user, post, was_posted=request.POST.get("was_posted") == "1"
            )
        else:
            crosspost.retry_channel_post(request.user, post)
    except rules.TransitionRefused as exc:
        messages.error(request, str(exc))
    return redirect("publishing:console_item", post.item_id)


@editor_required
def calendar(request):
    try:
        first = date.fromisoformat(request.GET.get("dari", ""))
    except ValueError:
        first = timezone.localdate()
    start = rules.week_start(first)
    cells = queries.cadence_weeks(start, 4)
    weeks = sorted({c.week for c in cells}) or [start]
    rows: dict[tuple[str, str], list] = {}
    for c in cells:
        rows.setdefault((c.kind, c.channel), []).append(c)
    kinds = dict(ContentKind.choices)
    return render(
        request,
        "publishing/console/calendar.html",
        {
            "weeks": weeks,
            "rows": [(kinds.get(k, k), ch, cs) for (k, ch), cs in rows.items()],
            "gaps": [c for c in cells if c.short],
            "items": queries.week_items(start, 4),
            "previous": start - timedelta(weeks=4),
            "next": start + timedelta(weeks=4),
        },
    )


@editor_required
def partner_list(request):
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        partners.save_media_partner(request.user, **form.cleaned_data)
        messages.success(request, _("Media partner saved."))
        return redirect("publishing:console_partners")
    return render(
        request,
        "publishing/console/partners.html",
        {"partners": MediaPartner.objects.all(), "form": form},
    )


@editor_required
def partner_edit(request, partner_id):
    partner = get_object_or_404(MediaPartner, pk=partner_id)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        partners.save_media_partner(request.user, partner, **form.cleaned_data)
        return redirect("publishing:console_partners")
    return render(
        request, "publishing/console/partner_form.html", {"form": form, "partner": partner}
    )


@editor_required
def visit_list(request):
    form = VisitForm(request.POST or None, talking_points=queries.talking_point_choices())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        points = data.pop("talking_points")
        visit = visits.plan_field_visit(request.user, talking_points=points, **data)
        return redirect("publishing:console_visit", visit.pk)
    return render(
        request,
        "publishing/console/visits.html",
        {"visits": queries.upcoming_visits(), "form": form},
    )


@editor_required
def visit_detail(request, visit_id):
    visit = queries.access_visit(request.user, visit_id)
    form = ReportForm(request.POST or None, initial={"report": visit.report})
    if request.method == "POST" and form.is_valid():
        visits.report_field_visit(request.user, visit, form.cleaned_data["report"])
        messages.success(request, _("Report saved."))
        return redirect("publishing:console_visit", visit.pk)
    cases = queries.visit_cases(request.user, visit)
    return render(
        request,
        "publishing/console/visit_detail.html",
        {
            "visit": visit,
            "form": form,
            "points": visit.talking_points.all(),
            "cases": cases,
            "case_counts": queries.visit_case_counts(cases),
        },
    )


@editor_required
def visit_report(request, visit_id):
    """The visit's report as one printable page: plan, report text, complaints heard."""
    visit = queries.access_visit(request.user, visit_id)
    cases = queries.visit_cases(request.user, visit)
    return render(
        request,
        "publishing/console/visit_report.html",
        {
            "visit": visit,
            "points": visit.talking_points.all(),
            "cases": cases,
            "case_counts": queries.visit_case_counts(cases),
        },
    )
