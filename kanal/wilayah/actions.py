"""Loading a region's administrative areas from its reference files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.db import transaction
from shapely.geometry import shape

from kanal.core.actions import record_load
from kanal.core.loading import LoadReport, upsert

from .models import Kecamatan, Kelurahan, Region


@transaction.atomic
def load_wilayah(wilayah_csv: Path, boundaries_geojson: Path | None) -> LoadReport:
    """Load the kota, kecamatan and kelurahan from a wilayah CSV and boundary GeoJSON.

    CSV columns: ``kode,nama,tingkat,kode_induk,nama_induk,kode_pos,lat,lng`` with
    ``tingkat`` one of kota/kabupaten, kecamatan, kelurahan/desa. GeoJSON features carry
    ``kode`` in their properties. Idempotent: running it again changes nothing.
    """
    report = LoadReport()
    with open(wilayah_csv, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    geometries = {}
    if boundaries_geojson:
        with open(boundaries_geojson, encoding="utf-8") as f:
            for feature in json.load(f)["features"]:
                geometries[feature["properties"]["kode"]] = feature["geometry"]

    regions, kecamatan = {}, {}
    for row in rows:
        if row["tingkat"] in ("kota", "kabupaten"):
            region, changed, created = upsert(
                Region,
                {"code": row["kode"]},
                {
                    "name": row["nama"],
                    "province_code": row["kode_induk"],
                    "province_name": row["nama_induk"],
                },
            )
            regions[row["kode"]] = region
            report.count(changed, created)
    for row in rows:
        if row["tingkat"] == "kecamatan":
            kec, changed, created = upsert(
                Kecamatan,
                {"code": row["kode"]},
                {"name": row["nama"], "region": regions[row["kode_induk"]]},
            )
            kecamatan[row["kode"]] = kec
            report.count(changed, created)
    for row in rows:
        if row["tingkat"] not in ("kelurahan", "desa"):
            continue
        values = {
            "name": row["nama"],
            "kecamatan": kecamatan[row["kode_induk"]],
            "postal_code": row.get("kode_pos", "") or "",
            "lat": float(row["lat"]) if row.get("lat") else None,
            "lng": float(row["lng"]) if row.get("lng") else None,
        }
        if geometry := geometries.get(row["kode"]):
            min_lng, min_lat, max_lng, max_lat = shape(geometry).bounds
            values |= {
                "boundary": geometry,
                "min_lat": min_lat,
                "max_lat": max_lat,
                "min_lng": min_lng,
                "max_lng": max_lng,
            }
        _, changed, created = upsert(Kelurahan, {"code": row["kode"]}, values)
        report.count(changed, created)
    record_load("wilayah.loaded", wilayah_csv.name, report)
    return report
