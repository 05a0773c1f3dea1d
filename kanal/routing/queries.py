"""Reads for routing: the suggestions shown on a new case, and neighbouring kelurahan.

``suggest()`` needs the database only for small tables it caches in the process (units,
categories, auto-apply switches, keywords, gazetteer), refreshed when an action changes
them (a version number in the shared cache) or after ``CACHE_SECONDS``. The trained
model is loaded once per process, lazily, under a lock.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache

from kanal.core.process_copy import ProcessCopy

from . import rules
from .places import Gazetteer, GazetteerRow, build_gazetteer
from .suggestions import (  # noqa: F401 (the interface callers import from here)
    KindSuggestion,
    OversightSuggestion,
    PlaceSuggestion,
    Suggestions,
    UnitSuggestion,
    build_suggestions,
)

# The classifier and the engine pull in scikit-learn, SciPy and NumPy (~60 MB per
# process): imported where a suggestion is computed (the task worker, a case page),
# not by every process that imports this module.
if TYPE_CHECKING:
    from .classifier import RouterModel
    from .engine import Prediction

CACHE_SECONDS = 60
DATA_VERSION_KEY = "routing:data-version"
# Kelurahan whose boundaries are this close count as neighbours (about 20 m; a degree
# of latitude is ~111 km, and Bandar Lampung lies at 5° S, so longitude is almost the same).
NEIGHBOUR_DISTANCE_DEG = 20 / 111_000


def model_path() -> Path:
    """Where the trained model file is read from (``KANAL_ROUTING_MODEL_PATH``)."""
    return Path(settings.KANAL_ROUTING_MODEL_PATH)


def data_dir() -> Path:
    """The folder of the routing data files (``KANAL_ROUTING_DATA_DIR``)."""
    return Path(settings.KANAL_ROUTING_DATA_DIR)


def operator_threshold() -> float:
    """Below this unit confidence the operator decides (``KANAL_ROUTING_OPERATOR_THRESHOLD``)."""
    return float(settings.KANAL_ROUTING_OPERATOR_THRESHOLD)


# --- the model ------------------------------------------------------------------------

_model_lock = threading.Lock()
_model: dict[str, object] = {}


def load_model(path: Path | None = None) -> RouterModel | None:
    """The trained model from ``path`` (default ``model_path()``), loaded once per process;
    None when the file does not exist (then suggestions use the rules alone)."""
    path = path or model_path()
    key = str(path)
    if key in _model:
        return _model[key]  # type: ignore[return-value]
    with _model_lock:
        if key not in _model:
            import joblib

            _model[key] = joblib.load(path) if path.exists() else None
    return _model[key]  # type: ignore[return-value]


def forget_model() -> None:
    """Drop the loaded model (after ``routing_train`` replaced the file in this process)."""
    with _model_lock:
        _model.clear()


# --- cached reference data ----------------------------------------------------------------


@dataclass
class RoutingData:
    """The per-process cache of what suggestions need from the database (or the files)."""

    keywords: rules.KeywordIndex
    gazetteer: Gazetteer
    slang: dict[str, str]
    units: dict[str, tuple[str, str]]  # code → (short name or name, kind)
    category_units: dict[str, str]  # category code → default unit code
    auto_apply: dict[str, tuple[bool, float]]  # category code → (enabled, threshold)
    loaded_at: float = 0.0
    version: int = 0
    sources: list[str] = field(default_factory=list)


_data_lock = threading.Lock()
_data: list[RoutingData] = []


def bump_data_version() -> None:
    """Tell every process to reload keywords, gazetteer and switches (called by actions)."""
    try:
        cache.incr(DATA_VERSION_KEY)
    except ValueError:
        cache.set(DATA_VERSION_KEY, 1, None)


def routing_data() -> RoutingData:
    """Keywords, gazetteer, slang, units and categories, cached per process."""
    version = cache.get(DATA_VERSION_KEY, 0)
    now = time.monotonic()
    if _data and _data[0].version == version and now - _data[0].loaded_at < CACHE_SECONDS:
        return _data[0]
    with _data_lock:
        fresh = _load_routing_data(version, now)
        _data[:] = [fresh]
        return fresh


def _load_routing_data(version: int, now: float) -> RoutingData:
    from kanal.directory.models import Category, Unit

    from . import datafiles
    from .models import AutoApplySetting, GazetteerEntry, RoutingKeyword

    sources = []
    keyword_rows = [
        rules.KeywordRow(unit_code or flow, phrase, weight)
        for unit_code, flow, phrase, weight in RoutingKeyword.objects.filter(is_active=True)
        .exclude(unit__is_active=False)
        .values_list("unit__code", "flow", "phrase", "weight")
    ]
    if keyword_rows:
        sources.append("keywords:database")
    else:  # tables not loaded yet: the shipped files
        keyword_rows = datafiles.read_keywords(data_dir() / "keywords.csv")
        sources.append("keywords:file")
    gazetteer_rows = [
        GazetteerRow(
            name=e.name,
            kind=e.kind,
            kelurahan_code=e.kelurahan_code,
            kecamatan_code=e.kecamatan_code,
            unit_hint=e.unit_hint.code if e.unit_hint_id and e.unit_hint else "",
            needs_prefix=e.needs_prefix,
            case_sensitive=e.case_sensitive,
            not_after=e.not_after,
        )
        for e in GazetteerEntry.objects.filter(is_active=True).select_related("unit_hint")
    ]
    if gazetteer_rows:
        sources.append("gazetteer:database")
    else:
        gazetteer_rows = datafiles.read_gazetteer(data_dir() / "gazetteer.csv")
        sources.append("gazetteer:file")
    slang_file = data_dir() / "slang.csv"
    slang = datafiles.read_slang(slang_file) if slang_file.exists() else None
    units = {
        code: (short or name, kind)
        for code, short, name, kind in Unit.objects.values_list(
            "code", "short_name", "name", "kind"
        )
    }
    category_units = {
        code: unit
        for code, unit in Category.objects.filter(is_active=True).values_list(
            "code", "default_unit__code"
        )
        if unit
    }
    auto_apply = {
        code: (enabled, threshold)
        for code, enabled, threshold in AutoApplySetting.objects.values_list(
            "category__code", "enabled", "threshold"
        )
    }
    return RoutingData(
        keywords=rules.compile_keywords(keyword_rows, slang),
        gazetteer=build_gazetteer(gazetteer_rows),
        slang=slang or {},
        units=units,
        category_units=category_units,
        auto_apply=auto_apply,
        loaded_at=now,
        version=version,
        sources=sources,
    )


# --- suggestions --------------------------------------------------------------------------


# How long a process may go on reading an auto-apply switch as it was (see may_auto_apply).
AUTO_APPLY_RECHECK_SECONDS = 5.0
_auto_apply_on: ProcessCopy[frozenset[str]] = ProcessCopy(AUTO_APPLY_RECHECK_SECONDS)


def may_auto_apply(category_code: str | None) -> bool:
    """Whether a case of this category is worth offering to the router: its category's
    auto-apply switch is on. Without it ``suggest`` never sets ``auto_apply_unit``
    (``rules.decide``) and nothing else disposes a case automatically, so intake queues
    no routing task, and the task asks no suggestion, for the others (most cases: the
    switches are off by default, and a case without a category has none).

    One small read per process every ``AUTO_APPLY_RECHECK_SECONDS`` (none for a case
    without a category); a switch turned on in another process is seen that much later
    (a case arriving meanwhile waits for the operator, as before the switch). A switch
    turned off counts at once where it matters: ``suggest`` reads the switches through
    ``routing_data``, reloaded when an action changes them.
    """
    if not category_code:
        return False
    return category_code in _auto_apply_on.get(_categories_auto_applied)


def _categories_auto_applied() -> frozenset[str]:
    from .models import AutoApplySetting

    rows = AutoApplySetting.objects.filter(enabled=True).values_list("category__code", flat=True)
    return frozenset(rows)


def forget_auto_apply_switches() -> None:
    """This process reads the switches anew (a switch changed here)."""
    _auto_apply_on.forget_now_and_after_commit()


def suggest(
    text: str,
    *,
    lat: float | None = None,
    lng: float | None = None,
    category_code: str | None = None,
) -> Suggestions:
    """Suggestions for a new case: unit, kind, oversight and place, each with a
    confidence (0..1) and a short translatable reason.

    ``unit_code`` is a Unit code; ``"ppid"`` (not a unit) means "an information request:
    the PPID flow"; ``"kelurahan"``/``"kecamatan"`` become the office of the place found
    (``kel-18-71-01-1003``) when there is one. ``auto_apply_unit`` is true only when the
    category's auto-apply switch is on and the confidence reaches its threshold.
    """
    from .engine import predict

    data = routing_data()
    model = load_model()
    category_unit = data.category_units.get(category_code or "")
    prediction: Prediction = predict(
        text,
        model if model is not None else _RULES_ONLY,
        data.keywords,
        data.gazetteer,
        slang=data.slang or None,
        category_unit=category_unit,
    )
    map_place = None
    if lat is not None and lng is not None:
        from kanal.wilayah.queries import kelurahan_at

        found = kelurahan_at(lat, lng)
        if found is not None:
            map_place = (found.kecamatan.code, found.code)
    enabled, threshold = data.auto_apply.get(
        category_code or "", (False, rules.DEFAULT_AUTO_APPLY_THRESHOLD)
    )
    # The model's floor for this unit, chosen on held-apart data; without a model (rules
    # alone, never evaluated) nothing is applied automatically.
    floor = 1.01
    if model is not None:
        floor = model.auto_thresholds.get(prediction.unit_code, model.auto_threshold)
    return build_suggestions(
        prediction,
        units=data.units,
        model_available=model is not None,
        category_unit=category_unit,
        map_place=map_place,
        auto_apply_enabled=enabled,
        auto_apply_threshold=threshold,
        operator_threshold=operator_threshold(),
        model_floor=floor,
    )


class _RulesOnlyModel:
    """Stand-in when no model file exists: every margin 0, so the rules decide."""

    beta, gamma, temperature, kind_temperature, oversight_temperature = 1.0, 0.0, 0.5, 1.0, 1.0

    def margins(self, prepared):
        """No model: no unit margins, a slight lean to complaints, oversight unlikely."""
        return {}, {rules.PENGADUAN: 0.0, rules.ASPIRASI: -0.5}, -1.0


_RULES_ONLY = _RulesOnlyModel()


def unit_label(code: str) -> str:
    """A unit's short name for reasons ("Disperkim"); the code when it is unknown."""
    if code == rules.PPID:
        return "PPID"
    data = routing_data()
    return data.units.get(code, (code, ""))[0]


