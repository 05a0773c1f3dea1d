"""The blank report form from its cached page (issue 24): each visitor gets their own CSRF
token and time stamp, a saved category shows at once, and the page cached for one
language is never served in another. The report and its follow-up key in one commit."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kanal.audit.models import AuditEvent
from kanal.complaints.models import Complaint
from kanal.directory.models import Category

from .test_citizen_side import VALID, stamp

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STAMP = re.compile(r'name="started" value="([^"]+)"')


def test_each_visitor_gets_their_own_token_stamp_and_device(reference_data):
    pages = []
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        response = browser.get(reverse("complaints:report"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Mark" not in html  # no stand-in left behind
        pages.append((browser, TOKEN.findall(html), STAMP.findall(html), response.cookies))
    (first, tokens1, stamps1, cookies1), (_b, tokens2, stamps2, cookies2) = pages
    assert len(tokens1) == 2 and len(stamps1) == 1  # the form and the language switch
    assert set(tokens1).isdisjoint(tokens2)
    assert stamps1 != stamps2
    assert cookies1["kanal_device"].value != cookies2["kanal_device"].value
    # The token from the cached page is accepted with the cookie it came with.
    data = VALID | {"csrfmiddlewaretoken": tokens1[0], "started": stamp(), "different": "1"}
    assert first.post(reverse("complaints:report"), data).status_code == 302


def test_a_saved_category_shows_on_the_next_blank_form(
    client, reference_data, django_capture_on_commit_callbacks
):
    assert "Trotoar rusak sekali" not in client.get(reverse("complaints:report")).content.decode()
    parent = Category.objects.filter(parent__isnull=True, children__isnull=False).first()
    with django_capture_on_commit_callbacks(execute=True):  # the lists are forgotten on commit
        Category.objects.create(code="trotoar-rusak-x", name="Trotoar rusak sekali", parent=parent)
    assert "Trotoar rusak sekali" in client.get(reverse("complaints:report")).content.decode()


def test_the_cached_page_follows_the_language(client, reference_data):
    indonesian = client.get(reverse("complaints:report")).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("complaints:report")).content.decode()
    assert '<html lang="id">' in indonesian
    assert '<html lang="en">' in english


@pytest.mark.django_db(transaction=True)  # real commits, to count them
def test_an_anonymous_report_and_its_key_are_one_commit_with_both_audit_events(
    client, transactional_db
):
    from conftest import _load_reference_data

    _load_reference_data()
    data = VALID | {"contact_preference": "none", "consent": "", "started": stamp()}
    data |= {"name": "", "email": "", "different": "1"}
    with CaptureQueriesContext(connection) as queries:
        assert client.post(reverse("complaints:report"), data).status_code == 302
    case = Complaint.objects.get()
    assert case.reporter is None and case.followup_key_hash
    actions_recorded = set(
        AuditEvent.objects.filter(object_id=str(case.pk)).values_list("action", flat=True)
    )
    assert {"complaint.submitted", "complaint.followup_key_issued"} <= actions_recorded
    # The case, its key and their audit events commit together; the session is the other.
    commits = [q["sql"] for q in queries.captured_queries if q["sql"].upper() == "COMMIT"]
    assert len(commits) == 2
