"""A case's audit history in sentences for staff (never an event code)."""

from __future__ import annotations

from datetime import date

from django.utils import formats
from django.utils.translation import gettext


def _channel_label(code: str) -> str:
    from ..models import Channel

    try:
        return str(Channel(code).label)
    except ValueError:
        return code


def _state_label(code: str) -> str:
    from ..models import State

    try:
        return str(State(code).label)
    except ValueError:
        return code


def describe_actor(actor_name: str, actor_label: str) -> str:
    """Who acted, in words: a staff member's name, or the reporter, a channel, the system."""
    if actor_name:
        return actor_name
    if actor_label == "citizen":
        return gettext("The reporter")
    if actor_label.startswith("channel:"):
        return gettext("%(channel)s channel") % {"channel": _channel_label(actor_label[8:])}
    if actor_label == "system:routing":
        return gettext("Kanal's router")
    if actor_label.startswith("system"):
        return gettext("Kanal (automatic)")
    return actor_label or gettext("Kanal (automatic)")


def _route(data: dict) -> str:
    from kanal.outbox.rules import route_name

    return route_name(data.get("route", ""))


def describe_event(action: str, data: dict, unit_names: dict[str, str]) -> str:
    """One audit event of a case as a sentence for staff (never an event code).

    ``unit_names`` maps unit codes found in ``data`` to their names. Unknown events fall
    back to a generic sentence rather than showing the code.
    """
    data = data or {}

    def unit(key: str = "unit") -> str:
        code = data.get(key) or ""
        return unit_names.get(code, code) or gettext("no unit")

    def fmt_date(value) -> str:
        if not value:
            return "—"
        try:
            return formats.date_format(date.fromisoformat(str(value)[:10]), "j F Y")
        except ValueError:
            return str(value)

    name = action.removeprefix("complaint.")
    sentences = {
        "submitted": lambda: (
            gettext("Received through %(channel)s.")
            % {"channel": _channel_label(data.get("channel", ""))}
        ),
        "verify": lambda: gettext("Verified as a proper report."),
        "dispose": lambda: (
            (
                gettext("Routed automatically to %(unit)s.")
                if data.get("automatic")
                else gettext("Disposed to %(unit)s.")
            )
            % {"unit": unit()}
        ),
        "reroute": lambda: (
            gettext("Re-routed from %(old)s to %(new)s.") % {"old": unit("old_unit"), "new": unit()}
        ),
        "recategorised": lambda: (
            gettext("Topic or kind changed: %(changes)s.")
            % {"changes": ", ".join(f"{k}: {v[0] or '—'} → {v[1] or '—'}" for k, v in data.items())}
        ),
        "assigned": lambda: (
            gettext("Assigned to %(officer)s.")
            % {"officer": data.get("officer_name") or gettext("nobody")}
        ),
        "forwarded": lambda: gettext("Forwarded to the operators with a note."),
        "postpone": lambda: gettext("Waiting for the reporter: more information was asked."),
        "resume": lambda: gettext("The reporter answered; verification resumed."),
        "refer_outside": lambda: (
            gettext("Referred outside the city's authority to %(body)s.")
            % {"body": data.get("referred_to", "")}
        ),
        "reject": lambda: gettext("Rejected."),
        "merge": lambda: gettext("Merged into %(number)s.") % {"number": data.get("into", "")},
        "merged_in": lambda: (
            gettext("Case %(number)s was merged into this one.")
            % {"number": data.get("duplicate", "")}
        ),
        "send_back": lambda: (
            (
                gettext("Automatic disposition to %(unit)s undone; back to verification.")
                if data.get("reverted_decision")
                else gettext("Sent back to the operators by %(unit)s: %(reason)s")
            )
            % {"unit": unit(), "reason": data.get("reason", "")}
        ),
        "follow_up": lambda: gettext("The unit sent its follow-up."),
        "return_to_unit": lambda: (
            gettext("Quality check: returned to the unit (%(note)s).")
            % {"note": data.get("note", "")}
        ),
        "complete": lambda: gettext("Quality check passed; the answer was sent to the reporter."),
        "close": lambda: (
            gettext("Closed automatically after the quiet period.")
            if data.get("automatic")
            else gettext("Closed.")
        ),
        "reopen": lambda: gettext("Reopened by the reporter."),
        "hand_to_ppid": lambda: (
            gettext("Handed to the PPID as request %(number)s.")
            % {"number": data.get("ppid_request", "")}
        ),
        "replied": lambda: gettext("A reply was sent to the reporter."),
        "noted": lambda: gettext("An internal note was added."),
        "published": lambda: gettext("Shown on the public site."),
        "unpublished": lambda: gettext("Hidden from the public site."),
        "notice_sent": lambda: gettext("The reporter was notified."),
        "notice_failed": lambda: (
            gettext("Notifying the reporter failed: %(error)s")
            % {"error": data.get("error") or gettext("no reason given")}
        ),
        "notice_skipped": lambda: gettext(
            "The reporter was not notified (no way to reach them on this channel)."
        ),
        "notice_pending": lambda: gettext("A notice to the reporter is waiting to be sent."),
        # The one outbox (kanal.outbox); the delivery panel has the details.
        "outbox.sent": lambda: (
            gettext("A message was sent by %(route)s.") % {"route": _route(data)}
        ),
        "outbox.attempt_failed": lambda: (
            gettext("Sending by %(route)s failed: %(error)s")
            % {"route": _route(data), "error": data.get("error") or gettext("no reason given")}
        ),
        "outbox.unreachable": lambda: gettext(
            "A message reached no one: every way to contact the person failed."
        ),
        "escalated": lambda: (
            gettext("Overdue since %(due)s: escalated to level %(level)s.")
            % {"due": fmt_date(data.get("due_date")), "level": data.get("to", "")}
        ),
        "due_date_recomputed": lambda: (
            gettext("Due date moved from %(old)s to %(new)s after a calendar change.")
            % {"old": fmt_date(data.get("from")), "new": fmt_date(data.get("to"))}
        ),
        "attachment_added": lambda: gettext("A file was attached."),
        "citizen_replied": lambda: gettext("The reporter replied."),
        "access_code_sent": lambda: gettext("A one-time code was sent to the reporter."),
        "reporter_verified": lambda: gettext("The reporter confirmed their code."),
        "rated": lambda: (
            gettext("The reporter rated the answer %(rating)s of 5.")
            % {"rating": data.get("rating", "")}
        ),
    }
    sentence = sentences.get(name)
    return (
        sentence()
        if sentence
        else gettext("Recorded: %(what)s.") % {"what": name.replace("_", " ")}
    )
