"""The delivery panel in Chromium: a web reporter who chose WhatsApp gets the receipt as a
WhatsApp template (at the local Graph stand-in) or, with Graph refusing it, by e-mail at a
real SMTP server; the operator's case page says which, in plain words, and passes axe."""

import re

import pytest

from .test_complaint_path import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def graph():
    from kanal.channels.tests.fakes.server import FakeProviderServer

    with FakeProviderServer() as fake:
        yield fake


def report_choosing_whatsapp(page, base) -> str:
    page.goto(f"{base}/lapor/")
    page.get_by_label("Judul singkat").fill("Lampu jalan mati")
    page.get_by_label("Apa yang terjadi?").fill("Sudah seminggu gelap di depan masjid.")
    page.get_by_label("Kelurahan").select_option("18.71.01.1003")
    page.get_by_label("WhatsApp", exact=True).check()
    page.get_by_label("Nama Anda").fill("Rina")
    page.get_by_label("Nomor WhatsApp").fill("0812 3456 7890")
    page.get_by_label("Alamat email").fill("rina@example.com")
    page.get_by_label(re.compile("Saya setuju")).check()
    page.wait_for_timeout(3500)  # longer than the form's time trap (3 s)
    page.get_by_role("button", name="Kirim laporan").press("Enter")
    page.wait_for_url("**/lapor/terkirim/**")
    return page.locator(".tracking-number").inner_text().strip()


def send_outbox() -> list[str]:
    from kanal.outbox import tasks
    from kanal.outbox.models import OutboxMessage

    return [
        tasks.deliver(pk)
        for pk in OutboxMessage.objects.filter(status="pending").values_list("pk", flat=True)
    ]


@pytest.mark.parametrize("graph_refuses", [False, True])
def test_the_case_page_says_how_the_receipt_reached_the_reporter(
    live_server, browser, page, axe_check, reference_data, graph, smtp_backend, settings,
    graph_refuses,
):  # fmt: skip
    from kanal.accounts.actions import ensure_demo_accounts
    from kanal.channels.models import ChannelSettings
    from kanal.channels.tests.conftest import configure_channels
    from kanal.channels.tests.fakes.server import graph_error

    ensure_demo_accounts()
    configure_channels(graph.url)  # as an administrator saves them on the console
    ChannelSettings.objects.filter(provider="sms").delete()  # no SMS gateway
    settings.KANAL_WHATSAPP_NOTICE_TEMPLATE = {"name": "kabar_laporan", "language": "id"}
    if graph_refuses:
        graph.fail_next.append((400, graph_error(131026, "Message undeliverable")))

    number = report_choosing_whatsapp(page, live_server.url)
    if graph_refuses:
        assert send_outbox() == ["sent:email"]
        (mail,) = smtp_backend.messages
        assert mail["To"] == "rina@example.com" and number in mail["Subject"]
    else:
        assert send_outbox() == ["sent:whatsapp_template"]
        (request,) = graph.sent("/messages")
        assert request.json()["type"] == "template" and smtp_backend.envelopes == []

    operator = staff_login(browser, live_server.url, "operator")
    operator.goto(f"{live_server.url}/console/aduan/{number}/")
    panel = operator.get_by_role("region", name="Pesan ke pelapor")
    assert panel.is_visible()
    text = panel.inner_text()
    if graph_refuses:
        assert "Dikirim lewat Email; belum ada laporan bahwa pesan sudah sampai." in text
        assert "Penyedia layanan menolak pesan ini." in text and "131026" in text
    else:
        assert (
            "Dikirim lewat Pesan templat WhatsApp; belum ada laporan bahwa pesan sudah sampai."
            in text
        )
        assert "belum pernah menulis kepada kami di saluran ini" in text
    assert axe_check(operator) == []
    operator.set_viewport_size({"width": 320, "height": 800})
    width = operator.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the case page is {width} px wide at 320 px"
