from django.urls import path

from . import views

app_name = "channels"
urlpatterns = [
    path("webhooks/whatsapp/", views.whatsapp_webhook, name="webhook_whatsapp"),
    path("webhooks/meta/", views.meta_webhook, name="webhook_meta"),
    path("webhooks/telegram/", views.telegram_webhook, name="webhook_telegram"),
    path("webhooks/tiktok/", views.tiktok_webhook, name="webhook_tiktok"),
    path("webhooks/sms/", views.sms_webhook, name="webhook_sms"),
    path("console/channels/", views.health, name="health"),
    path("console/channels/<str:provider>/settings/", views.channel_settings, name="settings"),
    path("console/channels/events/<int:event_id>/retry/", views.retry_event, name="retry_event"),
]
