"""``{% load phones %}``: stored E.164 numbers shown as staff read and dial them."""

from django import template

from kanal.core import phones as normaliser

register = template.Library()


@register.filter
def phone(value) -> str:
    """``+6281234567890`` → ``0812-3456-7890``; text that is not a number is shown as it is."""
    return normaliser.display(str(value or ""))


@register.filter
def phones(values) -> str:
    """Several numbers, each shown with :func:`phone`, separated by commas."""
    return ", ".join(normaliser.display(str(v)) for v in values or () if v)
