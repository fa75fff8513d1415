from django.dispatch import Signal

# Sent with request= and user= right after sign-up and sign-in, so apps can move an
# anonymous learner's session progress onto the account.
learner_signed_in = Signal()
