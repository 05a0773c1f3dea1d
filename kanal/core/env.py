"""Reading settings from the environment: the helpers ``kanal/settings.py`` and its
``settings_channels`` and ``settings_operations`` parts share (a city's IT sets
variables, never edits files)."""

from __future__ import annotations

import json
import os


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, str(default)))


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated variable as a list, empty items dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_json(name: str, default):
    """A variable holding JSON (an object or a list); ``default`` when unset."""
    value = os.environ.get(name)
    return default if value in (None, "") else json.loads(value)
