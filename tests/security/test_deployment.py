"""Production configuration (ASVS V3, V12, V13): `check --deploy`, headers, CSP-ready pages."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KANAL_", "DJANGO_")) and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env |= {
        "KANAL_DEBUG": "0",
        "KANAL_SECRET_KEY": secrets.token_urlsafe(64),
        "KANAL_ALLOWED_HOSTS": "kanal.example",
        "KANAL_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kanal.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


TEMPLATE_DIRS = [ROOT / "kanal"]
INLINE = {
    "inline script": re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>"
    ),
    "style attribute": re.compile(r"\sstyle=\""),
    "event handler attribute": re.compile(r"\son[a-z]+=\""),
    "javascript: URL": re.compile(r"href=\"javascript:", re.IGNORECASE),
}


def test_templates_need_no_unsafe_inline():
    """A strict Content-Security-Policy (no 'unsafe-inline') must not break any page."""
    found = []
    for template in sorted(ROOT.glob("kanal/**/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for what, pattern in INLINE.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(ROOT)}:{line}: {what}")
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client, reference_data):
    response = client.get("/lapor/")
    assert response.status_code == 200
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives.get("default-src") == ["'self'"], csp
    assert "script-src" not in directives or "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives.get("style-src", [])
    assert directives.get("frame-ancestors") == ["'none'"]
    assert directives.get("object-src") == ["'none'"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "geolocation=(self)" in response.headers.get("Permissions-Policy", "")
    assert "camera=()" in response.headers.get("Permissions-Policy", "")
    assert settings.SESSION_COOKIE_HTTPONLY
