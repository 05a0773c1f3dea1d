"""Pure rules: the workflow table (every state × verb), previews, cadence, TikTok privacy."""

from datetime import date

import pytest

from kanal.publishing import rules

ALLOWED = {
    ("draft", "submit"): "review",
    ("review", "return"): "draft",
    ("review", "approve"): "approved",
    ("approved", "schedule"): "scheduled",
    ("approved", "publish"): "published",
    ("approved", "return"): "draft",
    ("scheduled", "unschedule"): "approved",
    ("scheduled", "publish"): "published",
    ("published", "withdraw"): "withdrawn",
    ("withdrawn", "return"): "draft",
}


@pytest.mark.parametrize("state", rules.STATES)
@pytest.mark.parametrize("verb", rules.VERBS)
def test_every_state_and_verb_follows_the_table(state, verb):
    if (state, verb) in ALLOWED:
        assert rules.next_state(state, verb) == ALLOWED[(state, verb)]
    else:
        with pytest.raises(rules.TransitionRefused):
            rules.next_state(state, verb)


def test_the_table_has_no_transition_the_test_does_not_know():
    assert rules.TRANSITIONS == ALLOWED


def test_a_reviewer_may_not_approve_what_they_submitted():
    with pytest.raises(rules.TransitionRefused):
        rules.next_state("review", "approve", actor_is_submitter=True)
    assert rules.next_state("review", "approve", actor_is_submitter=False) == "approved"


def test_scheduling_needs_a_planned_time():
    with pytest.raises(rules.TransitionRefused):
        rules.next_state("approved", "schedule", has_schedule=False)


def test_nothing_leaves_published_except_withdrawal():
    assert rules.verbs_from("published") == ["withdraw"]


@pytest.mark.parametrize(
    ("channel", "length", "ok"),
    [
        ("instagram", 2200, True),
        ("instagram", 2201, False),
        ("tiktok", 4000, True),
        ("tiktok", 4001, False),
        ("facebook", 63206, True),
        ("facebook", 63207, False),
        ("website", 100000, True),
    ],
)
def test_caption_limits_per_channel(channel, length, ok):
    assert rules.preview(channel, "x" * length, [(1080, 1080)]).ok is ok


@pytest.mark.parametrize(
    ("size", "ok"),
    [
        ((1080, 1080), True),
        ((1080, 1350), True),
        ((1080, 1351), False),
        ((1910, 1000), True),
        ((1920, 1000), False),
    ],
)
def test_instagram_image_ratio_between_4_5_and_1_91(size, ok):
    assert rules.preview("instagram", "caption", [size]).ok is ok


def test_instagram_and_tiktok_need_an_image_facebook_does_not():
    assert not rules.preview("instagram", "c", []).ok
    assert not rules.preview("tiktok", "c", []).ok
    assert rules.preview("facebook", "c", []).ok


def test_the_caption_carries_the_link_to_the_item():
    caption = rules.caption_for("Judul", "Ringkas", "https://kanal.example/berita/judul/")
    assert caption.startswith("Judul\n\nRingkas") and "/berita/judul/" in caption


def test_cadence_flags_a_week_short_of_its_plan():
    mon1, mon2 = date(2026, 11, 23), date(2026, 11, 30)
    plan = [("activity", "instagram", 2), ("announcement", "website", 1)]
    items = [
        (date(2026, 11, 24), "activity", ("instagram",)),
        (date(2026, 11, 26), "activity", ("instagram", "facebook")),
        (date(2026, 11, 25), "announcement", ()),
        (date(2026, 12, 1), "activity", ("facebook",)),  # not for instagram
    ]
    cells = {(c.week, c.kind, c.channel): c for c in rules.cadence(plan, items, [mon1, mon2])}
    assert not cells[(mon1, "activity", "instagram")].short
    assert not cells[(mon1, "announcement", "website")].short
    assert cells[(mon2, "activity", "instagram")].counted == 0
    assert cells[(mon2, "activity", "instagram")].short
    assert cells[(mon2, "announcement", "website")].short


def test_week_starts_on_monday():
    assert rules.week_start(date(2026, 11, 29)) == date(2026, 11, 23)


@pytest.mark.parametrize(
    ("options", "audited", "expected"),
    [
        (["SELF_ONLY"], False, "SELF_ONLY"),
        (["PUBLIC_TO_EVERYONE", "SELF_ONLY"], False, "SELF_ONLY"),
        (["PUBLIC_TO_EVERYONE", "SELF_ONLY"], True, "PUBLIC_TO_EVERYONE"),
        (["SELF_ONLY"], True, "SELF_ONLY"),
    ],
)
def test_tiktok_posts_privately_until_the_app_is_audited(options, audited, expected):
    assert rules.tiktok_privacy(options, audited) == expected
