"""Channel credentials saved by an administrator in the console (secrets encrypted)."""

from __future__ import annotations

import secrets as random_tokens

from django.db import transaction

from kanal import audit
from kanal.core import secrets

from .. import queries, rules
from ..models import ChannelSettings


@transaction.atomic
def save_channel_settings(*, actor, provider: str, values: dict[str, str]) -> ChannelSettings:
    """Save a provider's credentials as entered on the console's channel page.

    ``values`` maps environment-variable names to what was typed. A secret left empty
    keeps the one saved before (secrets are never shown, so an empty box means "no
    change"), and so does a ``generated`` value (a verify token pasted into the
    provider's dashboard), which is made up here when it is set nowhere; other values
    left empty are cleared. Secrets
    are stored encrypted (``kanal.core.secrets``). The audit event names the values that
    changed, never their contents.
    """
    row, _ = ChannelSettings.objects.select_for_update().get_or_create(provider=provider)
    stored = dict(row.values)
    changed = []
    for field in rules.CHANNEL_FIELDS[provider]:
        typed = (values.get(field.name) or "").strip()
        if field.kind == "generated" and not typed:
            # An emptied token is kept (providers hold a copy); one set nowhere is made up.
            typed = stored.get(field.name, "")
            if not typed and not queries.channel_setting(field.name, provider):
                typed = random_tokens.token_urlsafe(24)
        if field.secret:
            if not typed:
                continue
            stored[field.name] = secrets.encrypt(typed)
            changed.append(field.name)
        elif typed != stored.get(field.name, ""):
            if typed:
                stored[field.name] = typed
            else:
                stored.pop(field.name, None)
            changed.append(field.name)
    row.values = stored
    row.updated_by = actor
    row.save()
    _forget_cached_rows()
    audit.record(
        "channel.settings_saved",
        actor=actor,
        obj=row,
        data={"provider": provider, "changed": changed},
    )
    return row


@transaction.atomic
def forget_channel_secret(*, actor, provider: str, name: str) -> None:
    """Remove one saved value (a secret that leaked, or one the environment now sets)."""
    row = ChannelSettings.objects.select_for_update().filter(provider=provider).first()
    if row is None or name not in row.values:
        return
    row.values = {k: v for k, v in row.values.items() if k != name}
    row.save()
    _forget_cached_rows()
    audit.record(
        "channel.setting_removed", actor=actor, obj=row, data={"provider": provider, "name": name}
    )


def _forget_cached_rows() -> None:
    """Every process reads the saved rows through the cache (queries._saved_rows): drop
    them now, so this transaction reads its own write, and again after commit, so a
    process that read the old rows in between does not keep them."""
    queries.forget_saved_settings()
    transaction.on_commit(queries.forget_saved_settings)
