"""Every channel credential and provider address comes from the environment (docs/deploy.md,
"Channels and mail"). A value left empty here can instead be saved by an administrator on
the console's channel page (secrets encrypted with KANAL_SECRETS_KEY); where both are set,
the environment wins. Read them through kanal.channels.queries.channel_setting, never
directly: it applies that rule and the provider defaults (kanal.channels.rules).

Part of ``kanal/settings.py``, which imports every name here.
"""

import os

from kanal.core.env import env_bool, env_list

# Fernet keys (comma-separated, newest first) that encrypt secrets saved in the console.
# Empty: a key derived from SECRET_KEY (then changing SECRET_KEY loses the saved secrets).
KANAL_SECRETS_KEY = os.environ.get("KANAL_SECRETS_KEY", "")

# Meta Graph API (WhatsApp Cloud API, Messenger, Instagram, Facebook publishing): one base URL.
KANAL_GRAPH_URL = os.environ.get("KANAL_GRAPH_URL", "")
KANAL_WHATSAPP_TOKEN = os.environ.get("KANAL_WHATSAPP_TOKEN", "")
KANAL_WHATSAPP_PHONE_NUMBER_ID = os.environ.get("KANAL_WHATSAPP_PHONE_NUMBER_ID", "")
KANAL_WHATSAPP_APP_SECRET = os.environ.get("KANAL_WHATSAPP_APP_SECRET", "")
# The approved template for business-initiated updates (outside the 24-hour window, or to a
# web reporter who never wrote): "name" or "name:language" (default id), body variables
# {{1}} tracking number, {{2}} the update. Empty: the outbox has no template route.
_template_name, _, _template_language = os.environ.get(
    "KANAL_WHATSAPP_NOTICE_TEMPLATE", ""
).partition(":")
KANAL_WHATSAPP_NOTICE_TEMPLATE = (
    {"name": _template_name, "language": _template_language or "id"} if _template_name else {}
)
KANAL_META_APP_SECRET = os.environ.get("KANAL_META_APP_SECRET", "")
KANAL_META_VERIFY_TOKEN = os.environ.get("KANAL_META_VERIFY_TOKEN", "")
KANAL_META_PAGE_TOKEN = os.environ.get("KANAL_META_PAGE_TOKEN", "")
KANAL_META_PAGE_ID = os.environ.get("KANAL_META_PAGE_ID", "")
KANAL_INSTAGRAM_ACCOUNT_ID = os.environ.get("KANAL_INSTAGRAM_ACCOUNT_ID", "")
KANAL_INSTAGRAM_TOKEN = os.environ.get("KANAL_INSTAGRAM_TOKEN", "")

# Telegram Bot API.
KANAL_TELEGRAM_API_URL = os.environ.get("KANAL_TELEGRAM_API_URL", "")
KANAL_TELEGRAM_BOT_TOKEN = os.environ.get("KANAL_TELEGRAM_BOT_TOKEN", "")
KANAL_TELEGRAM_SECRET_TOKEN = os.environ.get("KANAL_TELEGRAM_SECRET_TOKEN", "")

# TikTok Business API (direct messages): its own base URL and token.
KANAL_TIKTOK_BUSINESS_API_URL = os.environ.get("KANAL_TIKTOK_BUSINESS_API_URL", "")
KANAL_TIKTOK_BUSINESS_TOKEN = os.environ.get("KANAL_TIKTOK_BUSINESS_TOKEN", "")
KANAL_TIKTOK_BUSINESS_ID = os.environ.get("KANAL_TIKTOK_BUSINESS_ID", "")
KANAL_TIKTOK_CLIENT_SECRET = os.environ.get("KANAL_TIKTOK_CLIENT_SECRET", "")

# SMS gateway (Kanal's small HTTP contract, see channels/adapters/sms.py).
KANAL_SMS_GATEWAY_URL = os.environ.get("KANAL_SMS_GATEWAY_URL", "")
KANAL_SMS_GATEWAY_TOKEN = os.environ.get("KANAL_SMS_GATEWAY_TOKEN", "")
KANAL_SMS_GATEWAY_SECRET = os.environ.get("KANAL_SMS_GATEWAY_SECRET", "")

