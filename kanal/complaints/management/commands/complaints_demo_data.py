"""Demo cases for `make run`: months of realistic history across units, states and places.

Texts come from the routing development set (synthetic messages written for Kanal).
Every case goes through the real actions, with the clock moved to when each step
happened (time-machine, a development dependency), so deadlines, escalations and the
public figures are what the product would have computed. Idempotent.
"""

import json
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kanal.accounts import actions as account_actions
from kanal.accounts.models import User
from kanal.complaints import actions
from kanal.complaints.models import Complaint
from kanal.core.queries import working_calendar
from kanal.directory.models import Category, Unit, UnitKind
from kanal.wilayah.models import Kelurahan

WIB = ZoneInfo("Asia/Jakarta")
CHANNEL_OF_STYLE = {
    "wa": "whatsapp",
    "ig": "instagram",
    "email": "email",
    "form": "web",
    "lurah": "lurah",
    "telepon": "phone",
    "kunjungan": "field_visit",
}


class Command(BaseCommand):
    help = "Create demo cases (development only; idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=120)
        parser.add_argument("--months", type=int, default=8)

    def handle(self, *args, count: int, months: int, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for development systems only (DEBUG on).")
        try:
            import time_machine
        except ImportError as exc:
            raise CommandError("Install the development extras: pip install -e '.[dev]'") from exc
        from kanal.complaints.actions import add_starter_templates

        self.stdout.write(f"starter response templates added: {add_starter_templates(actor=None)}")
        if Complaint.objects.filter(channel_reference__startswith="demo:").exists():
            self.stdout.write("demo cases: already present")
            return
        path = settings.BASE_DIR / "data" / "routing" / "dev.jsonl"
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        rows = [r for r in rows if r["jenis"] != "permintaan_informasi"]
        rng = random.Random(2026)
        rng.shuffle(rows)
        operator = User.objects.get(username="operator")
        officer = self._demo_officer()
        calendar = working_calendar()
        now = datetime.now(WIB)
        start = now - timedelta(days=30 * months)
        created = 0
        for i, row in enumerate(rows[:count]):
            received = start + (now - start) * (i / count)
            received = received.replace(hour=rng.randint(7, 20), minute=rng.randint(0, 59))
            with time_machine.travel(received, tick=False), transaction.atomic():
                case = self._submit(row, rng, received)
            self._progress(case, row, rng, received, now, operator, officer, calendar, time_machine)
            created += 1
            if created % 25 == 0:
                self.stdout.write(f"  {created}/{count} demo cases")
        self.stdout.write(f"demo cases: {created} created")

    def _demo_officer(self):
        officer = User.objects.filter(username="petugas.demo").first()
        if officer is None:
            officer = account_actions.create_staff(
                actor=None,
                username="petugas.demo",
                password=account_actions.DEMO_PASSWORD,
                full_name="Petugas Demo",
            )
        for unit in Unit.objects.exclude(kind=UnitKind.OUTSIDE):
            role = "inspector" if unit.kind == "inspektorat" else "unit_officer"
            account_actions.add_membership(actor=None, user=officer, unit=unit, role=role)
        return officer

    def _submit(self, row, rng, received):
        kelurahan = (
            Kelurahan.objects.filter(code=row["kelurahan"]).first() if row["kelurahan"] else None
        )
        unit = Unit.objects.filter(code=row["opd"]).first()
        category = Category.objects.filter(default_unit=unit).first() if unit else None
        if row["pengawasan"]:
            category = Category.objects.get(code="pengawasan")
        title = row["text"].split("\n")[0][:80].rstrip(" ,.") or row["text"][:80]
        with_contact = rng.random() < 0.8
        reporter = (
            actions.ReporterDetails(
                name=rng.choice(["Rina", "Budi", "Siti", "Agus", "Dewi", "Yusuf", "Maya"]),
                phone=f"08{rng.randint(100000000, 999999999)}",
                contact_preference="whatsapp",
                consent_text="demo",
            )
            if with_contact
            else None
        )
        # A point near the kelurahan's centre and, for most cases, a photo: what Open311
        # partners and the public map show for published cases.
        place = kelurahan or rng.choice(list(Kelurahan.objects.exclude(lat=None).order_by("code")))
        lat = lng = None
        if place.lat is not None:
            lat = place.lat + rng.uniform(-0.0015, 0.0015)
            lng = place.lng + rng.uniform(-0.0015, 0.0015)
        photo = [("foto.jpg", demo_photo(rng))] if rng.random() < 0.7 else []
        return actions.submit_complaint(
            lat=lat,
            lng=lng,
            files=photo,
            channel=CHANNEL_OF_STYLE.get(row["gaya"], "web"),
            kind=row["jenis"],
            title=title,
            description=row["text"],
            category=category,
            kelurahan=kelurahan,
            reporter=reporter,
            channel_reference=f"demo:{row['id']}",
            received_at=received,
        )

    def _progress(self, case, row, rng, received, now, operator, officer, calendar, tm):
        def at(working_days, hour=10):
            day = calendar.add_working_days(received.date(), working_days)
            return datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=WIB)

        steps = []
        target = Unit.objects.filter(code=row["opd"]).first()
        if target is None:
            return
        if target.is_outside_authority:
            steps.append(
                (
                    at(rng.randint(0, 3)),
                    lambda c: actions.refer_complaint_outside(
                        actor=operator,
                        case=c,
                        body=target,
                        explanation="Silakan hubungi instansi tersebut langsung.",
                    ),
                )
            )
        else:
            dispose_at = rng.choice([0, 1, 1, 2, 3, 5])
            steps.append(
                (
                    at(dispose_at),
                    lambda c: actions.dispose_complaint(actor=operator, case=c, unit=target),
                )
            )
            answer_at = dispose_at + rng.choice([1, 2, 3, 4, 5, 5, 7, 9])
            steps.append(
                (
                    at(answer_at, 14),
                    lambda c: actions.follow_up_complaint(
                        actor=officer, case=c, body="Sudah kami tindak lanjuti di lokasi."
                    ),
                )
            )
            steps.append(
                (at(answer_at + 1), lambda c: actions.complete_complaint(actor=operator, case=c))
            )
            if not row["pengawasan"] and rng.random() < 0.6:
                steps.append(
                    (
                        at(answer_at + 1, 15),
                        lambda c: self._publish(c, operator),
                    )
                )
            if rng.random() < 0.5:
                rating = rng.choice([2, 3, 4, 4, 5, 5])
                steps.append(
                    (at(answer_at + 3, 19), lambda c: actions.rate_complaint(case=c, rating=rating))
                )
            steps.append((at(answer_at + 12), lambda c: actions.sweep_deadlines()))
        for moment, step in steps:
            if moment >= now:
                break
            with tm.travel(moment, tick=False):
                case.refresh_from_db()
                step(case)

    def _publish(self, case, operator):
        actions.publish_complaint(
            actor=operator,
            case=case,
            public=True,
            public_title=case.title,
            public_summary=self._public_text(case),
        )
        for photo in case.attachments.all()[:1]:
            actions.publish_attachment(actor=operator, attachment=photo, public=True)

    @staticmethod
    def _public_text(case):
        from kanal.complaints.rules import redact_personal_data

        known = [case.reporter.name, case.reporter.phone] if case.reporter else []
        return redact_personal_data(case.description, known)


def demo_photo(rng) -> bytes:
    """A small synthetic street scene (sky, road, a patch of damage) as a JPEG."""
    import io

    from PIL import Image, ImageDraw

    im = Image.new("RGB", (480, 320), (135 + rng.randint(0, 60), 180, 225))
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 170, 480, 320), fill=(90 + rng.randint(0, 40),) * 3)
    x, y = rng.randint(60, 360), rng.randint(200, 260)
    draw.ellipse((x, y, x + rng.randint(50, 110), y + rng.randint(20, 45)), fill=(60, 45, 30))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=80)
    return out.getvalue()
