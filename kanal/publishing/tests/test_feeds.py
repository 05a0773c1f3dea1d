"""RSS and Atom for news, press releases and priority programmes, titled with the region."""

import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_items(editor, reviewer):
    """The news test's published activity, press release and programme."""
    from .test_views import published

    return published.__wrapped__(editor, reviewer)


ATOM = "{http://www.w3.org/2005/Atom}"


def rss(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/rss+xml"
    )
    return ET.fromstring(response.content)  # noqa: S314 (our own output)


def atom(client, url):
    response = client.get(url)
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314


@pytest.mark.parametrize(
    "url, title, present, absent",
    [
        (
            "/berita/feed.xml",
            "Berita Pemerintah Kota Bandar Lampung",
            "Wali Kota meninjau drainase",
            "Bebas Banjir",
        ),
        (
            "/siaran-pers/feed.xml",
            "Siaran Pers Pemerintah Kota Bandar Lampung",
            "Siaran pers peluncuran",
            "Wali Kota meninjau drainase",
        ),
        (
            "/program/feed.xml",
            "Program Prioritas Pemerintah Kota Bandar Lampung",
            "Bebas Banjir",
            "Siaran pers peluncuran",
        ),
    ],
)
def test_each_rss_feed_names_the_region_and_lists_its_own_items(
    client,
    published_items,
    url,
    title,
    present,
    absent,
):
    channel = rss(client, url).find("channel")
    assert channel.findtext("title") == title
    titles = [i.findtext("title") for i in channel.findall("item")]
    assert present in titles and absent not in titles
    atom_feed = atom(client, url.replace("feed.xml", "atom.xml"))
    assert atom_feed.findtext(f"{ATOM}title") == title
    assert present in [e.findtext(f"{ATOM}title") for e in atom_feed.findall(f"{ATOM}entry")]


def test_a_programme_links_to_its_own_page(client, published_items):
    item = rss(client, "/program/feed.xml").find("channel/item")
    assert item.findtext("link").endswith("/program/bebas-banjir/")


def test_feed_titles_follow_the_region_setting(client, published_items, settings):
    settings.KANAL_CITY_NAME = "Kabupaten Pesawaran"
    channel = rss(client, "/siaran-pers/feed.xml").find("channel")
    assert channel.findtext("title") == "Siaran Pers Pemerintah Kabupaten Pesawaran"


def test_the_pages_announce_their_feeds(client, published_items):
    assert b'href="/siaran-pers/feed.xml"' in client.get("/siaran-pers/").content
    assert b'href="/program/atom.xml"' in client.get("/program/").content
