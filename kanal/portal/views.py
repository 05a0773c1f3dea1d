"""The public website (home page; the full portal grows in its own issue)."""

from django.shortcuts import render

from kanal.directory.queries import city_units
from kanal.wilayah.queries import all_kecamatan


def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "unit_count": city_units().count(),
            "kecamatan": all_kecamatan(),
        },
    )
