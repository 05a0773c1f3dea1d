"""Writes to the unit registry and the category taxonomy."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from kanal import audit
from kanal.core import phones
from kanal.core.actions import record_load
from kanal.core.loading import LoadReport, upsert
from kanal.wilayah.models import Kecamatan, Kelurahan

from . import rules
from .models import Category, Unit, UnitKind

UNIT_EDITABLE_FIELDS = [
    "name",
    "short_name",
    "urusan",
    "tasks",
    "functions",
    "authority",
    "complaint_topics",
    "head_title",
    "address",
    "phone",
    "email",
    "website",
    "is_active",
]


def _unit_values(row: dict) -> dict:
    kind = row["jenis"]
    return {
        "name": row["nama"],
        "short_name": row.get("singkatan", ""),
        "kind": kind,
        "urusan": row.get("urusan", ""),
        "tasks": row.get("tugas_umum", ""),
        "functions": row.get("fungsi") or rules.default_functions(kind, row.get("urusan", "")),
        "authority": row.get("kewenangan") or row.get("urusan", ""),
        "complaint_topics": row.get("topik_aduan", ""),
        "head_title": row.get("jabatan_kepala") or rules.default_head_title(kind),
        "address": row.get("alamat", ""),
        "phone": phones.storable(row.get("telepon", "")),
        "email": row.get("email", ""),
        "website": row.get("situs", ""),
    }


@transaction.atomic
def load_units(units_csv: Path, *, with_area_offices: bool = True) -> LoadReport:
    """Load the unit registry from ``units_csv`` and generate the area offices.

    Rows of ``jenis`` ``wilayah`` named ``kecamatan``/``kelurahan`` become the parents
    of one office per kecamatan and kelurahan in the database (load wilayah first).
    Idempotent. Fields edited in the admin are overwritten only when the file
    changes them (an unchanged row is left alone).
    """
    report = LoadReport()
    with open(units_csv, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            _, changed, created = upsert(Unit, {"code": row["kode"]}, _unit_values(row))
            report.count(changed, created)
    if with_area_offices:
        _load_area_offices(report)
    record_load("directory.units_loaded", units_csv.name, report)
    return report


def _load_area_offices(report: LoadReport) -> None:
    kec_parent = Unit.objects.filter(code="kecamatan").first()
    kel_parent = Unit.objects.filter(code="kelurahan").first()
    for kec in Kecamatan.objects.all():
        _, changed, created = upsert(
            Unit,
            {"code": rules.area_office_code(kec.code)},
            {
                "name": f"Kecamatan {kec.name}",
                "kind": UnitKind.KECAMATAN,
                "parent": kec_parent,
                "kecamatan": kec,
                "head_title": rules.default_head_title("kecamatan"),
                "tasks": kec_parent.tasks if kec_parent else "",
            },
        )
        report.count(changed, created)
    for kel in Kelurahan.objects.select_related("kecamatan"):
        _, changed, created = upsert(
            Unit,
            {"code": rules.area_office_code(kel.code)},
            {
                "name": f"Kelurahan {kel.name}",
                "kind": UnitKind.KELURAHAN,
                "parent": kel_parent,
                "kecamatan": kel.kecamatan,
                "kelurahan": kel,
                "head_title": rules.default_head_title("kelurahan"),
                "tasks": kel_parent.tasks if kel_parent else "",
            },
        )
        report.count(changed, created)


@transaction.atomic
def load_categories(categories_csv: Path) -> LoadReport:
    """Load the category taxonomy; parents must precede children in the file. Idempotent."""
    report = LoadReport()
    with open(categories_csv, encoding="utf-8") as f:
        for position, row in enumerate(csv.DictReader(f)):
            values = {
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "description": row.get("description", ""),
                "parent": Category.objects.get(code=row["parent"]) if row.get("parent") else None,
                "default_unit": Unit.objects.get(code=row["default_unit"])
                if row.get("default_unit")
                else None,
                "position": position,
            }
            _, changed, created = upsert(Category, {"code": row["code"]}, values)
            report.count(changed, created)
    record_load("directory.categories_loaded", categories_csv.name, report)
    return report


@transaction.atomic
def update_unit(*, actor, unit: Unit, **changes) -> Unit:
    """Change a unit's public profile or contacts; records what changed from what."""
    unknown = set(changes) - set(UNIT_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "phone" in changes:  # E.164 when it is a number; an office's note stays as written
        changes["phone"] = phones.storable(changes["phone"])
    before = Unit.objects.get(pk=unit.pk)
    diff = {k: [getattr(before, k), v] for k, v in changes.items() if getattr(before, k) != v}
    for field, value in changes.items():
        setattr(unit, field, value)
    if diff:
        unit.save(update_fields=[*diff, "updated_at"])
        audit.record("unit.updated", actor=actor, obj=unit, data={"changes": diff})
    return unit


@transaction.atomic
def save_category(*, actor, category: Category) -> Category:
    """Create or change a category (from the admin); records the change."""
    return audit.save_and_record(
        category,
        actor=actor,
        created="category.created",
        changed="category.updated",
        data={"name": category.name, "default_unit": category.default_unit_id},
    )
