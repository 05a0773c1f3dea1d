"""Cue phrases that encode the labelling rules where text statistics alone fall short.

The labelling rules (data/routing/README.md) say what counts as misconduct by officials
(pungli, bribes, cut aid, nepotism, ASN discipline: absent, drunk, gambling or
campaigning at work) and what only looks like it (fees set by an institution, fraudsters
posing as staff, unofficial parking attendants, a contractor's poor work, slow or
unfriendly service). A few hundred examples cannot teach every way of saying "asked for
an envelope", so the rules are written down here once, as phrases of the normalised
text (``text.normalise``: slang expanded, lower case), and the model learns how much to
trust them: one weight per cue list, fitted on held-apart groups (``classifier``).

Pure data and pure functions; no Django.
"""

from __future__ import annotations

import math

# Misconduct by city officials or ASN (the Inspektorat's remit), as citizens write it.
MISCONDUCT = (
    "pungli",
    "pungutan liar",
    "suap",
    "menyuap",
    "sogok",
    "sogokan",
    "gratifikasi",
    "amplop",
    "uang pelicin",
    "uang rokok",
    "uang lelah",
    "uang bensin",
    "uang damai",
    "uang terima kasih",
    "uang kopi",
    "uang administrasi",
    "seikhlasnya",
    "jalur cepat",
    "biar cepat",
    "biar cepet",
    "biar lancar",
    "uang percepatan",
    "percepatan",
    "tanpa kuitansi",
    "tanpa kwitansi",
    "tidak ada kuitansi",
    "tidak dikasih kwitansi",
    "tanpa karcis",
    "tidak memberikan karcis",
    "tidak memberikan kuitansi",
    "di luar tarif",
    "mempercepat",
    "diaudit",
    "tidak disetor",
    "setor ke",
    "setoran",
    "disuruh setor",
    "jatah",
    "dipotong",
    "potongan",
    "titipan",
    "orang dalam",
    "nepotisme",
    "kerabat pegawai",
    "keluarga pejabat",
    "saudara kepala",
    "ipar pejabat",
    "korupsi",
    "kkn",
    "mark up",
    "markup",
    "fiktif",
    "duitnya ke mana",
    "uangnya ke mana",
    "dananya ke mana",
    "tidak sesuai kontrak",
    "di bawah yang tertulis dalam kontrak",
    "hanya separuh",
    "penyalahgunaan wewenang",
    "menyalahgunakan",
    "pemerasan",
    "memeras",
    "minta uang",
    "meminta uang",
    "dimintai uang",
    "minta bayaran",
    "minta imbalan",
    "mabuk",
    "judi",
    "berjudi",
    "merokok di ruang",
    "main game",
    "kampanye",
    "timses",
    "partai",
    "mobil dinas",
    "plat merah",
    "jam kerja",
    "jam dinas",
    "bolos",
    "jarang masuk",
    "absensinya",
    "titip absen",
    "tidak di tempat",
    "nongkrong",
    "jualan di meja",
    "ada yang main",
    "ada yang bermain",
    "oknum",
    "inspektorat",
    "masuk kantong",
    "kantong sendiri",
    "kantong pribadi",
    "calo",
    "uang tip",
    "keluarga pak lurah",
    "keluarga lurah",
    "keluarga kepala",
    "keluarga camat",
    "dibawa pulang sendiri",
    "merampas",
    "hanya datang absen",
    "cuma datang absen",
    "datang absen",
    "baru datang jam",
    "seragam dinas",
    "caleg",
    "uang tambahan",
    "dana dipotong",
    "bantuan dipotong",
    "tidak sesuai rab",
    "papan proyek",
    "setor",
    "memotong",
    "asal bayar",
    "kalau bayar",
    "rumah pribadi",
    "pribadinya",
    "keperluan pribadi",
    "tidak ngantor",
    "tidak masuk kantor",
    "gaji buta",
    "tetap dapat gaji",
    "rumah mewah",
    "kursi tambahan",
    "ada pungutan",
)

