"""Fixtures shared by every app's tests."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

# Real SMTP and IMAP servers for any app's tests (smtp_server, smtp_backend, imap_server);
# a migrated database file for tests that start Kanal's processes (migrated_site_db).
pytest_plugins = ["kanal.core.tests.mailservers", "kanal.core.tests.sites"]


def pytest_configure(config):
    """Hash test passwords with MD5: PBKDF2's 870,000 rounds cost ~0.25 s of CPU per
    account made or login checked, minutes over the suite. Checking a password behaves
    the same with either hasher; production settings (and every server process a test
    starts) keep PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits live in the cache: each test starts with none counted. What each
    process keeps in front of the database (the working calendar, the report form's
    choice lists and rows, the nearby reports' candidates, the auto-apply switches) is
    dropped too: a test's rolled-back rows are gone, which in production only a signal
    or a recheck interval would tell."""
    from kanal.channels.queries import drop_process_copy
    from kanal.complaints.queries import forget_form_choice_rows, forget_nearby_candidates
    from kanal.core.queries import forget_calendar
    from kanal.routing.queries import forget_auto_apply_switches

    forget_form_choice_rows()
    forget_auto_apply_switches()
    forget_nearby_candidates()
    cache.clear()
    forget_calendar()
    drop_process_copy()  # the saved channel credentials
    yield
    cache.clear()
    drop_process_copy()


@pytest.fixture
def region_dir() -> Path:
    return settings.BASE_DIR / "data" / "regions" / "bandar-lampung"


def _load_reference_data():
    from kanal.directory.actions import load_categories, load_units
    from kanal.wilayah.actions import load_wilayah
    from kanal.wilayah.models import Kelurahan

    if Kelurahan.objects.exists():
        return
    folder = settings.BASE_DIR / "data" / "regions" / "bandar-lampung"
    load_wilayah(folder / "wilayah.csv", folder / "kelurahan.geojson")
    load_units(folder / "units.csv")
    load_categories(folder / "categories.csv")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once into the test database; tests roll back on top of it."""
    with django_db_blocker.unblock():
        _load_reference_data()


@pytest.fixture
def reference_data(db):
    """Bandar Lampung's reference data, loaded by the real loaders (again after a flush)."""
    _load_reference_data()


@pytest.fixture
def staff_factory(db):
    """Make a staff member with memberships: staff_factory("budi", [("unit_officer", "dpu")])."""
    from kanal.accounts import actions
    from kanal.directory.models import Unit

    def make(username, roles=(), password="a-long-test-password"):  # noqa: S107
        user = actions.create_staff(actor=None, username=username, password=password)
        for role, unit_code in roles:
            actions.add_membership(
                actor=None, user=user, unit=Unit.objects.get(code=unit_code), role=role
            )
        return user

    return make


@pytest.fixture
def login_verified(client):
    """Log ``user`` in with a confirmed second factor, as after the two-step login."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def login(user, a_client=None):
        a_client = a_client or client
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        )
        a_client.force_login(user)
        session = a_client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return a_client

    return login


@pytest.fixture
def admin_client(client, admin_user, login_verified):
    """pytest-django's superuser client, with the confirmed second factor the admin requires."""
    login_verified(admin_user)
    return client


# Seconds each test took in the last run (setup, call and teardown), kept in pytest's cache.
DURATIONS_KEY = "kanal/durations"


def _order_rank(item) -> int:
    """0 starts Kanal's processes, 1 no database, 2 database, 3 transactional database.

    pytest-django orders database tests before transactional ones (which flush the
    tables the others read, reference data included); that order is kept. Tests without
    a database cannot see the order of the others, so they go first, and of them those
    that start whole Kanal processes (tens of seconds each) first of all.
    """
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in fixtures or "live_server" in fixtures
    if marker is not None:
        transactional |= bool(
            marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
        )
    if transactional:
        return 3
    if marker is not None or "db" in fixtures:
        return 2
    return 0 if "migrated_site_db" in fixtures else 1


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Long tests first, within the order pytest-django needs (``_order_rank``).

    pytest-xdist's load scheduling hands tests out in this order as workers free up; a
    long test handed out last kept one worker running alone while the other had
    finished (the deployed tests came last: 60 s of one idle core). Longest first by the
    last run's durations (pytest's cache; the whole order is the same in every worker,
    as xdist requires), with the rank alone when there is no cache.
    """
    cache = getattr(config, "cache", None)
    seconds = cache.get(DURATIONS_KEY, {}) if cache is not None else {}
    items.sort(key=lambda item: (_order_rank(item), -seconds.get(item.nodeid, 0.0)))


_seen_durations: dict[str, float] = {}


def pytest_runtest_logreport(report):
    """Add up each test's phases (in the controlling process, xdist sends every report)."""
    _seen_durations[report.nodeid] = _seen_durations.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session):
    """Keep this run's durations for the next run's order (merged: a partial run keeps
    the others' figures). Written once, by the controlling process."""
    cache = getattr(session.config, "cache", None)
    if cache is None or hasattr(session.config, "workerinput") or not _seen_durations:
        return
    seconds = cache.get(DURATIONS_KEY, {})
    seconds.update({k: round(v, 2) for k, v in _seen_durations.items()})
    cache.set(DURATIONS_KEY, seconds)
