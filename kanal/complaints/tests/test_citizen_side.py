"""The citizen's side (issue 18): the form that never contradicts itself, nearby reports and
supporters, public answers and followers (real SMTP), "my reports", the anonymous
follow-up key, and rate limits fair to a shared (CGNAT) address."""

import email
import io
import re
import time

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from kanal.complaints import actions, rules
from kanal.complaints.models import Complaint, Follower
from kanal.complaints.views.report_page import FORM_STAMP_SALT
from kanal.outbox.models import OutboxMessage
from kanal.outbox.tasks import deliver

from .factories import make_case, unit

pytestmark = pytest.mark.django_db

VALID = {
    "kind": "pengaduan",
    "title": "Lampu jalan mati",
    "description": "Sudah seminggu gelap di gang kami.",
    "category": "penerangan-jalan",
    "kelurahan": "18.71.01.1003",
    "address": "depan masjid",
    "contact_preference": "email",
    "name": "Rina",
    "phone": "",
    "email": "rina@example.com",
    "consent": "on",
    "is_anonymous": "on",
    "website": "",
}
KEDATON = (-5.383353811196727, 105.2634916252278)  # inside kelurahan 18.71.01.1003


def stamp(seconds_ago=10):
    return signing.dumps(time.time() - seconds_ago, salt=FORM_STAMP_SALT)


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def people(reference_data, staff_factory):
    return {
        "operator": staff_factory("op", [("operator", "diskominfo")]),
        "dpu": staff_factory("dpu", [("unit_officer", "dpu")]),
    }


def public_case(op, **overrides):
    """A verified, public street-light case near Kedaton with an answer not yet approved."""
    from kanal.directory.models import Category

    fields = {
        "category": Category.objects.get(code="penerangan-jalan"),
        "lat": KEDATON[0] + 0.001,
        "lng": KEDATON[1],
    } | overrides
    case = make_case(**fields)
    actions.verify_complaint(actor=op, case=case)
    actions.publish_complaint(
        actor=op,
        case=case,
        public=True,
        public_title="Lampu jalan mati di Kedaton",
        public_summary="Warga melaporkan lampu jalan mati di Jl. Teuku Umar.",
    )
    case.refresh_from_db()
    return case


# --- the form -------------------------------------------------------------------------------


def test_an_invalid_email_gets_one_error_and_the_consent_error_is_short(client, reference_data):
    body = client.post(
        reverse("complaints:report"), VALID | {"email": "rina@", "consent": ""}
    ).content.decode()
    errors = re.findall(r'<p class="error-message" id="id_email_error">', body)
    assert len(errors) == 1
    start = body.index('class="error-summary"')
    summary = body[start : body.index("</ul>", start)]
    assert "Persetujuan:" in summary and "UU 27/2022" not in summary


def test_a_wrong_file_and_a_short_title_are_refused_on_the_first_submit(client, reference_data):
    exe = SimpleUploadedFile("setup.exe", b"MZ\x90\x00" + b"\x00" * 200)
    response = client.post(reverse("complaints:report"), VALID | {"title": "ab", "photo": exe})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_photo_error"' in body and 'id="id_title_error"' in body
    assert not Complaint.objects.exists()


