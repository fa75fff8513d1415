from django.apps import AppConfig


class LabConfig(AppConfig):
    name = "trainer.lab"

    def ready(self):
        from trainer.accounts.signals import learner_signed_in

        from .models import _carry_over

        learner_signed_in.connect(_carry_over, dispatch_uid="lab.carry_over")