# SP4N-LAPOR! agency integration API.
KANAL_LAPOR_API_URL = os.environ.get("KANAL_LAPOR_API_URL", "")
KANAL_LAPOR_TOKEN = os.environ.get("KANAL_LAPOR_TOKEN", "")
KANAL_LAPOR_LOOKBACK_DAYS = int(os.environ.get("KANAL_LAPOR_LOOKBACK_DAYS", "3"))

# The e-mail channel: the mailbox polled for citizens' mail, and the reply address.
KANAL_IMAP_HOST = os.environ.get("KANAL_IMAP_HOST", "")
KANAL_IMAP_PORT = os.environ.get("KANAL_IMAP_PORT", "")
KANAL_IMAP_SSL = os.environ.get("KANAL_IMAP_SSL", "")  # "1"/"0"; empty: SSL (port 993)
KANAL_IMAP_USER = os.environ.get("KANAL_IMAP_USER", "")
KANAL_IMAP_PASSWORD = os.environ.get("KANAL_IMAP_PASSWORD", "")
KANAL_IMAP_FOLDER = os.environ.get("KANAL_IMAP_FOLDER", "")
KANAL_EMAIL_REPLY_ADDRESS = os.environ.get("KANAL_EMAIL_REPLY_ADDRESS", "")
KANAL_EMAIL_REPLY_SUBJECT = os.environ.get("KANAL_EMAIL_REPLY_SUBJECT", "Laporan Anda")

# Social publishing: a channel without credentials is "not configured" and its posts
# are recorded as skipped. TikTok allows only private posts until the app is audited.
KANAL_FACEBOOK_PAGE_ID = os.environ.get("KANAL_FACEBOOK_PAGE_ID", "")
KANAL_FACEBOOK_PAGE_TOKEN = os.environ.get("KANAL_FACEBOOK_PAGE_TOKEN", "")
KANAL_INSTAGRAM_USER_ID = os.environ.get("KANAL_INSTAGRAM_USER_ID", "")
KANAL_TIKTOK_API_URL = os.environ.get("KANAL_TIKTOK_API_URL", "https://open.tiktokapis.com")
KANAL_TIKTOK_ACCESS_TOKEN = os.environ.get("KANAL_TIKTOK_ACCESS_TOKEN", "")
KANAL_TIKTOK_APP_AUDITED = env_bool("KANAL_TIKTOK_APP_AUDITED", False)
# The city's social accounts on the contact page: "Name=https://…" pairs, comma-separated.
KANAL_SOCIAL_ACCOUNTS = [
    tuple(pair.split("=", 1)) for pair in env_list("KANAL_SOCIAL_ACCOUNTS") if "=" in pair
]

# Provider calls (channels, the outbox and publishing, through kanal.core.http): seconds
# before a call is abandoned (retried later by its task).
KANAL_PROVIDER_TIMEOUT_SECONDS = float(os.environ.get("KANAL_PROVIDER_TIMEOUT_SECONDS", "15"))
# Pending inbound events older than this are queued again by the sweep.
KANAL_CHANNEL_SWEEP_MINUTES = int(os.environ.get("KANAL_CHANNEL_SWEEP_MINUTES", "10"))
# Hours without an event after which a configured channel is shown as silent.
KANAL_CHANNEL_QUIET_HOURS = int(os.environ.get("KANAL_CHANNEL_QUIET_HOURS", "24"))

# The outbox (kanal.outbox): every message to a citizen or partner (the WhatsApp template
# it uses outside the 24-hour window is KANAL_WHATSAPP_NOTICE_TEMPLATE, with the channels).
# A temporary provider error is retried on the same route this many times in all, waiting
# KANAL_OUTBOX_RETRY_SECONDS, then twice as long each time; then the next route is tried.
KANAL_OUTBOX_ROUTE_TRIES = int(os.environ.get("KANAL_OUTBOX_ROUTE_TRIES", "3"))
KANAL_OUTBOX_RETRY_SECONDS = int(os.environ.get("KANAL_OUTBOX_RETRY_SECONDS", "30"))
# A send interrupted between "sending" and its result is sent again only after this
# long, so that a provider's status callback (WhatsApp echoes our reference) can show
# it got through first.
KANAL_OUTBOX_RECONCILE_SECONDS = int(os.environ.get("KANAL_OUTBOX_RECONCILE_SECONDS", "600"))
