"""The management commands on small files (the full runs are `make bench`/training)."""

import json

import joblib
import pytest
from django.core.management import CommandError, call_command

from .conftest import DATA


@pytest.fixture
def small_jsonl(tmp_path):
    """Six messages of each of six units from the dev set, in its format."""
    rows, counts = [], {}
    wanted = {"dpu", "dlh", "luar-pln", "inspektorat", "ppid", "disperkim"}
    for line in (DATA / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["opd"] in wanted and counts.get(row["opd"], 0) < 6:
            counts[row["opd"]] = counts.get(row["opd"], 0) + 1
            rows.append(line)
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_routing_eval_prints_the_figures_with_the_baseline(small_jsonl, capsys):
    call_command("routing_eval", "--file", str(small_jsonl), "--folds", "3")
    out = capsys.readouterr().out
    for figure in (
        "unit_top1",
        "unit_top3",
        "unit_macro_f1",
        "kind_accuracy",
        "oversight_recall",
        "place_accuracy",
        "auto_precision",
        "ms per message",
    ):
        assert figure in out
    assert "baseline" in out and "3-fold" in out


def test_routing_eval_refuses_a_malformed_file(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "opd": "dpu"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="missing jenis"):
        call_command("routing_eval", "--file", str(bad))


def test_routing_train_writes_a_loadable_reproducible_model(small_jsonl, tmp_path, capsys):
    first, second = tmp_path / "a.joblib", tmp_path / "b.joblib"
    call_command("routing_train", "--file", str(small_jsonl), "--output", str(first))
    call_command("routing_train", "--file", str(small_jsonl), "--output", str(second))
    assert first.read_bytes() == second.read_bytes()
    model = joblib.load(first)
    assert model.trained_on == 36
    assert set(model.unit_clf.classes_) == {
        "dpu",
        "dlh",
        "luar-pln",
        "inspektorat",
        "ppid",
        "disperkim",
    }


def test_the_shipped_model_file_is_small():
    from kanal.routing.queries import model_path

    assert model_path().exists(), "run `python manage.py routing_train`"
    assert model_path().stat().st_size < 5 * 1024 * 1024


@pytest.mark.django_db
def test_routing_retrain_reports_first_and_replaces_only_when_good_enough(
    small_jsonl, tmp_path, settings, capsys
):
    from kanal.audit.models import AuditEvent

    settings.KANAL_ROUTING_MODEL_PATH = tmp_path / "router.joblib"
    args = ["routing_retrain", "--file", str(small_jsonl), "--without-dev-set", "--yes"]
    with pytest.raises(CommandError, match="old model stays"):
        call_command(*args, "--min-top1", "1.01")
    assert not (tmp_path / "router.joblib").exists()
    call_command(*args, "--min-top1", "0.5")
    out = capsys.readouterr().out
    assert out.index("unit_top1") < out.index("installed")
    assert joblib.load(tmp_path / "router.joblib").trained_on == 36
    assert AuditEvent.objects.filter(action="routing_model.installed").exists()