# --- neighbours -----------------------------------------------------------------------------

_neighbour_lock = threading.Lock()
_neighbours: dict[str, set[str]] = {}


def neighbouring_kelurahan(code: str) -> set[str]:
    """Codes of the kelurahan whose boundary touches, or comes within about 20 m of, the
    boundary of kelurahan ``code`` (not including ``code``). Computed once per process
    from the boundaries in the database; unknown codes or missing boundaries give set()."""
    if not _neighbours:
        with _neighbour_lock:
            if not _neighbours:
                _neighbours.update(_compute_neighbours())
    return set(_neighbours.get(code, set()))


def _compute_neighbours() -> dict[str, set[str]]:
    from shapely.geometry import shape
    from shapely.strtree import STRtree

    from kanal.wilayah.models import Kelurahan

    codes, shapes = [], []
    for code, boundary in Kelurahan.objects.exclude(boundary=None).values_list("code", "boundary"):
        geometry = shape(boundary if isinstance(boundary, dict) else json.loads(str(boundary)))
        codes.append(code)
        shapes.append(geometry.buffer(0) if not geometry.is_valid else geometry)
    tree = STRtree(shapes)
    result: dict[str, set[str]] = {code: set() for code in codes}
    for i, geometry in enumerate(shapes):
        for j in tree.query(geometry, predicate="dwithin", distance=NEIGHBOUR_DISTANCE_DEG):
            if int(j) != i:
                result[codes[i]].add(codes[int(j)])
    return result


