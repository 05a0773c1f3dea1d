"""Create a few published demo items, partners, a plan and a field visit (idempotent)."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from PIL import Image, ImageDraw

from kanal.directory.models import Unit
from kanal.publishing import actions
from kanal.publishing.actions import partners, visits
from kanal.publishing.models import ContentItem, FieldVisit, MediaPartner
from kanal.wilayah.models import Kelurahan

ITEMS = [
    (
        "activity",
        "Wali Kota meninjau perbaikan drainase di Jalan Teuku Umar",
        "Pekerjaan normalisasi saluran ditargetkan selesai sebelum puncak musim hujan.",
        "Wali Kota Bandar Lampung meninjau pekerjaan normalisasi drainase di Jalan Teuku Umar "
        "bersama Dinas Pekerjaan Umum.\n\nSaluran sepanjang 1,2 km dikeruk dan diperlebar agar "
        "genangan tidak lagi terjadi saat hujan deras.",
        "dpu",
    ),
    (
        "announcement",
        "Imbauan waspada cuaca ekstrem dan genangan",
        "Warga diimbau tidak membuang sampah ke saluran air dan melaporkan genangan.",
        "Berdasarkan prakiraan BMKG, hujan lebat berpotensi terjadi dalam sepekan ke depan.\n\n"
        "Warga diimbau menjaga kebersihan saluran air dan melaporkan genangan melalui kanal "
        "pengaduan resmi Pemerintah Kota.",
        "",
    ),
    (
        "priority_program",
        "Bandar Lampung Bebas Banjir",
        "Normalisasi sungai dan drainase kota secara bertahap.",
        "Program prioritas untuk mengurangi titik banjir di kota melalui normalisasi sungai, "
        "pembangunan drainase baru dan kolam retensi.",
        "dpu",
    ),
    (
        "priority_program",
        "Sekolah Gratis dan Seragam Gratis",
        "Bantuan biaya pendidikan dan seragam bagi siswa SD dan SMP negeri.",
        "Pemerintah Kota menanggung biaya pendidikan dan menyediakan seragam sekolah bagi siswa "
        "SD dan SMP negeri di Bandar Lampung.",
        "",
    ),
    (
        "press_release",
        "Pemkot Bandar Lampung luncurkan kanal pengaduan terpadu",
        "Semua aduan warga dari berbagai kanal kini tercatat dengan nomor dan tenggat.",
        "Pemerintah Kota Bandar Lampung meluncurkan kanal pengaduan terpadu. Setiap aduan dari "
        "WhatsApp, media sosial, situs web maupun kunjungan lapangan kini tercatat dengan nomor "
        "pelacakan, unit penanggung jawab dan tenggat dalam hari kerja.",
        "",
    ),
]


def demo_image(seed: int) -> bytes:
    im = Image.new("RGB", (1080, 1080), (20 + seed * 40, 90, 140))
    ImageDraw.Draw(im).rectangle((140, 140, 940, 940), outline=(255, 255, 255), width=12)
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


class Command(BaseCommand):
    help = "Create published demo content, media partners and a field visit (idempotent)."

    def handle(self, *args, **options):
        now = timezone.now()
        programs = []
        for i, (kind, title, summary, body, unit) in enumerate(ITEMS):
            item = ContentItem.objects.filter(title=title).first()
            if item is None:
                units = list(Unit.objects.filter(code=unit)) if unit else []
                item = actions.create_item(
                    None,
                    kind=kind,
                    title=title,
                    summary=summary,
                    body=body,
                    units=units,
                    tags=["demo"],
                    scheduled_at=now - timedelta(days=len(ITEMS) - i),
                    progress_percent=35 if kind == "priority_program" else None,
                )
                actions.add_file(None, item, f"demo-{i}.png", demo_image(i), alt_text=title)
                for verb in ("submit", "approve", "publish"):
                    actions.transition_item(None, item, verb)
                if kind == "priority_program":
                    actions.add_progress_update(
                        None,
                        item,
                        on=timezone.localdate() - timedelta(days=7),
                        percent=35,
                        text="Tahap pertama selesai; tahap kedua dalam pengadaan.",
                    )
            if kind == "priority_program":
                programs.append(item)
        for name, kind, email in [
            ("Lampung TV", "tv", "redaksi@lampungtv.example"),
            ("Radio Suara Bandar Lampung", "radio", "redaksi@rsbl.example"),
        ]:
            if not MediaPartner.objects.filter(name=name).exists():
                partners.save_media_partner(
                    None, name=name, kind=kind, email=email, preferred_formats="teks, foto"
                )
        for kind in ("activity", "announcement", "priority_program"):
            for channel in ("website", "instagram"):
                actions.save_cadence_plan(None, kind=kind, channel=channel, posts_per_week=1)
        kelurahan = Kelurahan.objects.order_by("code").first()
        if kelurahan and not FieldVisit.objects.filter(title="Kunjungan ke Pasar Tugu").exists():
            visits.plan_field_visit(
                None,
                date=timezone.localdate() + timedelta(days=3),
                title="Kunjungan ke Pasar Tugu",
                kelurahan=kelurahan,
                place="Pasar Tugu",
                participants="Wali Kota, Camat, Lurah, Dinas Perdagangan, Diskominfo",
                notes="Sampaikan imbauan cuaca ekstrem dan perkembangan program bebas banjir.",
                talking_points=programs,
            )
        self.stdout.write(self.style.SUCCESS("Publishing demo data ready."))
