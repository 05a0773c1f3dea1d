"""Pure rules of the outbox: the fallback chain, statuses, and delivery results in words."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _

from kanal.core.http import retry_delay as _backoff

from .models import AttemptState

# When the chosen channel cannot carry a message, the citizen's other contacts are
# tried in this order (issue 16): a business-initiated WhatsApp template (the only kind
# of WhatsApp message allowed outside the 24-hour window, channels.md §2.3), then SMS,
# then e-mail.
FALLBACK_ORDER = ("whatsapp_template", "sms", "email")

# Routes that answer within a conversation: they need one, and its reply window
# (SP4N-LAPOR! has no window: its "conversation" is the report's record).
CONVERSATION_ROUTES = ("whatsapp", "facebook", "instagram", "tiktok", "telegram", "lapor")

# Messages about a case to people who are not its reporter: a follower's update, a code
# asked for on "my reports". They are not on the case's delivery panel, and when nothing
# reaches them no operator is told (the reporter is who the operators answer to).
NOT_TO_REPORTER = ("follower_update", "contact_code")

REFERENCE_PREFIX = "kanal-out-"  # echoed by WhatsApp (biz_opaque_callback_data) in statuses


def plan_for(first_route: str, *, fallback: bool) -> list[str]:
    """The routes to try, in order: the chosen one, then the fallback chain without it."""
    plan = [first_route]
    if fallback:
        plan += [route for route in FALLBACK_ORDER if route != first_route]
    return plan


def reference_for(attempt_id: int) -> str:
    """The reference a provider echoes back for attempt ``attempt_id`` (see attempt_id_from)."""
    return f"{REFERENCE_PREFIX}{attempt_id}"


def attempt_id_from(reference: str) -> int | None:
    """The attempt a provider's echoed reference names, or None."""
    tail = reference.removeprefix(REFERENCE_PREFIX)
    if tail == reference or not tail.isdigit():
        return None
    return int(tail)


def retry_delay(tries: int, *, base_seconds: int, max_tries: int) -> timedelta | None:
    """Backoff on one route after ``tries`` temporary failures; None: go to the next route."""
    return _backoff(tries, base_seconds=base_seconds, max_tries=max_tries)


# Status callbacks arrive out of order (WhatsApp may skip "delivered"); keep the highest.
# A failure outranks "sent" (it came later) but never a delivery or a read.
STATUS_RANK = {"": 0, "sent": 1, "failed": 2, "delivered": 3, "read": 4}


def merge_status(current: str, reported: str) -> str:
    """The provider status to keep when ``reported`` arrives for an attempt at ``current``."""
    reported = "read" if reported == "played" else reported
    if reported not in STATUS_RANK:
        return current
    return reported if STATUS_RANK[reported] > STATUS_RANK.get(current, 0) else current


def raise_message_status(current: str, reached: str) -> str:
    """A message's status once an attempt reached ``reached`` (sent, delivered, read):
    the higher of the two; a message that reached someone is no longer pending or
    unreachable."""
    if current in ("pending", "unreachable"):
        return reached
    return merge_status(current, reached)


def message_status_for(provider_status: str) -> str:
    """The message's status once one of its attempts reached ``provider_status``."""
    return provider_status if provider_status in ("delivered", "read") else "sent"


def route_name(route: str) -> str:
    """The route's name for people (translated); an unknown route is shown as it is."""
    return {
        "whatsapp": _("WhatsApp message"),
        "whatsapp_template": _("WhatsApp template message"),
        "sms": _("SMS"),
        "email": _("E-mail"),
        "telegram": _("Telegram"),
        "facebook": _("Facebook Messenger"),
        "instagram": _("Instagram"),
        "tiktok": _("TikTok"),
        "lapor": _("SP4N-LAPOR!"),
    }.get(route, route)


def describe_attempt(
    route: str, state: str, reason: str, provider_status: str = "", tries: int = 0
) -> str:
    """One sentence for staff: what happened on this route, and why when it failed."""
    if state == AttemptState.SENT:
        if provider_status == "read":
            return _("Delivered and read.")
        if provider_status == "delivered":
            return _("Delivered to the person's phone or mailbox.")
        return _("Accepted for delivery; no delivery report yet.")
    if state == AttemptState.SENDING:
        return _("Being sent now.")
    if state == AttemptState.WAITING:
        return _("The provider did not answer properly; trying again (try %(tries)d).") % {
            "tries": tries
        }
    reasons = {
        "no_conversation": _(
            "The person has never written to us on this channel, so there is no "
            "conversation to answer in."
        ),
        "window_closed": _(
            "The person last wrote more than 24 hours ago; the channel only allows an "
            "answer within that time."
        ),
        "not_configured": _("This channel is not set up in Kanal."),
        "no_template": _(
            "No approved WhatsApp template is set up (KANAL_WHATSAPP_NOTICE_TEMPLATE), so "
            "WhatsApp cannot start a conversation."
        ),
        "no_phone": _("The person gave no phone number."),
        "no_email": _("The person gave no e-mail address."),
        "refused": _("The provider refused the message."),
        "gave_up": _("The provider kept failing after %(tries)d tries.") % {"tries": tries},
        "failed_later": _("The provider reported afterwards that it was not delivered."),
        "no_route": _("Kanal cannot send on this channel."),
    }
    return reasons.get(reason, _("Not sent."))


def is_reached(states: list[str]) -> bool:
    """Whether any attempt got the message to a provider."""
    return "sent" in states
