"""The management commands on small files (the full runs are `make bench`/training)."""

import json

import joblib
import pytest
from django.core.management import CommandError, call_command

from .conftest import DATA

WANTED = ("dpu", "dlh", "luar-pln", "inspektorat", "ppid", "disperkim")


def _sample(tmp_path, name, *, skip=0, take=6, relabel=None):
    """``take`` messages of each of six units from the dev set (after the first ``skip``
    of each), in its format; ``relabel`` maps every row's unit (a deliberately bad file)."""
    rows, counts = [], {}
    for line in (DATA / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["opd"] not in WANTED:
            continue
        counts[row["opd"]] = counts.get(row["opd"], 0) + 1
        if skip < counts[row["opd"]] <= skip + take:
            if relabel:
                row["opd"] = relabel[row["opd"]]
                row["jenis"] = "permintaan_informasi" if row["opd"] == "ppid" else "pengaduan"
                row["pengawasan"] = row["opd"] == "inspektorat"
            rows.append(json.dumps(row, ensure_ascii=False))
    path = tmp_path / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def small_jsonl(tmp_path):
    return _sample(tmp_path, "small.jsonl")


@pytest.fixture
def small_heldout(tmp_path):
    return _sample(tmp_path, "held.jsonl", skip=6, take=3)


def test_routing_eval_prints_grouped_and_heldout_figures_with_intervals(
    small_jsonl, small_heldout, capsys
):
    call_command(
        "routing_eval",
        "--file",
        str(small_jsonl),
        "--heldout",
        str(small_heldout),
        "--folds",
        "3",
        "--draws",
        "50",
    )
    out = capsys.readouterr().out
    for figure in (
        "unit_top1",
        "unit_top1_hard",
        "unit_top3",
        "unit_macro_f1",
        "kind_accuracy",
        "oversight_recall",
        "oversight_precision",
        "place_accuracy",
        "auto_precision",
        "95% interval",
        "Calibration",
        "Most frequent confusions",
        "Per unit",
        "ms per message",
    ):
        assert figure in out
    assert "grouped 3-fold" in out and "held-out: held.jsonl, 18 messages" in out
    assert "baseline" in out


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
    # the registry's texts teach every unit of the registry; the file's units are there
    assert set(WANTED) <= set(model.unit_clf.classes_)
    assert "dinsos" in set(model.unit_clf.classes_)


def test_the_shipped_model_file_is_small():
    from kanal.routing.queries import model_path

    assert model_path().exists(), "run `python manage.py routing_train`"
    assert model_path().stat().st_size < 5 * 1024 * 1024


@pytest.mark.django_db
def test_routing_retrain_compares_before_and_after_and_refuses_a_worse_model(
    small_jsonl, small_heldout, tmp_path, settings, capsys
):
    from kanal.audit.models import AuditEvent

    settings.KANAL_ROUTING_MODEL_PATH = tmp_path / "router.joblib"
    args = ["routing_retrain", "--without-dev-set", "--heldout", str(small_heldout), "--yes"]
    with pytest.raises(CommandError, match="old model stays"):
        call_command(*args, "--file", str(small_jsonl), "--min-top1", "1.01")
    assert not (tmp_path / "router.joblib").exists()
    call_command(*args, "--file", str(small_jsonl), "--min-top1", "0.5")
    out = capsys.readouterr().out
    assert out.index("unit_top1") < out.index("installed")
    assert joblib.load(tmp_path / "router.joblib").trained_on == 36
    assert AuditEvent.objects.filter(action="routing_model.installed").exists()
    installed = (tmp_path / "router.joblib").read_bytes()
    # Labels rotated between units: it scores worse than the installed model, which stays.
    rotated = dict(zip(WANTED, WANTED[1:] + WANTED[:1], strict=True))
    bad = _sample(tmp_path, "bad.jsonl", relabel=rotated)
    with pytest.raises(CommandError, match="scores worse than the installed one"):
        call_command(*args, "--file", str(bad), "--min-top1", "0.0")
    out = capsys.readouterr().out
    assert "the installed model" in out and "the new model" in out
    assert (tmp_path / "router.joblib").read_bytes() == installed


def test_routing_retrain_learns_from_operators_reroutes(
    small_jsonl, small_heldout, tmp_path, settings, capsys, reference_data, staff_factory
):
    """Every operator re-route is a labelled example: cases an operator sent to Damkar
    (a unit the small training file lacks) teach the retrained model that unit, and
    every fifth of them is held apart to judge it, never trained on."""
    from kanal.complaints import actions as complaint_actions
    from kanal.complaints.tests.factories import make_case
    from kanal.directory.models import Unit

    settings.KANAL_ROUTING_MODEL_PATH = tmp_path / "router.joblib"
    operator = staff_factory("op", [("operator", "diskominfo")])
    damkar = Unit.objects.get(code="damkar")
    texts = [
        "Ular kobra masuk ke dapur rumah warga",
        "Sarang tawon besar di atap rumah, anak-anak disengat",
        "Kucing terjebak di atas pohon sejak kemarin",
        "Ular piton di selokan belakang rumah",
        "Biawak masuk ke kamar mandi warga",
        "Kebakaran gudang kayu di gang sempit",
        "Tawon vespa bersarang di plafon sekolah",
    ]
    cases = [make_case(title=t, description=t + ", mohon bantuan.") for t in texts]
    for case in cases:
        complaint_actions.dispose_complaint(actor=operator, case=case, unit=damkar)
    held_apart = sum(case.pk % 5 == 0 for case in cases)

    call_command(
        "routing_retrain",
        "--without-dev-set",
        "--from-cases",
        "--file",
        str(small_jsonl),
        "--heldout",
        str(small_heldout),
        "--min-top1",
        "0",
        "--yes",
    )
    out = capsys.readouterr().out
    assert (
        f"7 cases routed by a person: {7 - held_apart} to train on, {held_apart} held apart" in out
    )
    model = joblib.load(tmp_path / "router.joblib")
    assert model.trained_on == 36 + 7 - held_apart
    assert "damkar" in set(model.unit_clf.classes_)
