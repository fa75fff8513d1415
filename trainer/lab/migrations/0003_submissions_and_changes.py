"""The lab's graded answers are Submissions (quizzes own "Attempt"); a lab's terminal
changes are stored as `changes` (the terminal's Changes, not a cluster)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("lab", "0002_attempt_after_solution"),
    ]

    operations = [
        migrations.RenameModel("Attempt", "Submission"),
        migrations.RenameField("labstate", "cluster", "changes"),
        migrations.AlterField(
            model_name="submission",
            name="user",
            field=models.ForeignKey(on_delete=models.deletion.CASCADE, related_name="lab_submissions",
                                    to=settings.AUTH_USER_MODEL),
        ),
        migrations.RenameIndex("submission", new_name="lab_submiss_user_id_02fc6f_idx",
                               old_name="lab_attempt_user_id_10b7ea_idx"),
    ]
