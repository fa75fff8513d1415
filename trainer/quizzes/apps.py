from django.apps import AppConfig

from trainer.accounts import handover


class QuizzesConfig(AppConfig):
    name = "trainer.quizzes"

    def ready(self):
        # the session's work moves onto the account at sign-in
        handover.register("trainer.quizzes.attempts.claim_anonymous_attempts")
