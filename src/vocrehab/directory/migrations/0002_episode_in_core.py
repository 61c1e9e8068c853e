

import django.db.models.deletion
from django.db import migrations, models


# Point at the episode now that it lives in the episode core; no table changes.

class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0001_initial'),
        ('episodes', '0001_move_episode_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's picture of the models changes.
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='enrolment',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enrolments', to='episodes.episode'),
                ),
                migrations.AlterField(
                    model_name='inworksupport',
                    name='episode',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='in_work', to='episodes.episode'),
                ),
                migrations.AlterField(
                    model_name='materialgiven',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='material_given', to='episodes.episode'),
                ),
                migrations.AlterField(
                    model_name='precourseassessment',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pre_course_assessments', to='episodes.episode'),
                ),
            ],
        ),
    ]
