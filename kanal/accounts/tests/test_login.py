"""Staff log in with a password and a TOTP code; enrolment; rate limits; the admin gate."""

import base64

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kanal.accounts import actions
from kanal.accounts.queries import scope_for
from kanal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def code_for(device: TOTPDevice) -> str:
    """The code the staff member's authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def enrolled(reference_data, staff_factory):
    user = staff_factory("budi", [("unit_officer", "dpu")])
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def password_step(client, username="budi", password=PASSWORD, next_url=None):
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    client.get(url)
    return client.post(url, {"username": username, "password": password})


def test_password_then_code_logs_in_and_is_audited(client, enrolled):
    user, device = enrolled
    response = password_step(client)
    assert response.status_code == 302 and response.url == reverse("accounts:verify")
    # not logged in before the second factor
    assert client.get(reverse("console:home")).status_code == 302
    response = client.post(reverse("accounts:verify"), {"token": code_for(device)})
    assert response.status_code == 302 and response.url == reverse("console:home")
    page = client.get(reverse("console:home"))
    assert page.status_code == 200
    assert "Dinas Pekerjaan Umum" in page.content.decode()
    actions_logged = list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert "staff.password_ok" in actions_logged and "staff.logged_in" in actions_logged
    client.post(reverse("accounts:logout"))
    assert AuditEvent.objects.filter(actor=user, action="staff.logged_out").count() == 1


def test_a_wrong_code_does_not_log_in(client, enrolled):
    password_step(client)
    response = client.post(reverse("accounts:verify"), {"token": "000000"})
    assert response.status_code == 200
    assert "tidak berlaku" in response.content.decode() or "not valid" in response.content.decode()
    assert client.get(reverse("console:home")).status_code == 302
    assert AuditEvent.objects.filter(action="staff.otp_failed").count() == 1


def test_a_wrong_password_says_so_and_keeps_the_username(client, enrolled):
    response = password_step(client, password="wrong")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="budi"' in body
    assert AuditEvent.objects.filter(action="staff.password_failed").count() == 1


def test_first_login_enrols_a_device_then_logs_in(client, reference_data, staff_factory):
    user = staff_factory("baru", [("editor", "diskominfo")])
    response = password_step(client, username="baru")
    assert response.url == reverse("accounts:enrol")
    page = client.get(reverse("accounts:enrol"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert base64.b32encode(device.bin_key).decode() in page.content.decode()
    assert client.post(reverse("accounts:enrol"), {"token": "123"}).status_code == 200
    response = client.post(reverse("accounts:enrol"), {"token": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("console:home")).status_code == 200


def full_login(client, username, device, ip="10.0.0.1"):
    client.get(reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR=ip
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.post(reverse("accounts:verify"), {"token": code_for(device)}, REMOTE_ADDR=ip)


def test_ten_successful_logins_from_one_address_within_a_minute_all_succeed(
    reference_data, staff_factory
):
    from django.test import Client

    for i in range(10):
        user = staff_factory(f"petugas{i}", [("unit_officer", "dpu")])
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        response = full_login(Client(), user.username, device, ip="203.0.113.7")
        assert response.status_code == 302 and response.url == reverse("console:home")
    assert not AuditEvent.objects.filter(action="staff.rate_limited").exists()
    assert AuditEvent.objects.filter(action="staff.logged_in").count() == 10


def test_five_wrong_passwords_from_many_addresses_do_not_stop_the_officer(client, enrolled):
    from django.test import Client

    _user, device = enrolled
    for i in range(5):
        stranger = Client()
        stranger.post(
            reverse("accounts:login"),
            {"username": "budi", "password": "guess"},
            REMOTE_ADDR=f"198.51.100.{i}",
        )
    assert AuditEvent.objects.filter(action="staff.password_failed").count() == 5
    response = full_login(client, "budi", device)  # a new device, another address
    assert response.status_code == 302 and response.url == reverse("console:home")


def test_a_stranger_cannot_lock_out_a_known_username(client, enrolled):
    import time_machine
    from django.test import Client

    _user, device = enrolled
    with time_machine.travel("2026-03-02 08:00:00+07:00", tick=False) as clock:
        assert full_login(client, "budi", device).status_code == 302  # a known device now
        client.post(reverse("accounts:logout"))
        for i in range(40):
            Client().post(
                reverse("accounts:login"),
                {"username": "budi", "password": f"guess{i}"},
                REMOTE_ADDR=f"198.51.100.{i}",
            )
        # a new device waits a little (a slowdown, not a lock) ...
        elsewhere = Client()
        response = elsewhere.post(
            reverse("accounts:login"), {"username": "budi", "password": PASSWORD}
        )
        assert response.status_code == 429
        assert "detik" in response.content.decode() or "seconds" in response.content.decode()
        # ... while the officer's own browser goes straight in
        clock.shift(30)
        response = full_login(client, "budi", device)
        assert response.status_code == 302 and response.url == reverse("console:home")
        # and the new device, after the longest wait, can log in too
        clock.shift(301)
        assert (
            elsewhere.post(
                reverse("accounts:login"), {"username": "budi", "password": PASSWORD}
            ).status_code
            == 302
        )


def test_wrong_passwords_beyond_the_free_ones_slow_the_account_down(client, enrolled):
    import time_machine

    with time_machine.travel("2026-03-02 08:00:00+07:00", tick=False) as clock:
        for _ in range(6):
            assert password_step(client, password="wrong").status_code == 200
        response = password_step(client)  # the sixth failure asks for 2 seconds
        assert response.status_code == 429
        assert AuditEvent.objects.filter(action="staff.rate_limited").exists()
        clock.shift(3)
        assert password_step(client).status_code == 302


def test_only_wrong_codes_count_against_the_second_step(client, enrolled):
    from django.test import Client

    _user, device = enrolled
    for i in range(6):  # correct logins never use up the allowance
        assert full_login(Client(), "budi", device, ip=f"10.0.1.{i}").status_code == 302
        device.refresh_from_db()
        device.last_t = -1  # the same code again, as if a new 30-second step had begun
        device.save()
    password_step(client)
    for _ in range(5):
        device.refresh_from_db()
        device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
        device.save()
        client.post(reverse("accounts:verify"), {"token": "000000"})
    response = client.post(reverse("accounts:verify"), {"token": code_for(device)})
    assert response.status_code == 429


def test_next_url_is_followed_only_within_the_site(client, enrolled):
    _, device = enrolled
    password_step(client, next_url="https://evil.example/")
    response = client.post(reverse("accounts:verify"), {"token": code_for(device)})
    assert response.url == reverse("console:home")


def test_admin_needs_a_verified_second_factor(client, reference_data, staff_factory):
    admin = staff_factory("root", [("system_admin", "diskominfo")])
    assert admin.is_superuser and admin.is_staff
    client.force_login(admin)  # password only, no second factor
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    device = TOTPDevice.objects.create(user=admin, name="p", confirmed=True)
    client.logout()
    password_step(client, username="root", next_url="/admin/")
    response = client.post(reverse("accounts:verify"), {"token": code_for(device)})
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/directory/unit/").status_code == 200


def test_operator_admin_access_is_limited(client, reference_data, staff_factory):
    operator = staff_factory("op", [("operator", "diskominfo")])
    device = TOTPDevice.objects.create(user=operator, name="p", confirmed=True)
    password_step(client, username="op")
    client.post(reverse("accounts:verify"), {"token": code_for(device)})
    assert client.get("/admin/directory/unit/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403


def test_unit_officer_has_no_admin(client, enrolled):
    user, device = enrolled
    password_step(client)
    client.post(reverse("accounts:verify"), {"token": code_for(device)})
    assert client.get("/admin/").status_code == 302  # to the admin login: not staff
    assert not user.is_staff


def test_scope_follows_memberships(reference_data, staff_factory):
    lurah = staff_factory("lurah", [("area_officer", "kel-18-71-01-1003")])
    scope = scope_for(lurah)
    assert scope.area_codes == {"18.71.01.1003"}
    assert scope.covers_area("18.71.01.1003") and not scope.covers_area("18.71.01.1004")
    officer = staff_factory("two", [("unit_officer", "dpu"), ("unit_officer", "dlh")])
    from kanal.directory.models import Unit

    assert scope_for(officer).unit_ids == set(
        Unit.objects.filter(code__in=["dpu", "dlh"]).values_list("pk", flat=True)
    )


def test_demo_accounts_are_idempotent_and_pre_enrolled(reference_data):
    first = actions.ensure_demo_accounts()
    second = actions.ensure_demo_accounts()
    assert all(created for _, created in first)
    assert not any(created for _, created in second)
    events_after = AuditEvent.objects.count()
    actions.ensure_demo_accounts()
    assert AuditEvent.objects.count() == events_after
    device = TOTPDevice.objects.get(user__username="operator")
    assert device.confirmed
    assert base64.b32encode(device.bin_key).decode() == actions.DEMO_TOTP_SECRET
