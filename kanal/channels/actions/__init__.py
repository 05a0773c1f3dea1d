"""Every write of the channels app. Grouped by sub-domain; import from here."""

from .citizens import link_contacts, unlink_contact  # noqa: F401
from .configuration import forget_channel_secret, save_channel_settings  # noqa: F401
from .health import check_channel_silence  # noqa: F401
from .inbound import (  # noqa: F401
    Fetched,
    apply_inbound_event,
    record_processing_failure,
    record_signature_failure,
    requeue_stale_events,
    retry_inbound_event,
    store_inbound_event,
)
from .outbox import queue_reply  # noqa: F401
