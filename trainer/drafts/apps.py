from django.apps import AppConfig

from trainer.accounts import handover


class DraftsConfig(AppConfig):
    """The latest text a learner typed at each place (a stage, the playground), kept for a return."""

    name = "trainer.drafts"

    def ready(self):
        # the session's drafts move onto the account at sign-in
        handover.register("trainer.drafts.store.carry_over")
