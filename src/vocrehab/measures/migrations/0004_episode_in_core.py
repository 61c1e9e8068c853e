

import django.db.models.deletion
from django.db import migrations, models


# Point at the episode now that it lives in the episode core; no table changes.

class Migration(migrations.Migration):

    dependencies = [
        ('episodes', '0001_move_episode_core'),
        ('measures', '0003_redundant_fk_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's picture of the models changes.
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='administration',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='administrations', to='episodes.episode'),
                ),
            ],
        ),
    ]
