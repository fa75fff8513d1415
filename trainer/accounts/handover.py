"""What moves from an anonymous session onto the account when a learner signs up or in.

The one place for it: each app registers, in its AppConfig.ready(), the dotted path of
a function `(request, user) -> None` that moves its own work (progress, lab work,
quiz attempts). The accounts views call hand_over() right after sign-up and sign-in.
Paths, not functions: an app's work module is imported on the first sign-in, not
at every start-up of every command.
"""

from django.utils.module_loading import import_string

_registered: list[str] = []


def register(path: str) -> None:
    if path not in _registered:
        _registered.append(path)


def hand_over(request, user) -> None:
    """Run every registered mover, in the order the apps registered them."""
    for path in _registered:
        import_string(path)(request, user)
