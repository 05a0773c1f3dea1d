"""Cross-posting against local servers that speak the providers' contracts: exactly once."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from kanal.audit.models import AuditEvent
from kanal.publishing import actions
from kanal.publishing.actions import crosspost
from kanal.publishing.models import ChannelPost, ContentItem

from .conftest import approved

pytestmark = pytest.mark.django_db
ALL = ("facebook", "instagram", "tiktok")


def publish(editor, reviewer, channels=ALL, **kw):
    item = approved(editor, reviewer, channels=channels, **kw)
    actions.transition_item(reviewer, item, "publish")
    return item


def drive(item, channel):
    post = ChannelPost.objects.get(item=item, channel=channel)
    crosspost.drive_channel_post(post.pk)
    post.refresh_from_db()
    return post


def test_publishing_posts_once_to_each_channel(editor, reviewer, providers):
    graph, tiktok = providers
    item = publish(editor, reviewer)
    fb, ig, tt = (drive(item, ch) for ch in ALL)
    assert [fb.state, ig.state, tt.state] == ["published", "published", "published"]
    assert len(graph.feed) == 1 and fb.external_id == graph.feed[0]["id"]
    assert "/berita/kerja-bakti/" in graph.feed[0]["message"]
    assert len(graph.media) == 1 and ig.external_id == graph.media[0]["id"]
    assert len(tiktok.posts) == 1
    # running every driver again changes nothing
    for ch in ALL:
        drive(item, ch)
    assert len(graph.feed) == 1 and len(graph.media) == 1 and len(tiktok.posts) == 1
    assert AuditEvent.objects.filter(action="crosspost.published").count() == 3


def test_instagram_reads_the_publishing_limit_before_publishing(editor, reviewer, providers):
    graph, _tiktok = providers
    item = publish(editor, reviewer, channels=["instagram"])
    drive(item, "instagram")
    paths = [path for _m, path, _p in graph.requests]
    limit = paths.index("/v21.0/1789/content_publishing_limit")
    assert limit < paths.index("/v21.0/1789/media_publish")


def test_instagram_waits_when_the_limit_is_reached(editor, reviewer, providers):
    graph, _tiktok = providers
    graph.quota_usage = graph.quota_total
    item = publish(editor, reviewer, channels=["instagram"])
    post = drive(item, "instagram")
    assert post.state == "container" and "Batas publikasi" in post.error
    assert graph.media == []
    graph.quota_usage = 0  # the moving window moved on
    assert drive(item, "instagram").state == "published"
    assert len(graph.media) == 1


def test_instagram_polls_a_container_still_in_progress(editor, reviewer, providers, settings):
    graph, _tiktok = providers
    graph.container_polls_before_finished = 5
    item = publish(editor, reviewer, channels=["instagram"])
    post = drive(item, "instagram")  # 3 polls: still IN_PROGRESS
    assert post.state == "container" and post.container_id
    assert drive(item, "instagram").state == "published"
    assert len(graph.containers) == 1 and len(graph.media) == 1


def test_instagram_crash_between_publish_and_record_never_publishes_again(
    editor, reviewer, providers
):
    graph, _tiktok = providers
    graph.drop_after.add("ig.publish")  # published, but the answer never comes back
    item = publish(editor, reviewer, channels=["instagram"])
    post = drive(item, "instagram")
    assert post.state == "publishing" and post.external_id == ""
    assert len(graph.media) == 1
    post = drive(item, "instagram")  # the retry asks the container first
    assert post.state == "published"
    assert post.external_id == graph.media[0]["id"]
    assert len(graph.media) == 1
    publishes = [p for _m, p, _x in graph.requests if p.endswith("media_publish")]
    assert len(publishes) == 1


def test_facebook_crash_between_post_and_record_reconciles_from_the_feed(
    editor, reviewer, providers
):
    graph, _tiktok = providers
    graph.drop_after.add("fb.post")
    item = publish(editor, reviewer, channels=["facebook"])
    post = drive(item, "facebook")
    assert post.state == "publishing" and len(graph.feed) == 1
    post = drive(item, "facebook")
    assert post.state == "published" and post.external_id == graph.feed[0]["id"]
    assert len(graph.feed) == 1


def test_facebook_retry_posts_when_the_first_attempt_never_arrived(editor, reviewer, providers):
    graph, _tiktok = providers
    item = publish(editor, reviewer, channels=["facebook"])
    post = ChannelPost.objects.get(item=item, channel="facebook")
    ChannelPost.objects.filter(pk=post.pk).update(state="publishing")  # died before the call
    assert drive(item, "facebook").state == "published"
    assert len(graph.feed) == 1


def test_tiktok_posts_privately_and_says_so(editor, reviewer, providers):
    _graph, tiktok = providers
    item = publish(editor, reviewer, channels=["tiktok"])
    post = drive(item, "tiktok")
    assert post.state == "published" and post.privacy_level == "SELF_ONLY"
    sent = next(iter(tiktok.posts.values()))["post_info"]
    assert sent["privacy_level"] == "SELF_ONLY"


def test_tiktok_crash_after_init_is_checked_by_a_person_not_posted_twice(
    editor, reviewer, providers
):
    _graph, tiktok = providers
    tiktok.drop_after.add("tt.init")
    item = publish(editor, reviewer, channels=["tiktok"])
    assert drive(item, "tiktok").state == "publishing"
    post = drive(item, "tiktok")
    assert post.state == "needs_check" and "TikTok" in post.error
    assert len(tiktok.posts) == 1
    drive(item, "tiktok")
    assert len(tiktok.posts) == 1
    crosspost.resolve_checked_post(reviewer, post, was_posted=True)
    post.refresh_from_db()
    assert post.state == "published" and len(tiktok.posts) == 1


def test_a_provider_error_is_shown_and_can_be_retried(editor, reviewer, providers):
    graph, _tiktok = providers
    graph.fail["fb.post"] = (
        400,
        {"error": {"message": "(#200) Permissions error", "type": "OAuthException", "code": 200}},
    )
    item = publish(editor, reviewer, channels=["facebook"])
    post = drive(item, "facebook")
    assert post.state == "failed" and "Permissions error" in post.error and "200" in post.error
    assert graph.feed == []
    crosspost.retry_channel_post(reviewer, post)
    assert drive(item, "facebook").state == "published"
    assert len(graph.feed) == 1


def test_a_channel_without_credentials_is_skipped_with_the_reason(editor, reviewer, settings):
    item = publish(editor, reviewer, channels=["facebook", "tiktok"])
    posts = {p.channel: p for p in item.posts.all()}
    assert posts["facebook"].state == "skipped"
    assert "belum dikonfigurasi" in posts["facebook"].error
    assert posts["tiktok"].state == "skipped"


def test_publishing_queues_one_driver_per_channel_with_the_transaction(editor, reviewer, providers):
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    def drivers():
        return DBTaskResult.objects.filter(task_path__endswith=".drive_channel_post").count()

    item = approved(editor, reviewer, channels=ALL)
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.transition_item(reviewer, item, "publish")
        raise RuntimeError("rolled back after publishing")
    assert drivers() == 0  # a rolled-back publication queues nothing
    actions.transition_item(reviewer, item, "publish")
    assert drivers() == 3


def run_worker():
    call_command("task_worker", "--batch", "--interval", "0.01", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_item_appears_and_is_posted_exactly_once_across_worker_restarts(
    reference_data, staff_factory, providers, client, time_machine
):
    from kanal.publishing import tasks

    graph, tiktok = providers
    editor = staff_factory("eka", [("editor", "diskominfo")])
    reviewer = staff_factory("rina", [("editor", "diskominfo")])
    time_machine.move_to("2026-11-30 08:00 +07:00", tick=False)
    when = timezone.now() + timezone.timedelta(hours=2)
    item = approved(editor, reviewer, channels=ALL, scheduled_at=when)
    actions.transition_item(reviewer, item, "schedule")
    assert client.get("/berita/kerja-bakti/").status_code == 404
    graph.drop_after.add("ig.publish")  # the worker "dies" right after Instagram publishes

    with transaction.atomic():
        tasks.run_publishing.enqueue()
    run_worker()
    assert ContentItem.objects.get(pk=item.pk).state == "scheduled"  # not yet

    time_machine.move_to("2026-11-30 10:01 +07:00", tick=False)
    with transaction.atomic():
        tasks.run_publishing.enqueue()
    run_worker()  # publishes on the website, drives the three posts
    assert client.get("/berita/kerja-bakti/").status_code == 200
    # The batch also ran the sweep's second driver, which found the container
    # PUBLISHED and only recorded it.

    for _restart in range(2):  # the scheduler's sweep after a restart, twice
        with transaction.atomic():
            tasks.run_publishing.enqueue()
        run_worker()
    states = dict(ChannelPost.objects.filter(item=item).values_list("channel", "state"))
    assert states == {"facebook": "published", "instagram": "published", "tiktok": "published"}
    assert (len(graph.feed), len(graph.media), len(tiktok.posts)) == (1, 1, 1)
    publishes = [p for _m, p, _x in graph.requests if p.endswith("media_publish")]
    assert len(publishes) == 1
    assert ChannelPost.objects.get(item=item, channel="instagram").external_id
