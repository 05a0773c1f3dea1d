"""Serialise tables (registers, report figures) as CSV, spreadsheet and JSON bytes."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from . import rules


def to_csv(headers: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Indonesian text right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode()


def to_xlsx(headers: list[str], rows: list[list], title: str) -> bytes:
    # Imported here: openpyxl (and NumPy) only in the process that exports.
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for index, _header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 22
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    # A cell starting with "=" would be a formula in the city's spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def figures_rows(figures: rules.AnnualFigures) -> list[list]:
    """The annual figures flattened to (measure, key, value) rows for open data."""
    rows: list[list] = []
    for name, value in asdict(figures).items():
        if isinstance(value, dict):
            rows += [[name, key, count] for key, count in value.items()]
        else:
            rows.append([name, "", "" if value is None else value])
    return rows


def figures_json(figures: rules.AnnualFigures) -> bytes:
    return json.dumps(asdict(figures), ensure_ascii=False, indent=2).encode()
