"""Reads for the console's person page: one citizen's contacts, cases and messages.

A "person" is either a citizen of the channels app (one or more linked contacts:
WhatsApp, SMS, e-mail, ...) or, for a report from the web form or a desk, its reporter.
Cases are joined to a person through their conversations and through the reporter's
phone (any spelling of the number) or e-mail. Only roles that may see reporters reach
any of this (``access_people``); cases are further limited to the ones the user may open.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from kanal.accounts.queries import scope_for
from kanal.accounts.rules import Capability
from kanal.channels.models import Citizen, Contact, Message
from kanal.complaints.models import Complaint, Reporter
from kanal.complaints.queries import complaints_visible_to
from kanal.core.phones import written_forms

SEARCH_LIMIT = 30


def access_people(user) -> None:
    """PermissionDenied unless ``user``'s role may see who reported cases."""
    if not scope_for(user).has(Capability.VIEW_REPORTERS):
        raise PermissionDenied


@dataclass
class PersonMatch:
    """One hit of the console's person search: a citizen or a reporter, with their contacts."""

    kind: str  # "citizen" or "reporter"
    pk: int
    name: str
    phone: str
    email: str
    channels: list[str] = field(default_factory=list)


def search_people(user, text: str) -> list[PersonMatch]:
    """Citizens and reporters whose name contains ``text`` or whose phone or e-mail equals it.

    A reporter whose phone or e-mail belongs to a listed citizen is not listed twice.
    """
    access_people(user)
    text = text.strip()
    if len(text) < 3:
        return []
    if "@" in text:
        condition = Q(email__iexact=text)
    elif variants := written_forms(text):
        condition = Q(phone__in=variants)
    else:
        condition = Q(name__icontains=text)
    citizens = list(Citizen.objects.filter(condition).prefetch_related("contacts")[:SEARCH_LIMIT])
    seen_phones = {c.phone for c in citizens if c.phone}
    seen_emails = {c.email.lower() for c in citizens if c.email}
    results = [
        PersonMatch(
            "citizen",
            c.pk,
            c.name,
            c.phone,
            c.email,
            sorted({contact.channel for contact in c.contacts.all()}),
        )
        for c in citizens
    ]
    for r in Reporter.objects.filter(condition).order_by("-created_at")[:SEARCH_LIMIT]:
        phones = set(written_forms(r.phone)) if r.phone else set()
        if phones & seen_phones or (r.email and r.email.lower() in seen_emails):
            continue
        results.append(PersonMatch("reporter", r.pk, r.name, r.phone, r.email))
        seen_phones |= phones
        if r.email:
            seen_emails.add(r.email.lower())
    return results


@dataclass
class Person:
    """Everything the person page shows of one citizen or reporter, joined by phone and e-mail."""

    name: str
    phones: list[str]
    emails: list[str]
    citizen: Citizen | None
    contacts: list[Contact]
    cases: list[Complaint]
    messages: list[Message]
    reporter: Reporter | None = None


def _contact_condition(phones: list[str], emails: list[str]) -> Q:
    condition = Q(pk__in=[])
    variants = [v for p in phones for v in written_forms(p)]
    if variants:
        condition |= Q(reporter__phone__in=variants)
    for email in emails:
        condition |= Q(reporter__email__iexact=email)
    return condition


def citizen_person(user, citizen_id: int, message_limit: int = 50) -> Person:
    """Everything about one citizen that ``user`` may see (404 for an unknown id)."""
    access_people(user)
    citizen = get_object_or_404(Citizen, pk=citizen_id)
    contacts = list(citizen.contacts.order_by("channel", "pk"))
    phones = sorted({p for p in [citizen.phone, *(c.phone for c in contacts)] if p})
    emails = sorted({e.lower() for e in [citizen.email, *(c.email for c in contacts)] if e})
    cases = list(
        complaints_visible_to(user)
        .filter(Q(conversations__contact__citizen=citizen) | _contact_condition(phones, emails))
        .distinct()
        .order_by("-received_at")[:200]
    )
    messages = list(
        Message.objects.filter(conversation__contact__citizen=citizen)
        .select_related("conversation")
        .order_by("-sent_at")[:message_limit]
    )
    return Person(citizen.name, phones, emails, citizen, contacts, cases, messages)


def reporter_person(user, reporter_id: int) -> Person:
    """A reporter without a channel contact (web form, desk), with every case of the same
    phone or e-mail, and the citizen (if any) holding that phone or e-mail."""
    access_people(user)
    reporter = get_object_or_404(Reporter, pk=reporter_id)
    phones = [reporter.phone] if reporter.phone else []
    emails = [reporter.email.lower()] if reporter.email else []
    cases = list(
        complaints_visible_to(user)
        .filter(Q(reporter=reporter) | _contact_condition(phones, emails))
        .distinct()
        .order_by("-received_at")[:200]
    )
    variants = [v for p in phones for v in written_forms(p)]
    citizen = (
        Citizen.objects.filter(
            Q(phone__in=variants) | (Q(email__iexact=emails[0]) if emails else Q(pk__in=[]))
        ).first()
        if variants or emails
        else None
    )
    return Person(reporter.name, phones, emails, citizen, [], cases, [], reporter=reporter)


def contact_for_link(channel: str, external_id: str) -> Contact | None:
    """The contact an operator names to join to a person (by channel and its id/number)."""
    external_id = external_id.strip()
    if not external_id:
        return None
    candidates = [external_id, *written_forms(external_id)]
    return Contact.objects.filter(channel=channel, external_id__in=candidates).first()
