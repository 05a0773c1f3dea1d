"""PDF documents of the PPID: the written notice (UU 14/2008 Pasal 22(7)) and the annual report.

Pure rendering of data that callers have already loaded: no queries, no writes. The
documents are in the site's default language (Indonesian), whatever the officer's
interface language, because they go to the requester and to the public. Pages are
not compressed: the files are small, and plain text streams keep them searchable and
testable.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import rules
from .models import (
    AccessMethod,
    DeliveryMethod,
    DisputeOutcome,
    ExemptionGround,
    InformationRequest,
    ObjectionDecision,
    ObjectionGround,
    Outcome,
    WrittenNotice,
)


def _fmt(day: date | None) -> str:
    return formats.date_format(day, "j F Y") if day else "-"


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: list[tuple[str, str]], styles) -> Table:
    body = styles["BodyText"]
    table = Table(
        [[_p(k, body), _p(v or "-", body)] for k, v in rows], colWidths=[5.5 * cm, 11 * cm]
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _build(story: list, title: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=settings.KANAL_PPID_BODY_NAME,
        pageCompression=0,
        invariant=1,
    )
    doc.build(story)
    return buffer.getvalue()


@dataclass(frozen=True)
class NoticeContext:
    body_name: str
    objection_deadline: date
    due_explanation: str


def render_notice_pdf(notice: WrittenNotice, ctx: NoticeContext) -> bytes:
    """The written notice as a PDF, with every point of UU 14/2008 Pasal 22(7) a–g."""
    with translation.override(settings.LANGUAGE_CODE):
        return _render_notice(notice, notice.request, ctx)


def _render_notice(notice: WrittenNotice, req: InformationRequest, ctx: NoticeContext) -> bytes:
    styles = getSampleStyleSheet()
    held = notice.outcome not in (Outcome.NOT_HELD, Outcome.NOT_DOCUMENTED)
    story = [
        _p(ctx.body_name, styles["Heading3"]),
        _p(_("WRITTEN NOTICE"), styles["Title"]),
        _p(_("on a request for public information (UU 14/2008 Pasal 22(7))"), styles["Normal"]),
        Spacer(1, 0.4 * cm),
        _table(
            [
                (_("Registration number"), req.registration_number),
                (_("Name"), req.requester_name),
                (_("Address"), req.address),
                (_("Occupation"), req.occupation),
                (_("Telephone / e-mail"), " / ".join(x for x in (req.phone, req.email) if x)),
                (_("Information requested"), req.information_requested),
                (_("Purpose of use"), req.purpose),
                (_("Date received"), _fmt(req.received_on)),
                (_("Notice date"), _fmt(notice.issued_on)),
            ],
            styles,
        ),
        Spacer(1, 0.4 * cm),
        _p(_("We inform you that:"), styles["Normal"]),
        Spacer(1, 0.2 * cm),
    ]
    rows = [
        (_("Decision"), str(Outcome(notice.outcome).label)),
        (
            _("a. Is the information held by this body?"),
            _("Yes") if held else _("No"),
        ),
    ]
    if notice.outcome == Outcome.NOT_HELD:
        rows.append((_("b. Body that holds it"), notice.held_by or _("Not known")))
    if notice.outcome == Outcome.NOT_DOCUMENTED:
        rows.append((_("b. Reason"), _("The information has not yet been documented.")))
    if notice.outcome == Outcome.REJECTED:
        rows += [
            (
                _("c. Reason for refusal (UU 14/2008 Pasal 17)"),
                str(ExemptionGround(notice.exemption_ground).label)
                if notice.exemption_ground
                else "",
            ),
            (_("Consequence test"), notice.consequence_test),
        ]
    if notice.outcome in (Outcome.GRANTED, Outcome.PARTLY_GRANTED):
        rows.append((_("d. Information to be provided"), notice.material))
    if notice.outcome == Outcome.PARTLY_GRANTED:
        rows.append((_("e. Blacked-out parts and reasons"), notice.blacked_out))
    if held:
        rows += [
            (
                _("f. How to obtain and format"),
                f"{AccessMethod(req.access_method).label}; "
                f"{DeliveryMethod(req.delivery_method).label}"
                + (f"; {notice.format}" if notice.format else ""),
            ),
            (
                _("g. Cost and how to pay"),
                (_("Rp %(amount)s") % {"amount": f"{int(notice.cost):,}".replace(",", ".")})
                + (f"; {notice.payment_method}" if notice.payment_method else ""),
            ),
        ]
    if req.extended_on:
        rows.append((_("Extension (Pasal 22(8))"), req.extension_reason))
    story += [
        _table(rows, styles),
        Spacer(1, 0.4 * cm),
        _p(
            _(
                "If you do not agree with this notice you may file an objection to the "
                "atasan PPID within 30 working days, no later than %(date)s "
                "(UU 14/2008 Pasal 35 and 36)."
            )
            % {"date": _fmt(ctx.objection_deadline)},
            styles["Normal"],
        ),
        Spacer(1, 0.2 * cm),
        _p(
            _("Deadline of this notice: %(text)s.") % {"text": ctx.due_explanation},
            styles["Italic"],
        ),
    ]
    return _build(story, f"{_('Written notice')} {req.registration_number}")


def render_annual_report_pdf(figures: rules.AnnualFigures, body_name: str) -> bytes:
    """The annual report of information services (UU 14/2008 Pasal 12) as a PDF."""
    with translation.override(settings.LANGUAGE_CODE):
        styles = getSampleStyleSheet()
        outcome_label = dict(Outcome.choices)
        ground_label = dict(ExemptionGround.choices)
        objection_label = dict(ObjectionGround.choices)
        decision_label = {**dict(ObjectionDecision.choices), "pending": _("Not yet answered")}
        avg = figures.average_working_days
        rows = [
            (_("Requests received"), str(figures.requests_received)),
            (_("Requests answered"), str(figures.answered)),
            (_("Not yet answered"), str(figures.unanswered)),
        ]
        rows += [(str(outcome_label.get(k, k)), str(v)) for k, v in figures.by_outcome.items()]
        rows += [
            (
                _("Average time to answer (working days)"),
                "-" if avg is None else str(avg).replace(".", ","),
            ),
            (_("Longest time to answer (working days)"), str(figures.max_working_days or "-")),
            (_("Answered after the deadline"), str(figures.answered_late)),
        ]
        story = [
            _p(body_name, styles["Heading3"]),
            _p(
                _("Annual report of public information services %(year)s") % {"year": figures.year},
                styles["Title"],
            ),
            _p(
                _("UU 14/2008 Pasal 12; due by %(date)s")
                % {"date": _fmt(rules.annual_report_due(figures.year))},
                styles["Normal"],
            ),
            Spacer(1, 0.4 * cm),
            _p(_("Requests"), styles["Heading2"]),
            _table(rows, styles),
            _p(_("Reasons for refusal"), styles["Heading2"]),
            _table(
                [
                    (str(ground_label.get(k, k)), str(v))
                    for k, v in figures.rejection_grounds.items()
                ]
                or [(_("None"), "0")],
                styles,
            ),
            _p(_("Objections"), styles["Heading2"]),
            _table(
                [(_("Objections filed"), str(figures.objections))]
                + [
                    (str(objection_label.get(k, k)), str(v))
                    for k, v in figures.objections_by_ground.items()
                ]
                + [
                    (str(decision_label.get(k, k)), str(v))
                    for k, v in figures.objections_by_decision.items()
                ],
                styles,
            ),
            _p(_("Disputes before the Komisi Informasi"), styles["Heading2"]),
            _table(
                [(_("Disputes"), str(figures.disputes))]
                + [
                    (str(dict(DisputeOutcome.choices).get(k, k)), str(v))
                    for k, v in figures.disputes_by_outcome.items()
                ],
                styles,
            ),
        ]
        return _build(story, f"{_('Annual report')} {figures.year}")
