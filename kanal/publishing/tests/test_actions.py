"""Actions: drafting, files, the workflow with its audit trail, scheduled publication."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from kanal.audit.models import AuditEvent
from kanal.publishing import actions, queries, rules
from kanal.publishing.actions import visits
from kanal.publishing.models import ContentFile, ContentItem
from kanal.wilayah.models import Kelurahan

from .conftest import approved, make_item, png

pytestmark = pytest.mark.django_db


def test_a_draft_keeps_kind_units_tags_and_only_known_channels(editor):
    from kanal.directory.models import Unit

    item = actions.create_item(
        editor,
        kind="announcement",
        title="Imbauan cuaca",
        body="Isi.",
        units=[Unit.objects.get(code="diskominfo")],
        tags=["cuaca", "banjir", "cuaca"],
        channels=["instagram", "myspace", "facebook"],
    )
    assert item.state == "draft" and item.slug == "imbauan-cuaca"
    assert item.channels == ["facebook", "instagram"]
    assert sorted(t.name for t in item.tags.all()) == ["banjir", "cuaca"]
    assert [u.code for u in item.units.all()] == ["diskominfo"]
    assert make_item(editor, title="Imbauan cuaca", image=False).slug == "imbauan-cuaca-2"


def test_an_image_is_re_encoded_without_metadata_and_needs_alt_text(editor):
    item = make_item(editor, image=False)
    with pytest.raises(actions.UploadRejected):
        actions.add_file(editor, item, "foto.png", png(), alt_text="  ")
    assert not ContentFile.objects.exists()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    raw = io.BytesIO()
    Image.new("RGB", (800, 600), (1, 2, 3)).save(raw, "JPEG", exif=exif)
    f = actions.add_file(editor, item, "x.jpg", raw.getvalue(), alt_text="Jalan rusak")
    assert (f.width, f.height, f.content_type) == (800, 600, "image/jpeg")
    with default_storage.open(f.storage_name, "rb") as fh, Image.open(fh) as im:
        assert not im.getexif()


def test_a_pdf_is_accepted_only_for_press_releases(editor):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    with pytest.raises(actions.UploadRejected):
        actions.add_file(editor, make_item(editor, image=False), "a.pdf", pdf)
    release = make_item(editor, kind="press_release", image=False, title="Rilis")
    assert actions.add_file(editor, release, "rilis.pdf", pdf).content_type == "application/pdf"


def test_the_workflow_records_who_did_what(editor, reviewer):
    item = make_item(editor)
    actions.transition_item(editor, item, "submit")
    with pytest.raises(rules.TransitionRefused):
        actions.transition_item(editor, item, "approve")  # not one's own
    item = actions.transition_item(reviewer, item, "approve")
    assert item.approved_by == reviewer and item.submitted_by == editor
    item = actions.transition_item(reviewer, item, "publish")
    assert item.state == "published" and item.published_at
    trail = [(e.action, e.actor) for e in queries.item_history(item)]
    assert ("content.submit", editor) in trail
    assert ("content.approve", reviewer) in trail
    assert ("content.publish", reviewer) in trail


def test_only_a_draft_can_be_edited(editor, reviewer):
    item = approved(editor, reviewer)
    with pytest.raises(rules.TransitionRefused):
        actions.update_item(editor, item, title="Baru")
    actions.transition_item(reviewer, item, "return")
    item = actions.update_item(editor, item, title="Baru", channels=["tiktok"])
    assert item.title == "Baru" and item.channels == ["tiktok"]


def test_scheduled_items_are_published_when_due_and_not_before(editor, reviewer):
    when = timezone.now() + timedelta(hours=1)
    item = approved(editor, reviewer, scheduled_at=when)
    actions.transition_item(reviewer, item, "schedule")
    assert actions.publish_due_items(now=when - timedelta(minutes=1)) == []
    assert actions.publish_due_items(now=when) == [item.pk]
    item.refresh_from_db()
    assert item.state == "published" and item.published_at == when
    assert AuditEvent.objects.get(action="content.publish").actor_label == "system"
    assert actions.publish_due_items(now=when) == []


def test_comments_and_program_progress(editor, reviewer):
    program = make_item(editor, kind="priority_program", title="Bebas Banjir")
    actions.add_comment(reviewer, program, "Tambahkan data titik banjir.")
    actions.add_progress_update(
        editor, program, on=timezone.localdate(), percent=40, text="Tahap satu selesai."
    )
    program.refresh_from_db()
    assert program.progress_percent == 40 and program.updates.count() == 1
    assert program.comments.get().author == reviewer
    with pytest.raises(ValueError):
        actions.add_progress_update(
            editor, make_item(editor, image=False), on=timezone.localdate(), percent=1, text="x"
        )


def test_a_field_visit_has_talking_points_and_a_report(editor):
    program = make_item(editor, kind="priority_program", title="Bebas Banjir")
    visit = visits.plan_field_visit(
        editor,
        date=timezone.localdate(),
        title="Kunjungan Pasar Tugu",
        kelurahan=Kelurahan.objects.first(),
        place="Pasar Tugu",
        participants="Wali Kota, Lurah",
        talking_points=[program],
    )
    visit = visits.report_field_visit(editor, visit, "  Warga mengeluhkan drainase. ")
    assert visit.report == "Warga mengeluhkan drainase." and visit.reported_at
    assert list(visit.talking_points.all()) == [program]
    assert AuditEvent.objects.filter(action="field_visit.reported").exists()


def test_the_weekly_plan_flags_a_week_without_its_posts(editor, reviewer):
    actions.save_cadence_plan(editor, kind="announcement", channel="instagram", posts_per_week=1)
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    planned = timezone.now() + timedelta(days=1)
    make_item(editor, kind="announcement", channels=["instagram"], scheduled_at=planned)
    cells = queries.cadence_weeks(monday, 3)
    short = [c.week for c in cells if c.short]
    this_week = rules.week_start(timezone.localtime(planned).date())
    assert this_week not in short
    assert len(short) == 2  # the next weeks have nothing planned yet
    assert ContentItem.objects.count() == 1
