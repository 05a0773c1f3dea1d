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


# Each planted kind of metadata carries this marker, so finding it anywhere in the
# output bytes (in any segment or chunk) means that kind survived.
SECRET = b"GPS 5.42S 105.26E home of reporter"


def _icc_profile() -> bytes:
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return profile.tobytes()


def _xmp() -> bytes:
    return (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b"<rdf:Description>" + SECRET + b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    )


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = SECRET.decode()  # Make
    exif[0x8825] = {1: "S", 2: (5.0, 23.0, 1.0), 3: "E", 4: (105.0, 15.0, 48.0)}
    return exif


def _jpeg_segments(data: bytes) -> list[int]:
    """The marker byte of every segment before the image data (SOS ends the header)."""
    markers, i = [], 2
    while i < len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: the pixels follow
            break
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return markers


def planted_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(
        out,
        "JPEG",
        exif=_exif(),
        xmp=_xmp(),
        icc_profile=_icc_profile(),
        comment=b"<script>alert(1)</script> " + SECRET,
    )
    return out.getvalue()


def planted_png() -> bytes:
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", SECRET.decode())  # tEXt
    text.add_text("Description", SECRET.decode(), zip=True)  # zTXt
    text.add_itxt("XML:com.adobe.xmp", _xmp().decode())  # iTXt carrying XMP
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (10, 120, 200, 255)).save(
        out, "PNG", pnginfo=text, exif=_exif(), icc_profile=_icc_profile()
    )
    return out.getvalue()


def planted_webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(
        out, "WEBP", exif=_exif(), xmp=_xmp(), icc_profile=_icc_profile()
    )
    return out.getvalue()


@pytest.mark.parametrize(
    "planted, kinds",
    [
        (planted_jpeg, {"exif", "xmp", "icc_profile", "comment"}),
        (planted_png, {"exif", "icc_profile", "Comment", "Description", "XML:com.adobe.xmp"}),
        (planted_webp, {"exif", "xmp", "icc_profile"}),
    ],
    ids=["jpeg", "png", "webp"],
)
def test_every_kind_of_planted_metadata_is_gone_after_re_encoding(planted, kinds):
    raw = planted()
    with Image.open(io.BytesIO(raw)) as original:
        original.load()
        # The planted file really carries every kind (else the test proves nothing).
        assert kinds <= set(original.info), set(original.info)
    assert SECRET in raw

    clean = sanitise_upload("foto", raw).content

    assert SECRET not in clean and b"reporter" not in clean and b"<script" not in clean
    assert b"xmpmeta" not in clean and b"Exif" not in clean
    markers = _jpeg_segments(clean)
    # Only the JFIF header (APP0), tables, frame and scan: no APP1 (EXIF/XMP), APP2
    # (ICC), APP13 (IPTC) or any other APPn, and no COM (0xFE) segment.
    assert not [m for m in markers if 0xE1 <= m <= 0xEF or m == 0xFE], markers
    with Image.open(io.BytesIO(clean)) as im:
        assert len(im.getexif()) == 0
        assert set(im.info) <= {
            "jfif",
            "jfif_version",
            "jfif_unit",
            "jfif_density",
            "dpi",
            "progressive",
            "progression",
        }, im.info
