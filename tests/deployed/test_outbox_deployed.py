"""Done when: a web-form reporter who chose WhatsApp receives the receipt as a WhatsApp
template message at a local Graph stand-in (KANAL_GRAPH_URL); with WhatsApp failing they
receive it by e-mail at a real SMTP server (aiosmtpd); the delivery panel says which.

Kanal runs as a city runs it (gunicorn, the worker, environment variables only); the
citizen posts the public form over HTTP, as a browser does."""

from __future__ import annotations

import re

import httpx
import pytest

from kanal.channels.tests.fakes.server import graph_error
from kanal.core.tests.mailservers import SmtpServer
from kanal.core.tests.sites import build_once

from .conftest import clean_environment, manage
from .test_whatsapp_deployed import graph, whatsapp_environment  # noqa: F401

TEMPLATE = "kabar_laporan:id"

PANEL = """
from django.utils import translation
from kanal.complaints.models import Complaint
from kanal.outbox.queries import delivery_panel_for
translation.activate("id")
for line in delivery_panel_for(Complaint.objects.get(), show_addresses=True):
    print(line.outcome)
    for attempt in line.attempts:
        print("-", attempt.route_label, attempt.address, attempt.sentence, attempt.detail)
"""


def _collect_static(folder):
    env = clean_environment() | {"KANAL_VAR_DIR": str(folder), "KANAL_DEBUG": "0"}
    manage(env | {"KANAL_SECRET_KEY": "static-only"}, "collectstatic", "--no-input", "-v0")


@pytest.fixture(scope="session")
def static_files(tmp_path_factory):
    """``collectstatic`` once per run (the pages need its manifest under KANAL_DEBUG=0)."""
    return build_once(tmp_path_factory, "kanal-static", _collect_static) / "static"


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def file_web_report(kanal) -> str:
    """The public form, as a browser sends it: its CSRF cookie and token, its time stamp."""
    url = kanal.url
    with httpx.Client(base_url=url, follow_redirects=False, timeout=60) as browser:
        browser.cookies.clear()
        form = browser.get("/lapor/")
        assert form.status_code == 200, (kanal.folder / "gunicorn.log").read_text()[-3000:]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        started = re.search(r'name="started" value="([^"]+)"', form.text).group(1)
        response = browser.post(
            "/lapor/",
            data={
                "csrfmiddlewaretoken": token,
                "started": started,
                "kind": "pengaduan",
                "title": "Lampu jalan mati",
                "description": "Sudah seminggu gelap di depan masjid.",
                "kelurahan": "18.71.01.1003",
                "address": "depan masjid",
                "contact_preference": "whatsapp",
                "name": "Rina",
                "phone": "0812-3456-7890",
                "email": "rina@example.com",
                "consent": "on",
                "website": "",
            },
            # The cookie is Secure under KANAL_DEBUG=0 (HTTPS behind nginx); over this
            # plain-HTTP test connection it is sent by hand, as the browser would over TLS.
            headers={"Cookie": f"__Host-csrftoken={form.cookies['__Host-csrftoken']}"},
        )
        assert response.status_code == 302, response.text[:2000]
        return re.search(r"/lapor/terkirim/([^/]+)/", response.headers["location"]).group(1)


def start(deploy, graph, smtp, static_files):  # noqa: F811
    kanal = deploy(
        whatsapp_environment(f"{graph.url}/graph")
        | smtp.env()
        | {"KANAL_WHATSAPP_NOTICE_TEMPLATE": TEMPLATE, "KANAL_REPORT_MIN_SECONDS": "0"}
    )
    (kanal.folder / "static").symlink_to(static_files)
    return kanal.start("gunicorn")


def test_the_web_reporter_who_chose_whatsapp_gets_the_receipt_as_a_template(
    deploy,
    graph,  # noqa: F811
    smtp,
    static_files,
):
    kanal = start(deploy, graph, smtp, static_files)
    number = file_web_report(kanal)
    kanal.work()

    (request,) = graph.sent("/messages")
    body = request.json()
    assert body["type"] == "template" and body["to"] == "+6281234567890"
    assert body["template"]["name"] == "kabar_laporan"
    assert body["template"]["language"] == {"code": "id"}
    variables = body["template"]["components"][0]["parameters"]
    assert variables[0] == {"type": "text", "text": number}
    assert smtp.envelopes == []  # reached on WhatsApp: no e-mail as well

    panel = kanal.shell(PANEL)
    assert (
        "Dikirim lewat Pesan templat WhatsApp; belum ada laporan bahwa pesan sudah sampai." in panel
    )
    assert kanal.rows("SELECT route, state FROM outbox_deliveryattempt ORDER BY id") == [
        ("whatsapp", "skipped"),
        ("whatsapp_template", "sent"),
    ]


def test_with_whatsapp_failing_the_receipt_arrives_by_email_at_the_smtp_server(
    deploy,
    graph,  # noqa: F811
    smtp,
    static_files,
):
    # 131026 "Message undeliverable" (the number is not on WhatsApp): Graph refuses.
    graph.fail_next.append((400, graph_error(131026, "Message undeliverable")))
    kanal = start(deploy, graph, smtp, static_files)
    number = file_web_report(kanal)
    kanal.work()

    assert len(graph.sent("/messages")) == 1  # tried once, refused
    (envelope,) = smtp.envelopes
    assert envelope.rcpt_tos == ["rina@example.com"]
    (mail,) = smtp.messages
    assert number in mail["Subject"]
    assert number in mail.get_payload(decode=True).decode(mail.get_content_charset() or "utf-8")

    panel = kanal.shell(PANEL)
    assert "Dikirim lewat Email; belum ada laporan bahwa pesan sudah sampai." in panel
    assert "Penyedia layanan menolak pesan ini." in panel and "131026" in panel
