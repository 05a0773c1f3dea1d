"""Indonesian first, English on request; times shown in WIB, stored in UTC."""

import pytest
from django.conf import settings

from kanal.core.i18n_check import problems


def test_every_indonesian_catalogue_is_complete():
    catalogues = [settings.BASE_DIR / "kanal/locale/id/LC_MESSAGES/django.po"]
    catalogues += sorted((settings.BASE_DIR / "kanal").glob("*/locale/id/LC_MESSAGES/django.po"))
    assert {str(path): problems(str(path)) for path in catalogues} == {
        str(path): [] for path in catalogues
    }


@pytest.mark.django_db
def test_pages_are_in_indonesian_by_default_and_english_on_request(client):
    page = client.get("/").content.decode()
    assert '<html lang="id">' in page
    assert "Laporkan masalah" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Report a problem" in page


def test_display_in_wib_storage_in_utc():
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.USE_TZ is True


@pytest.mark.django_db
def test_a_browser_asking_for_english_still_gets_indonesian_until_it_switches(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="id">' in page.content.decode()
    assert page["Content-Language"] == "id"


@pytest.mark.django_db
def test_one_visitors_english_does_not_stay_with_the_thread(client):
    """gthread workers serve many visitors per thread: the choice lasts one request."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    assert translation.get_language() == settings.LANGUAGE_CODE == "id"
    assert translation.gettext("Search") == "Cari"
