"""The unit registry and categories: loaded from files, editable with an audit trail."""

import pytest

from kanal.audit.queries import history_of
from kanal.directory import actions, queries
from kanal.directory.models import Category, Unit, UnitKind
from kanal.directory.rules import area_office_code, default_functions, default_head_title
from kanal.wilayah.models import Kelurahan

pytestmark = pytest.mark.django_db


def test_registry_has_the_city_units_the_area_offices_and_outside_bodies(reference_data):
    assert Unit.objects.filter(kind=UnitKind.KECAMATAN).count() == 20
    assert Unit.objects.filter(kind=UnitKind.KELURAHAN).count() == 126
    assert set(queries.outside_bodies().values_list("code", flat=True)) == {
        "luar-pln",
        "luar-pdam",
        "luar-polri",
        "luar-pemprov",
        "luar-pusat",
    }
    dpu = Unit.objects.get(code="dpu")
    assert dpu.head_title == "Kepala Dinas"
    assert "Perumusan kebijakan teknis di bidang" in dpu.functions
    assert dpu.urusan and dpu.tasks and dpu.complaint_topics
    office = queries.area_office_for("18.71.01.1003")
    assert office.name == "Kelurahan Kedaton" and office.head_title == "Lurah"
    assert office.area_code == "18.71.01.1003"
    assert office.parent.code == "kelurahan"


def test_every_category_has_a_default_unit_except_the_groups_outside(reference_data):
    assert Category.objects.count() == 55
    without = set(Category.objects.filter(default_unit__isnull=True).values_list("code", flat=True))
    assert without == {"luar-kewenangan"}
    assert Category.objects.get(code="listrik").default_unit.code == "luar-pln"
    assert Category.objects.get(code="jalan-rusak").parent.code == "infrastruktur"


def test_loading_again_changes_nothing(reference_data, region_dir):
    units = actions.load_units(region_dir / "units.csv")
    categories = actions.load_categories(region_dir / "categories.csv")
    assert units.created == units.updated == 0
    assert categories.created == categories.updated == 0


def test_another_region_loads_from_its_own_files_without_code_changes(
    db, tmp_path, migrated_empty_db
):
    (tmp_path / "wilayah.csv").write_text(
        "kode,nama,tingkat,kode_induk,nama_induk,kode_pos,lat,lng\n"
        "99.01,Kota Contoh,kota,99,Provinsi Contoh,,,\n"
        "99.01.01,Kecamatan Satu,kecamatan,99.01,Kota Contoh,,,\n"
        "99.01.01.1001,Desa Satu,kelurahan,99.01.01,Kecamatan Satu,12345,-1.0,100.0\n"
    )
    (tmp_path / "units.csv").write_text(
        "kode,nama,singkatan,jenis,urusan,tugas_umum,topik_aduan,jabatan_kepala,telepon\n"
        "dpupr,Dinas PUPR,PUPR,dinas,pekerjaan umum,Jalan,jalan rusak,Kadis PUPR,0711-1\n"
        "kelurahan,Kelurahan,Kel,wilayah,pemerintahan,,,,\n"
    )
    (tmp_path / "categories.csv").write_text(
        "code,name,name_en,parent,default_unit,description\njalan,Jalan,Roads,,dpupr,\n"
    )
    from django.core.management import call_command

    call_command("load_reference_data", "--region-dir", str(tmp_path), verbosity=0)
    assert Kelurahan.objects.get(code="99.01.01.1001").postal_code == "12345"
    assert Unit.objects.get(code="dpupr").head_title == "Kadis PUPR"
    assert Unit.objects.get(code="dpupr").phone == "0711-1"
    assert Unit.objects.get(code="kel-99-01-01-1001").parent.code == "kelurahan"
    assert Category.objects.get(code="jalan").default_unit.code == "dpupr"

    # The same folder as a deployment's region (KANAL_REGION_DIR, as production sets it):
    # its region.toml names the city in the greeting, the privacy notice, Open311 and the
    # tracking numbers, with no code change.
    (tmp_path / "region.toml").write_text(SECOND_REGION_TOML)
    seen = _as_deployed_in(tmp_path, migrated_empty_db)
    assert seen["greeting"].startswith("Halo, ini layanan pengaduan Kota Contoh.")
    assert "cek status KC-XXXX-XXXX" in seen["greeting"]
    assert "Pemerintah Kota Contoh, melalui Dinas Kominfo Kota Contoh" in seen["privacy_id"]
    assert "Bandar Lampung" not in seen["privacy_id"] + seen["privacy_en"]
    assert "The City Government of Contoh" in seen["privacy_en"]
    assert seen["discovery"]["contact"] == "Dinas Kominfo Kota Contoh"
    assert seen["jurisdiction"] == "contohkota.go.id"
    assert seen["tracking_number"].startswith("KC-")
    assert seen["case_area"].endswith("Kota Contoh")
    assert seen["track_hint"] == "Contoh KC-7KQ2-M9XD"
    assert seen["ppid_body"] == "PPID Pemerintah Kota Contoh"


SECOND_REGION_TOML = """
city_name = "Kota Contoh"
site_name = "Kanal Kota Contoh"
tracking_prefix = "KC"
ppid_body = "PPID Pemerintah Kota Contoh"
ppid_commission = "Komisi Informasi Provinsi Contoh"
open311_jurisdiction = "contohkota.go.id"
open311_contact = "Dinas Kominfo Kota Contoh"
privacy_controller = "Pemerintah Kota Contoh, melalui Dinas Kominfo Kota Contoh"
privacy_controller_en = "The City Government of Contoh, through its Kominfo office"
"""

