"""Public publishing pages in a real browser: readable without JavaScript, axe-clean."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_news_programs_and_press_room_pass_axe(live_server, page, axe_check, reference_data):
    from django.core.management import call_command

    call_command("publishing_demo_data")
    for path in ("/berita/", "/program/", "/siaran-pers/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "id"
        assert axe_check(page) == [], path
    page.goto(f"{live_server.url}/berita/")
    page.get_by_role("link", name="Imbauan waspada cuaca ekstrem dan genangan").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Imbauan waspada")
    image = page.get_by_role("img").first
    assert image.get_attribute("alt")
    assert axe_check(page) == []
    page.goto(f"{live_server.url}/program/")
    page.get_by_role("link", name="Bandar Lampung Bebas Banjir").click()
    assert page.get_by_role("heading", name="Perkembangan").is_visible()
    assert axe_check(page) == []
