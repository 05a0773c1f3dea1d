"""Admin forms: they show the routing rules' validation messages next to the fields."""

from django import forms
from django.utils.translation import gettext as _

from . import rules
from .models import AutoApplySetting, GazetteerEntry, RoutingKeyword


class RoutingKeywordForm(forms.ModelForm):
    class Meta:
        model = RoutingKeyword
        fields = ["unit", "flow", "phrase", "weight", "is_active"]

    def clean(self):
        data = super().clean()
        problem = rules.keyword_problem(data.get("phrase") or "", data.get("weight") or 0)
        if not problem and (data.get("unit") is None) == (not data.get("flow")):
            problem = _("Choose a unit or the PPID flow, not both.")
        if problem:
            raise forms.ValidationError(problem)
        return data


class GazetteerEntryForm(forms.ModelForm):
    class Meta:
        model = GazetteerEntry
        fields = [
            "name",
            "kind",
            "kelurahan_code",
            "kecamatan_code",
            "unit_hint",
            "needs_prefix",
            "case_sensitive",
            "not_after",
            "note",
            "is_active",
        ]

    def clean(self):
        data = super().clean()
        problem = rules.gazetteer_problem(
            data.get("kind") or "",
            data.get("kelurahan_code") or "",
            data.get("kecamatan_code") or "",
        )
        if problem:
            raise forms.ValidationError(problem)
        return data


class AutoApplySettingForm(forms.ModelForm):
    class Meta:
        model = AutoApplySetting
        fields = ["category", "enabled", "threshold"]

    def clean_threshold(self):
        value = self.cleaned_data["threshold"]
        problem = rules.auto_apply_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value
