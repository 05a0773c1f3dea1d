"""Upload attacks through the real public forms (ASVS 5.2): refused, or neutralised.

Each attack goes through the complaint form (/lapor/) and the PPID request form
(/ppid/permohonan/) as a browser would send it. A refused file leaves nothing behind:
no case or request, no stored file, and the form comes back with the typed input.
"""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from kanal.complaints.models import Attachment, Complaint
from kanal.ppid.models import InformationRequest, RequestAttachment
from kanal.ppid.tests.conftest import request_details

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def decompression_bomb() -> bytes:
    """A ~100 KB PNG that claims 40,000 x 40,000 pixels (1.6 gigapixels) of zeros."""
    side = 40_000
    rows = zlib.compress(b"\x00" * (side // 8 + 1) * side, 9)
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "S", 2: (5.0, 25.0, 12.5), 3: "E", 4: (105.0, 15.0, 30.0)}
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825), "the fixture has GPS"
    return data


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>fetch("/console/").then(r=>r.text()).then(alert)</script></svg>'
)
PHP_AS_JPEG = b"<?php system($_GET['c']); ?>\n<html><script>alert(1)</script></html>"
HTML_AS_PDF = b"<html><body><script>alert(document.cookie)</script></body></html>"

REFUSED = {  # name -> (file name, content)
    "wrong type behind a good extension (.jpg)": ("foto.jpg", PHP_AS_JPEG),
    "wrong type behind a good extension (.pdf)": ("surat.pdf", HTML_AS_PDF),
    "SVG with script": ("gambar.svg", SVG_WITH_SCRIPT),
    "SVG with script named .png": ("gambar.png", SVG_WITH_SCRIPT),
    "decompression bomb": ("bom.png", decompression_bomb()),
    "huge file (11 MB)": ("besar.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * (11 * 1024 * 1024)),
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def report_form(upload):
    return {
        "kind": "pengaduan",
        "title": "Lampu jalan mati",
        "description": "Lampu jalan mati sejak seminggu di Jl. Teuku Umar.",
        "contact_preference": "none",
        "photo": upload,
    }


def ppid_form(upload):
    return request_details() | {"consent": "on", "website": "", "identity_file": upload}


FORMS = {
    "complaint form": ("complaints:report", report_form, Complaint),
    "PPID form": ("ppid:request_form", ppid_form, InformationRequest),
}


ATTACKS = list(REFUSED)


@pytest.mark.parametrize("form_name", FORMS)
@pytest.mark.parametrize("attack", ATTACKS)
def test_a_dangerous_file_is_refused_and_nothing_is_kept(
    client, reference_data, media, form_name, attack
):
    url_name, make_form, model = FORMS[form_name]
    name, content = REFUSED[attack]
    response = client.post(reverse(url_name), make_form(SimpleUploadedFile(name, content)))
    assert response.status_code in (200, 400), response.status_code  # the form again, no 500
    body = response.content.decode()
    assert "error-summary" in body or "error-message" in body
    assert "Lampu jalan mati" in body or "Siti Aminah" in body  # what was typed is kept
    assert not model.objects.exists()
    assert stored_files(media) == []


def _stored_image(form_name) -> bytes:
    if form_name == "complaint form":
        item = Attachment.objects.get()
    else:
        item = RequestAttachment.objects.get()
    with item.file.open("rb") as handle:
        return handle.read()


@pytest.mark.parametrize("form_name", FORMS)
def test_gps_and_camera_data_are_stripped_from_photos(client, reference_data, media, form_name):
    url_name, make_form, _model = FORMS[form_name]
    upload = SimpleUploadedFile("rumah.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(reverse(url_name), make_form(upload))
    assert response.status_code == 302
    data = _stored_image(form_name)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not image.getexif(), "no EXIF at all survives"
    assert b"PhoneMaker" not in data and b"Exif" not in data


@pytest.mark.parametrize("form_name", FORMS)
def test_a_png_is_accepted_under_a_new_random_name(client, reference_data, media, form_name):
    url_name, make_form, _ = FORMS[form_name]
    upload = SimpleUploadedFile("../../etc/passwd.png", png_bytes())
    assert client.post(reverse(url_name), make_form(upload)).status_code == 302
    [path] = stored_files(media)
    assert path.resolve().is_relative_to(media.resolve())
    assert "passwd" not in path.name and path.suffix == ".jpg"
