from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person on the site. Roles leave room for instructors and classes later."""

    class Role(models.TextChoices):
        LEARNER = "learner", "Learner"
        INSTRUCTOR = "instructor", "Instructor"

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.LEARNER)

    @property
    def is_instructor(self) -> bool:
        return self.role == self.Role.INSTRUCTOR
