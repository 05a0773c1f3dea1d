from datetime import timedelta

from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "kanal.complaints"
    label = "complaints"
    verbose_name = "Pengaduan"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from kanal.core import schedule
        from kanal.directory.models import Category
        from kanal.wilayah.models import Kelurahan

        from . import tasks
        from .models import Complaint
        from .queries import forget_form_choice_rows, forget_nearby_candidates

        # The public form's cached choice lists follow edits in the admin and actions.
        for model in (Category, Kelurahan):
            for signal in (post_save, post_delete):
                signal.connect(forget_form_choice_rows, sender=model, weak=False)
        # A case made public (or changed while public) in this process is offered at once.
        for signal in (post_save, post_delete):
            signal.connect(forget_nearby_candidates, sender=Complaint, weak=False)

        schedule.register(
            "complaints.sweep_deadlines", tasks.sweep_complaint_deadlines, timedelta(minutes=15)
        )
