"""The PPID's newly published information (DIP) as RSS and Atom, titled with the region."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from kanal.ppid import actions
from kanal.ppid.models import PublicInformationItem

pytestmark = pytest.mark.django_db


def save(officer, **fields):
    return actions.save_public_information_item(actor=officer, item=PublicInformationItem(**fields))


def test_the_dip_feed_lists_published_entries_newest_first(client, officer):
    save(officer, title="LKPD 2024", category="berkala", last_published_on=date(2025, 6, 1))
    save(officer, title="Profil PPID", category="setiap_saat")
    save(officer, title="Draf internal", category="setiap_saat", is_published=False)
    lkpd = save(officer, title="LKPD 2025", category="berkala", last_published_on=date(2099, 1, 1))

    response = client.get("/ppid/dip/feed.xml")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314
    assert channel.findtext("title") == ("Informasi publik terbaru dari PPID Kota Bandar Lampung")
    titles = [i.findtext("title") for i in channel.findall("item")]
    assert titles[0] == "LKPD 2025" and "Draf internal" not in titles
    assert set(titles) == {"LKPD 2025", "Profil PPID", "LKPD 2024"}
    link = channel.find("item").findtext("link")
    assert link.endswith(f"/ppid/#dip-item-{lkpd.pk}")
    page = client.get("/ppid/").content.decode()
    assert f'id="dip-item-{lkpd.pk}"' in page and 'href="/ppid/dip/feed.xml"' in page

    atom = client.get("/ppid/dip/atom.xml")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert b"LKPD 2025" in atom.content
