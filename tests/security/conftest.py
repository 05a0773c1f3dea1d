"""Shared helpers for the security tests."""

import io

import pytest
from PIL import Image


def png_bytes(size=(40, 30), exif=None, fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, fmt, **({"exif": exif} if exif else {}))
    return out.getvalue()


@pytest.fixture
def png():
    return png_bytes()
