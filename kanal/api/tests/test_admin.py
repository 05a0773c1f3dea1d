"""The admin issues keys and tokens through actions and shows the secret once."""

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from kanal.api.admin import ApiTokenAdmin, PartnerKeyAdmin
from kanal.api.models import ApiToken, PartnerKey
from kanal.api.queries import partner_for_key, token_for
from kanal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def admin_request(user):
    request = RequestFactory().post("/admin/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def shown_secret(request) -> str:
    text = str(next(iter(request._messages)))
    return next(word for word in text.split() if "_" in word and len(word) > 30)


def test_adding_a_partner_key_shows_it_once_and_stores_a_hash(staff_factory):
    user = staff_factory("admin", [("system_admin", "diskominfo")])
    request = admin_request(user)
    model_admin = PartnerKeyAdmin(PartnerKey, admin.site)
    obj = PartnerKey(name="Aplikasi Warga", posts_per_hour=30)
    model_admin.save_model(request, obj, form=None, change=False)
    raw = shown_secret(request)
    assert partner_for_key(raw).pk == obj.pk and PartnerKey.objects.count() == 1
    assert raw not in PartnerKey.objects.get().key_hash
    model_admin.revoke(request, PartnerKey.objects.all())
    assert partner_for_key(raw) is None
    assert AuditEvent.objects.filter(action="api.partner_key_revoked").exists()


def test_adding_a_staff_token(staff_factory):
    user = staff_factory("admin", [("system_admin", "diskominfo")])
    request = admin_request(user)
    model_admin = ApiTokenAdmin(ApiToken, admin.site)
    obj = ApiToken(user=user, name="dashboard")
    model_admin.save_model(request, obj, form=None, change=False)
    raw = shown_secret(request)
    assert token_for(raw).user == user
    model_admin.revoke(request, ApiToken.objects.all())
    assert token_for(raw) is None
