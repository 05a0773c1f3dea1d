"""Public pages: every page renders, only public fields of public cases are shown."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from kanal.complaints.models import Complaint
from kanal.complaints.tests.factories import make_case, unit
from kanal.insights.tasks import refresh_figures_task
from kanal.wilayah.models import Kelurahan

pytestmark = pytest.mark.django_db

SECRET = "Budi Santoso"  # in the factory's description and reporter: never public


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def public_case(title="Jalan berlubang di Jl. Teuku Umar", **fields):
    case = make_case()
    now = timezone.now()
    Complaint.objects.filter(pk=case.pk).update(
        is_confidential=False,
        public_title=title,
        public_summary="Lubang besar di badan jalan; sudah ditambal oleh DPU.",
        state="selesai",
        unit=unit("dpu"),
        disposed_at=now - timedelta(days=3),
        followed_up_at=now - timedelta(days=2),
        completed_at=now - timedelta(days=1),
        **fields,
    )
    return Complaint.objects.get(pk=case.pk)


@pytest.fixture
def content(reference_data):
    call_command("publishing_demo_data", verbosity=0)


PAGES = [
    "/",
    "/opd/",
    "/opd/dpu/",
    "/opd/kec-18-71-01/",
    "/wilayah/",
    "/wilayah/18.71.01/",
    "/wilayah/18.71.01.1003/",
    "/aduan/",
    "/cari/?q=jalan",
    "/kinerja/",
    "/aksesibilitas/",
    "/privasi/",
    "/kontak/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_renders_in_both_languages(client, content, path):
    case = public_case()
    response = client.get(path)
    assert response.status_code == 200, path
    assert SECRET not in response.content.decode()
    client.cookies["django_language"] = "en"
    assert client.get(path).status_code == 200
    assert client.get(f"/aduan/{case.tracking_number}/").status_code == 200


def test_a_public_case_shows_only_its_public_fields(client, reference_data):
    case = public_case()
    page = client.get(f"/aduan/{case.tracking_number}/").content.decode()
    assert "Jalan berlubang di Jl. Teuku Umar" in page
    assert "sudah ditambal" in page
    assert case.description not in page
    assert SECRET not in page and "0812" not in page and "budi@example.com" not in page


@pytest.mark.parametrize(
    "fields", [{"is_confidential": True}, {"is_oversight": True}, {"public_summary": ""}]
)
def test_cases_that_are_not_public_answer_404_and_are_not_listed(client, reference_data, fields):
    case = public_case(title="Kasus rahasia")
    Complaint.objects.filter(pk=case.pk).update(**fields)
    assert client.get(f"/aduan/{case.tracking_number}/").status_code == 404
    assert "Kasus rahasia" not in client.get("/aduan/").content.decode()
    assert "Kasus rahasia" not in client.get("/cari/?q=rahasia").content.decode()


def test_the_case_list_filters_by_area_and_topic_and_maps_counts(client, reference_data):
    public_case(title="Di Kedaton")
    other = public_case(title="Di tempat lain")
    Complaint.objects.filter(pk=other.pk).update(
        kelurahan=Kelurahan.objects.get(code="18.71.02.1003")
    )
    page = client.get("/aduan/?kelurahan=18.71.01.1003").content.decode()
    assert "Di Kedaton" in page and "Di tempat lain" not in page
    page = client.get("/aduan/?kecamatan=18.71.02").content.decode()
    assert "Di tempat lain" in page and "Di Kedaton" not in page
    page = client.get("/aduan/?category=kesehatan").content.decode()
    assert "Di Kedaton" not in page
    # The map: one link per kelurahan with its count in the accessible name, and a table.
    page = client.get("/aduan/").content.decode()
    assert page.count("<path ") == 126
    assert 'aria-label="Kedaton (Kedaton): 1 aduan"' in page


def test_an_unknown_filter_value_is_reported(client, reference_data):
    response = client.get("/aduan/?kelurahan=99.99")
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_unit_figures_are_withheld_below_the_minimum(client, reference_data, settings):
    settings.KANAL_MIN_CASES_FOR_FIGURES = 2
    public_case()
    page = client.get("/opd/dpu/").content.decode()
    assert "Tidak ditampilkan: kasus terlalu sedikit" in page
    assert "Angka per " in page  # the figures say when they were taken
    public_case()
    page = client.get("/opd/dpu/").content.decode()
    assert "Tidak ditampilkan: kasus terlalu sedikit" in page  # cached until the job runs
    refresh_figures_task.call()
    page = client.get("/opd/dpu/").content.decode()
    assert "100%" in page


def test_channels_are_shown_only_when_configured(client, reference_data, settings):
    assert "WhatsApp:" not in client.get("/kontak/").content.decode()
    settings.KANAL_WHATSAPP_DISPLAY_NUMBER = "0811-7200-000"
    settings.KANAL_SOCIAL_ACCOUNTS = {"Instagram @example": "https://www.instagram.com/example"}
    page = client.get("/kontak/").content.decode()
    assert "0811-7200-000" in page and "Instagram @example" in page


@pytest.mark.parametrize("path", ["/opd/tidak-ada/", "/wilayah/18.71.99/", "/aduan/XX-0000/"])
def test_unknown_pages_are_404(client, reference_data, path):
    assert client.get(path).status_code == 404
