"""Search across units, published news and public cases."""

from django.shortcuts import render

from .. import queries
from ..forms import SearchForm


def search(request):
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    return render(
        request,
        "portal/search.html",
        {"form": form, "text": text, "results": queries.search(text) if text else None},
    )
