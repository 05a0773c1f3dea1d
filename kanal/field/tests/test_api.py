"""The field app's page and endpoints through HTTP: idempotent intake, devices, idle 2FA."""

import io
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from kanal.audit.models import AuditEvent
from kanal.complaints.models import Complaint
from kanal.field.models import DeviceSession
from kanal.publishing.actions.visits import plan_field_visit
from kanal.wilayah.models import Kelurahan

pytestmark = pytest.mark.django_db


@pytest.fixture
def lurah(staff_factory, reference_data):
    return staff_factory("lurah.test", [("area_officer", "kel-18-71-01-1003")])


@pytest.fixture
def field_client(client, lurah, login_verified):
    login_verified(lurah)
    page = client.get("/lapangan/")
    assert page.status_code == 200
    status = client.get("/lapangan/api/status/").json()
    client.defaults["HTTP_X_CSRFTOKEN"] = status["csrf"]
    return client


def post(client, slip, **fields):
    data = {"slip": slip, "text": "Jalan berlubang di depan pasar", "channel": "lurah"}
    data.update(fields)
    return client.post("/lapangan/api/laporan/", data)


def jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "foto.jpg"
    return buffer


def test_the_page_presets_the_lurahs_channel_and_kelurahan(field_client):
    page = field_client.get("/lapangan/").content.decode()
    assert 'id="channel-lurah" value="lurah" checked' in page
    assert '<option value="18.71.01.1003" selected>' in page
    assert DeviceSession.objects.filter(user__username="lurah.test", ended_at=None).count() == 1


def test_a_camat_gets_the_camat_channel(client, staff_factory, login_verified, reference_data):
    camat = staff_factory("camat.test", [("area_officer", "kec-18-71-01")])
    login_verified(camat)
    assert 'id="channel-camat" value="camat" checked' in client.get("/lapangan/").content.decode()


def test_a_resend_with_the_same_slip_returns_the_first_case(field_client):
    first = post(field_client, "ABCDE-12345", photo=jpeg())
    again = post(field_client, "ABCDE-12345", photo=jpeg())
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["tracking_number"] == again.json()["tracking_number"]
    case = Complaint.objects.get()
    assert case.intake_key == "ABCDE-12345" and case.channel == "lurah"
    assert case.attachments.count() == 1
    assert case.title == "Jalan berlubang di depan pasar"


def test_a_name_with_no_contact_is_kept_with_the_wish(field_client):
    response = post(
        field_client,
        "NAMEX-00001",
        name="Pak Darto",
        phone="0812 3456 7890",
        no_contact="on",
        consent="on",
    )
    assert response.status_code == 201
    case = Complaint.objects.get()
    assert case.reporter.name == "Pak Darto" and case.reporter.contact_preference == "none"
    assert case.reporter.consent_text


def test_a_name_without_consent_is_refused_with_a_sentence(field_client):
    response = post(field_client, "NAMEX-00002", name="Pak Darto")
    assert (response.status_code == 400 and "consent" in response.json()["message"].lower()) or (
        "persetujuan" in response.json()["message"].lower()
    )
    assert not Complaint.objects.exists()


def test_a_bad_slip_or_an_empty_record_is_refused(field_client):
    assert post(field_client, "not-a-slip").status_code == 400
    assert post(field_client, "ABCDE-12399", text="").status_code == 400
    assert not Complaint.objects.exists()


def test_another_officers_slip_is_not_revealed(field_client, staff_factory, login_verified):
    assert post(field_client, "SHARE-00001").status_code == 201
    other = Client()
    login_verified(staff_factory("lurah.two", [("area_officer", "kel-18-71-01-1004")]), other)
    other.get("/lapangan/")
    other.defaults["HTTP_X_CSRFTOKEN"] = other.get("/lapangan/api/status/").json()["csrf"]
    response = post(other, "SHARE-00001")
    assert response.status_code == 409 and "tracking_number" not in response.json()


def test_a_record_during_a_visit_is_linked_to_it(field_client, lurah):
    visit = plan_field_visit(
        None,
        date=timezone.localdate(),
        title="Kunjungan Pasar Tugu",
        kelurahan=Kelurahan.objects.get(code="18.71.01.1003"),
        place="Pasar Tugu",
    )
    assert "Kunjungan Pasar Tugu" in field_client.get("/lapangan/").content.decode()
    response = post(field_client, "VSTXX-00001", channel="field_visit", visit=visit.pk)
    assert response.status_code == 201
    assert list(visit.complaints.values_list("tracking_number", flat=True)) == [
        response.json()["tracking_number"]
    ]


