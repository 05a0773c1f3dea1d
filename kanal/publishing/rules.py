"""Pure publishing rules: the workflow table, channel limits, the weekly cadence check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

# --- Workflow ---------------------------------------------------------------------------

# (state, verb) -> next state. Anything not in the table is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "submit"): "review",
    ("review", "return"): "draft",  # the reviewer sends it back with a comment
    ("review", "approve"): "approved",
    ("approved", "schedule"): "scheduled",
    ("approved", "publish"): "published",
    ("approved", "return"): "draft",
    ("scheduled", "unschedule"): "approved",
    ("scheduled", "publish"): "published",  # the scheduler, at the planned time
    ("published", "withdraw"): "withdrawn",
    ("withdrawn", "return"): "draft",
}
STATES = ("draft", "review", "approved", "scheduled", "published", "withdrawn")
VERBS = ("submit", "return", "approve", "schedule", "unschedule", "publish", "withdraw")
EDITABLE_STATES = frozenset({"draft"})
STATE_NAMES = {
    "draft": pgettext_lazy("content state", "a draft"),
    "review": pgettext_lazy("content state", "in review"),
    "approved": pgettext_lazy("content state", "approved"),
    "scheduled": pgettext_lazy("content state", "scheduled"),
    "published": pgettext_lazy("content state", "published"),
    "withdrawn": pgettext_lazy("content state", "withdrawn"),
}


class TransitionRefused(ValueError):
    """The change is not allowed; the message says why, for the user."""


def next_state(
    state: str,
    verb: str,
    *,
    actor_is_submitter: bool = False,
    has_schedule: bool = True,
) -> str:
    """The state after ``verb``, or raise TransitionRefused.

    A reviewer may not approve an item they submitted themselves (four eyes);
    scheduling needs a planned time.
    """
    target = TRANSITIONS.get((state, verb))
    if target is None:
        raise TransitionRefused(
            _("This step is not possible while the item is %(state)s.")
            % {"state": STATE_NAMES.get(state, state)}
        )
    if verb == "approve" and actor_is_submitter:
        raise TransitionRefused(_("Another editor must approve an item you submitted."))
    if verb == "schedule" and not has_schedule:
        raise TransitionRefused(_("Set a planned publication time before scheduling."))
    return target


def verbs_from(state: str) -> list[str]:
    """The verbs the table allows from ``state`` (for buttons)."""
    return [verb for (s, verb) in TRANSITIONS if s == state]


# --- Channel previews -------------------------------------------------------------------

# Facebook: 63,206 characters per post; Instagram: caption max 2,200 (channels.md §7.2);
# TikTok photo posts: title max 90, description max 4,000 (Content Posting API, Photo).
CAPTION_LIMITS = {"website": None, "facebook": 63206, "instagram": 2200, "tiktok": 4000}
TIKTOK_TITLE_LIMIT = 90
# Instagram feed images: aspect ratio between 4:5 and 1.91:1 (error 2207009, channels.md §7.2).
IMAGE_RATIOS = {"instagram": (0.8, 1.91), "tiktok": (0.5, 1.91)}
NEEDS_IMAGE = frozenset({"instagram", "tiktok"})


@dataclass(frozen=True)
class ChannelPreview:
    """How an item would read on one channel, and what keeps it from being posted there."""

    channel: str
    caption: str
    limit: int | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def caption_for(title: str, summary: str, url: str) -> str:
    """The social caption: title, summary, link to the full item (the link is the marker)."""
    parts = [title.strip()]
    if summary.strip():
        parts.append(summary.strip())
    parts.append(_("More: %(url)s") % {"url": url})
    return "\n\n".join(parts)


def preview(channel: str, caption: str, images: list[tuple[int, int]]) -> ChannelPreview:
    """How ``caption`` and images of (width, height) fit ``channel``: problems in words."""
    problems = []
    limit = CAPTION_LIMITS.get(channel)
    if limit is not None and len(caption) > limit:
        problems.append(
            _("The caption has %(n)d characters; %(channel)s allows %(limit)d.")
            % {"n": len(caption), "channel": channel, "limit": limit}
        )
    if channel in NEEDS_IMAGE and not images:
        problems.append(_("%(channel)s needs at least one image.") % {"channel": channel})
    ratios = IMAGE_RATIOS.get(channel)
    for i, (w, h) in enumerate(images, start=1):
        if ratios is None or not h:
            continue
        low, high = ratios
        ratio = w / h
        if not low <= ratio <= high:
            problems.append(
                _("Image %(i)d has ratio %(ratio).2f; %(channel)s accepts %(low).2f to %(high).2f.")
                % {"i": i, "ratio": ratio, "channel": channel, "low": low, "high": high}
            )
    return ChannelPreview(channel, caption, limit, tuple(problems))


# --- Weekly cadence ---------------------------------------------------------------------


def week_start(d: date) -> date:
    """The Monday of ``d``'s ISO week."""
    return d - timedelta(days=d.weekday())


@dataclass(frozen=True)
class CadenceCell:
    """One week, kind and channel of the cadence table: posts the plan asks for, items counted."""

    week: date
    kind: str
    channel: str
    planned: int
    counted: int

    @property
    def short(self) -> bool:
        return self.counted < self.planned


def cadence(
    plan: list[tuple[str, str, int]],
    items: list[tuple[date, str, tuple[str, ...]]],
    weeks: list[date],
) -> list[CadenceCell]:
    """Compare the plan (kind, channel, posts per week) with items (day, kind, channels).

    Every item counts for the website; for a social channel only items that target it.
    Returns one cell per (week, plan row); ``short`` cells are the flagged gaps.
    """
    counts: dict[tuple[date, str, str], int] = {}
    for day, kind, channels in items:
        wk = week_start(day)
        for channel in ("website", *channels):
            counts[(wk, kind, channel)] = counts.get((wk, kind, channel), 0) + 1
    return [
        CadenceCell(wk, kind, channel, n, counts.get((wk, kind, channel), 0))
        for wk in weeks
        for kind, channel, n in plan
    ]


# --- Cross-posting ----------------------------------------------------------------------

TERMINAL_POST_STATES = frozenset({"published", "skipped", "failed", "needs_check"})


def tiktok_privacy(options: list[str], audited: bool) -> str:
    """The privacy level to use: public only for an audited app that is offered it.

    TikTok restricts unaudited API clients to private posts (channels.md §3.2).
    """
    if audited and "PUBLIC_TO_EVERYONE" in options:
        return "PUBLIC_TO_EVERYONE"
    return "SELF_ONLY"


def instagram_quota_left(usage: int, total: int) -> int:
    """How many posts Instagram still allows in its window (never below zero)."""
    return max(total - usage, 0)
