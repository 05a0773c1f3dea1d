"""The field app in Chromium at phone size: offline records, reload, resend, one case each.

Service workers need a secure context: Chromium counts http://127.0.0.1 and localhost as
secure, so the live server is enough here (a deployment needs HTTPS).
"""

import contextlib
import io

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
FIRST_LOAD_LIMIT = 150 * 1024  # bytes: the app is used on prepaid data


def code_for(username):
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (120, 90, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def wait_for_worker(page):
    """Until the service worker controls the page (it claims clients when activated)."""
    assert page.evaluate(
        """async () => {
          await navigator.serviceWorker.ready;
          for (let i = 0; i < 100 && !navigator.serviceWorker.controller; i++) {
            await new Promise(r => setTimeout(r, 100));
          }
          return !!navigator.serviceWorker.controller;
        }"""
    )


def sign_in(page, base, username):
    from kanal.accounts.actions import DEMO_PASSWORD

    page.goto(f"{base}/lapangan/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Lanjut").click()
    page.get_by_label("Kode enam angka").fill(code_for(username))


def record(page, text, **extra):
    page.get_by_label("Apa pengaduannya?").fill(text)
    if "photo" in extra:
        page.locator("#photo").set_input_files(
            {"name": "jalan.jpg", "mimeType": "image/jpeg", "buffer": extra["photo"]}
        )
        page.get_by_text("Foto ditambahkan").wait_for()
    if "name" in extra:
        page.get_by_label("Nama", exact=True).fill(extra["name"])
        page.get_by_label("Telepon atau WhatsApp").fill(extra["phone"])
        page.get_by_label("Saya sudah membacakannya dan warga setuju").check()
    slip = page.locator("#saved-slip")
    before = slip.inner_text() if slip.is_visible() else ""
    page.get_by_role("button", name="Simpan").click()
    for _ in range(100):  # the panel is redrawn once IndexedDB has stored the record
        if slip.is_visible() and slip.inner_text() != before:
            return slip.inner_text()
        page.wait_for_timeout(50)
    raise AssertionError("no new slip number was shown")


def test_lurah_records_three_complaints_offline_and_each_becomes_one_case(
    live_server, browser, axe_check, reference_data
):
    from kanal.accounts.actions import ensure_demo_accounts
    from kanal.complaints.models import Complaint

    ensure_demo_accounts()
    base = live_server.url
    context = browser.new_context(locale="id-ID", viewport=PHONE, has_touch=True)
    page = context.new_page()
    sign_in(page, base, "lurah.kedaton")

    # First load: everything the browser fetches from the moment the login lands on the
    # app until the service worker has stored its copy (headers and bodies, as sent).
    sizes = []
    context.on("requestfinished", lambda r: sizes.append((r.url, r.sizes())))
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/lapangan/")
    wait_for_worker(page)
    page.wait_for_load_state("networkidle")
    first_load = sum(s["responseBodySize"] + s["responseHeadersSize"] for _, s in sizes)
    print(f"first load: {first_load} bytes in {len(sizes)} responses")
    assert any("/lapangan/" in url for url, _ in sizes)
    assert first_load < FIRST_LOAD_LIMIT, sizes

    assert axe_check(page) == []
    assert page.get_by_role("radio", name="Lurah").is_checked()
    assert page.get_by_label("Kelurahan", exact=True).input_value() == "18.71.01.1003"

    context.set_offline(True)
    assert page.get_by_role("status").filter(has_text="Tidak ada sinyal").is_visible()
    slips = [
        record(page, "Lampu jalan mati di Jl. Teuku Umar sejak seminggu"),
        record(page, "Jalan berlubang di depan SD Negeri 2", photo=photo_bytes()),
        record(page, "Sampah menumpuk di pasar", name="Pak Darto", phone="0812 3456 7890"),
    ]
    assert len(set(slips)) == 3
    assert axe_check(page) == []

    # Reload with no connection: the worker serves the app, IndexedDB still holds all three.
    page.reload()
    items = page.locator("#record-list li")
    items.nth(2).wait_for()  # the list is drawn from IndexedDB after the page loads
    assert items.count() == 3
    for slip in slips:
        item = page.locator(f'#record-list li[data-slip="{slip}"]')
        assert "Menunggu dikirim" in item.inner_text()
    assert Complaint.objects.count() == 0

    # The connection drops after the server took the first upload but before the phone
    # heard the answer: the phone still thinks it is waiting and will send it again.
    cut = []

    def drop_the_answer(route):
        if not cut:
            route.fetch()  # reaches the server, which records the case
            cut.append(route.request.headers.get("idempotency-key"))
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/lapangan/api/laporan/", drop_the_answer)
    context.set_offline(False)
    page.get_by_text("Tidak ada koneksi").wait_for()
    assert cut and Complaint.objects.filter(intake_key=cut[0]).count() == 1
    assert "Menunggu dikirim" in page.locator(f'li[data-slip="{cut[0]}"]').inner_text()

    send = page.get_by_role("button", name="Kirim sekarang")
    send.click()
    send.click(force=True)  # a double tap
    for slip in slips:
        page.locator(f'li[data-slip="{slip}"].record-sent').wait_for(timeout=20000)

    cases = Complaint.objects.order_by("intake_key")
    assert cases.count() == 3
    assert sorted(cases.values_list("intake_key", flat=True)) == sorted(slips)
    for case in cases:
        assert case.tracking_number.startswith("BL-")
        assert case.channel == "lurah" and case.entered_by.username == "lurah.kedaton"
        assert case.kelurahan.code == "18.71.01.1003"
        shown = page.locator(f'li[data-slip="{case.intake_key}"]').inner_text()
        assert case.tracking_number in shown
    with_photo = Complaint.objects.get(intake_key=slips[1])
    assert with_photo.attachments.count() == 1
    named = Complaint.objects.get(intake_key=slips[2])
    assert named.reporter.name == "Pak Darto" and named.reporter.contact_preference == "whatsapp"

    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"horizontal scrolling at 320 px: {width}"
    assert axe_check(page) == []
    context.close()


def test_signing_out_clears_the_phone(live_server, browser, reference_data):
    """Sign-out wipes the store even while a send is on its way and fails afterwards.

    The send and the sign-out are held at the network so the order is the bad one every
    time: the submission is still open when the officer signs out, and it fails only after
    the store was cleared, while the page is still waiting for the sign-out's answer.
    """
    from playwright.sync_api import Error as PlaywrightError

    from kanal.accounts.actions import ensure_demo_accounts
    from kanal.field.models import DeviceSession

    ensure_demo_accounts()
    base = live_server.url
    context = browser.new_context(locale="id-ID", viewport=PHONE)
    page = context.new_page()
    sign_in(page, base, "lurah.kedaton")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/lapangan/")
    wait_for_worker(page)
    context.set_offline(True)
    record(page, "Saluran air tersumbat")

    held_sends, held_sign_outs = [], []
    page.route("**/lapangan/api/laporan/", lambda route: held_sends.append(route))
    page.route("**/lapangan/keluar/", lambda route: held_sign_outs.append(route))
    context.set_offline(False)  # the app starts sending by itself
    for _ in range(200):
        if held_sends:
            break
        page.wait_for_timeout(50)
    assert held_sends, "the app did not start sending when the connection came back"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Keluar dan bersihkan ponsel ini").click()
    for _ in range(200):  # the store is wiped before the sign-out form is sent
        if held_sign_outs:
            break
        page.wait_for_timeout(50)
    assert held_sign_outs, "the sign-out form was not sent"
    # The send fails now, after the wipe (the app may already have cancelled it itself).
    with contextlib.suppress(PlaywrightError):
        held_sends[0].abort("connectionreset")
    page.wait_for_timeout(500)  # time for a late write to land, if one could
    held_sign_outs[0].continue_()
    page.wait_for_url("**/staff/login/**")
    left = page.evaluate(
        """async () => {
          const db = await new Promise((ok, no) => {
            const r = indexedDB.open("kanal-field", 1);
            r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error);
            r.onupgradeneeded = () => { r.result.createObjectStore("records", {keyPath: "key"});
                                        r.result.createObjectStore("meta"); };
          });
          const rows = await new Promise(ok => {
            const q = db.transaction("records").objectStore("records").getAll();
            q.onsuccess = () => ok(q.result);
          });
          return [rows.length, (await caches.keys()).length];
        }"""
    )
    assert left == [0, 0]
    assert DeviceSession.objects.get(user__username="lurah.kedaton").ended_at is not None
    context.close()
