"""Fixtures for publishing tests: editors, a reviewer, the fake providers, a tidy media root."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from kanal.publishing import actions

from .fakes.servers import FakeGraph, FakeTikTok

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests
    settings.KANAL_PUBLIC_BASE_URL = "https://kanal.example"
    settings.KANAL_PUBLISHING_POLL_SECONDS = 0
    settings.KANAL_PUBLISHING_POLL_ATTEMPTS = 3
    for name in (
        "KANAL_FACEBOOK_PAGE_ID",
        "KANAL_FACEBOOK_PAGE_TOKEN",
        "KANAL_INSTAGRAM_USER_ID",
        "KANAL_TIKTOK_ACCESS_TOKEN",
    ):
        setattr(settings, name, "")


@pytest.fixture
def editor(reference_data, staff_factory):
    return staff_factory("eka", [("editor", "diskominfo")])


@pytest.fixture
def reviewer(reference_data, staff_factory):
    return staff_factory("rina", [("editor", "diskominfo")])


@pytest.fixture
def providers(settings):
    """Facebook/Instagram (Graph) and TikTok fakes, with Kanal's settings pointing at them."""
    with FakeGraph() as graph, FakeTikTok() as tiktok:
        settings.KANAL_GRAPH_URL = graph.url + "/v21.0"
        settings.KANAL_FACEBOOK_PAGE_ID = graph.page_id
        settings.KANAL_FACEBOOK_PAGE_TOKEN = graph.token
        settings.KANAL_INSTAGRAM_USER_ID = graph.ig_user
        settings.KANAL_TIKTOK_API_URL = tiktok.url
        settings.KANAL_TIKTOK_ACCESS_TOKEN = tiktok.token
        yield graph, tiktok


def png(width=1080, height=1080, color=(10, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def make_item(author, *, kind="activity", channels=(), image=True, title="Kerja bakti", **kw):
    item = actions.create_item(
        author,
        kind=kind,
        title=title,
        summary=kw.pop("summary", "Warga dan pemkot membersihkan saluran."),
        body=kw.pop("body", "Paragraf satu.\n\nParagraf dua."),
        channels=channels,
        **kw,
    )
    if image:
        actions.add_file(author, item, "foto.png", png(), alt_text="Warga membersihkan saluran")
    return item


def approved(author, reviewer, **kw):
    item = make_item(author, **kw)
    actions.transition_item(author, item, "submit")
    actions.transition_item(reviewer, item, "approve")
    item.refresh_from_db()
    return item


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def login(client, user):
    """The real two-step staff login (password, then TOTP)."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    response = client.post(reverse("accounts:verify"), {"token": code_for(device)})
    assert response.status_code == 302, response
    return client