def suggestion_rows(suggestions: Suggestions) -> list[dict]:
    """Rows for the template ``routing/includes/suggestions.html``: label, value as the
    verifier reads it (unit names, place names), confidence in percent, reason."""
    from django.utils.translation import gettext as _

    from kanal.wilayah.models import Kecamatan, Kelurahan

    s = suggestions
    unit = unit_label(s.unit.unit_code)
    if s.operator_decides:
        unit = _("operator decides (first guess: %(unit)s)") % {"unit": unit}
    elif s.auto_apply_unit:
        unit = _("%(unit)s (applied automatically)") % {"unit": unit}
    alternatives = ", ".join(unit_label(code) for code, _c in s.unit.alternatives[1:])
    kinds = {
        rules.PENGADUAN: _("complaint"),
        rules.ASPIRASI: _("suggestion (aspirasi)"),
        rules.INFORMASI: _("request for information"),
    }
    place = _("none")
    if s.place.kelurahan_code:
        kel = Kelurahan.objects.filter(code=s.place.kelurahan_code).first()
        place = f"{kel.name}, {kel.kecamatan.name}" if kel else s.place.kelurahan_code
    elif s.place.kecamatan_code:
        kec = Kecamatan.objects.filter(code=s.place.kecamatan_code).first()
        place = kec.name if kec else s.place.kecamatan_code
    rows = [
        (_("Unit"), unit, s.unit.confidence, s.unit.reason),
        (
            _("Alternatives"),
            alternatives,
            s.unit.alternatives[1][1] if len(s.unit.alternatives) > 1 else 0,
            "",
        ),
        (_("Kind"), kinds.get(s.kind.value, s.kind.value), s.kind.confidence, s.kind.reason),
        (
            _("Oversight (Inspektorat)"),
            _("yes") if s.oversight.value else _("no"),
            s.oversight.confidence,
            s.oversight.reason,
        ),
        (_("Place"), place, s.place.confidence, s.place.reason),
    ]
    return [
        {"label": label, "value": value, "confidence": round(100 * conf), "reason": reason}
        for label, value, conf, reason in rows
    ]


