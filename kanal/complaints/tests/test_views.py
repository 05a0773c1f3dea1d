"""The citizen's form and tracking page, and the staff console, through HTTP."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from kanal.complaints import actions
from kanal.complaints.models import Complaint
from kanal.outbox.models import OutboxMessage

from .factories import make_case, unit

pytestmark = pytest.mark.django_db

VALID = {
    "kind": "pengaduan",
    "title": "Lampu jalan mati",
    "description": "Sudah seminggu gelap.",
    "category": "penerangan-jalan",
    "kelurahan": "18.71.01.1003",
    "address": "depan masjid",
    "contact_preference": "email",
    "name": "Rina",
    "phone": "",
    "email": "rina@example.com",
    "consent": "on",
    "website": "",
}


def test_a_citizen_reports_and_sees_the_tracking_number(client, reference_data):
    response = client.post(reverse("complaints:report"), VALID)
    case = Complaint.objects.get()
    assert response.url == reverse("complaints:submitted", args=[case.tracking_number])
    page = client.get(response.url).content.decode()
    assert case.tracking_number in page
    assert case.channel == "web" and case.reporter.email == "rina@example.com"
    assert case.category.code == "penerangan-jalan" and case.kelurahan.code == "18.71.01.1003"
    assert OutboxMessage.objects.filter(complaint=case, first_route="email").exists()


def test_errors_keep_what_the_citizen_typed(client, reference_data):
    data = VALID | {"title": "", "consent": ""}
    response = client.post(reverse("complaints:report"), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in body
    assert "Sudah seminggu gelap." in body and 'value="rina@example.com"' in body
    assert 'value="depan masjid"' in body
    assert not Complaint.objects.exists()


def test_a_fully_anonymous_report_stores_no_contact(client, reference_data):
    data = VALID | {"contact_preference": "none", "consent": ""}
    client.post(reverse("complaints:report"), data)
    case = Complaint.objects.get()
    assert case.reporter is None and case.is_anonymous


def test_the_form_follows_category_changes_although_its_lists_are_cached(
    client, reference_data, django_capture_on_commit_callbacks
):
    from kanal.directory.models import Category

    assert "penerangan-jalan" in client.get(reverse("complaints:report")).content.decode()
    lamp = Category.objects.get(code="penerangan-jalan")
    with django_capture_on_commit_callbacks(execute=True):
        lamp.is_active = False
        lamp.save()
    page = client.get(reverse("complaints:report")).content.decode()
    assert 'value="penerangan-jalan"' not in page
    response = client.post(reverse("complaints:report"), VALID)
    assert response.status_code == 400 and not Complaint.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        Category.objects.create(code="pohon-tumbang", name="Pohon tumbang", parent=lamp.parent)
    assert 'value="pohon-tumbang"' in client.get(reverse("complaints:report")).content.decode()


def test_honeypot_and_rate_limit(client, reference_data, settings):
    assert client.post(reverse("complaints:report"), VALID | {"website": "x"}).status_code == 400
    assert not Complaint.objects.exists()
    settings.KANAL_REPORTS_PER_HOUR = 2
    for _ in range(2):
        client.post(reverse("complaints:report"), VALID)
    assert client.post(reverse("complaints:report"), VALID).status_code == 429
    assert Complaint.objects.count() == 2


def test_photo_is_checked_by_content(client, reference_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("foto.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(reverse("complaints:report"), VALID | {"photo": fake})
    assert response.status_code == 400 and not Complaint.objects.exists()


def test_tracking_shows_state_and_asks_a_code_before_own_content(client, reference_data):
    case = make_case()
    page = client.get(reverse("complaints:track_case", args=[case.tracking_number]))
    body = page.content.decode()
    assert "Diterima" in body
    assert "Budi Santoso" not in body and "Jalan berlubang besar" not in body
    client.post(reverse("complaints:send_code", args=[case.tracking_number]))
    notice = OutboxMessage.objects.filter(complaint=case).order_by("-pk").first()
    code = re.search(r"\b(\d{6})\b", notice.body).group(1)
    client.post(reverse("complaints:check_code", args=[case.tracking_number]), {"code": code})
    body = client.get(
        reverse("complaints:track_case", args=[case.tracking_number])
    ).content.decode()
    assert "Jalan berlubang besar" in body
    client.post(
        reverse("complaints:citizen_reply", args=[case.tracking_number]),
        {"body": "Tambahan: lubangnya makin besar"},
    )
    assert case.messages.filter(kind="citizen_reply").count() == 1


def test_a_wrong_code_opens_nothing(client, reference_data):
    case = make_case()
    client.post(reverse("complaints:send_code", args=[case.tracking_number]))
    client.post(reverse("complaints:check_code", args=[case.tracking_number]), {"code": "000000"})
    response = client.post(
        reverse("complaints:citizen_reply", args=[case.tracking_number]), {"body": "x"}
    )
    assert response.status_code == 404


def test_tracking_lookup_forgives_typing(client, reference_data):
    case = make_case()
    typed = case.tracking_number.lower().replace("-", " ")
    response = client.get(reverse("complaints:track"), {"number": typed})
    assert response.url == reverse("complaints:track_case", args=[case.tracking_number])


def test_operator_works_the_case_from_the_console(
    client, reference_data, staff_factory, login_verified
):
    operator = staff_factory("op", [("operator", "diskominfo")])
    login_verified(operator)
    case = make_case()
    inbox = client.get(reverse("complaints:inbox")).content.decode()
    assert case.tracking_number in inbox
    page = client.get(reverse("complaints:console_case", args=[case.tracking_number]))
    assert "Budi Santoso" in page.content.decode()  # operators see the reporter
    client.post(
        reverse("complaints:case_action", args=[case.tracking_number, "dispose"]), {"unit": "dpu"}
    )
    case.refresh_from_db()
    assert case.state == "didisposisikan" and case.unit.code == "dpu"
    response = client.post(
        reverse("complaints:case_action", args=[case.tracking_number, "reject"]), {"text": ""}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "didisposisikan"


def test_an_officer_cannot_open_another_units_case_by_url(
    client, reference_data, staff_factory, login_verified
):
    operator = staff_factory("op", [("operator", "diskominfo")])
    dlh = staff_factory("dlh", [("unit_officer", "dlh")])
    case = make_case()
    actions.dispose_complaint(actor=operator, case=case, unit=unit("dpu"))
    login_verified(dlh)
    url = reverse("complaints:console_case", args=[case.tracking_number])
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("complaints:case_action", args=[case.tracking_number, "follow_up"]),
            {"text": "x"},
        ).status_code
        == 404
    )
    assert case.tracking_number not in client.get(reverse("complaints:inbox")).content.decode()


def test_unit_officer_follows_up_without_seeing_the_reporter(
    client, reference_data, staff_factory, login_verified
):
    operator = staff_factory("op", [("operator", "diskominfo")])
    dpu = staff_factory("dpu", [("unit_officer", "dpu")])
    case = make_case()
    actions.dispose_complaint(actor=operator, case=case, unit=unit("dpu"))
    login_verified(dpu)
    page = client.get(reverse("complaints:console_case", args=[case.tracking_number]))
    body = page.content.decode()
    assert "budi@example.com" not in body and "081234567890" not in body
    client.post(
        reverse("complaints:case_action", args=[case.tracking_number, "follow_up"]),
        {"text": "Sudah ditambal."},
    )
    case.refresh_from_db()
    assert case.state == "ditindaklanjuti"


def test_staff_record_a_case_heard_on_a_field_visit(
    client, reference_data, staff_factory, login_verified
):
    lurah = staff_factory("lurah", [("area_officer", "kel-18-71-01-1003")])
    login_verified(lurah)
    data = VALID | {"channel": "field_visit", "contact_preference": "none"}
    response = client.post(reverse("complaints:new_case"), data)
    case = Complaint.objects.get()
    assert response.url == reverse("complaints:console_case", args=[case.tracking_number])
    assert case.channel == "field_visit" and case.entered_by == lurah
    # "No contact" keeps the name the reporter gave and records that they want no contact.
    assert case.reporter.name == "Rina" and case.reporter.contact_preference == "none"
    assert not case.outbox.exists()


def test_a_name_with_no_contact_needs_the_reporters_consent(
    client, reference_data, staff_factory, login_verified
):
    login_verified(staff_factory("lurah", [("area_officer", "kel-18-71-01-1003")]))
    data = VALID | {"channel": "lurah", "contact_preference": "none", "consent": ""}
    response = client.post(reverse("complaints:new_case"), data)
    assert response.status_code == 400 and "error-summary" in response.content.decode()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("username", "roles", "channel"),
    [
        ("lurah", [("area_officer", "kel-18-71-01-1003")], "lurah"),
        ("camat", [("area_officer", "kec-18-71-01")], "camat"),
        ("ppid", [("ppid_officer", "diskominfo")], "ppid_desk"),
        ("operator", [("operator", "diskominfo")], "phone"),
    ],
)
def test_the_staff_form_presets_the_channel_from_the_role(
    client, reference_data, staff_factory, login_verified, username, roles, channel
):
    login_verified(staff_factory(username, roles))
    page = client.get(reverse("complaints:new_case")).content.decode()
    assert re.search(rf'<option value="{channel}" selected>', page)
    assert 'value="email" selected' not in page


def test_console_needs_the_second_factor(reference_data, staff_factory):
    operator = staff_factory("op", [("operator", "diskominfo")])
    c = Client()
    c.force_login(operator)
    assert c.get(reverse("complaints:inbox")).status_code == 302


def test_operator_starts_a_reply_from_a_template(
    client, reference_data, staff_factory, login_verified
):
    from kanal.complaints.models import ResponseTemplate

    operator = staff_factory("op", [("operator", "diskominfo")])
    login_verified(operator)
    case = make_case()
    other_state = ResponseTemplate.objects.create(name="Selesai", state="selesai", body="x")
    template = ResponseTemplate.objects.create(
        name="Terima kasih", body="Laporan {tracking_number} ({title}) sedang kami periksa."
    )
    page = client.get(
        reverse("complaints:console_case", args=[case.tracking_number]), {"template": template.pk}
    ).content.decode()
    assert f"Laporan {case.tracking_number} (Jalan berlubang di depan SD) sedang" in page
    assert ">Terima kasih</option>" in page
    assert f">{other_state.name}</option>" not in page  # a template for another state


def test_opening_a_case_reads_its_notifications_and_explains_the_deadline(
    client, reference_data, staff_factory, login_verified
):
    from django.utils import translation

    from kanal.complaints.models import StaffNotification
    from kanal.complaints.queries import due_date_text

    operator = staff_factory("op", [("operator", "diskominfo")])
    dpu = staff_factory("dpu", [("unit_officer", "dpu")])
    case = make_case()
    actions.dispose_complaint(actor=operator, case=case, unit=unit("dpu"))
    notification = StaffNotification.objects.get(user=dpu, complaint=case)
    assert notification.read_at is None
    login_verified(dpu)
    page = client.get(reverse("complaints:console_case", args=[case.tracking_number]))
    notification.refresh_from_db()
    assert notification.read_at is not None
    case.refresh_from_db()
    with translation.override("id"):
        expected = due_date_text(case)
    assert expected.startswith("5 hari kerja sejak") and expected in page.content.decode()


def test_tracking_pages_by_url_share_the_lookup_forms_limit(client, reference_data):
    from kanal.complaints.views.tracking import TRACK_LIMIT

    case = make_case()
    # Enumerating numbers by URL: every guess costs one hit, found or not.
    for i in range(TRACK_LIMIT - 1):
        assert client.get(f"/lacak/BL-XXXX-{i:04d}/").status_code == 404
    assert (
        client.get(reverse("complaints:track_case", args=[case.tracking_number])).status_code == 200
    )
    refused = client.get(reverse("complaints:track_case", args=[case.tracking_number]))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert (
        "Too many look-ups" in refused.content.decode()
        or "Terlalu banyak" in refused.content.decode()
    )
    # The form draws on the same budget.
    assert (
        client.get(reverse("complaints:track"), {"number": case.tracking_number}).status_code == 429
    )
    # Another address still has its own budget.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert (
        other.get(reverse("complaints:track_case", args=[case.tracking_number])).status_code == 200
    )


def test_a_number_found_with_the_form_costs_one_lookup_not_two(client, reference_data):
    from kanal.complaints.views.tracking import TRACK_LIMIT

    case = make_case()
    for _ in range(TRACK_LIMIT):
        response = client.get(
            reverse("complaints:track"), {"number": case.tracking_number}, follow=True
        )
        assert response.status_code == 200
    # Reloading the page the form found is free for this browser.
    assert (
        client.get(reverse("complaints:track_case", args=[case.tracking_number])).status_code == 200
    )
    assert (
        client.get(reverse("complaints:track"), {"number": case.tracking_number}).status_code == 429
    )
