"""``manage.py export_openapi_schema``: django-ninja's command, kept now that ninja is not
an installed app (see ``_NINJA`` in kanal.settings)."""

from ninja.management.commands.export_openapi_schema import Command  # noqa: F401
