from django.apps import AppConfig


class WalkthroughConfig(AppConfig):
    name = "trainer.walkthrough"

    def ready(self):
        from trainer.accounts.signals import learner_signed_in

        from .progress import carry_over

        learner_signed_in.connect(carry_over, dispatch_uid="walkthrough.carry_over")
