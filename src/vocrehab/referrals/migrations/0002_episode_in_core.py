

import django.db.models.deletion
from django.db import migrations, models


# Point at the episode now that it lives in the episode core; no table changes.

class Migration(migrations.Migration):

    dependencies = [
        ('episodes', '0001_move_episode_core'),
        ('referrals', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's picture of the models changes.
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='allocation',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='allocations', to='episodes.episode'),
                ),
                migrations.AlterField(
                    model_name='referral',
                    name='episode',
                    field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referral', to='episodes.episode'),
                ),
                migrations.AlterField(
                    model_name='referral',
                    name='merged_into',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged_referrals', to='episodes.episode', verbose_name='merged into'),
                ),
            ],
        ),
    ]
