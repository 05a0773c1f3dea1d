"""sitemap.xml lists every public page and object; robots.txt points at it."""

import xml.etree.ElementTree as ET

import pytest

from kanal.complaints import actions as case_actions
from kanal.complaints.tests.factories import make_case, unit

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    return [loc.text for loc in root.iter(f"{NS}loc")]


@pytest.fixture
def published_case(reference_data, staff_factory):
    operator = staff_factory("ops", [("operator", "diskominfo")])
    case = make_case()
    case_actions.verify_complaint(actor=operator, case=case)
    case_actions.dispose_complaint(actor=operator, case=case, unit=unit("dpu"))
    case_actions.publish_complaint(
        actor=operator, case=case, public=True, public_title="Jalan", public_summary="Rusak."
    )
    return case, make_case(title="Belum dipublikasikan")


def test_the_sitemap_index_and_its_sections_cover_the_public_site(client, published_case):
    public, private = published_case
    sections = locations(client, "/sitemap.xml")
    assert {s.rsplit("/", 1)[1] for s in sections} >= {
        "sitemap-pages.xml",
        "sitemap-news.xml",
        "sitemap-programs.xml",
        "sitemap-units.xml",
        "sitemap-areas.xml",
        "sitemap-cases.xml",
        "sitemap-dip.xml",
    }
    everything = [loc for s in sections for loc in locations(client, "/" + s.split("/", 3)[3])]
    paths = {loc.split("/", 3)[3] for loc in everything}
    for page in ("", "lapor/", "aduan/", "opd/", "wilayah/", "berita/", "program/", "ppid/"):
        assert page in paths, page
    assert "opd/dpu/" in paths and "wilayah/18.71.01/" in paths
    assert "wilayah/18.71.01.1003/" in paths
    assert f"aduan/{public.tracking_number}/" in paths
    assert f"aduan/{private.tracking_number}/" not in paths
    assert not [p for p in paths if p.startswith(("console/", "staff/", "lacak/BL"))]
    # Public addresses, from KANAL_PUBLIC_BASE_URL, whatever host the crawler used.
    assert all(loc.startswith("http://127.0.0.1:8000/") for loc in everything)
    for path in ("", "opd/dpu/", f"aduan/{public.tracking_number}/"):
        assert client.get("/" + path).status_code == 200


def test_robots_txt_keeps_crawlers_out_of_staff_and_tracking_pages(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/console/", "/staff/", "/admin/", "/lacak/", "/api/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in lines
