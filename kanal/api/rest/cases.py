"""Cases: the inbox list, a case, recording a case, and the operator's main steps."""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from kanal.accounts.queries import scope_for
from kanal.accounts.rules import Capability
from kanal.complaints import actions as case_actions
from kanal.complaints.models import Complaint
from kanal.complaints.queries import (
    InboxFilters,
    access_complaint,
    can_see_reporter,
    inbox,
    messages_for_staff,
)
from kanal.complaints.rules import redact_personal_data
from kanal.directory.models import Category, Unit
from kanal.wilayah.queries import kelurahan_without_boundary

from .idempotency import idempotent
from .schemas import (
    ERRORS,
    CaseDetail,
    CaseIn,
    CasePage,
    DisposeIn,
    ErrorOut,
    ReplyIn,
    ReplyOut,
    VerifyIn,
)

router = Router(tags=["cases"])


class CaseFilters(Schema):
    state: str = Field("", max_length=30)
    unit: str = Field("", max_length=40)
    kecamatan: str = Field("", max_length=20)
    kelurahan: str = Field("", max_length=20)
    channel: str = Field("", max_length=20)
    category: str = Field("", max_length=60)
    kind: str = Field("", max_length=25)
    sla: str = Field("", pattern="^(|at_risk|overdue)$")
    q: str = Field("", max_length=200)
    open_only: bool = True
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=200)


def case_out(case: Complaint) -> dict:
    return {
        "tracking_number": case.tracking_number,
        "kind": case.kind,
        "title": case.title,
        "state": case.state,
        "state_label": str(case.get_state_display()),
        "channel": case.channel,
        "category": case.category.code if case.category_id else None,
        "unit": case.unit.code if case.unit_id else None,
        "kecamatan": case.kecamatan.code if case.kecamatan_id else None,
        "kelurahan": case.kelurahan.code if case.kelurahan_id else None,
        "received_at": case.received_at,
        "due_date": case.due_date,
        "is_confidential": case.is_confidential,
        "is_oversight": case.is_oversight,
        "is_anonymous": case.is_anonymous,
    }


def case_detail(user, case: Complaint) -> dict:
    reporter = None
    description = case.description
    if case.reporter_id and can_see_reporter(user, case):
        r = case.reporter
        reporter = {"name": r.name, "phone": r.phone, "email": r.email}
    elif not can_see_reporter(user, case):
        # Like the console: staff who may not see the reporter get personal data masked.
        r = case.reporter
        known = [r.name, r.phone, r.email, r.nik] if r else []
        description = redact_personal_data(case.description, known)
    return case_out(case) | {
        "description": description,
        "address": case.address,
        "lat": case.lat,
        "lng": case.lng,
        "public_title": case.public_title,
        "public_summary": case.public_summary,
        "state_reason": case.state_reason,
        "reporter": reporter,
        "messages": [
            {"kind": m.kind, "body": m.body, "created_at": m.created_at}
            for m in messages_for_staff(case)
        ],
    }


@router.get("", response={200: CasePage, ERRORS: ErrorOut}, summary="List cases (the inbox)")
def list_cases(request, filters: Query[CaseFilters]):
    """The cases the token's owner sees in the console inbox, most urgent first."""
    values = filters.dict()
    page, size = values.pop("page"), values.pop("page_size")
    qs = inbox(request.user, InboxFilters(**values))
    count = qs.count()
    items = qs[(page - 1) * size : page * size]
    return {
        "meta": {
            "count": count,
            "page": page,
            "page_size": size,
            "pages": max(1, math.ceil(count / size)),
        },
        "items": [case_out(c) for c in items],
    }


@router.get("/{number}", response={200: CaseDetail, ERRORS: ErrorOut}, summary="One case")
def get_case(request, number: str):
    case = access_complaint(request.user, number[:40])
    return case_detail(request.user, case)


def _by_code(rows, code, label):
    if not code:
        return None
    row = rows.filter(code=code).first()
    if row is None:
        raise HttpError(422, f"Unknown {label}: {code}")
    return row


@router.post("", response={201: CaseDetail, ERRORS: ErrorOut}, summary="Record a case")
def create_case(request, payload: CaseIn):
    """Record a case heard from a citizen; needs the role to record or triage cases."""
    scope = scope_for(request.user)
    if not (scope.has(Capability.RECORD_CASES) or scope.has(Capability.TRIAGE)):
        raise PermissionDenied
    if (payload.lat is None) != (payload.lng is None):
        raise HttpError(422, "lat and lng go together")

    def compute():
        reporter = None
        if payload.reporter is not None:
            reporter = case_actions.ReporterDetails(**payload.reporter.dict())
        case = case_actions.submit_complaint(
            channel=payload.channel,
            title=payload.title,
            description=payload.description,
            kind=payload.kind,
            category=_by_code(Category.objects, payload.category, "category"),
            kelurahan=_by_code(kelurahan_without_boundary(), payload.kelurahan, "kelurahan"),
            lat=payload.lat,
            lng=payload.lng,
            address=payload.address,
            reporter=reporter,
            is_anonymous=payload.is_anonymous,
            entered_by=request.user,
        )
        body = CaseDetail(**case_detail(request.user, case)).model_dump(mode="json")
        return 201, body

    return idempotent(request, compute)


def _step(request, number, run):
    """Load the case in the owner's scope, run one action, answer with the case."""
    case = access_complaint(request.user, number[:40])

    def compute():
        run(case)
        fresh = access_complaint(request.user, case.tracking_number)
        return 200, CaseDetail(**case_detail(request.user, fresh)).model_dump(mode="json")

    return idempotent(request, compute)


@router.post("/{number}/verify", response={200: CaseDetail, ERRORS: ErrorOut})
def verify_case(request, number: str, payload: VerifyIn):
    category = _by_code(Category.objects, payload.category, "category")
    return _step(
        request,
        number,
        lambda case: case_actions.verify_complaint(
            actor=request.user, case=case, category=category, kind=payload.kind
        ),
    )


@router.post("/{number}/dispose", response={200: CaseDetail, ERRORS: ErrorOut})
def dispose_case(request, number: str, payload: DisposeIn):
    unit = _by_code(Unit.objects, payload.unit, "unit")
    return _step(
        request,
        number,
        lambda case: case_actions.dispose_complaint(
            actor=request.user, case=case, unit=unit, note=payload.note
        ),
    )


@router.post("/{number}/close", response={200: CaseDetail, ERRORS: ErrorOut})
def close_case(request, number: str):
    return _step(
        request,
        number,
        lambda case: case_actions.close_complaint(actor=request.user, case=case),
    )


@router.post("/{number}/reply", response={201: ReplyOut, ERRORS: ErrorOut})
def reply_to_case(request, number: str, payload: ReplyIn):
    """Send a reply to the reporter through their channel."""
    case = access_complaint(request.user, number[:40])

    def compute():
        message = case_actions.send_public_reply(actor=request.user, case=case, body=payload.body)
        out = ReplyOut(
            tracking_number=case.tracking_number,
            kind=message.kind,
            body=message.body,
            created_at=message.created_at,
        )
        return 201, out.model_dump(mode="json")

    return idempotent(request, compute)
