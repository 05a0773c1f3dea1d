"""Every write of the channels app. Grouped by sub-domain; import from here."""

from .citizens import link_contacts, unlink_contact  # noqa: F401
from .configuration import forget_channel_secret, save_channel_settings  # noqa: F401
from .events import (  # noqa: F401
    record_processing_failure,
    record_signature_failure,
    requeue_stale_events,
    retry_inbound_event,
    store_inbound_event,
)
from .health import check_channel_silence  # noqa: F401
from .inbound import Fetched, apply_inbound_event  # noqa: F401
from .outbox import queue_reply  # noqa: F401
