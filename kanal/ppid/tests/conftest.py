"""Fixtures of the PPID tests: staff clients past the second factor, the real calendar."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from kanal.core.queries import working_calendar


def staff_client(user) -> Client:
    """A client logged in as ``user`` with a verified TOTP device in the session."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def officer(reference_data, staff_factory):
    return staff_factory("yusuf", [("ppid_officer", "diskominfo")])


@pytest.fixture
def superior(reference_data, staff_factory):
    return staff_factory("hendra", [("ppid_superior", "setda")])


@pytest.fixture
def unit_officer(reference_data, staff_factory):
    return staff_factory("budi", [("unit_officer", "dpu")])


@pytest.fixture
def officer_client(officer):
    return staff_client(officer)


@pytest.fixture
def superior_client(superior):
    return staff_client(superior)


@pytest.fixture
def unit_client(unit_officer):
    return staff_client(unit_officer)


@pytest.fixture
def cal(db):
    return working_calendar()


VALID_NIK = "1871010101900001"


def request_details(**overrides) -> dict:
    details = {
        "requester_kind": "person",
        "requester_name": "Siti Aminah",
        "identity_number": VALID_NIK,
        "address": "Jl. Teuku Umar 10, Kedaton",
        "occupation": "Peneliti",
        "email": "siti@example.org",
        "phone": "0812-3456-7890",
        "information_requested": "Laporan realisasi anggaran Dinas PU 2025",
        "purpose": "Penelitian",
        "access_method": "copy",
        "delivery_method": "email",
    }
    details.update(overrides)
    return details


def jakarta(day: date, hour: int = 10):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded KTPs and notice PDFs go to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
