"""The audit log. ``from kanal import audit; audit.record(...)`` inside an action."""


def record(action, *, actor=None, obj=None, data=None, actor_label=""):
    """Write one audit event in the caller's transaction (see :mod:`kanal.audit.actions`)."""
    from .actions import record_event

    return record_event(action, actor=actor, obj=obj, data=data, actor_label=actor_label)
