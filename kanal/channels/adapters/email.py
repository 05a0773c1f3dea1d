"""E-mail: IMAP polling with imap-tools; each message stored raw under its Message-ID.

Threading (channels.md §5, Chatwoot + Zammad): our reply address with the tracking
number (``pengaduan+BL-XXXX-XXXX@…``) or the number in the subject first, then
``In-Reply-To`` / ``References`` against message ids we know. The lookups happen in
the action; this module only reads the headers.
"""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC
from email.utils import getaddresses, parsedate_to_datetime

from ..rules import InboundItem, MediaRef
from .base import item_digest, setting

PROVIDER = "email"
CHANNEL = "email"
MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def message_key(raw: bytes) -> str:
    """The dedupe key: the Message-ID, or the digest of the bytes when there is none."""
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    message_id = (parsed.get("Message-ID") or "").strip()
    return f"mid:{message_id}" if message_id else f"raw:{item_digest(raw.hex())}"


def _text_of(parsed) -> str:
    part = parsed.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_type() == "text/html":
        import nh3

        text = nh3.clean(text, tags=set())
    # Quoted history below the reply is not the citizen's new message.
    lines = []
    for line in text.splitlines():
        if line.startswith(">") or re.match(r"^(On|Pada) .+(wrote|menulis):\s*$", line):
            break
        lines.append(line)
    return "\n".join(lines).strip()


def normalise(raw: bytes) -> list[InboundItem]:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    sender = getaddresses([str(parsed.get("From", ""))])
    name, address = sender[0] if sender else ("", "")
    recipients = [a for _n, a in getaddresses([str(parsed.get(h, "")) for h in ("To", "Cc")])]
    refs = MESSAGE_ID.findall(f"{parsed.get('In-Reply-To', '')} {parsed.get('References', '')}")
    try:
        sent_at = parsedate_to_datetime(str(parsed.get("Date")))
        sent_at = sent_at if sent_at.tzinfo else sent_at.replace(tzinfo=UTC)
    except (TypeError, ValueError):
        sent_at = None
    media = []
    attachments: dict[str, bytes] = {}
    for index, part in enumerate(parsed.iter_attachments()):
        data = part.get_content()
        if isinstance(data, str):
            data = data.encode()
        ref = f"part-{index}"
        attachments[ref] = data
        media.append(
            MediaRef(ref=ref, content_type=part.get_content_type(), name=part.get_filename() or ref)
        )
    subject = str(parsed.get("Subject", ""))
    text = _text_of(parsed)
    return [
        InboundItem(
            key=message_key(raw),
            kind="message",
            channel=CHANNEL,
            contact_id=address.lower(),
            contact_name=name,
            email=address.lower(),
            thread_key="",
            message_id=str(parsed.get("Message-ID", "")).strip(),
            message_kind="email",
            text=f"{subject}\n\n{text}".strip() if subject else text,
            sent_at=sent_at,
            media=tuple(media),
            data={
                "subject": subject,
                "to": recipients,
                "references": refs,
                "attachments": attachments,
            },
        )
    ]


def _imap_ssl() -> bool:
    return str(setting("KANAL_IMAP_SSL", "1")).strip().lower() not in ("0", "false", "no", "off")


def fetch_unseen(limit: int = 50) -> list[tuple[str, bytes]]:
    """Unseen messages from the IMAP folder as (uid, raw bytes); marks none seen yet."""
    from imap_tools import MailBox, MailBoxUnencrypted

    host = setting("KANAL_IMAP_HOST")
    port = int(setting("KANAL_IMAP_PORT", 993))
    box_class = MailBox if _imap_ssl() else MailBoxUnencrypted
    with box_class(host, port=port, timeout=30).login(
        setting("KANAL_IMAP_USER"),
        setting("KANAL_IMAP_PASSWORD"),
        initial_folder=setting("KANAL_IMAP_FOLDER", "INBOX"),
    ) as box:
        return [
            (msg.uid, msg.obj.as_bytes())
            for msg in box.fetch("UNSEEN", limit=limit, mark_seen=False, bulk=True)
        ]


def mark_seen(uids: list[str]) -> None:
    from imap_tools import MailBox, MailBoxUnencrypted

    if not uids:
        return
    box_class = MailBox if _imap_ssl() else MailBoxUnencrypted
    with box_class(setting("KANAL_IMAP_HOST"), port=int(setting("KANAL_IMAP_PORT", 993))).login(
        setting("KANAL_IMAP_USER"),
        setting("KANAL_IMAP_PASSWORD"),
        initial_folder=setting("KANAL_IMAP_FOLDER", "INBOX"),
    ) as box:
        box.flag(uids, "\\Seen", True)


def reply_address(tracking_number: str = "") -> str:
    """``pengaduan+BL-XXXX-XXXX@domain``: replies to it find their case again."""
    address = setting("KANAL_EMAIL_REPLY_ADDRESS", "") or setting("DEFAULT_FROM_EMAIL", "")
    if not tracking_number or "@" not in address:
        return address
    local, domain = address.split("@", 1)
    return f"{local}+{tracking_number}@{domain}"


def send(reply) -> str:
    """Send through Django's mail API with our Message-ID, Reply-To and subject tag.

    The Message-ID is derived from the outbox reference, so an interrupted send that
    is sent again carries the same id (mail clients show one message) and a reply's
    In-Reply-To finds the case again.
    """
    from django.core.mail import EmailMessage
    from django.core.mail.message import make_msgid

    from .base import ProviderError

    number = reply.reference_number
    domain = (reply_address() or "kanal.localhost").split("@")[-1]
    message_id = f"<{reply.reference}@{domain}>" if reply.reference else make_msgid(domain=domain)
    subject = reply.subject or setting("KANAL_EMAIL_REPLY_SUBJECT", "Laporan Anda")
    if number and number not in subject:
        subject = f"[{number}] {subject}"
    message = EmailMessage(
        subject=subject,
        body=reply.text,
        to=[reply.recipient],
        reply_to=[reply_address(number)],
        headers={"Message-ID": message_id},
    )
    for name, content, content_type in reply.attachments:
        message.attach(name, content, content_type)
    try:
        message.send()
    except OSError as exc:  # SMTP refused or unreachable: try again later
        raise ProviderError(f"SMTP: {exc}", temporary=True) from exc
    return message_id
