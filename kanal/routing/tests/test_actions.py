"""Actions: loading the data files, operator edits, automatic decisions and reverts."""

import pytest
from django.core.cache import cache

from kanal.audit.models import AuditEvent
from kanal.directory.models import Unit
from kanal.routing import actions
from kanal.routing.models import GazetteerEntry, RoutingDecision, RoutingKeyword
from kanal.routing.queries import suggest

from .conftest import DATA

pytestmark = pytest.mark.django_db


def test_loading_the_data_files_is_idempotent(reference_data):
    first = actions.load_routing_data(
        keywords_csv=DATA / "keywords.csv", gazetteer_csv=DATA / "gazetteer.csv"
    )
    keywords, places = RoutingKeyword.objects.count(), GazetteerEntry.objects.count()
    assert keywords > 500 and places > 200
    assert RoutingKeyword.objects.filter(flow="ppid", unit=None).exists()
    assert first["skipped_units"] == []
    second = actions.load_routing_data(
        keywords_csv=DATA / "keywords.csv", gazetteer_csv=DATA / "gazetteer.csv"
    )
    assert (RoutingKeyword.objects.count(), GazetteerEntry.objects.count()) == (keywords, places)
    assert second["keywords"].startswith("0 created, 0 updated")
    assert AuditEvent.objects.filter(action="routing_data.loaded").count() == 2


def test_a_keyword_added_by_an_operator_changes_the_suggestion(routing_data, staff_factory):
    admin = staff_factory("sari")
    text = "ada kuntilanak di pohon beringin depan kantor"
    assert suggest(text).unit.unit_code != "kesbangpol"
    actions.save_keyword(
        actor=admin,
        keyword=RoutingKeyword(
            unit=Unit.objects.get(code="kesbangpol"), phrase="kuntilanak", weight=8
        ),
    )
    cache.incr("routing:data-version")  # what on_commit does after a real save
    result = suggest(text)
    assert result.unit.unit_code == "kesbangpol"
    assert "kuntilanak" in result.unit.reason
    assert AuditEvent.objects.filter(action="routing_keyword.created", actor=admin).exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"phrase": " ", "weight": 1, "unit_code": "dpu"}, "phrase"),
        ({"phrase": "x", "weight": 0, "unit_code": "dpu"}, "weight"),
        ({"phrase": "x", "weight": 1, "unit_code": None}, "unit"),
    ],
)
def test_bad_keywords_are_refused(reference_data, kwargs, message):
    unit = Unit.objects.get(code=kwargs["unit_code"]) if kwargs["unit_code"] else None
    with pytest.raises(actions.RoutingError):
        actions.save_keyword(
            actor=None,
            keyword=RoutingKeyword(unit=unit, phrase=kwargs["phrase"], weight=kwargs["weight"]),
        )
    assert not RoutingKeyword.objects.filter(phrase=kwargs["phrase"]).exists()


def test_landmarks_may_not_carry_place_codes(reference_data):
    with pytest.raises(actions.RoutingError):
        actions.save_gazetteer_entry(
            actor=None,
            entry=GazetteerEntry(name="Pasar Baru", kind="landmark", kecamatan_code="18.71.01"),
        )


def test_automatic_decisions_are_recorded_and_reverted_once(reference_data, staff_factory):
    operator = staff_factory("budi", [("operator", "setda")])
    decision = actions.record_auto_decision(
        case_id=42, field="unit", suggested_value="dpu", confidence=0.97, reason="model: 0.97"
    )
    assert decision.applied_at is not None and not decision.is_reverted
    event = AuditEvent.objects.get(action="routing_decision.applied")
    assert event.actor is None and event.actor_label == "system"
    assert event.data["case_id"] == 42

    actions.revert_auto_decision(actor=operator, decision=decision)
    decision.refresh_from_db()
    assert decision.is_reverted and decision.reverted_by == operator
    assert AuditEvent.objects.filter(action="routing_decision.reverted", actor=operator).exists()
    with pytest.raises(actions.RoutingError):
        actions.revert_auto_decision(actor=operator, decision=decision)
    assert RoutingDecision.objects.get(pk=decision.pk).reverted_by == operator