def test_english_has_no_indonesian_left_on_the_form(client, reference_data):
    client.cookies["django_language"] = "en"
    body = client.get(reverse("complaints:report"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "(optional)" in body and "opsional" not in body
    assert "surel" not in body


def test_rahasia_is_an_explained_choice_that_is_on_by_default(client, reference_data):
    body = client.get(reverse("complaints:report")).content.decode()
    box = re.search(r'<input type="checkbox" name="is_anonymous"[^>]*>', body).group(0)
    assert "checked" in box and "aria-describedby" in box
    client.post(reverse("complaints:report"), VALID | {"is_anonymous": ""})
    assert not Complaint.objects.get().is_anonymous


def test_a_closed_case_shows_no_next_deadline(client, people):
    op = people["operator"]
    case = make_case()
    actions.reject_complaint(actor=op, case=case, reason="Bukan laporan.")
    case.refresh_from_db()
    assert case.state == "ditolak"
    page = client.get(reverse("complaints:track_case", args=[case.tracking_number]))
    assert "Batas waktu berikutnya" not in page.content.decode()


def test_the_receipt_links_to_the_case_on_the_public_host(client, reference_data):
    client.post(reverse("complaints:report"), VALID)
    case = Complaint.objects.get()
    notice = OutboxMessage.objects.get(complaint=case, kind="receipt")
    base = settings.KANAL_PUBLIC_BASE_URL.rstrip("/")
    assert f"{base}/lacak/{case.tracking_number}/" in notice.body


# --- the map and nearby reports ----------------------------------------------------------


def test_the_map_point_fills_the_kelurahan_and_lists_nearby_reports(client, people):
    case = public_case(people["operator"])
    answer = client.get(
        reverse("complaints:map_point"),
        {"lat": KEDATON[0], "lng": KEDATON[1], "category": "penerangan-jalan"},
    ).json()
    assert answer["kelurahan"]["code"] == "18.71.01.1003"
    assert answer["nearby"] == 1 and case.tracking_number in answer["html"]
    other_topic = client.get(
        reverse("complaints:map_point"),
        {"lat": KEDATON[0], "lng": KEDATON[1], "category": "jalan-rusak"},
    ).json()
    assert other_topic["nearby"] == 0
    areas = client.get(reverse("complaints:map_areas")).json()
    assert len(areas["features"]) == 126


def test_without_javascript_the_lists_offer_nearby_reports_and_a_supporter_joins(client, people):
    case = public_case(people["operator"], lat=None, lng=None)
    response = client.post(reverse("complaints:report"), VALID | {"started": stamp()})
    body = response.content.decode()
    assert response.status_code == 200 and f'name="support" value="{case.tracking_number}"' in body
    assert Complaint.objects.count() == 1  # nothing stored yet
    joined = client.post(reverse("complaints:report"), VALID | {"support": case.tracking_number})
    assert joined.url == reverse("portal:case", args=[case.tracking_number])
    follower = Follower.objects.get(complaint=case)
    assert follower.is_supporter and follower.via == "email"
    assert follower.address == "rina@example.com"
    assert Complaint.objects.count() == 1
    page = client.get(joined.url).content.decode()
    assert "1 orang menyatakan ini juga masalah mereka" in page


def test_mine_is_different_files_a_new_case(client, people):
    public_case(people["operator"], lat=None, lng=None)
    response = client.post(
        reverse("complaints:report"), VALID | {"started": stamp(), "different": "1"}
    )
    assert response.status_code == 302 and Complaint.objects.count() == 2


# --- public answers, photos and followers ------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(settings, port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    try:
        yield inbox
    finally:
        controller.stop()


def test_an_approved_answer_and_photo_are_public_and_followers_get_the_update(
    client, people, smtp, django_capture_on_commit_callbacks
):
    op, dpu = people["operator"], people["dpu"]
    case = public_case(op)
    photo = actions.add_attachment(actor=op, case=case, name="lampu.png", data=png_bytes())
    page = reverse("portal:case", args=[case.tracking_number])
    client.post(page, {"via": "email", "address": "Tetangga@Example.com"})
    follower = Follower.objects.get(complaint=case, is_supporter=False)
    assert follower.address == "tetangga@example.com"

    actions.dispose_complaint(actor=op, case=case, unit=unit("dpu"))
    actions.follow_up_complaint(actor=dpu, case=case, body="Lampu sudah diganti tanggal 2 Maret.")
    actions.complete_complaint(actor=op, case=case)
    body = client.get(page).content.decode()
    assert "Lampu sudah diganti" not in body  # not approved yet
    assert reverse("portal:case_photo", args=[case.tracking_number, photo.pk]) not in body
    assert (
        client.get(reverse("portal:case_photo", args=[case.tracking_number, photo.pk])).status_code
        == 404
    )

    answer = case.messages.get(kind="public_reply")
    with django_capture_on_commit_callbacks(execute=False):
        actions.approve_message_for_public(actor=op, case=case, message_id=answer.pk)
    actions.approve_photo_for_public(actor=op, case=case, attachment_id=photo.pk)
    body = client.get(page).content.decode()
    assert "Lampu sudah diganti tanggal 2 Maret." in body
    image = client.get(reverse("portal:case_photo", args=[case.tracking_number, photo.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"

    notice = OutboxMessage.objects.get(email="tetangga@example.com")
    assert notice.kind == "follower_update" and notice.plan == ["email"]
    assert deliver(notice.pk) == "sent:email"
    delivered = [m for m in smtp.messages if m.rcpt_tos == ["tetangga@example.com"]]
    assert len(delivered) == 1
    text = email.message_from_bytes(delivered[0].content).get_payload(decode=True).decode()
    assert "Lampu sudah diganti" in text
    unsubscribe = re.search(r"(/aduan/[^/]+/berhenti/[^/\s]+/)", text).group(1)

    # One click: the link's page has one button; mail clients POST it directly.
    assert client.get(unsubscribe).status_code == 200
    assert Client(enforce_csrf_checks=True).post(unsubscribe).status_code == 200
    follower.refresh_from_db()
    assert follower.unsubscribed_at is not None
    second = case.messages.create(kind="public_reply", body="Kabar kedua.")
    actions.approve_message_for_public(actor=op, case=case, message_id=second.pk)
    assert not OutboxMessage.objects.filter(body__contains="Kabar kedua.").exists()


def test_the_operator_approves_from_the_case_page(people, client, login_verified):
    op = people["operator"]
    case = public_case(op)
    reply = actions.send_public_reply(actor=op, case=case, body="Petugas sudah meninjau lokasi.")
    login_verified(op)
    page = client.get(reverse("complaints:console_case", args=[case.tracking_number]))
    body = page.content.decode()
    assert "Tampilkan balasan ini di halaman publik" in body
    assert 'id="case-map"' in body  # the reporter's pin, for staff
    client.post(
        reverse("complaints:approve_public", args=[case.tracking_number]),
        {"kind": "message", "id": reply.pk, "public": "1"},
    )
    reply.refresh_from_db()
    assert reply.is_public


# --- my reports --------------------------------------------------------------------------


def test_my_reports_lists_web_and_whatsapp_cases_for_one_phone(client, reference_data):
    from kanal.complaints.actions import ReporterDetails

    web = make_case(
        reporter=ReporterDetails(
            name="Sari", phone="0812 3456 7001", contact_preference="whatsapp", consent_text="ok"
        )
    )
    wa = make_case(
        channel="whatsapp",
        title="Sampah menumpuk",
        reporter=ReporterDetails(name="Sari", phone="6281234567001", contact_preference="channel"),
    )
    someone_else = make_case()
    url = reverse("complaints:my_reports")
    client.post(url, {"contact": "+62 812-3456-7001"})
    notice = OutboxMessage.objects.get(kind="contact_code")
    assert notice.first_route == "whatsapp" and notice.phone == "+6281234567001"
    code = re.search(r"\b(\d{6})\b", notice.body).group(1)
    assert client.post(url, {"code": "000000" if code != "000000" else "111111"}).status_code == 400
    client.post(url, {"code": code})
    body = client.get(url).content.decode()
    assert web.tracking_number in body and wa.tracking_number in body
    assert someone_else.tracking_number not in body
    assert client.session.get_expiry_age() > 7 * 24 * 3600  # stays signed in on this device
    # The proved contact opens the reporter's own content on the tracking page.
    track = client.get(reverse("complaints:track_case", args=[wa.tracking_number]))
    assert "Sampah menumpuk" in track.content.decode()


def test_my_reports_answers_the_same_for_an_unknown_contact(client, reference_data):
    response = client.post(reverse("complaints:my_reports"), {"contact": "nobody@example.com"})
    assert response.status_code == 302
    assert not OutboxMessage.objects.filter(email="nobody@example.com").exists()


# --- the anonymous follow-up key ---------------------------------------------------------


def test_an_anonymous_reporter_rates_and_reopens_with_the_follow_up_key(client, people):
    op, dpu = people["operator"], people["dpu"]
    data = VALID | {"contact_preference": "none", "consent": "", "started": stamp()}
    client.post(reverse("complaints:report"), data)
    case = Complaint.objects.get()
    assert case.reporter is None and case.followup_key_hash
    page = client.get(reverse("complaints:submitted", args=[case.tracking_number])).content
    key = re.search(rb'class="followup-key">([0-9A-Z-]{19})<', page).group(1).decode()

    actions.verify_complaint(actor=op, case=case)
    actions.dispose_complaint(actor=op, case=case, unit=unit("dpu"))
    actions.follow_up_complaint(actor=dpu, case=case, body="Lampu sudah diganti.")
    actions.complete_complaint(actor=op, case=case)

    stranger = Client()
    track = reverse("complaints:track_case", args=[case.tracking_number])
    assert "Kunci tindak lanjut" in stranger.get(track).content.decode()
    check = reverse("complaints:check_followup_key", args=[case.tracking_number])
    stranger.post(check, {"key": "AAAA-BBBB-CCCC-DDDD"})
    assert (
        stranger.post(
            reverse("complaints:citizen_rate", args=[case.tracking_number]), {"rating": "1"}
        ).status_code
        == 404
    )
    stranger.post(check, {"key": key.lower().replace("-", " ")})
    stranger.post(
        reverse("complaints:citizen_rate", args=[case.tracking_number]),
        {"rating": "2", "comment": "Masih redup"},
    )
    stranger.post(
        reverse("complaints:citizen_reopen", args=[case.tracking_number]),
        {"body": "Lampunya mati lagi."},
    )
    case.refresh_from_db()
    assert case.rating == 2 and case.state == "didisposisikan" and case.reopen_count == 1


def test_the_follow_up_key_is_bound_to_the_case_and_older_keys_still_open_it(client, people):
    from kanal.complaints.actions import citizen

    data = VALID | {"contact_preference": "none", "consent": "", "started": stamp()}
    client.post(reverse("complaints:report"), data)
    case = Complaint.objects.get()
    page = client.get(reverse("complaints:submitted", args=[case.tracking_number])).content
    key = re.search(rb'class="followup-key">([0-9A-Z-]{19})<', page).group(1).decode()
    # Stored with the case's own INSERT, bound to its number: another case's number
    # with the same key gives another hash.
    assert case.followup_key_hash == citizen.followup_key_hash(case.tracking_number, key)
    assert case.followup_key_hash != citizen.followup_key_hash("LPR-OTHER", key)
    assert citizen.verify_followup_key(case, key)
    assert not citizen.verify_followup_key(case, "AAAA-BBBB-CCCC-DDDD")
    # A key issued before December 2026 (its hash bound to the row id) still opens it.
    case.followup_key_hash = citizen._hash(case, key)
    case.save(update_fields=["followup_key_hash"])
    assert citizen.verify_followup_key(case, key.lower())
    assert not citizen.verify_followup_key(case, "AAAA-BBBB-CCCC-DDDD")
    # A key issued again replaces it.
    again = actions.issue_followup_key(case)
    case.refresh_from_db()
    assert citizen.verify_followup_key(case, again) and not citizen.verify_followup_key(case, key)


# --- rate limits fair to a shared address ------------------------------------------------


def test_twenty_citizens_behind_one_address_can_each_report(reference_data):
    for n in range(20):
        citizen = Client(REMOTE_ADDR="10.64.0.1")  # one carrier (CGNAT) address
        citizen.get(reverse("complaints:report"))  # the form sets the device cookie
        data = VALID | {
            "title": f"Lampu jalan mati nomor {n}",
            "email": f"warga{n}@example.com",
            "started": stamp(),
            "different": "1",
        }
        response = citizen.post(reverse("complaints:report"), data)
        assert response.status_code == 302, (n, response.content.decode()[:300])
    assert Complaint.objects.count() == 20


def test_one_client_posting_200_reports_is_stopped(reference_data):
    flood = Client(REMOTE_ADDR="10.64.0.2")
    flood.get(reverse("complaints:report"))
    statuses = [
        flood.post(
            reverse("complaints:report"), VALID | {"started": stamp(), "different": "1"}
        ).status_code
        for _ in range(200)
    ]
    assert statuses.count(302) == settings.KANAL_REPORTS_PER_DEVICE_PER_HOUR
    assert statuses[-1] == 429
    # Without the device cookie, new "devices" still meet the address's ceiling.
    fresh = [
        Client(REMOTE_ADDR="10.64.0.3").post(reverse("complaints:report"), VALID).status_code
        for _ in range(30)
    ]
    assert fresh.count(302) == settings.KANAL_REPORTS_PER_HOUR


def test_a_form_sent_faster_than_a_person_can_is_refused(client, reference_data):
    client.get(reverse("complaints:report"))
    response = client.post(reverse("complaints:report"), VALID | {"started": stamp(0)})
    assert response.status_code == 400 and not Complaint.objects.exists()


def test_the_refusal_names_only_configured_channels(reference_data):
    flood = Client(REMOTE_ADDR="10.64.0.4")
    for _ in range(settings.KANAL_REPORTS_PER_HOUR + 1):
        response = flood.post(reverse("complaints:report"), VALID)
    body = response.content.decode()
    assert response.status_code == 429
    if not settings.KANAL_WHATSAPP_DISPLAY_NUMBER:
        assert "WhatsApp ke" not in body and "lewat WhatsApp" not in body


@pytest.mark.parametrize(
    ("age", "device", "verdict", "scopes"),
    [
        (0.5, "d", "too_fast", []),
        (10, "d", "", ["report-device", "report-address"]),
        (10, "", "", ["report"]),
        (None, "d", "", ["report"]),
    ],
)
def test_report_limits_table(age, device, verdict, scopes):
    limits = {
        "min_seconds": 3,
        "per_device": 10,
        "per_address": 60,
        "per_address_without_device": 10,
    }
    got, counters = rules.report_limits(address="a", device=device, form_age=age, limits=limits)
    assert got == verdict and [c.scope for c in counters] == scopes


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("0812 3456 7890", "+6281234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("81234567890", "+6281234567890"),
        ("12345", ""),
        ("Rina@Example.COM ", "rina@example.com"),
        ("rina@", ""),
    ],
)
def test_contacts_are_compared_normalised(typed, normal):
    assert rules.normalise_contact(typed) == normal
