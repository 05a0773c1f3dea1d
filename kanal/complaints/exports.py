"""The filtered inbox as a table for CSV and XLSX: reporters masked as on screen.

Reads only; the view records the export through ``actions.record_export``. Dates stay
``date``/``datetime`` objects so a spreadsheet gets real dates (CSV writes ISO 8601).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from kanal.core import phones

from . import queries, rules


def headers() -> list[str]:
    return [
        _("Case number"),
        _("Received"),
        _("Title"),
        _("Description"),
        _("Kind"),
        _("Topic"),
        _("State"),
        _("Unit"),
        _("Owner"),
        _("Kecamatan"),
        _("Kelurahan"),
        _("Channel"),
        _("Due"),
        _("Closed"),
        _("Rating"),
        _("Reporter"),
        _("Phone"),
        _("E-mail"),
    ]


def export_rows(user, filters: queries.InboxFilters, limit: int) -> list[list]:
    """At most ``limit`` rows of ``user``'s inbox under ``filters``, masked for ``user``.

    Reporter columns read "(hidden)" and the description has personal data masked,
    exactly where the case page would hide them from ``user`` (``can_see_reporter``;
    the user's scope is loaded once, so no query per row).
    """
    hidden = _("(hidden)")
    qs = (
        queries.inbox(user, filters)
        .select_related("reporter")
        .defer(None)
        .defer("kelurahan__boundary")
    )
    rows = []
    for case in qs[:limit]:
        reporter = case.reporter
        visible = queries.can_see_reporter(user, case)
        known = [reporter.name, reporter.phone, reporter.email] if reporter else []
        rows.append(
            [
                case.tracking_number,
                timezone.localtime(case.received_at).replace(tzinfo=None),
                case.title,
                case.description
                if visible
                else rules.redact_personal_data(case.description, known),
                case.get_kind_display(),
                str(case.category or ""),
                case.get_state_display(),
                str(case.unit or ""),
                str(case.assigned_to or ""),
                str(case.kecamatan or ""),
                str(case.kelurahan or ""),
                case.get_channel_display(),
                case.due_date,
                timezone.localtime(case.closed_at).replace(tzinfo=None) if case.closed_at else None,
                case.rating,
                (reporter.name if visible else hidden) if reporter else "",
                # The national form (0812-3456-7890): a spreadsheet keeps it as text,
                # where it would read +6281… as a number.
                (phones.display(reporter.phone) if visible else hidden) if reporter else "",
                (reporter.email if visible else hidden) if reporter else "",
            ]
        )
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(head: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Indonesian text right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(head)
    writer.writerows([[_text(v) for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode()


def to_xlsx(head: list[str], rows: list[list], title: str) -> bytes:
    """A workbook whose date columns are real dates (formatted day-month-year)."""
    # Imported here: openpyxl is loaded by the process that exports, not by every one.
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(head)
    for row in rows:
        sheet.append(["" if v is None else v for v in row])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, datetime):
                cell.number_format = "dd-mm-yyyy hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "dd-mm-yyyy"
    for index, _header in enumerate(head, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 20
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
