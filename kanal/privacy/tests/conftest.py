"""Fixtures of the privacy tests: staff of each role concerned, media in a temporary folder."""

import pytest


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def staff(reference_data, staff_factory):
    return {
        "dpo": staff_factory("dpo", [("system_admin", "diskominfo")]),
        "operator": staff_factory("op", [("operator", "diskominfo")]),
        "officer": staff_factory("yusuf", [("ppid_officer", "diskominfo")]),
        "superior": staff_factory("hendra", [("ppid_superior", "setda")]),
    }
