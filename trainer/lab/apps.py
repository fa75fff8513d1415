from django.apps import AppConfig

from trainer.accounts import handover


class LabConfig(AppConfig):
    name = "trainer.lab"

    def ready(self):
        # the session's work moves onto the account at sign-in
        handover.register("trainer.lab.progress.carry_over")
