"""Reading the routing data files in data/routing/ (keywords, gazetteer, slang, JSONL).

Pure file parsing, no database: ``load_routing_data`` puts the first two into the
editable tables; the evaluation and the training command can read them directly.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .places import GazetteerRow
from .rules import KINDS, KeywordRow

REQUIRED_FIELDS = ("text", "opd", "jenis")


class DataFileError(ValueError):
    """A data file is malformed; the message names the file and the line."""


def read_keywords(path: Path) -> list[KeywordRow]:
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                rows.append(
                    KeywordRow(row["unit"].strip(), row["phrase"].strip(), float(row["weight"]))
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise DataFileError(f"{path}:{line}: needs unit, phrase, weight ({exc})") from exc
    return rows


def read_gazetteer(path: Path) -> list[GazetteerRow]:
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if not row.get("name") or row.get("kind") not in (
                "kelurahan",
                "kecamatan",
                "landmark",
                "street",
            ):
                raise DataFileError(f"{path}:{line}: needs a name and a kind")
            rows.append(
                GazetteerRow(
                    name=row["name"].strip(),
                    kind=row["kind"],
                    kelurahan_code=row.get("kelurahan", "").strip(),
                    kecamatan_code=row.get("kecamatan", "").strip(),
                    unit_hint=row.get("unit_hint", "").strip(),
                    needs_prefix=row.get("needs_prefix", "").strip() in ("1", "true", "yes"),
                    case_sensitive=row.get("case_sensitive", "").strip() in ("1", "true", "yes"),
                    not_after=row.get("not_after", "").strip(),
                )
            )
    return rows


def read_slang(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {
            r["short"].strip(): r["long"].strip() for r in csv.DictReader(handle) if r.get("short")
        }


def read_labelled(path: Path) -> list[dict]:
    """Rows of a JSONL file in the dev set's format; every row needs text, opd, jenis."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise DataFileError(f"{path}:{line}: not JSON ({exc.msg})") from exc
            missing = [f for f in REQUIRED_FIELDS if not row.get(f)]
            if missing:
                raise DataFileError(f"{path}:{line}: missing {', '.join(missing)}")
            if row["jenis"] not in KINDS:
                raise DataFileError(f"{path}:{line}: unknown jenis {row['jenis']!r}")
            rows.append(row)
    if not rows:
        raise DataFileError(f"{path}: no labelled rows")
    return rows


# A registry topic that contradicts the labelling rules: information requests go to the
# PPID flow, whichever unit the registry says handles them.
_REGISTRY_TOPICS_SKIPPED = ("permohonan informasi",)


def read_registry(path: Path) -> list[tuple[str, str]]:
    """(unit code, text) pairs from the unit registry (``units.csv``): for each unit, its
    name, affairs and duties as one text, and each complaint topic on its own. They are
    training texts written by the city, not by citizens (a feature source, issue 20)."""
    pairs: list[tuple[str, str]] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = (row.get("kode") or "").strip()
            if not code:
                continue
            duties = " ".join(
                (row.get(f) or "").replace(";", ",")
                for f in ("nama", "singkatan", "urusan", "tugas_umum")
            )
            pairs.append((code, duties.strip()))
            for topic in (row.get("topik_aduan") or "").split(";"):
                topic = topic.strip()
                if topic and not any(s in topic for s in _REGISTRY_TOPICS_SKIPPED):
                    pairs.append((code, topic))
    return pairs
