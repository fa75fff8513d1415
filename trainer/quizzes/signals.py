from django.dispatch import receiver

from trainer.accounts.signals import learner_signed_in


@receiver(learner_signed_in)
def claim_attempts(sender, request, user, **kwargs):
    """Quizzes taken before signing in (or up) become the account's."""
    # Imported on use: loading the quiz bank at start-up would slow every command.
    from .attempts import claim_anonymous_attempts

    claim_anonymous_attempts(request, user)
