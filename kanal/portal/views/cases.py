"""Public cases: the list with filters and the kelurahan map, and one case's public page."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render

from kanal.insights.rules import bucket

from .. import queries
from ..forms import CaseFilterForm

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
    return render(request, "portal/case_detail.html", {"case": queries.public_case(number)})
