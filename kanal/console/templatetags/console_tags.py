"""The console's navigation: which sections the signed-in staff member can reach."""

from django import template

from kanal.accounts.queries import scope_for
from kanal.accounts.rules import Capability

register = template.Library()


@register.simple_tag(takes_context=True)
def console_nav(context) -> dict[str, bool]:
    scope = scope_for(context["request"].user)
    return {
        "dashboard": scope.has(Capability.DASHBOARDS) or bool(scope.unit_ids),
        "people": scope.has(Capability.VIEW_REPORTERS),
        "templates": scope.has(Capability.TRIAGE),
    }
