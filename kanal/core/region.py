"""The region this deployment serves: the one accessor for every place that names it.

The values come from ``region.toml`` in the region's data folder (``KANAL_REGION_DIR``),
read by ``kanal/settings.py`` at start, each overridable by its own environment
variable. Code that names the city, numbers cases, signs PPID documents, answers
Open311 discovery or states the privacy notice's controller reads :func:`current`
(templates get it as ``region`` from ``kanal.core.context_processors.site``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

REGION_FILE = "region.toml"
# Keys of region.toml and the setting each one sets.
REGION_KEYS = {
    "city_name": "KANAL_CITY_NAME",
    "site_name": "KANAL_SITE_NAME",
    "tracking_prefix": "KANAL_TRACKING_PREFIX",
    "ppid_body": "KANAL_PPID_BODY_NAME",
    "ppid_commission": "KANAL_PPID_COMMISSION",
    "open311_jurisdiction": "KANAL_OPEN311_JURISDICTION",
    "open311_contact": "KANAL_OPEN311_CONTACT",
    "privacy_controller": "KANAL_PRIVACY_CONTROLLER",
    "privacy_controller_en": "KANAL_PRIVACY_CONTROLLER_EN",
}


class RegionFileError(ValueError):
    pass


def read_region_file(folder: Path) -> dict[str, str]:
    """``folder``/region.toml as a dict holding every key of :data:`REGION_KEYS`.

    Raises :class:`RegionFileError` naming the file and what is missing, so a deployment
    pointed at an incomplete folder fails at start with a sentence, not mid-request.
    """
    path = Path(folder) / REGION_FILE
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError as exc:
        raise RegionFileError(f"{path} is missing (see data/regions/README.md)") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RegionFileError(f"{path}: {exc}") from exc
    if missing := [key for key in REGION_KEYS if not str(data.get(key, "")).strip()]:
        raise RegionFileError(f"{path} lacks {', '.join(missing)}")
    if not re.fullmatch(r"[A-Z]{2,4}", str(data["tracking_prefix"])):
        # Chat messages are matched on 2 to 4 capital letters (channels.rules.TRACKING_PATTERN).
        raise RegionFileError(f"{path}: tracking_prefix must be 2 to 4 capital letters")
    return {key: str(data[key]).strip() for key in REGION_KEYS}


@dataclass(frozen=True)
class Region:
    city_name: str
    site_name: str
    tracking_prefix: str
    ppid_body: str
    ppid_commission: str
    open311_jurisdiction: str
    open311_contact: str
    privacy_controller: str
    privacy_controller_en: str


def current() -> Region:
    """The region in force (from settings, so an environment override wins)."""
    return Region(**{key: getattr(settings, name) for key, name in REGION_KEYS.items()})


def region_name() -> str:
    """The region's name as the public reads it, e.g. "Kota Bandar Lampung"."""
    return settings.KANAL_CITY_NAME
