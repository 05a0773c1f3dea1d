"""Media partners and the delivery of press releases to them by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal import audit
from kanal.core import phones

from .. import queries, rules
from ..models import (
    ContentItem,
    ContentKind,
    ContentState,
    DeliveryState,
    MediaPartner,
    PressDelivery,
)
from .common import enqueue

PARTNER_FIELDS = (
    "name",
    "kind",
    "contact_name",
    "email",
    "phone",
    "preferred_formats",
    "is_active",
)


@transaction.atomic
def save_media_partner(actor, partner: MediaPartner | None = None, **fields) -> MediaPartner:
    """Create a partner, or change one (``partner`` given)."""
    partner = partner or MediaPartner()
    for name in PARTNER_FIELDS:
        if name in fields:
            setattr(partner, name, fields[name])
    partner.phone = phones.storable(partner.phone)  # E.164 when it is a number
    return audit.save_and_record(
        partner,
        actor=actor,
        created="partner.created",
        changed="partner.updated",
        data={"fields": sorted(fields)},
    )


@transaction.atomic
def send_press_release(actor, item: ContentItem, partners) -> list[PressDelivery]:
    """Record one delivery per chosen partner and enqueue each e-mail after commit.

    A partner who already has a delivery of this release gets nothing new (never sent
    twice). Only a published press release can be sent.
    """
    item = ContentItem.objects.get(pk=item.pk)
    if item.kind != ContentKind.PRESS_RELEASE or item.state != ContentState.PUBLISHED:
        raise rules.TransitionRefused(_("Only a published press release can be sent."))
    new = []
    for partner in partners:
        delivery, created = PressDelivery.objects.get_or_create(
            item=item, partner=partner, defaults={"requested_by": actor}
        )
        if created:
            new.append(delivery)
            enqueue("deliver_press_release", delivery.pk)
    audit.record(
        "press_release.sent",
        actor=actor,
        obj=item,
        data={"partners": [d.partner_id for d in new]},
    )
    return new


def _message(delivery: PressDelivery) -> EmailMessage:
    item = delivery.item
    body = "\n\n".join(
        [
            _("Dear %(name)s,") % {"name": delivery.partner.contact_name or delivery.partner.name},
            item.title,
            *item.paragraphs(),
            _("Online: %(url)s") % {"url": queries.item_url(item)},
            settings.KANAL_SITE_NAME,
        ]
    )
    message = EmailMessage(
        subject=_("Press release: %(title)s") % {"title": item.title},
        body=body,
        to=[delivery.partner.email],
        headers={"X-Kanal-Delivery": str(delivery.pk)},
    )
    for f in item.files.all():
        with default_storage.open(f.storage_name, "rb") as fh:
            message.attach(f.original_name, fh.read(), f.content_type)
    return message


def deliver_press_release(delivery_id: int) -> str:
    """Send one delivery's e-mail once; returns its state. Safe to run twice.

    The row says ``sending`` (committed) before the SMTP call. A run that finds
    ``sending`` does not know whether the earlier one got through, so it marks the
    delivery failed with that explanation instead of e-mailing the partner twice.
    """
    with transaction.atomic():
        delivery = (
            PressDelivery.objects.select_for_update()
            .select_related("item", "partner")
            .get(pk=delivery_id)
        )
        if delivery.state in (DeliveryState.SENT, DeliveryState.FAILED):
            return delivery.state
        if delivery.state == DeliveryState.SENDING:
            delivery.state = DeliveryState.FAILED
            delivery.error = _(
                "An earlier attempt was interrupted; ask the partner whether it arrived "
                "before sending again."
            )
            delivery.save()
            return delivery.state
        delivery.state = DeliveryState.SENDING
        delivery.save()
    try:
        _message(delivery).send()
    except Exception as exc:  # SMTP, DNS, storage: recorded for the editor to see
        state, error = DeliveryState.FAILED, f"{type(exc).__name__}: {exc}"
    else:
        state, error = DeliveryState.SENT, ""
    with transaction.atomic():
        PressDelivery.objects.filter(pk=delivery.pk).update(
            state=state,
            error=error,
            sent_at=timezone.now() if state == DeliveryState.SENT else None,
        )
        audit.record(
            f"press_release.{state}",
            obj=delivery.item,
            actor_label="system",
            data={"partner": delivery.partner_id, "error": error},
        )
    return state


@transaction.atomic
def resend_press_release(actor, delivery: PressDelivery) -> PressDelivery:
    """Send a failed delivery again (the editor decided it did not arrive)."""
    delivery = PressDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state != DeliveryState.FAILED:
        raise rules.TransitionRefused(_("Only a failed delivery can be sent again."))
    delivery.state = DeliveryState.PENDING
    delivery.error = ""
    delivery.save()
    audit.record(
        "press_release.resent",
        actor=actor,
        obj=delivery.item,
        data={"partner": delivery.partner_id},
    )
    enqueue("deliver_press_release", delivery.pk)
    return delivery
