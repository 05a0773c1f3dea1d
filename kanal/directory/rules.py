"""Pure rules about units: what a unit's head is called and what its functions are by default.

Used when a region's registry file leaves those columns empty. The functions follow the
general wording of PP 18/2016 on perangkat daerah (dinas: Pasal 22(3); badan: Pasal
24(3)): formulating policy, carrying it out, evaluating and reporting, administration.
"""

HEAD_TITLES = {
    "sekretariat": "Sekretaris Daerah",
    "inspektorat": "Inspektur",
    "dinas": "Kepala Dinas",
    "badan": "Kepala Badan",
    "satuan": "Kepala Satuan",
    "rumah_sakit": "Direktur",
    "kecamatan": "Camat",
    "kelurahan": "Lurah",
}


def default_head_title(kind: str) -> str:
    """The usual title of the head of a unit of ``kind``; '' where there is none."""
    return HEAD_TITLES.get(kind, "")


def default_functions(kind: str, urusan: str) -> str:
    """The generic functions of a dinas or badan for ``urusan``, one per line; else ''."""
    if kind not in ("dinas", "badan") or not urusan:
        return ""
    fields = urusan.replace(";", ",")
    return "\n".join(
        [
            f"Perumusan kebijakan teknis di bidang {fields}",
            f"Pelaksanaan kebijakan di bidang {fields}",
            f"Pelaksanaan evaluasi dan pelaporan di bidang {fields}",
            "Pelaksanaan administrasi perangkat daerah",
            "Pelaksanaan fungsi lain yang diberikan oleh wali kota sesuai tugas dan fungsinya",
        ]
    )


def area_office_code(area_code: str) -> str:
    """The unit code of the office of a kecamatan (18.71.01) or kelurahan (18.71.01.1003)."""
    prefix = "kel" if area_code.count(".") == 3 else "kec"
    return f"{prefix}-{area_code.replace('.', '-')}"
