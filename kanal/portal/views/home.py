"""The home page and the static public pages (accessibility, privacy, contact)."""

from django.shortcuts import redirect, render

from kanal.complaints.queries import deadlines
from kanal.directory.queries import city_units
from kanal.insights import queries as insights
from kanal.wilayah.queries import all_kecamatan

from .. import queries


def home(request):
    period = insights.current_period()
    return render(
        request,
        "portal/home.html",
        {
            "unit_count": city_units().count(),
            "kecamatan_count": all_kecamatan().count(),
            "announcements": queries.latest_announcements(),
            "news": queries.latest_news(),
            "programs": queries.programs(),
            "channels": queries.channels(),
            "figures": insights.city_figures(period),
            "period": period,
            "follow_up_days": deadlines()["follow_up_working_days"],
        },
    )


def accessibility(request):
    return render(request, "portal/accessibility.html")


def privacy(request):
    return render(request, "portal/privacy.html", {"channels": queries.channels()})


def contact(request):
    return render(request, "portal/contact.html", {"channels": queries.channels()})


def favicon(request):
    """/favicon.ico for browsers that ask for it without reading the page's icon link."""
    from django.templatetags.static import static

    return redirect(static("kanal/favicon.svg"), permanent=True)
