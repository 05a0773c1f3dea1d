from datetime import timedelta

from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "kanal.channels"
    label = "channels"
    verbose_name = "Kanal"

    def ready(self) -> None:
        from kanal.core import schedule

        from . import tasks

        schedule.register(
            "channels.sweep_inbound_events", tasks.sweep_inbound_events, timedelta(minutes=5)
        )
        schedule.register(
            "channels.check_channel_health", tasks.check_channel_health, timedelta(minutes=15)
        )
        schedule.register("channels.poll_email", tasks.poll_email, timedelta(minutes=1))
        schedule.register("channels.poll_lapor", tasks.poll_lapor, timedelta(minutes=15))
