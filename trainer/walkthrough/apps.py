from django.apps import AppConfig

from trainer.accounts import handover


class WalkthroughConfig(AppConfig):
    name = "trainer.walkthrough"

    def ready(self):
        # the session's work moves onto the account at sign-in
        handover.register("trainer.walkthrough.progress.carry_over")
