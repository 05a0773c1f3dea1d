"""Uploads: type by content, images re-encoded with every piece of metadata removed."""

import io

import pytest
from PIL import Image

from kanal.core.uploads import UploadRejected, sanitise_upload


@pytest.fixture(autouse=True)
def _english():
    """Match the messages in English (the interface default is Indonesian)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def jpeg_with_gps(width=64, height=32) -> bytes:
    im = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° when shown
    gps = {1: "S", 2: (5.0, 23.0, 1.0), 3: "E", 4: (105.0, 15.0, 48.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_image_metadata_including_gps_is_removed_and_rotation_applied():
    raw = jpeg_with_gps()
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif().get_ifd(0x8825)  # the test image really has GPS
    clean = sanitise_upload("foto.jpg", raw)
    assert clean.content_type == "image/jpeg" and clean.extension == "jpg"
    with Image.open(io.BytesIO(clean.content)) as im:
        assert len(im.getexif()) == 0
        assert "exif" not in im.info and "icc_profile" not in im.info
        assert im.size == (32, 64)  # the camera rotation went into the pixels


def test_type_is_judged_by_content_not_by_name():
    png = io.BytesIO()
    Image.new("RGBA", (10, 10)).save(png, "PNG")
    assert sanitise_upload("dokumen.pdf", png.getvalue()).content_type == "image/jpeg"
    with pytest.raises(UploadRejected, match="not accepted"):
        sanitise_upload("foto.jpg", b"MZ\x90\x00 this is a windows program")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    assert sanitise_upload("surat.exe", pdf).content_type == "application/pdf"


def test_pdf_can_be_refused_where_only_photos_are_wanted():
    with pytest.raises(UploadRejected, match="JPEG or PNG"):
        sanitise_upload("x.pdf", b"%PDF-1.4 ...", allow_pdf=False)


def test_oversized_empty_and_broken_files_are_refused(settings):
    settings.KANAL_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(UploadRejected, match="larger than"):
        sanitise_upload("big.jpg", b"\xff" * 2048)
    with pytest.raises(UploadRejected, match="empty"):
        sanitise_upload("e.jpg", b"")
    with pytest.raises(UploadRejected, match="could not be read"):
        sanitise_upload("broken.jpg", jpeg_with_gps()[:200])


def test_random_names_never_reuse_the_users_file_name():
    clean = sanitise_upload("../../etc/passwd.jpg", jpeg_with_gps())
    name = clean.storage_name()
    assert "passwd" not in name and "/" not in name and name.endswith(".jpg")
    assert clean.storage_name() != name
