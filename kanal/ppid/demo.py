"""A year of demonstration PPID data, built through the real actions (idempotent).

Not part of the write layer: only ``manage.py ppid_demo_data`` (and its tests) use it,
so it sits in its own layer above the actions in the import contract.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kanal.core.queries import working_calendar

from .actions import (
    answer_objection,
    extend_information_request,
    file_objection,
    issue_written_notice,
    record_dispute,
    save_exempted_item,
    save_public_information_item,
    submit_information_request,
)
from .models import (
    Channel,
    ExemptedInformationItem,
    InformationCategory,
    InformationRequest,
    Objection,
    ObjectionDecision,
    Outcome,
    PublicInformationItem,
)

TOPICS = [
    "Laporan realisasi APBD",
    "Rencana kerja Dinas Pekerjaan Umum",
    "Daftar penerima bantuan sosial kelurahan",
    "Dokumen AMDAL pembangunan pasar",
    "Data jumlah sekolah dan guru",
    "Kontrak pengadaan lampu jalan",
    "Hasil audit internal Inspektorat",
    "Jadwal pengangkutan sampah",
    "Rekam medis pasien RSUD",
    "Peraturan wali kota tentang parkir",
]
NAMES = ["Andi", "Siti", "Rudi", "Dewi", "Bayu", "Putri", "Joko", "Lina", "Hadi", "Wulan"]
OUTCOMES = [
    Outcome.GRANTED,
    Outcome.GRANTED,
    Outcome.GRANTED,
    Outcome.PARTLY_GRANTED,
    Outcome.REJECTED,
    Outcome.NOT_HELD,
    Outcome.NOT_DOCUMENTED,
]
DEMO_PREFIX = "DEMO"


def _staff():
    from kanal.accounts.actions import ensure_demo_accounts
    from kanal.accounts.models import User

    ensure_demo_accounts()
    return User.objects.get(username="ppid"), User.objects.get(username="atasan.ppid")


def _lists(officer, year: int) -> None:
    if not PublicInformationItem.objects.filter(title__startswith="Laporan keuangan").exists():
        for title, category, published in [
            ("Laporan keuangan Pemerintah Kota", InformationCategory.BERKALA, date(year, 6, 30)),
            ("Profil dan struktur organisasi", InformationCategory.BERKALA, date(year - 1, 1, 15)),
            ("Peringatan dini banjir", InformationCategory.SERTA_MERTA, None),
            ("Daftar peraturan daerah", InformationCategory.SETIAP_SAAT, None),
        ]:
            save_public_information_item(
                actor=officer,
                item=PublicInformationItem(
                    title=title,
                    category=category,
                    responsible="PPID Utama",
                    format="softcopy, hardcopy",
                    retention="5 tahun",
                    last_published_on=published,
                ),
            )
    if not ExemptedInformationItem.objects.exists():
        save_exempted_item(
            actor=officer,
            item=ExemptedInformationItem(
                title="Rekam medis pasien",
                ground="h",
                legal_basis="UU 14/2008 Pasal 17 huruf h; UU 17/2023 tentang Kesehatan",
                consequence_test="Membuka rekam medis mengungkap rahasia pribadi pasien; "
                "kepentingan yang dilindungi lebih besar daripada manfaat membukanya.",
                exempt_from=date(year, 1, 1),
                exempt_until=None,
                decided_by="PPID Utama",
            ),
        )
        save_exempted_item(
            actor=officer,
            item=ExemptedInformationItem(
                title="Berkas penyelidikan Inspektorat yang sedang berjalan",
                ground="a",
                legal_basis="UU 14/2008 Pasal 17 huruf a",
                consequence_test="Membuka berkas dapat menghambat pemeriksaan.",
                exempt_from=date(year, 1, 1),
                exempt_until=date(year, 12, 31),
                decided_by="PPID Utama",
            ),
        )


@transaction.atomic
def create_demo_data(year: int, count: int = 40) -> int:
    """Requests across ``year`` with notices, extensions, objections and disputes.

    Deterministic (seeded by the year) and idempotent: requests carry the case reference
    DEMO-<year>-NNN and existing ones are skipped. Returns how many were created.
    """
    officer, superior = _staff()
    _lists(officer, year)
    cal = working_calendar()
    rng = random.Random(year)
    created = 0
    dik = ExemptedInformationItem.objects.filter(ground="h").first()
    for i in range(1, count + 1):
        reference = f"{DEMO_PREFIX}-{year}-{i:03d}"
        if InformationRequest.objects.filter(case_reference=reference).exists():
            rng.random()  # keep the sequence stable for the rest
            continue
        day = cal.add_working_days(date(year, 1, 2), rng.randrange(0, 230))
        received_at = timezone.make_aware(datetime.combine(day, time(9 + rng.randrange(7))))
        name = rng.choice(NAMES)
        req = submit_information_request(
            actor=officer,
            channel=rng.choice([Channel.WEB, Channel.WEB, Channel.EMAIL, Channel.WALK_IN]),
            details={
                "requester_name": f"{name} (demo)",
                "identity_number": f"1871{rng.randrange(10**11, 10**12)}",
                "address": "Jl. Contoh No. 1, Bandar Lampung",
                "occupation": rng.choice(["Mahasiswa", "Wartawan", "Peneliti", "Wiraswasta"]),
                "email": f"{name.lower()}{i}@demo.kanal.invalid",
                "information_requested": rng.choice(TOPICS),
                "purpose": "Penelitian",
                "access_method": "copy",
                "delivery_method": "email",
            },
            received_at=received_at,
            case_reference=reference,
        )
        created += 1
        if i % 9 == 0:
            continue  # left unanswered
        if i % 5 == 0:
            extend_information_request(
                actor=officer,
                request=req,
                reason="Informasi dikumpulkan dari beberapa unit.",
                today=cal.add_working_days(req.received_on, 8),
            )
            req.refresh_from_db()
        outcome = OUTCOMES[i % len(OUTCOMES)]
        answer_days = rng.randrange(2, 10) + (5 if req.extended_on else 0)
        issued_on = cal.add_working_days(req.received_on, answer_days)
        issue_written_notice(
            actor=officer,
            request=req,
            outcome=outcome,
            material="Salinan dokumen" if outcome in ("granted", "partly_granted") else "",
            blacked_out="NIK dan alamat warga (Pasal 17 huruf h)"
            if outcome == "partly_granted"
            else "",
            exempted_item=dik if outcome == "rejected" else None,
            held_by="Pemerintah Provinsi Lampung" if outcome == "not_held" else "",
            cost=0 if rng.random() < 0.7 else 5000,
            payment_method="Tunai di loket PPID",
            issued_on=issued_on,
        )
        if outcome in (Outcome.REJECTED, Outcome.PARTLY_GRANTED) and i % 2 == 0:
            filed_on = cal.add_working_days(issued_on, 5)
            objection = file_objection(
                actor=officer,
                request=req,
                ground="a" if outcome == Outcome.REJECTED else "d",
                ground_arose_on=issued_on,
                objector_name=req.requester_name,
                email=req.email,
                case_position="Pemohon tidak setuju dengan keputusan PPID.",
                filed_on=filed_on,
            )
            if filed_on.month < 12:
                answered_on = cal.add_working_days(filed_on, 12)
                answer_objection(
                    actor=superior,
                    objection=objection,
                    decision=ObjectionDecision.UPHELD
                    if outcome == Outcome.REJECTED
                    else ObjectionDecision.GRANTED,
                    reasons="Pertimbangan atasan PPID atas uji konsekuensi.",
                    superior_position="Sekretaris Daerah",
                    answered_on=answered_on,
                )
                if outcome == Outcome.REJECTED:
                    record_dispute(
                        actor=officer,
                        objection=Objection.objects.get(pk=objection.pk),
                        filed_on=cal.add_working_days(answered_on, 7),
                        outcome="mediated" if i % 4 == 0 else "pending",
                        outcome_on=answered_on + timedelta(days=60) if i % 4 == 0 else None,
                    )
    return created
