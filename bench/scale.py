"""Inbox and dashboards at scale: 100,000 and 1,000,000 cases on PostgreSQL.

    .venv/bin/python bench/scale.py [--sizes 100000] [--full] [--repeat 25]

Cases are BULK INSERTED with PostgreSQL COPY (not through submit_complaint: a million
actions with audit events would take hours and measure intake, not reading). The
rows are realistic in shape: two years of received dates with growth towards today,
units and kelurahan drawn with a skewed (Zipf-like) distribution, states by age (old
cases mostly closed, recent ones open), due dates 5-14 working-ish days after receipt,
Indonesian titles and descriptions built from a vocabulary of common complaints.
About 70 % of cases name a reporter (one reporter for every two cases: Indonesian
names from a vocabulary, a mobile number each, an e-mail for a third of them); cases
in a unit are assigned to one of its officers more often than not (the bench's unit
officer is one of five in the busiest unit); a tenth of verified cases were sent back
by a unit (*returned*); cases heard by a lurah, a camat or on a field visit carry the
field app's slip number.

Timed (p50/p95 over ``--repeat`` runs, warm cache, first page of 50 plus the count
capped at ``KANAL_INBOX_COUNT_CAP`` as the console's paginator does): the inbox's common
filters through ``kanal.complaints.queries.inbox_page`` with ``InboxFilters``, the
filter-menu counts (uncached), the console's views (owner "my cases" and "unassigned",
"returned"), search (full text, and a person by name, phone or e-mail, as the console's
search box does for roles that may see reporters), the console inbox and case pages as
HTML (in-process Django client, a verified operator), the people search, the public
unit figures (``kanal.insights.queries``, cold and cached). The
baseline is a primary-key lookup of one case (the cheapest read) in the same run; the
ratio of 1M to 100k time shows how each grows.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import Stack, percentile, table

TARGET_P95_MS = 150.0
PROBLEMS = [
    ("Lampu jalan mati", "lampu penerangan jalan umum mati sejak beberapa hari, gelap"),
    ("Jalan berlubang", "jalan rusak berlubang besar membahayakan pengendara motor"),
    ("Sampah menumpuk", "sampah tidak diangkut seminggu menumpuk dan berbau busuk"),
    ("Drainase tersumbat", "saluran air tersumbat sehingga banjir saat hujan deras"),
    ("Pungutan liar", "ada pungutan liar saat mengurus surat di kantor kelurahan"),
    ("Air PDAM tidak mengalir", "air bersih tidak mengalir tiga hari di rumah warga"),
    ("Pohon tumbang", "pohon besar tumbang menutup jalan dan kabel listrik"),
    ("Pelayanan KTP lambat", "pembuatan KTP elektronik sudah sebulan belum selesai"),
    ("Parkir liar", "parkir liar di trotoar mengganggu pejalan kaki dan macet"),
    ("Anjing liar", "banyak anjing liar berkeliaran dan menggigit anak sekolah"),
    ("Puskesmas antre panjang", "antrean di puskesmas sangat panjang dan dokter tidak ada"),
    ("Sekolah pungut biaya", "sekolah negeri memungut biaya seragam yang mahal"),
]
PLACES = ["Jl. Teuku Umar", "Jl. Sudirman", "Jl. Kartini", "Pasar Tugu", "Way Halim", "Rajabasa"]
STATE_BY_AGE = [  # (max age in days, [(state, weight)])
    (14, [("diterima", 25), ("diverifikasi", 15), ("didisposisikan", 35), ("ditindaklanjuti", 15),
          ("selesai", 8), ("ditunda", 2)]),
    (60, [("didisposisikan", 15), ("ditindaklanjuti", 15), ("selesai", 25), ("ditutup", 40),
          ("bukan_wewenang", 3), ("ditolak", 2)]),
    (10_000, [("ditutup", 88), ("selesai", 3), ("didisposisikan", 2), ("bukan_wewenang", 4),
              ("ditolak", 2), ("digabung", 1)]),
]  # fmt: skip
CHANNELS = [("web", 30), ("whatsapp", 38), ("instagram", 8), ("facebook", 5), ("sms", 5),
            ("phone", 4), ("walk_in", 3), ("lapor", 3), ("lurah", 2), ("camat", 1),
            ("field_visit", 1)]  # fmt: skip
IN_PERSON = {"lurah", "camat", "field_visit"}  # recorded in the field app: a slip number
FIRST_NAMES = ["Budi", "Siti", "Agus", "Dewi", "Rudi", "Sri", "Joko", "Rina", "Andi", "Wati",
               "Hendra", "Yuni", "Bambang", "Ratna", "Dedi", "Nur", "Eko", "Fitri", "Herman",
               "Lestari", "Irfan", "Maya", "Rizky", "Ayu", "Slamet", "Indah", "Wahyu", "Tuti",
               "Arif", "Novi", "Iwan", "Rahma", "Teguh", "Putri", "Yusuf", "Dian"]  # fmt: skip
LAST_NAMES = ["Santoso", "Wijaya", "Saputra", "Lestari", "Hidayat", "Pratama", "Kurniawan",
              "Setiawan", "Rahmawati", "Nugroho", "Susanto", "Siregar", "Harahap", "Simanjuntak",
              "Purba", "Sembiring", "Putra", "Handayani", "Wulandari", "Gunawan", "Syahputra",
              "Ramadhan", "Firmansyah", "Hasibuan", "Nasution", "Lubis", "Sari", "Utami",
              "Permana", "Hakim"]  # fmt: skip
# One reporter has a name found nowhere else: searching it must find one among all.
RARE_NAME = "Sutarjo Wibisono"
REPORTERS_PER_CASE = 0.5
OFFICERS = 200  # staff who own cases (the bench's unit officer among them)


def zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1 / (k + 1) ** s for k in range(n)]


def reporter_phone(k: int) -> str:
    return f"0812{(k * 7919) % 100_000_000:08d}"


def reporter_email(k: int) -> str:
    return f"warga{k}@contoh.id" if k % 3 == 0 else ""


def generate_reporters(n: int, start_no: int, rng: random.Random):
    """Yield COPY rows for ``n`` reporters (name, phone, e-mail, consent)."""
    now = datetime.now(UTC)
    for k in range(start_no, start_no + n):
        name = RARE_NAME if k == 1 else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        pref = "whatsapp" if k % 3 else "email"
        yield (name, reporter_phone(k), reporter_email(k), "", pref, now, "disetujui", now, now)


REPORTER_COLUMNS = [
    "name", "phone", "email", "nik", "contact_preference", "consented_at", "consent_text",
    "created_at", "updated_at",
]  # fmt: skip


def officer_for(unit_index: int, rng: random.Random, officers: list[int]) -> int:
    """Five officers share the busiest unit (the bench's officer first); one each elsewhere."""
    if unit_index == 0:
        return officers[rng.randrange(5)]
    return officers[5 + unit_index % (len(officers) - 5)]


def generate(n: int, start_no: int, refs: dict, rng: random.Random):
    """Yield COPY rows for ``n`` cases (see the module docstring for the distribution)."""
    now = datetime.now(UTC)
    units, kels, cats = refs["units"], refs["kelurahan"], refs["categories"]
    reporters, officers = refs["reporter_ids"], refs["officer_ids"]
    unit_index = {u: k for k, u in enumerate(units)}
    uw, kw = zipf_weights(len(units)), zipf_weights(len(kels), 0.6)
    chans, cw = zip(*CHANNELS, strict=True)
    for i in range(start_no, start_no + n):
        # Growth: more cases recently (square-root shape over two years).
        age = 730 * (1 - rng.random() ** 0.7)
        received = now - timedelta(days=age, seconds=rng.randrange(86_400))
        for max_age, weights in STATE_BY_AGE:
            if age <= max_age:
                states, sw = zip(*weights, strict=True)
                break
        state = rng.choices(states, sw)[0]
        unit = rng.choices(units, uw)[0] if state not in ("diterima", "diverifikasi") else None
        kel_id, kec_id = rng.choices(kels, kw)[0]
        title, desc = PROBLEMS[i % len(PROBLEMS)]
        place = PLACES[i % len(PLACES)]
        due = (received + timedelta(days=rng.randint(5, 14))).date()
        done = state in ("selesai", "ditutup")
        channel = rng.choices(chans, cw)[0]
        reporter = reporters[rng.randrange(len(reporters))] if rng.random() < 0.7 else None
        assigned = (
            officer_for(unit_index[unit], rng, officers) if unit and rng.random() < 0.6 else None
        )
        returned = received + timedelta(days=1) if state == "diverifikasi" and i % 10 == 0 else None
        yield (
            f"BL-{i:09X}", "pengaduan", f"{title} di {place}",
            f"{desc} di {place} dekat rumah nomor {i % 97}.",
            rng.choice(cats), kec_id, kel_id, "", channel, "",
            reporter is None, rng.random() < 0.7, rng.random() < 0.01, "", "", state, unit,
            "", "", received, received, received, received + timedelta(days=2) if unit else None,
            received + timedelta(days=6) if done else None,
            received + timedelta(days=7) if done else None,
            received + timedelta(days=10) if state == "ditutup" else None,
            due, "verify", received.date(), due + timedelta(days=30), 0, 0,
            rng.randint(1, 5) if state == "ditutup" and rng.random() < 0.3 else None, "",
            "", "", reporter, assigned, returned, f"F{i:09X}" if channel in IN_PERSON else None,
        )  # fmt: skip


COLUMNS = [
    "tracking_number",
    "kind",
    "title",
    "description",
    "category_id",
    "kecamatan_id",
    "kelurahan_id",
    "address",
    "channel",
    "channel_reference",
    "is_anonymous",
    "is_confidential",
    "is_oversight",
    "public_title",
    "public_summary",
    "state",
    "unit_id",
    "referred_to",
    "state_reason",
    "received_at",
    "created_at",
    "updated_at",
    "disposed_at",
    "completed_at",
    "followed_up_at",
    "closed_at",
    "due_date",
    "due_basis",
    "clock_started_on",
    "ceiling_date",
    "escalation_level",
    "reopen_count",
    "rating",
    "rating_comment",
    "disposition_note",
    "followup_key_hash",
    "reporter_id",
    "assigned_to_id",
    "returned_at",
    "intake_key",
]


def bulk_insert(target: int, refs: dict) -> float:
    """COPY cases until the table holds ``target``; returns seconds taken."""
    from django.db import connection

    from kanal.complaints.models import Complaint, Reporter

    have = Complaint.objects.count()
    if have >= target:
        return 0.0
    rng = random.Random(target)
    t0 = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    people = Reporter.objects.count()
    with raw.cursor() as cur:
        sql = f"COPY complaints_reporter ({', '.join(REPORTER_COLUMNS)}) FROM STDIN"
        with cur.copy(sql) as copy:
            for row in generate_reporters(int(target * REPORTERS_PER_CASE) - people, people, rng):
                copy.write_row(row)
    raw.commit()
    refs["reporter_ids"] = list(Reporter.objects.values_list("pk", flat=True))
    with raw.cursor() as cur:
        sql = f"COPY complaints_complaint ({', '.join(COLUMNS)}) FROM STDIN"
        with cur.copy(sql) as copy:
            for row in generate(target - have, have, refs, rng):
                copy.write_row(row)
    raw.commit()
    with connection.cursor() as cur:
        cur.execute("ANALYZE complaints_complaint")
        cur.execute("ANALYZE complaints_reporter")
    return time.perf_counter() - t0


TICK = os.sysconf("SC_CLK_TCK")
CPU_MS: dict[tuple[int, str], float] = {}  # (size, name) -> mean CPU ms per call


def backend_cpu() -> tuple[int | None, float]:
    """(pid, CPU seconds so far) of this process's PostgreSQL backend, from /proc."""
    from django.db import connection

    raw = connection.connection
    if raw is None:
        return None, 0.0
    pid = raw.info.backend_pid
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # PostgreSQL elsewhere: client CPU only
        return pid, 0.0
    fields = stat[stat.rfind(")") + 2 :].split()
    return pid, (int(fields[11]) + int(fields[12])) / TICK


def timed(fn, repeat: int, warm: bool = True, key: tuple[int, str] | None = None) -> list[float]:
    """Wall-clock seconds of each call; with ``key``, also the mean CPU per call.

    The CPU figure (this process plus its PostgreSQL backend, read from /proc) hardly
    changes when other work shares the cores, so it stays comparable between a busy and
    an idle machine where the wall-clock time does not.
    """
    if warm:
        fn()
    out = []
    cpu = 0.0
    for _ in range(repeat):
        pid0, server0 = backend_cpu()
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
        pid1, server1 = backend_cpu()
        cpu += time.process_time() - c0 + (server1 - server0 if pid0 == pid1 else server1)
    if key:
        CPU_MS[key] = cpu / repeat * 1000
    return out


def scenarios(refs: dict) -> dict:
    from django.core.cache import cache

    from kanal.complaints import queries
    from kanal.complaints.models import Complaint
    from kanal.console import queries as people
    from kanal.insights import queries as insights

    operator, officer, client = refs["operator"], refs["officer"], refs["client"]
    sample = Complaint.objects.filter(state="didisposisikan").order_by("-received_at").first()
    number = sample.tracking_number
    busiest = refs["busiest_unit"]

    def page(user, **filters):
        def run():
            # As the console does: 51 rows and a count capped at KANAL_INBOX_COUNT_CAP.
            page = queries.inbox_page(user, queries.InboxFilters(**filters), 1)
            return page.count, list(page)

        return run

    def case_page():
        response = client.get(f"/console/aduan/{number}/", HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, response.status_code

    def console_inbox(query=""):
        def run():
            response = client.get(f"/console/aduan/{query}", HTTP_HOST="127.0.0.1")
            assert response.status_code == 200, response.status_code

        return run

    person = refs["person"]

    def figures_cold():
        cache.clear()
        insights.figures_by_unit()

    return {
        "baseline: case by pk": lambda: Complaint.objects.get(pk=sample.pk),
        "inbox: open (operator)": page(operator),
        "inbox: state=didisposisikan": page(operator, state="didisposisikan"),
        "inbox: unit officer's own": page(officer),
        "inbox: unit filter": page(operator, unit=busiest),
        "inbox: kecamatan filter": page(operator, kecamatan=refs["kecamatan"]),
        "inbox: overdue": page(operator, sla="overdue"),
        "inbox: channel=whatsapp": page(operator, channel="whatsapp"),
        # Uncached: the console serves them from a 60 s cache, this is the miss.
        "inbox: counts (filter menu)": lambda: queries.inbox_counts(operator, cached=False),
        "search: 'lampu jalan'": page(operator, q="lampu jalan", open_only=False),
        "search: 'pungutan liar'": page(operator, q="pungutan liar"),
        # The console's new views and the person search (issue 17).
        "inbox: my cases (unit officer)": page(officer, owner="me"),
        "inbox: unassigned": page(operator, owner="none"),
        "inbox: returned": page(operator, returned=True),
        "search: person, common name 'budi'": page(operator, q="budi", open_only=False),
        "search: person, rare name": page(operator, q=RARE_NAME.split()[0], open_only=False),
        "search: person, name no one has": page(operator, q="Zulkarnain", open_only=False),
        "search: person by phone": page(operator, q=person["phone"], open_only=False),
        "search: person by e-mail": page(operator, q=person["email"], open_only=False),
        "inbox: console page (HTML)": console_inbox(),
        "inbox: console page, name search (HTML)": console_inbox("?q=budi"),
        "people search (console)": lambda: people.search_people(operator, "budi"),
        "case page (console)": case_page,
        "unit figures (cached)": lambda: insights.figures_by_unit(),
        "unit figures (cold)": figures_cold,
    }


def prepare() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kanal.accounts import actions as accounts
    from kanal.directory.models import Category, Unit
    from kanal.wilayah.models import Kelurahan

    units = list(Unit.objects.order_by("pk").values_list("pk", flat=True))
    operator = accounts.create_staff(actor=None, username="ops", password="bench-" + "p" * 20)
    accounts.add_membership(
        actor=None, user=operator, unit=Unit.objects.get(code="diskominfo"), role="operator"
    )
    busiest = Unit.objects.get(pk=units[0])
    officer = accounts.create_staff(actor=None, username="officer", password="bench-" + "p" * 20)
    accounts.add_membership(actor=None, user=officer, unit=busiest, role="unit_officer")
    # Staff who own cases: bulk-made (no password: they never sign in here).
    User = get_user_model()
    User.objects.bulk_create(
        [
            User(username=f"petugas{k}", password=make_password(None), is_staff=True)
            for k in range(OFFICERS - 1)
        ]
    )
    officer_ids = [
        officer.pk,
        *User.objects.filter(username__startswith="petugas")
        .order_by("pk")
        .values_list("pk", flat=True),
    ]
    device = TOTPDevice.objects.create(user=operator, name="bench", confirmed=True)
    client = Client()
    client.force_login(operator)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    kels = list(Kelurahan.objects.values_list("pk", "kecamatan_id"))
    first_kel = Kelurahan.objects.select_related("kecamatan").get(pk=kels[0][0])
    return {
        "units": units,
        "kelurahan": kels,
        "categories": list(Category.objects.values_list("pk", flat=True)),
        "operator": operator,
        "officer": officer,
        "client": client,
        "busiest_unit": busiest.code,
        "kecamatan": first_kel.kecamatan.code,
        "officer_ids": officer_ids,
        "reporter_ids": [],
        # A reporter whose number and address exist (written as the citizen would type it).
        "person": {"phone": "+62 " + reporter_phone(3)[1:], "email": reporter_email(3).upper()},
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--full", action="store_true", help="100,000 and 1,000,000")
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--explain", action="store_true", help="print the slow query plans")
    args = parser.parse_args(argv)
    sizes = [100_000, 1_000_000] if args.full else [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, list[float]]] = {}
    with Stack(name="scale") as stack:
        stack.django()
        refs = prepare()
        for size in sizes:
            took = bulk_insert(size, refs)
            print(f"{size:,} cases in place (COPY took {took:.0f}s)", flush=True)
            results[size] = {}
            for name, fn in scenarios(refs).items():
                cold = "cold" in name
                repeat = (1 if size > 200_000 else 3) if cold else args.repeat
                results[size][name] = timed(fn, repeat, warm=not cold, key=(size, name))
                t = results[size][name]
                print(
                    f"  {name:32} p50 {percentile(t, 50) * 1000:8.1f} ms  "
                    f"p95 {percentile(t, 95) * 1000:8.1f} ms  "
                    f"CPU {CPU_MS[size, name]:8.1f} ms/call",
                    flush=True,
                )
            if args.explain:
                explain(refs)
    names = list(results[sizes[0]])
    headers = ["query", *[f"p95 ms @{s // 1000}k" for s in sizes]]
    if len(sizes) > 1:
        headers.append(f"growth {sizes[-1] // 1000}k/{sizes[0] // 1000}k")
    headers += ["x baseline", f"CPU ms/call @{sizes[-1] // 1000}k"]
    rows = []
    misses = []
    for name in names:
        p95s = [percentile(results[s][name], 95) * 1000 for s in sizes]
        base = percentile(results[sizes[-1]]["baseline: case by pk"], 95) * 1000
        row = [name, *[f"{v:.1f}" for v in p95s]]
        if len(sizes) > 1:
            row.append(f"{p95s[-1] / p95s[0]:.1f}x")
        row.append(f"{p95s[-1] / base:.0f}")
        row.append(f"{CPU_MS[sizes[-1], name]:.1f}")
        rows.append(row)
        if name.startswith(("inbox", "search")) and p95s[-1] >= TARGET_P95_MS:
            misses.append(f"{name} {p95s[-1]:.0f} ms")
    print()
    print(table(rows, headers))
    summary = f"inbox/search p95 at {sizes[-1]:,}: " + (
        "all < 150 ms" if not misses else "over 150 ms: " + "; ".join(misses)
    )
    print(summary)
    print(f"load average at the end (1, 5, 15 min): {os.getloadavg()}")
    return {"name": "scale", "rows": rows, "met": not misses, "summary": summary}


def explain(refs: dict) -> None:
    from kanal.complaints import queries
    from kanal.complaints.models import Reporter

    for label, filters in [
        ("open", {}),
        ("overdue", {"sla": "overdue"}),
        ("search", {"q": "lampu jalan", "open_only": False}),
        ("my cases", {"owner": "me"}),
        ("unassigned", {"owner": "none"}),
        ("returned", {"returned": True}),
        ("name", {"q": "Zulkarnain", "open_only": False}),
    ]:
        qs = queries.inbox(refs["operator"], queries.InboxFilters(**filters))[:50]
        print(f"--- plan: {label}")
        print(qs.explain(analyze=True))
    # The search box also looks for reporters by name (matching_reporter_ids).
    for text in ("Zulkarnain", "budi"):
        qs = Reporter.objects.filter(name__icontains=text).values_list("pk", flat=True)[:50]
        print(f"--- plan: reporters named like {text!r}")
        print(qs.explain(analyze=True))


if __name__ == "__main__":
    main()
