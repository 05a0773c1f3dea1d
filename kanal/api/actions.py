"""Writes of the API app: issuing and revoking credentials, filing partner requests,
recording partner updates and idempotent responses. Each is atomic and audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal import audit
from kanal.complaints.actions import ReporterDetails, add_citizen_reply, submit_complaint
from kanal.complaints.models import Channel, Complaint, ContactPreference
from kanal.directory.models import Category
from kanal.wilayah.models import Kelurahan

from . import rules
from .models import ApiToken, IdempotencyKey, PartnerKey, PartnerRequest, PartnerUpdate


def _new_secret(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def issue_partner_key(*, actor, name: str, contact: str = "", posts_per_hour: int = 60):
    """Create a partner's api_key; returns (row, raw key). The raw key is shown once only.

    Audited as ``api.partner_key_issued`` (never the key).
    """
    raw = _new_secret("o311")
    partner = PartnerKey.objects.create(
        name=name,
        contact=contact,
        posts_per_hour=posts_per_hour,
        prefix=raw[:9],
        key_hash=rules.hash_secret(raw),
    )
    audit.record("api.partner_key_issued", actor=actor, obj=partner, data={"name": name})
    return partner, raw


@transaction.atomic
def revoke_partner_key(*, actor, partner: PartnerKey) -> PartnerKey:
    """Stop a partner key from working (its past requests stay linked to it).

    Audited as ``api.partner_key_revoked``.
    """
    if partner.revoked_at is None:
        partner.revoked_at = timezone.now()
        partner.save(update_fields=["revoked_at", "updated_at"])
        audit.record("api.partner_key_revoked", actor=actor, obj=partner, data={})
    return partner


@transaction.atomic
def issue_api_token(*, actor, user, name: str, expires_at=None):
    """Create a personal REST token for ``user``; returns (row, raw token), shown once.

    Audited as ``api.token_issued`` (never the token).
    """
    raw = _new_secret("knl")
    token = ApiToken.objects.create(
        user=user,
        name=name,
        expires_at=expires_at,
        prefix=raw[:8],
        key_hash=rules.hash_secret(raw),
    )
    audit.record("api.token_issued", actor=actor, obj=token, data={"user": user.pk, "name": name})
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor, token: ApiToken) -> ApiToken:
    """Revoke ``token`` now (audited as ``api.token_revoked``); revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record("api.token_revoked", actor=actor, obj=token, data={"user": token.user_id})
    return token


@dataclass(frozen=True)
class ServiceRequestInput:
    """A POSTed Open311 request, already checked by rules (location, attributes, length)."""

    category: Category
    description: str
    location: rules.Location
    kelurahan: Kelurahan | None = None
    attributes: dict | None = None
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    account_id: str = ""
    device_id: str = ""
    media_url: str = ""


def _description_with_attributes(data: ServiceRequestInput) -> str:
    lines = [data.description.strip()]
    if data.attributes:
        lines.append("")
        for code, value in data.attributes.items():
            shown = ", ".join(value) if isinstance(value, list) else value
            lines.append(f"{code}: {shown}")
    if data.media_url:
        lines.append(f"media_url: {data.media_url}")
    return "\n".join(lines).strip() or data.category.name


