"""Public pages render without JavaScript; staff pages are for editors only."""

import pytest
from django.urls import reverse

from kanal.publishing import actions
from kanal.publishing.models import ContentItem

from .conftest import approved, login, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(editor, reviewer):
    items = {}
    for kind, title in [
        ("activity", "Wali Kota meninjau drainase"),
        ("press_release", "Siaran pers peluncuran"),
        ("priority_program", "Bebas Banjir"),
    ]:
        item = approved(editor, reviewer, kind=kind, title=title)
        items[kind] = actions.transition_item(reviewer, item, "publish")
    actions.add_progress_update(
        editor,
        items["priority_program"],
        on=items["activity"].published_at.date(),
        percent=30,
        text="Tahap satu.",
    )
    return items


def test_the_news_list_and_item_page_show_published_items_with_alt_text(client, published):
    draft = ContentItem.objects.create(kind="activity", title="Rahasia", slug="rahasia", body="x")
    page = client.get("/berita/").content.decode()
    assert "Wali Kota meninjau drainase" in page and "Bebas Banjir" not in page
    assert "Rahasia" not in page
    assert '<html lang="id">' in page and "<script" not in page
    detail = client.get("/berita/wali-kota-meninjau-drainase/").content.decode()
    assert 'alt="Warga membersihkan saluran"' in detail
    assert "Paragraf dua." in detail
    assert client.get(f"/berita/{draft.slug}/").status_code == 404


def test_images_of_published_items_are_served_and_drafts_are_not(client, published, editor):
    f = published["activity"].files.get()
    response = client.get(reverse("publishing:file", args=[f.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    draft = actions.create_item(editor, kind="activity", title="Draf", body="x")
    hidden = actions.add_file(editor, draft, "a.png", png(), alt_text="a")
    assert client.get(reverse("publishing:file", args=[hidden.pk])).status_code == 404


def test_programs_show_their_progress(client, published):
    page = client.get("/program/").content.decode()
    assert "Bebas Banjir" in page and "30%" in page
    detail = client.get("/program/bebas-banjir/").content.decode()
    assert "Tahap satu." in detail


def test_press_room_and_feeds_list_releases(client, published):
    assert "Siaran pers peluncuran" in client.get("/siaran-pers/").content.decode()
    rss = client.get("/berita/feed.xml")
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert b"/berita/siaran-pers-peluncuran/" in rss.content
    atom = client.get("/berita/atom.xml")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert b"Wali Kota meninjau drainase" in atom.content


def test_news_can_be_filtered_by_kind(client, published):
    page = client.get("/berita/?jenis=press_release").content.decode()
    assert "Siaran pers peluncuran" in page and "Wali Kota meninjau drainase" not in page


def test_console_needs_a_login_and_the_publish_capability(client, reference_data, staff_factory):
    assert client.get("/console/publishing/").status_code == 302
    officer = staff_factory("budi", [("unit_officer", "dpu")])
    login(client, officer)
    assert client.get("/console/publishing/").status_code == 403
    assert client.get("/console/publishing/kalender/").status_code == 403


def test_an_editor_drafts_submits_and_another_editor_approves(client, editor, reviewer):
    login(client, editor)
    response = client.post(
        "/console/publishing/konten/baru/",
        {
            "kind": "announcement",
            "title": "Imbauan banjir",
            "body": "Isi.",
            "channels": ["instagram"],
        },
    )
    item = ContentItem.objects.get(title="Imbauan banjir")
    assert response.status_code == 302
    page = client.get(f"/console/publishing/konten/{item.pk}/").content.decode()
    assert "Instagram" in page
    client.post(f"/console/publishing/konten/{item.pk}/langkah/", {"verb": "submit"})
    client.post(f"/console/publishing/konten/{item.pk}/langkah/", {"verb": "approve"})
    item.refresh_from_db()
    assert item.state == "review"  # one's own submission
    client.logout()
    login(client, reviewer)
    client.post(f"/console/publishing/konten/{item.pk}/langkah/", {"verb": "approve"})
    item.refresh_from_db()
    assert item.state == "approved" and item.approved_by == reviewer


def test_a_bad_form_shows_the_error_summary_and_keeps_the_input(client, editor):
    login(client, editor)
    response = client.post(
        "/console/publishing/konten/baru/", {"kind": "activity", "title": "Judul"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "error-summary" in page and 'value="Judul"' in page


def test_an_image_without_alt_text_is_refused_with_a_message(client, editor):
    item = actions.create_item(editor, kind="activity", title="Kegiatan", body="Isi")
    login(client, editor)
    upload = __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
        "a.png", png(), content_type="image/png"
    )
    response = client.post(f"/console/publishing/konten/{item.pk}/berkas/", {"file": upload})
    assert response.status_code == 400 and "error-summary" in response.content.decode()
    assert not item.files.exists()


def test_the_calendar_flags_a_missing_weekly_post(client, editor):
    actions.save_cadence_plan(editor, kind="announcement", channel="facebook", posts_per_week=1)
    login(client, editor)
    page = client.get("/console/publishing/kalender/").content.decode()
    assert "error-summary" in page and "0 / 1" in page


def test_an_editor_plans_a_visit_whose_page_has_no_complaints_yet(client, editor):
    login(client, editor)
    from kanal.wilayah.models import Kelurahan

    kel = Kelurahan.objects.first()
    response = client.post(
        "/console/publishing/kunjungan/",
        {"date": "2026-12-02", "title": "Kunjungan", "kelurahan": kel.pk, "place": "Pasar"},
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Kunjungan" in page and "Belum ada pengaduan yang dicatat selama kunjungan ini" in page


def test_the_demo_data_command_is_idempotent(client, reference_data):
    from django.core.management import call_command

    call_command("publishing_demo_data")
    call_command("publishing_demo_data")
    assert ContentItem.objects.filter(state="published").count() == 5
    assert client.get("/program/").status_code == 200
