"""Shared steps of the training, retraining and evaluation commands (no database)."""

from __future__ import annotations

import time
from pathlib import Path

from . import datafiles, rules
from .classifier import fit_model
from .evaluation import examples_from
from .places import build_gazetteer


def file_resources(data_dir: Path):
    """(keyword index, gazetteer) from the files in ``data_dir``."""
    keywords = rules.compile_keywords(datafiles.read_keywords(data_dir / "keywords.csv"))
    gazetteer = build_gazetteer(datafiles.read_gazetteer(data_dir / "gazetteer.csv"))
    return keywords, gazetteer


def train(rows: list[dict], keywords: rules.KeywordIndex):
    """Fit the full model on ``rows``; returns (model, seconds)."""
    start = time.perf_counter()
    model = fit_model(examples_from(rows), keywords)
    seconds = time.perf_counter() - start
    model.info = {
        "trained_on": len(rows),
        "beta": model.beta,
        "gamma": model.gamma,
        "temperature": model.temperature,
    }
    return model, seconds
