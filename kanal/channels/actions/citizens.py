"""One citizen behind several contacts: joining contacts, with the citizen's consent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kanal import audit

from ..models import Citizen, Contact


@transaction.atomic
def link_contacts(*, actor, contact: Contact, other: Contact, consent_text: str) -> Citizen:
    """Make two contacts one citizen (an operator, after the citizen agreed).

    The citizen of ``contact`` is kept; ``other``'s citizen gives up its contacts.
    ``consent_text`` records what the citizen agreed to (UU PDP Pasal 20) and is required.
    """
    if not consent_text.strip():
        raise ValueError("the citizen's consent is required to join their contacts")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    other = Contact.objects.select_for_update().get(pk=other.pk)
    keep, old = contact.citizen, other.citizen
    if keep.pk != old.pk:
        Contact.objects.filter(citizen=old).update(citizen=keep, linked_by=actor)
        keep.phone = keep.phone or old.phone
        keep.email = keep.email or old.email
        keep.name = keep.name or old.name
    keep.consented_at = timezone.now()
    keep.consent_text = consent_text.strip()[:300]
    keep.save()
    audit.record(
        "channel.contacts_linked",
        actor=actor,
        obj=keep,
        data={"contacts": [contact.pk, other.pk], "merged_citizen": old.pk},
    )
    return keep


@transaction.atomic
def unlink_contact(*, actor, contact: Contact, reason: str) -> Citizen:
    """Take ``contact`` out of its citizen (joined by mistake, or the citizen asked).

    The contact becomes its own citizen with its own name, phone and e-mail; its
    conversations follow it. ``reason`` is recorded and required. The last contact of a
    citizen stays where it is.
    """
    if not reason.strip():
        raise ValueError("say why the contact is separated")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    old = contact.citizen
    if old.contacts.count() < 2:
        raise ValueError("this is the citizen's only contact")
    citizen = Citizen.objects.create(
        name=contact.display_name[:150], phone=contact.phone, email=contact.email
    )
    contact.citizen, contact.linked_by = citizen, actor
    contact.save(update_fields=["citizen", "linked_by", "updated_at"])
    audit.record(
        "channel.contact_unlinked",
        actor=actor,
        obj=old,
        data={"contact": contact.pk, "new_citizen": citizen.pk, "reason": reason.strip()[:300]},
    )
    return citizen
