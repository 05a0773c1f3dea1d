"""The audit log. ``from kanal import audit; audit.record(...)`` inside an action."""


def record(action, *, actor=None, obj=None, data=None, actor_label=""):
    """Write one audit event in the caller's transaction (see :mod:`kanal.audit.actions`).

    ``actor`` is the signed-in user or None; with no user the event is labelled
    ``actor_label`` or, by default, "system". Name a citizen or a channel with
    ``actor_label=unless_signed_in(actor, "citizen")``.
    """
    from .actions import record_event

    return record_event(action, actor=actor, obj=obj, data=data, actor_label=actor_label)


def unless_signed_in(actor, label: str) -> str:
    """``label`` ("citizen", a channel) unless ``actor`` is a signed-in user, else "".

    The one way to say who acted: with "" the event takes the user's name.
    """
    return "" if actor is not None and getattr(actor, "is_authenticated", False) else label


def save_and_record(obj, *, actor, created: str, changed: str, data=None, clean: bool = False):
    """Save ``obj`` and record ``created`` when it was new, else ``changed``.

    The one save-then-audit step of the list editors (categories, templates, keywords,
    DIP/DIK items, partners...): ``full_clean`` first when ``clean``; the event carries
    ``data`` and is written in the caller's transaction. Returns ``obj``.
    """
    was_new = obj._state.adding
    if clean:
        obj.full_clean()
    obj.save()
    record(created if was_new else changed, actor=actor, obj=obj, data=data)
    return obj


def delete_and_record(obj, event: str, *, actor, data=None) -> None:
    """Record ``event`` on ``obj`` (its id and label kept in the log), then delete it."""
    record(event, actor=actor, obj=obj, data=data)
    obj.delete()


def gathered():
    """A block whose audit events are inserted together at its end (one statement):
    see :func:`kanal.audit.actions.gathered`."""
    from .actions import gathered as gathered_

    return gathered_()