# --- the city's own corrections ------------------------------------------------------------

# Every fifth corrected case (by id) is kept apart to judge a retrained model, never
# trained on, so "before/after" is measured on the city's own text as well.
HELD_APART_EVERY = 5


def corrected_cases() -> list[dict]:
    """Every case whose unit a person chose, as a labelled row in the dev set's format
    (``sumber`` "operator", ``gaya`` the channel): the unit of the last disposal made by
    a staff member (not by the router), or ``ppid`` when a person handed it to the PPID
    flow. An operator's re-route of a suggestion is exactly such a disposal; so is a
    case sent back by a unit and disposed again. Area offices count as their kind
    (``kelurahan``/``kecamatan``), as in the labelling rules."""
    from django.contrib.contenttypes.models import ContentType

    from kanal.audit.models import AuditEvent
    from kanal.complaints.models import Complaint

    events = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Complaint),
            action__in=("complaint.dispose", "complaint.hand_to_ppid"),
            actor__isnull=False,
        )
        .order_by("created_at", "id")
        .values_list("object_id", "action", "data")
    )
    chosen: dict[int, str] = {}
    for object_id, action, data in events:
        unit = rules.PPID if action.endswith("hand_to_ppid") else (data or {}).get("unit")
        if unit and str(object_id).isdigit():
            chosen[int(object_id)] = unit
    rows = []
    for case in Complaint.objects.filter(pk__in=chosen).order_by("pk"):
        unit = chosen[case.pk]
        if unit.startswith("kel-"):
            unit = "kelurahan"
        elif unit.startswith("kec-"):
            unit = "kecamatan"
        kind = rules.INFORMASI if unit == rules.PPID else case.kind
        if kind == rules.INFORMASI and unit != rules.PPID:
            kind = rules.PENGADUAN  # the labelling rule: ppid ⇔ permintaan_informasi
        rows.append(
            {
                "id": f"case-{case.pk}",
                "text": f"{case.title}\n{case.description}".strip(),
                "jenis": kind,
                "opd": unit,
                "pengawasan": case.is_oversight,
                "gaya": case.channel,
                "sumber": "operator",
                "held_apart": case.pk % HELD_APART_EVERY == 0,
            }
        )
    return rows
