"""directory 0002_phones_e164: units' numbers become E.164; office notes stay, counted."""

import pytest

from kanal.core.tests.migrating import migrate_back_and_forth, migrate_to_latest, models_before

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = "0001_initial"


def test_unit_numbers_become_e164_and_notes_stay(capsys):
    old = models_before("directory", BEFORE)
    Unit = old.get_model("directory", "Unit")
    typed = {"a": "(0721) 481234", "b": "0721-123456 ext. 2", "c": "0711-1", "d": ""}
    for code, phone in typed.items():
        Unit.objects.create(code=code, name=f"Unit {code}", kind="dinas", phone=phone)

    migrate_to_latest()

    from kanal.directory.models import Unit as U

    assert dict(U.objects.filter(code__in=typed).values_list("code", "phone")) == {
        "a": "+62721481234",
        "b": "0721-123456 ext. 2",  # not only digits: kept as the office wrote it
        "c": "0711-1",
        "d": "",
    }
    assert "directory.Unit.phone: 1 rewritten to E.164, 0 already E.164, 2 left" in (
        capsys.readouterr().out
    )
    migrate_back_and_forth("directory", BEFORE)
    assert U.objects.get(code="a").phone == "+62721481234"
