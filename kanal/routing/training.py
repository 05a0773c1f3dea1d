"""Shared steps of the training, retraining and evaluation commands (no database)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from . import datafiles, rules
from .classifier import Example, fit_model
from .places import Gazetteer, build_gazetteer

# The unit registry, relative to data/routing/: its duties and complaint topics are
# extra training texts (see datafiles.read_registry).
REGISTRY = Path("..") / "regions" / "bandar-lampung" / "units.csv"


# The labelled files in data/routing/ the shipped model is trained on, and the files
# kept apart for evaluation only (see data/routing/README.md for their provenance).
TRAINING_FILES = ("dev.jsonl", "train-i20.jsonl", "train-r20.jsonl", "train-r20b.jsonl")
HELDOUT_FILES = ("heldout.jsonl", "heldout-2.jsonl", "heldout-3.jsonl", "heldout-4.jsonl")


@dataclass
class Resources:
    keywords: rules.KeywordIndex
    gazetteer: Gazetteer
    slang: dict[str, str]
    registry: list[Example]


def resources(data_dir: Path, registry: Path | None = None) -> Resources:
    """Keywords (normalised with the slang table), gazetteer, slang and the registry
    texts from the files in ``data_dir``."""
    slang_file = data_dir / "slang.csv"
    slang = datafiles.read_slang(slang_file) if slang_file.exists() else {}
    keywords = rules.compile_keywords(
        datafiles.read_keywords(data_dir / "keywords.csv"), slang or None
    )
    gazetteer = build_gazetteer(datafiles.read_gazetteer(data_dir / "gazetteer.csv"))
    registry_file = registry or (data_dir / REGISTRY)
    registry_examples = []
    if registry_file.exists():
        registry_examples = [
            Example(text, code, rules.PENGADUAN, code == rules.INSPEKTORAT)
            for code, text in datafiles.read_registry(registry_file)
        ]
    return Resources(keywords, gazetteer, slang, registry_examples)


def file_resources(data_dir: Path):
    """(keyword index, gazetteer) from the files in ``data_dir``."""
    found = resources(data_dir)
    return found.keywords, found.gazetteer


def examples_from(rows: list[dict]) -> list[Example]:
    return [
        Example(
            r["text"],
            r["opd"],
            r["jenis"],
            bool(r.get("pengawasan", r["opd"] == rules.INSPEKTORAT)),
            group=group_of(r),
        )
        for r in rows
    ]


# Channel styles grouped into families; evaluation holds out whole (writer, family)
# groups, so a score says how the router does on a way of writing it never saw.
STYLE_FAMILIES = {
    **dict.fromkeys(("wa", "ig", "tiktok", "x", "fb", "sms", "vn"), "chat"),
    # Reviews on a map and comments under a news article: public, written for readers.
    **dict.fromkeys(("ulasan", "komentar-berita"), "public"),
    **dict.fromkeys(("email", "surat-lama", "form"), "formal"),
    **dict.fromkeys(
        ("lurah", "telepon", "callcenter", "kelurahan-forward", "kunjungan", "musrenbang"),
        "notes",
    ),
}


def group_of(row: dict) -> str:
    """The (writer, style family) group of a labelled row: ``dev:chat``,
    ``i20-train-b:formal``, ``reroute:web`` … Rows without ``sumber`` are the team's
    development set."""
    source = row.get("sumber") or "dev"
    return f"{source}:{STYLE_FAMILIES.get(row.get('gaya') or '', row.get('gaya') or 'other')}"


def train(rows: list[dict], res: Resources):
    """Fit the full model on ``rows`` (plus the registry texts); returns (model, seconds)."""
    start = time.perf_counter()
    model = fit_model(examples_from(rows), res.keywords, slang=res.slang, extra=res.registry)
    seconds = time.perf_counter() - start
    model.info = {
        "trained_on": len(rows),
        "beta": model.beta,
        "gamma": model.gamma,
        "temperature": model.temperature,
        "auto_threshold": model.auto_threshold,
        "oversight_threshold": model.oversight_threshold,
    }
    return model, seconds
