"""The OPD directory, one page per unit, and the area (kecamatan / kelurahan) pages."""

from django.shortcuts import render

from kanal.complaints.queries import deadlines
from kanal.insights import queries as insights
from kanal.wilayah.models import Kelurahan

from .. import queries
from ..queries import CaseFilters

AREA_CASES_SHOWN = 20


def unit_list(request):
    return render(
        request,
        "portal/unit_list.html",
        {"groups": queries.directory_groups(), "areas": queries.all_areas()},
    )


def unit_detail(request, code):
    unit = queries.public_unit(code)
    period = insights.current_period()
    return render(
        request,
        "portal/unit_detail.html",
        {
            "unit": unit,
            "services": queries.services_of(unit),
            "figures": insights.unit_figures(unit, period),
            "period": period,
            "minimum": insights.min_cases(),
            "follow_up_days": deadlines()["follow_up_working_days"],
            "news": queries.news_about(unit),
            "information": queries.information_held_by(unit),
            "cases": queries.public_cases(CaseFilters(unit=unit.code))[:10],
        },
    )


def area_list(request):
    return render(request, "portal/area_list.html", {"areas": queries.all_areas()})


def area_detail(request, code):
    place = queries.area(code)
    is_kelurahan = isinstance(place, Kelurahan)
    filters = CaseFilters(kelurahan=code) if is_kelurahan else CaseFilters(kecamatan=code)
    cases = queries.public_cases(filters)
    return render(
        request,
        "portal/area_detail.html",
        {
            "place": place,
            "is_kelurahan": is_kelurahan,
            "offices": queries.offices_in(place),
            "kelurahan": [] if is_kelurahan else place.kelurahan.order_by("name"),
            "cases": cases[:AREA_CASES_SHOWN],
            "case_count": cases.count(),
            "filters": filters,
        },
    )
