from django.dispatch import receiver

from trainer.accounts.signals import learner_signed_in

from .attempts import claim_anonymous_attempts


@receiver(learner_signed_in)
def claim_attempts(sender, request, user, **kwargs):
    """Quizzes taken before signing in (or up) become the account's."""
    claim_anonymous_attempts(request, user)
