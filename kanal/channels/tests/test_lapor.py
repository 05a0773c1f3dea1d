"""SP4N-LAPOR!: pulled reports and imported export files land once; follow-ups go back."""

import pytest
from django.core.management import call_command

from kanal.channels import tasks
from kanal.channels.models import InboundEvent
from kanal.complaints.models import Complaint

from .conftest import process_pending

pytestmark = pytest.mark.django_db

REPORT = {
    "tracking_id": "5123456",
    "title": "Jalan rusak di Kemiling",
    "content": "Jalan Imam Bonjol rusak parah, banyak lubang.",
    "created_at": "2026-11-20 08:00:00",
    "reporter_name": "Anonim",
    "category": "Infrastruktur",
    "location": "Kemiling",
}


def test_pulled_reports_become_cases_and_follow_ups_go_back(channel_settings, fake):
    fake.lapor_reports.append(REPORT)
    assert tasks.poll_lapor.call() == 1
    assert tasks.poll_lapor.call() == 0  # pulled again: nothing new
    process_pending()
    case = Complaint.objects.get()
    assert case.channel == "lapor" and case.title == "Jalan rusak di Kemiling"
    assert "Kemiling" in case.description
    (pull,) = [r for r in fake.requests if r.method == "GET"][:1]
    assert pull.headers["Authorization"] == "Bearer lapor-test-token"
    (push,) = fake.sent("/lapor/reports/5123456/follow-ups")
    assert case.tracking_number in push.json()["text"]
    assert case.outbox.get().status == "sent"


def test_an_export_file_is_imported_once_and_matches_pulled_reports(channel_settings, tmp_path):
    export = tmp_path / "lapor.csv"
    export.write_text(
        "\ufeffTracking ID;Judul;Isi Laporan;Tanggal;Nama Pelapor;Kategori;Lokasi\n"
        "5123456;Jalan rusak di Kemiling;Jalan Imam Bonjol rusak parah.;2026-11-20;Anonim;"
        "Infrastruktur;Kemiling\n"
        "5123457;Sampah;Sampah tidak diangkut seminggu.;2026-11-21;Sari;Lingkungan;Sukarame\n",
        encoding="utf-8",
    )
    call_command("import_lapor_csv", str(export), "--process")
    call_command("import_lapor_csv", str(export), "--process")
    assert Complaint.objects.filter(channel="lapor").count() == 2
    assert InboundEvent.objects.filter(provider="lapor").count() == 2


def test_an_export_without_the_needed_columns_is_refused(tmp_path):
    from django.core.management.base import CommandError

    export = tmp_path / "other.csv"
    export.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_lapor_csv", str(export))
