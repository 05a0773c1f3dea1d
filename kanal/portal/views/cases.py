"""Public cases: the list with filters and the kelurahan map, and one case's public page."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kanal.complaints import actions as complaints
from kanal.complaints import queries as complaint_queries
from kanal.core import ratelimit
from kanal.insights.rules import bucket

from .. import queries
from ..forms import CaseFilterForm, FollowForm

PAGE_SIZE = 25


def map_rows(geometry, counts: dict[str, int], names: dict[str, str]):
    """Map shapes with their count and shade (the shade repeats the count, never replaces it)."""
    top = max(counts.values(), default=0)
    return [
        {
            "shape": s,
            "count": counts.get(s.code, 0),
            "shade": bucket(counts.get(s.code, 0), top),
            "kecamatan": names.get(s.code, ""),
        }
        for s in geometry.shapes
    ]


def case_list(request):
    form = CaseFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else queries.CaseFilters()
    cases = queries.public_cases(filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("halaman"))
    # The map counts by kelurahan for the topic chosen, across the whole city.
    map_cases = queries.public_cases(queries.CaseFilters(category=filters.category))
    counts = queries.counts_by_kelurahan(map_cases)
    choices = queries.case_filter_choices()
    kecamatan_of = {code: kec for code, _, kec in choices["kelurahan"]}
    geometry = queries.city_map()
    rows = map_rows(geometry, counts, kecamatan_of)
    keep = {k: v for k, v in filters.__dict__.items() if v}
    return render(
        request,
        "portal/case_list.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "map": geometry,
            "map_rows": rows,
            "table_rows": sorted(
                (r for r in rows if r["count"]), key=lambda r: (-r["count"], r["shape"].name)
            ),
            "category_query": urlencode({"category": filters.category}) if filters.category else "",
            "page_query": urlencode(keep),
        },
    )


def case_detail(request, number):
    """A public case: the operator's summary, approved updates and photos, supporters,
    and "follow this report" by e-mail or WhatsApp."""
    case = queries.public_case(number)
    form = FollowForm(request.POST or None)
    if request.method == "POST":
        allowed = ratelimit.hit(
            "follow", ratelimit.client_ip(request), limit=30, window=3600
        ).allowed
        if not allowed:
            form.add_error(None, _("Too many requests from this connection. Try again later."))
        elif form.is_valid():
            complaints.follow_complaint(
                case=case, via=form.cleaned_data["via"], address=form.cleaned_data["address"]
            )
            messages.success(
                request,
                _(
                    "You follow this report now. Each message has a link to stop them "
                    "with one click."
                ),
            )
            return redirect("portal:case", number=case.tracking_number)
    return render(
        request,
        "portal/case_detail.html",
        {
            "case": case,
            "updates": complaint_queries.public_updates(case),
            "photos": complaint_queries.public_photos(case),
            "supporters": complaint_queries.supporters_count(case),
            "follow_form": form,
        },
        status=400 if form.errors else 200,
    )


def case_photo(request, number, photo_id):
    """A photo an operator approved for the public, of a public case."""
    case = queries.public_case(number)
    photo = complaint_queries.public_photo(case, photo_id)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=300"
    return response


@csrf_exempt  # the secret token in the address is the proof; mail clients POST (RFC 8058)
def unfollow(request, number, token):
    """One click from a message: a page with one button (mail scanners only GET links)."""
    if request.method == "POST":
        follower = complaints.unfollow_complaint(token=token)
        if follower is None:
            raise Http404
        return render(request, "portal/unfollowed.html", {"number": number, "done": True})
    return render(request, "portal/unfollowed.html", {"number": number, "done": False})
