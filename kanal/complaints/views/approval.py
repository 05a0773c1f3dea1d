"""The operator approves a reply or a photo for the public case page (and its followers).

Kept apart from the console's case page (its own include,
``complaints/console/_public_approval.html``), so the console can change around it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kanal.accounts.decorators import staff_required

from .. import actions, queries


@require_POST
@staff_required
def approve_public(request, number: str):
    """POST kind=message|photo, id, public=1|0: show or hide it on the public page."""
    case = queries.access_complaint(request.user, number)
    kind, item = request.POST.get("kind"), request.POST.get("id", "")
    public = request.POST.get("public") == "1"
    if not item.isdigit() or kind not in ("message", "photo"):
        messages.error(request, _("Choose a reply or a photo first."))
        return redirect("complaints:console_case", number=case.tracking_number)
    try:
        if kind == "message":
            actions.approve_message_for_public(
                actor=request.user, case=case, message_id=int(item), public=public
            )
        else:
            actions.approve_photo_for_public(
                actor=request.user, case=case, attachment_id=int(item), public=public
            )
    except PermissionDenied:
        messages.error(request, _("Your role does not allow this action on this case."))
    else:
        messages.success(
            request,
            _("Shown on the public page.") if public else _("Hidden from the public page."),
        )
    return redirect("complaints:console_case", number=case.tracking_number)
