"""Following a public case: followers, supporters, and what operators approve for the public."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal import audit

from .. import rules
from ..models import Attachment, CaseMessage, Complaint, Follower, MessageKind
from ..queries import followers_to_notify, require
from .common import queue_citizen_notice


def _public_link(case: Complaint) -> str:
    return f"{settings.KANAL_PUBLIC_BASE_URL.rstrip('/')}/aduan/{case.tracking_number}/"


def unsubscribe_link(follower: Follower) -> str:
    """The public address at which ``follower`` stops following the case (no login: the
    token is the proof). Writes nothing.
    """
    base = settings.KANAL_PUBLIC_BASE_URL.rstrip("/")
    return (
        f"{base}/aduan/{follower.complaint.tracking_number}/berhenti/{follower.unsubscribe_token}/"
    )


@transaction.atomic
def follow_complaint(
    *, case: Complaint, via: str, address: str = "", supporter: bool = False
) -> Follower:
    """Add a follower (or supporter) of a case; following twice changes nothing.

    ``via`` is "email", "whatsapp" or "none" (a supporter who wants no messages).
    An address that unsubscribed before is subscribed again. A supporter is counted on
    the case instead of a new, duplicate case being filed.

    Audited as ``complaint.followed`` (``complaint.supported`` for a supporter); raises
    ValueError when ``via`` needs an address and none was given.
    """
    address = rules.normalise_contact(address) if via != Follower.Via.NONE else ""
    if via != Follower.Via.NONE and not address:
        raise ValueError("a follower needs a phone number or e-mail address")
    follower = None
    if address:
        follower = Follower.objects.filter(complaint=case, via=via, address=address).first()
    if follower is None:
        try:
            with transaction.atomic():
                follower = Follower.objects.create(
                    complaint=case,
                    via=via,
                    address=address,
                    is_supporter=supporter,
                    unsubscribe_token=secrets.token_urlsafe(24),
                )
        except IntegrityError:  # the same address, a moment earlier
            follower = Follower.objects.get(complaint=case, via=via, address=address)
    follower.unsubscribed_at = None
    follower.is_supporter = follower.is_supporter or supporter
    follower.save(update_fields=["unsubscribed_at", "is_supporter"])
    audit.record(
        "complaint.supported" if supporter else "complaint.followed",
        obj=case,
        actor_label="citizen",
        data={"follower": follower.pk, "via": via},
    )
    return follower


@transaction.atomic
def unfollow_complaint(*, token: str) -> Follower | None:
    """Stop messages to the follower with this token (one click; safe to repeat).

    Audited as ``complaint.unfollowed``.
    """
    follower = Follower.objects.select_for_update().filter(unsubscribe_token=token).first()
    if follower is None:
        return None
    if follower.unsubscribed_at is None:
        follower.unsubscribed_at = timezone.now()
        follower.save(update_fields=["unsubscribed_at"])
        audit.record(
            "complaint.unfollowed",
            obj=follower.complaint,
            actor_label="citizen",
            data={"follower": follower.pk},
        )
    return follower


def notify_followers(case: Complaint, body: str) -> int:
    """Queue the update to every follower who wants messages, with a one-click way out."""
    subject = _("Update on report %(number)s") % {"number": case.tracking_number}
    sent = 0
    for follower in followers_to_notify(case):
        text = _(
            "%(body)s\n\nRead the report: %(link)s\n"
            "Stop these messages with one click: %(unsubscribe)s"
        ) % {"body": body, "link": _public_link(case), "unsubscribe": unsubscribe_link(follower)}
        queue_citizen_notice(
            case, channel=follower.via, address=follower.address, subject=subject, body=text
        )
        sent += 1
    return sent


@transaction.atomic
def approve_message_for_public(
    *, actor, case: Complaint, message_id: int, public: bool = True
) -> CaseMessage:
    """An operator shows (or hides) a reply to the reporter on the public case page.

    Only replies to the reporter qualify, never internal notes or the reporter's own
    words. Showing it for the first time sends it to the case's followers.

    Audited as ``complaint.update_published`` or ``complaint.update_hidden``; raises
    PermissionDenied without the triage right.
    """
    require(actor, "triage", case)
    message = CaseMessage.objects.select_for_update().get(
        pk=message_id, complaint=case, kind=MessageKind.PUBLIC_REPLY
    )
    newly = public and not message.is_public
    message.is_public = public
    message.save(update_fields=["is_public"])
    audit.record(
        "complaint.update_published" if public else "complaint.update_hidden",
        actor=actor,
        obj=case,
        data={"message": message.pk},
    )
    if newly and not case.is_confidential:
        notify_followers(case, message.body)
    return message


@transaction.atomic
def approve_photo_for_public(
    *, actor, case: Complaint, attachment_id: int, public: bool = True
) -> Attachment:
    """An operator shows (or hides) a photo on the public case page.

    Whether faces or number plates may be shown is the operator's call; PDFs are never
    shown to the public here.

    Audited as ``complaint.photo_published`` or ``complaint.photo_hidden``; raises
    PermissionDenied without the triage right.
    """
    require(actor, "triage", case)
    photo = Attachment.objects.select_for_update().get(
        pk=attachment_id, complaint=case, content_type__startswith="image/"
    )
    photo.is_public = public
    photo.save(update_fields=["is_public"])
    audit.record(
        "complaint.photo_published" if public else "complaint.photo_hidden",
        actor=actor,
        obj=case,
        data={"attachment": photo.pk},
    )
    return photo
