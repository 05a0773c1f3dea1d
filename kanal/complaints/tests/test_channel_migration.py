"""The data migration that splits "Lurah or camat" into lurah and camat."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def test_old_area_office_cases_become_lurah_or_camat_by_who_entered_them(staff_factory):
    from conftest import _load_reference_data

    _load_reference_data()
    lurah = staff_factory("lurah.m", [("area_officer", "kel-18-71-01-1003")])
    camat = staff_factory("camat.m", [("area_officer", "kec-18-71-01")])
    executor = MigrationExecutor(connection)
    executor.migrate([("complaints", "0003_inbox_indexes")])
    old = executor.loader.project_state([("complaints", "0003_inbox_indexes")]).apps
    Complaint = old.get_model("complaints", "Complaint")
    common = {"title": "t", "description": "d", "received_at": "2026-01-01T00:00:00Z"}
    Complaint.objects.create(
        tracking_number="BL-AAAA-0001", channel="area_office", entered_by_id=lurah.pk, **common
    )
    Complaint.objects.create(
        tracking_number="BL-AAAA-0002", channel="area_office", entered_by_id=camat.pk, **common
    )
    Complaint.objects.create(tracking_number="BL-AAAA-0003", channel="area_office", **common)
    Complaint.objects.create(tracking_number="BL-AAAA-0004", channel="phone", **common)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from kanal.complaints.models import Complaint as Current

    channels = dict(Current.objects.values_list("tracking_number", "channel"))
    assert channels == {
        "BL-AAAA-0001": "lurah",
        "BL-AAAA-0002": "camat",
        "BL-AAAA-0003": "lurah",
        "BL-AAAA-0004": "phone",
    }