# Run inside a Kanal process started with the second region's environment.
AS_DEPLOYED = r"""
import json, pathlib, django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
call_command("load_reference_data", verbosity=0)
from kanal.channels import tasks
from kanal.channels.actions.events import store_inbound_event
from kanal.outbox.models import OutboxMessage
from kanal.complaints.actions.intake import submit_complaint
from kanal.complaints.forms import TrackForm
from kanal.api.queries import jurisdiction_id
from kanal.api.open311.represent import public_request
from kanal.ppid.queries import body_name
from kanal.wilayah.models import Kelurahan
body = json.loads(pathlib.Path("kanal/channels/tests/payloads/whatsapp_text.json").read_text())
message = body["entry"][0]["changes"][0]["value"]["messages"][0]
message["text"]["body"] = "halo"
message["timestamp"] = str(int(__import__("time").time()))  # inside the reply window
[event_id] = store_inbound_event(
    provider="whatsapp", keys=[message["id"]], headers={}, body=json.dumps(body).encode()
)
tasks.process_event(event_id)
client = Client()
case = submit_complaint(channel="web", title="Jalan rusak", description="Berlubang besar",
                        kelurahan=Kelurahan.objects.get())
client.cookies["django_language"] = "en"
privacy_en = client.get("/privasi/").content.decode()
del client.cookies["django_language"]
print(json.dumps({
    "greeting": OutboxMessage.objects.get(kind="reply").body,
    "privacy_id": client.get("/privasi/").content.decode(),
    "privacy_en": privacy_en,
    "discovery": client.get("/open311/v2/discovery.json").json(),
    "jurisdiction": jurisdiction_id(),
    "tracking_number": case.tracking_number,
    "case_area": public_request(case, lambda url: url)["address"],
    "track_hint": str(TrackForm().fields["number"].help_text),
    "ppid_body": body_name(),
}))
"""


def _as_deployed_in(region_dir, migrated_db):
    import json
    import os
    import shutil
    import subprocess
    import sys

    from django.conf import settings

    # A migrated database without reference data (the script's migrate finds nothing to do):
    # migrating from nothing in the subprocess cost ~8 s of CPU.
    (region_dir / "var").mkdir()
    shutil.copy(migrated_db, region_dir / "var" / "kanal.sqlite3")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kanal.settings",
        "KANAL_REGION_DIR": str(region_dir),
        "KANAL_VAR_DIR": str(region_dir / "var"),
    }
    for name in ("DATABASE_URL", "KANAL_SITE_NAME", "KANAL_CITY_NAME", "KANAL_TRACKING_PREFIX"):
        env.pop(name, None)
    out = subprocess.run(
        [sys.executable, "-c", AS_DEPLOYED],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_missing_files_give_a_clear_error(db, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=r"lacks wilayah\.csv, units\.csv, categories\.csv"):
        call_command("load_reference_data", "--region-dir", str(tmp_path))


def test_editing_a_unit_records_what_changed(reference_data, staff_factory):
    admin = staff_factory("sysadmin", [("system_admin", "diskominfo")])
    dpu = Unit.objects.get(code="dpu")
    actions.update_unit(actor=admin, unit=dpu, phone="0721-123456", address="Jl. Dr. Susilo")
    event = history_of(dpu).last()
    assert event.action == "unit.updated"
    assert event.actor == admin
    assert event.data["changes"]["phone"] == ["", "+62721123456"]  # stored in E.164
    assert Unit.objects.get(code="dpu").phone == "+62721123456"
    with pytest.raises(ValueError, match="not editable"):
        actions.update_unit(actor=admin, unit=dpu, code="x")


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        ("dinas", "Kepala Dinas"),
        ("kelurahan", "Lurah"),
        ("kecamatan", "Camat"),
        ("inspektorat", "Inspektur"),
        ("luar_kewenangan", ""),
    ],
)
def test_default_head_titles(kind, title):
    assert default_head_title(kind) == title


def test_default_functions_only_for_dinas_and_badan():
    assert default_functions("dinas", "pendidikan; kebudayaan").count("\n") == 4
    assert default_functions("kelurahan", "pemerintahan") == ""


@pytest.mark.parametrize(
    ("area", "code"), [("18.71.01", "kec-18-71-01"), ("18.71.01.1003", "kel-18-71-01-1003")]
)
def test_area_office_codes(area, code):
    assert area_office_code(area) == code


def test_a_load_that_changes_rows_is_audited_once_and_a_quiet_reload_not_at_all(
    reference_data, region_dir, tmp_path
):
    from kanal.audit.models import AuditEvent

    lines = (region_dir / "categories.csv").read_text(encoding="utf-8").splitlines()
    changed = tmp_path / "categories.csv"
    first = lines[1].replace("Infrastruktur,Infrastructure", "Infrastruktur Kota,Infrastructure")
    changed.write_text("\n".join([lines[0], first, *lines[2:]]) + "\n", encoding="utf-8")

    loads = AuditEvent.objects.filter(action="directory.categories_loaded")
    before = set(loads.values_list("pk", flat=True))
    actions.load_categories(region_dir / "categories.csv")  # as loaded: nothing changes
    assert set(loads.values_list("pk", flat=True)) == before
    actions.load_categories(changed)
    event = loads.exclude(pk__in=before).get()
    assert event.actor_label == "system"
    assert event.data == {"file": "categories.csv", "created": 0, "updated": 1}
