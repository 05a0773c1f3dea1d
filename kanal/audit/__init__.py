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