def test_an_idle_device_must_enter_the_code_again(field_client, lurah):
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = post(field_client, "DNEXX-00001")
        assert response.status_code == 401 and response.json()["state"] == "verify"
        assert field_client.get("/lapangan/api/status/").json()["state"] == "verify"
        bad = field_client.post("/lapangan/api/verifikasi/", {"code": "000000"})
        assert bad.status_code == 400
    device = TOTPDevice.objects.get(user=lurah)
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        assert field_client.post("/lapangan/api/verifikasi/", {"code": code}).status_code == 200
        assert post(field_client, "DNEXX-00001").status_code == 201


def test_a_device_signed_out_from_the_console_cannot_send(
    field_client, lurah, staff_factory, login_verified
):
    device = DeviceSession.objects.get(user=lurah)
    console = Client()
    login_verified(lurah, console)
    page = console.get("/console/lapangan/perangkat/").content.decode()
    assert device.label in page
    assert console.post("/console/lapangan/perangkat/", {"device": device.pk}).status_code == 302
    assert post(field_client, "RVKXX-00001").status_code == 401
    status = field_client.get(f"/lapangan/api/status/?device={device.token}")
    assert status.status_code == 401 and status.json()["state"] == "revoked"
    assert not Complaint.objects.exists()


def test_another_officer_cannot_sign_out_my_device(field_client, lurah, staff_factory):
    device = DeviceSession.objects.get(user=lurah)
    other = Client()
    from django_otp import DEVICE_ID_SESSION_KEY

    user = staff_factory("opd.x", [("unit_officer", "dpu")])
    otp = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    other.force_login(user)
    session = other.session
    session[DEVICE_ID_SESSION_KEY] = otp.persistent_id
    session.save()
    assert other.post("/console/lapangan/perangkat/", {"device": device.pk}).status_code == 403
    assert DeviceSession.objects.get(pk=device.pk).ended_at is None


def test_signing_out_on_the_phone_ends_the_device(field_client, lurah):
    response = field_client.post("/lapangan/keluar/")
    assert response.status_code == 302 and "/staff/login/" in response.url
    device = DeviceSession.objects.get(user=lurah)
    assert device.ended_at is not None and not device.revoked
    signed_out = AuditEvent.objects.get(action="staff.logged_out")
    assert signed_out.actor_id == lurah.pk and signed_out.data["username"] == lurah.username


def test_staff_without_the_right_to_record_get_no_app(client, staff_factory, login_verified):
    login_verified(staff_factory("editor.x", [("editor", "diskominfo")]))
    assert client.get("/lapangan/").status_code == 403


def test_the_service_worker_and_manifest_are_served_under_the_app(client):
    sw = client.get("/lapangan/sw.js")
    assert sw.status_code == 200 and sw["Content-Type"].startswith("text/javascript")
    assert '"page": "/lapangan/"' in sw.content.decode()
    manifest = client.get("/lapangan/manifest.webmanifest").json()
    assert manifest["start_url"] == "/lapangan/" and manifest["display"] == "standalone"


@pytest.mark.django_db(transaction=True)
def test_two_racing_submissions_of_one_slip_make_one_case(lurah, login_verified):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    clients = []
    for _ in range(2):
        c = Client()
        login_verified(lurah, c)
        c.get("/lapangan/")
        c.defaults["HTTP_X_CSRFTOKEN"] = c.get("/lapangan/api/status/").json()["csrf"]
        clients.append(c)
    results = []
    barrier = threading.Barrier(2)

    def send(c):
        barrier.wait()
        results.append(post(c, "RACEX-00001").status_code)
        connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 201]
    assert Complaint.objects.filter(intake_key="RACEX-00001").count() == 1


def test_the_inbox_finds_a_case_by_its_slip_number(field_client, staff_factory, login_verified):
    number = post(field_client, "SPXXX-00007").json()["tracking_number"]
    operator = Client()
    login_verified(staff_factory("op.slip", [("operator", "diskominfo")]), operator)
    page = operator.get("/console/aduan/", {"q": "spxxx-00007"}).content.decode()
    assert number in page
