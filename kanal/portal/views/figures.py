"""The transparency page (kinerja): figures per unit and per kelurahan."""

from django.shortcuts import render

from kanal.complaints.queries import deadlines
from kanal.insights import queries as insights
from kanal.insights.rules import ranked

from ..rules import bar_width


def _bars(rows, figure):
    """Chart rows (label, value, bar width) for the rows whose figure is published."""
    best = ranked(rows, figure)
    top = max((figure(r) for r in best), default=0)
    return [(r.subject, figure(r), bar_width(figure(r), top)) for r in best]


def performance(request):
    period = insights.current_period()
    units = insights.figures_by_unit(period)
    kelurahan = insights.figures_by_kelurahan(period)
    return render(
        request,
        "portal/performance.html",
        {
            "period": period,
            "minimum": insights.min_cases(),
            "follow_up_days": deadlines()["follow_up_working_days"],
            "city": insights.city_figures(period),
            "units": [r for r in units if r.figures.received],
            "quiet_units": [r for r in units if not r.figures.received],
            "on_time_chart": _bars(units, lambda r: r.figures.on_time_percent),
            "kelurahan": [r for r in kelurahan if r.figures.received],
            "kelurahan_chart": [
                (r.subject, r.figures.received, bar_width(r.figures.received, top))
                for top in [max((r.figures.received for r in kelurahan), default=0)]
                for r in sorted(kelurahan, key=lambda r: -r.figures.received)[:15]
                if r.figures.received
            ],
        },
    )
