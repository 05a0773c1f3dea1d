"""Building cases the way the product does: through submit_complaint."""

from kanal.complaints.actions import ReporterDetails, submit_complaint
from kanal.directory.models import Category, Unit
from kanal.wilayah.models import Kelurahan


def make_case(**overrides):
    fields = {
        "channel": "web",
        "title": "Jalan berlubang di depan SD",
        "description": "Jalan berlubang besar, sudah dua minggu. Nama saya Budi Santoso, "
        "HP 0812-3456-7890, NIK 1871012345678901, email budi@example.com.",
        "category": Category.objects.get(code="jalan-rusak"),
        "kelurahan": Kelurahan.objects.get(code="18.71.01.1003"),
        "reporter": ReporterDetails(
            name="Budi Santoso",
            phone="081234567890",
            email="budi@example.com",
            contact_preference="email",
            consent_text="Saya setuju data saya diproses.",
        ),
    }
    fields.update(overrides)
    return submit_complaint(**fields)


def unit(code):
    return Unit.objects.get(code=code)