# What only looks like misconduct under the rules: fraud by impostors (police), fees set
# by an institution, the official tariff, contractors, parking attendants, slow or
# unfriendly service, and bodies outside the city (their staff are not city ASN).
LOOKALIKE = (
    "ngaku",
    "mengaku",
    "mengatasnamakan",
    "penipuan",
    "penipu",
    "modus",
    "hoaks",
    "komite",
    "rapat komite",
    "kesepakatan",
    "tarif resmi",
    "tanpa sosialisasi",
    "kontraktor",
    "juru parkir",
    "jukir",
    "lambat",
    "antre",
    "antrean",
    "antrian",
    "error",
    "ramah",
    "jutek",
    "judes",
    "offline",
    "pln",
    "samsat",
    "sma",
    "smk",
    "pengepul",
    "ketus",
    "dibentak",
    "perwali",
    "perda",
    "sesuai perda",
    "loket",
    "asal asalan",
)


def _count(normalised_text: str, phrases: tuple[str, ...]) -> int:
    padded = f" {normalised_text} "
    return sum(f" {p} " in padded for p in phrases)


def misconduct_score(normalised_text: str) -> float:
    """log(1 + misconduct cues) - log(1 + look-alike cues): > 0 leans to misconduct."""
    return math.log1p(_count(normalised_text, MISCONDUCT)) - math.log1p(
        _count(normalised_text, LOOKALIKE)
    )


def misconduct_phrases(normalised_text: str, limit: int = 2) -> list[str]:
    """The misconduct cues found, for the reason shown to the verifier."""
    padded = f" {normalised_text} "
    return [p for p in MISCONDUCT if f" {p} " in padded][:limit]


# Information requests (the PPID flow): asking for data, documents or figures, however
# angry the wording around them.
INFORMATION = (
    "minta data",
    "meminta data",
    "minta datanya",
    "minta dokumen",
    "minta rincian",
    "minta rinciannya",
    "minta salinan",
    "meminta salinan",
    "salinan",
    "rinciannya",
    "mana rinciannya",
    "dibuka ke publik",
    "buka datanya",
    "dipublikasikan",
    "umumkan daftar",
    "daftar penerima",
    "daftar nama",
    "nilai kontrak",
    "nilai kontraknya",
    "nilai proyek",
    "nilai proyeknya",
    "siapa kontraktornya",
    "berapa anggaran",
    "berapa anggarannya",
    "berapa biaya",
    "berapa duit",
    "anggarannya berapa",
    "dokumen anggaran",
    "dokumen anggarannya",
    "berita acara",
    "rekapitulasi",
    "ada data",
    "data jumlah",
    "permohonan data",
    "mohon informasi",
    "informasi publik",
    "minta salinannya",
    "salinannya",
    "minta dokumennya",
    "dokumennya",
    "minta laporannya",
    "minta daftarnya",
    "kirim daftarnya",
    "upload dokumen",
    "dokumen lengkapnya",
    "permohonan informasi",
    "keterbukaan informasi",
    "mau tahu daftar",
    "ingin tahu daftar",
    "boleh tahu",
)


def information_score(normalised_text: str) -> float:
    return math.log1p(_count(normalised_text, INFORMATION))


# Words of a complaint about something that exists and fails (pengaduan), against
# the suggestion cues of ``rules.ASPIRASI_CUES``.
COMPLAINT = (
    "rusak",
    "mati",
    "bocor",
    "mampet",
    "macet",
    "bau",
    "numpuk",
    "menumpuk",
    "tidak diangkut",
    "belum diangkut",
    "lambat",
    "error",
    "mengeluhkan",
    "keluhkan",
    "ngeluh",
    "dicuri",
    "berlubang",
    "bolong",
    "roboh",
    "kebakaran",
    "banjir",
    "tergenang",
    "belum dibayar",
    "belum jadi",
    "belum cair",
    "ditolak",
    "dipecat",
)

# Suggestions phrased as complaints: something missing that the writer wants made.
SUGGESTION_EXTRA = (
    "harusnya",
    "seharusnya",
    "mending",
    "mendingan",
    "sebaiknya",
    "bayangin",
    "bagaimana kalau",
    "kenapa tidak ada",
    "kenapa tidak bikin",
    "tidak punya",
    "belum punya",
    "belum ada",
    "tidak ada tempat",
    "sama sekali belum",
    "diperluas",
    "dibuka juga",
    "diterbitkan",
    "mengusulkan",
    "usulkan",
    "diusulkan",
    "usul",
    "usulan",
    "saran",
    "ke depan",
    "kalau bisa",
    "kalo bisa",
    "tambahin",
    "ditambah",
    "ditambahkan",
)


def complaint_count(normalised_text: str) -> int:
    return _count(normalised_text, COMPLAINT)


def suggestion_count(normalised_text: str) -> int:
    return _count(normalised_text, SUGGESTION_EXTRA)
