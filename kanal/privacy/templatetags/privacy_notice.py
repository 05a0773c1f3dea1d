"""The retention periods in force, for the public privacy notice.

``{% load privacy_notice %}{% retention_periods as periods %}`` then
``{{ periods.cases }}``, ``.attachments``, ``.conversations``, ``.ppid`` (days). The
notice reads the same settings as the retention job, so it cannot state other figures.
"""

from django import template

from kanal.privacy import queries

register = template.Library()


@register.simple_tag
def retention_periods():
    return queries.retention_periods()
