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


def test_another_region_loads_from_its_own_files_without_code_changes(db, tmp_path):
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
    assert event.data["changes"]["phone"] == ["", "0721-123456"]
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
