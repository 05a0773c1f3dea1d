"""Safe handling of uploaded files: type by content, images re-encoded without metadata.

Every app that accepts files from citizens or staff (case attachments, KTP images,
content images) calls :func:`sanitise_upload` and stores the result through Django's
storage API under a random name (ASVS 5.2.2, 5.3.2). A photo's EXIF can locate the
reporter's home, so images are rewritten from their pixels: nothing of the original
file's metadata survives.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from PIL import Image

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "HEIF", "MPO"}
MAX_IMAGE_SIDE = 2048


class UploadRejected(ValueError):
    """The file cannot be accepted; the message says why and what to do, for the user."""


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    extension: str
    original_name: str

    def storage_name(self) -> str:
        """A new server-generated name: never the user's file name (ASVS 5.3.2)."""
        return f"{secrets.token_urlsafe(16)}.{self.extension}"


def pillow():
    """Pillow's modules, imported on the first image (Image, ImageCms, ImageOps, the
    unidentified-image error): ~9 MB that a process which never sees an upload (the
    scheduler, most task workers) does not hold."""
    from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

    # Pillow raises DecompressionBombError above twice this; a phone photo is ~12-50 MP.
    Image.MAX_IMAGE_PIXELS = 60_000_000
    return Image, ImageCms, ImageOps, UnidentifiedImageError


def max_upload_bytes() -> int:
    return settings.KANAL_MAX_UPLOAD_BYTES


def sniff(head: bytes) -> str:
    """'pdf', 'image' or '' from the first bytes of a file, whatever its name says."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    Image, _cms, _ops, UnidentifiedImageError = pillow()
    try:
        with Image.open(io.BytesIO(head)) as im:
            return "image" if im.format else ""
    except Image.DecompressionBombError:
        return "image"  # an image, and sanitise_image refuses it
    except (UnidentifiedImageError, OSError):
        # A truncated header can still be an image; let the full decode decide.
        signatures = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"RIFF")
        return "image" if head.startswith(signatures) else ""


def sanitise_image(data: bytes, max_side: int = MAX_IMAGE_SIDE) -> bytes:
    """Decode, apply the camera rotation, shrink to ``max_side``, re-encode as JPEG.

    The output carries no metadata of any kind: no EXIF (and so no GPS), XMP, ICC
    profile, JPEG comment (COM) or PNG text chunk. Pillow copies some of these from
    the decoded image's ``info`` when it saves (a JPEG comment, for one), so the pixels
    are copied into a new image that has no ``info`` at all. A colour profile is first
    applied to the pixels (converted to sRGB) so dropping it does not shift colours.
    Raises UploadRejected for anything Pillow cannot decode as one of IMAGE_FORMATS.
    """
    Image, _cms, ImageOps, UnidentifiedImageError = pillow()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in IMAGE_FORMATS:
                raise UploadRejected(_("This image type is not accepted. Send a JPEG or PNG."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as im:
            im = ImageOps.exif_transpose(im)
            im.thumbnail((max_side, max_side))
            im = _to_srgb(im)
            if im.mode not in ("RGB", "L"):
                im = im.convert("RGB")
            bare = Image.new(im.mode, im.size)
            bare.paste(im)
            out = io.BytesIO()
            bare.save(out, "JPEG", quality=82, optimize=True, progressive=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise UploadRejected(
            _("The image could not be read. Take the photo again or send another file.")
        ) from exc


def _to_srgb(im: Image.Image) -> Image.Image:
    """The image with its embedded colour profile applied, as sRGB; unchanged without one."""
    profile = im.info.get("icc_profile")
    if not profile:
        return im
    ImageCms = pillow()[1]
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        rgb = im if im.mode in ("RGB", "L") else im.convert("RGB")
        converted = ImageCms.profileToProfile(
            rgb, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
        return converted or rgb
    except (OSError, ValueError, ImageCms.PyCMSError):
        return im  # a broken profile: keep the pixels as they are (the profile goes anyway)


def sanitise_upload(name: str, data: bytes, *, allow_pdf: bool = True) -> CleanFile:
    """Check and clean one uploaded file; raise UploadRejected with a message for the user.

    Images (by content) are re-encoded to JPEG without metadata; PDFs (by content) are
    kept as they are, with a random name; anything else is refused.
    """
    if len(data) > max_upload_bytes():
        raise UploadRejected(
            _("The file is larger than %(mb)d MB. Send a smaller photo or document.")
            % {"mb": max_upload_bytes() // (1024 * 1024)}
        )
    if not data:
        raise UploadRejected(_("The file is empty."))
    kind = sniff(data[:4096])
    if kind == "pdf" and allow_pdf:
        return CleanFile(data, "application/pdf", "pdf", name[:200])
    if kind == "image":
        return CleanFile(sanitise_image(data), "image/jpeg", "jpg", name[:200])
    accepted = _("a photo (JPEG or PNG) or a PDF") if allow_pdf else _("a photo (JPEG or PNG)")
    raise UploadRejected(_("This file type is not accepted. Send %(what)s.") % {"what": accepted})