@transaction.atomic
def file_service_request(*, partner: PartnerKey, data: ServiceRequestInput) -> PartnerRequest:
    """Register an Open311 POST as a case (channel ``api``) and link it to the partner.

    The reporter's details are kept only when the partner sent some; without them the
    case is anonymous. The partner is recorded as the channel reference.

    Audited as ``api.open311_request_filed`` beside the case's own ``complaint.submitted``.
    """
    name = f"{data.first_name} {data.last_name}".strip()
    reporter = None
    if name or data.email or data.phone:
        reporter = ReporterDetails(
            name=name[:150],
            phone=data.phone[:30],
            email=data.email,
            contact_preference=ContactPreference.EMAIL if data.email else ContactPreference.NONE,
            consent_text=f"Open311 partner {partner.name}: consent collected by the partner",
        )
    loc = data.location
    case: Complaint = submit_complaint(
        channel=Channel.API,
        title=rules.title_from(data.description, data.category.name),
        description=_description_with_attributes(data),
        category=data.category,
        kelurahan=data.kelurahan,
        lat=loc.lat,
        lng=loc.lng,
        address=loc.address,
        reporter=reporter,
        channel_reference=f"open311:{partner.pk}:{data.account_id}"[:200],
    )
    link = PartnerRequest.objects.create(
        complaint=case,
        partner=partner,
        token=secrets.token_hex(16),
        account_id=data.account_id[:100],
        device_id=data.device_id[:100],
        media_url=data.media_url[:500],
        attributes=data.attributes or {},
    )
    partner.last_used_at = timezone.now()
    partner.save(update_fields=["last_used_at"])
    audit.record(
        "api.open311_request_filed",
        obj=case,
        actor_label=f"partner:{partner.pk}",
        data={"partner": partner.name, "attributes": sorted(link.attributes)},
    )
    return link


class DuplicateUpdate(Exception):
    """A partner sent an update id it had sent before; nothing was written."""


@transaction.atomic
def record_partner_update(
    *, partner: PartnerKey, case: Complaint, update_id: str, status: str, description: str
) -> PartnerUpdate:
    """A partner passes on its user's comment on a request it filed (FixMyStreet inbound).

    The text becomes the reporter's reply on the case; an ``update_id`` is taken once.
    Raises DuplicateUpdate for a repeated id, TransitionRefused when the case is closed.

    Audited as ``api.partner_update_received``.
    """
    try:
        with transaction.atomic():
            update = PartnerUpdate.objects.create(
                partner=partner,
                complaint=case,
                update_id=update_id[:100],
                status=status[:30],
                description=description,
            )
    except IntegrityError:
        raise DuplicateUpdate(update_id) from None
    add_citizen_reply(
        case=case,
        body=description
        or _("(status %(status)s from %(partner)s)") % {"status": status, "partner": partner.name},
        channel=Channel.API,
    )
    audit.record(
        "api.partner_update_received",
        obj=case,
        actor_label=f"partner:{partner.pk}",
        data={"update_id": update_id, "status": status},
    )
    return update


@transaction.atomic
def remember_response(*, user, key: str, fingerprint: str, status_code: int, body) -> None:
    """Store the first response to an idempotent POST, in the caller's transaction.

    Raises IntegrityError when the key was taken meanwhile; the caller rolls back its
    work and replays the stored response (see rest.idempotency).
    """
    IdempotencyKey.objects.create(
        user=user, key=key, fingerprint=fingerprint, status_code=status_code, body=body
    )


@transaction.atomic
def update_partner_key(*, actor, partner: PartnerKey, fields: list[str]) -> PartnerKey:
    """Save edited details (name, contact, hourly limit) of a partner key.

    Audited as ``api.partner_key_changed``.
    """
    allowed = [f for f in fields if f in ("name", "contact", "posts_per_hour")]
    if allowed:
        partner.save(update_fields=[*allowed, "updated_at"])
        audit.record("api.partner_key_changed", actor=actor, obj=partner, data={"fields": allowed})
    return partner


@transaction.atomic
def save_service_attribute(*, actor, attribute):
    """Save an extra question of a service (category) as edited in the admin.

    Audited as ``api.service_attribute_created`` or ``api.service_attribute_changed``.
    """
    return audit.save_and_record(
        attribute,
        actor=actor,
        created="api.service_attribute_created",
        changed="api.service_attribute_changed",
        data={"category": attribute.category.code, "code": attribute.code},
        clean=True,
    )


@transaction.atomic
def delete_service_attribute(*, actor, attribute) -> None:
    """Delete a service's Open311 attribute (audited as ``api.service_attribute_deleted``
    with the service and attribute codes).
    """
    audit.delete_and_record(
        attribute,
        "api.service_attribute_deleted",
        actor=actor,
        data={"category": attribute.category.code, "code": attribute.code},
    )
