

import django.db.models.deletion
from django.db import migrations, models


# The episode core moved out of casework (Episode, TierChange) and reports (WorkingDay)
# into the episodes app. Each model keeps its table (Meta.db_table), so this changes no
# table, column, index or row: existing databases upgrade in place.

class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0006_redundant_fk_indexes'),
        ('directory', '0002_episode_in_core'),
        ('episodes', '0001_move_episode_core'),
        ('measures', '0004_episode_in_core'),
        ('referrals', '0002_episode_in_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's picture of the models changes.
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='episode',
                    name='case_manager',
                ),
                migrations.RemoveField(
                    model_name='episode',
                    name='client',
                ),
                migrations.RemoveField(
                    model_name='episode',
                    name='previous_episode',
                ),
                migrations.RemoveField(
                    model_name='episode',
                    name='service',
                ),
                migrations.AlterField(
                    model_name='assessment',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessments', to='episodes.episode'),
                ),
                migrations.AlterField(
                    model_name='reminder',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='episodes.episode'),
                ),
                migrations.AlterField(
                    model_name='casenote',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notes', to='episodes.episode'),
                ),
                migrations.AlterField(
                    model_name='returnplan',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='return_plans', to='episodes.episode'),
                ),
                migrations.AlterField(
                    model_name='employer',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='employers', to='episodes.episode'),
                ),
                migrations.AlterField(
                    model_name='onwardreferral',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='onward', to='episodes.episode'),
                ),
                migrations.AlterField(
                    model_name='contact',
                    name='episode',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='episodes.episode'),
                ),
                migrations.RemoveField(
                    model_name='tierchange',
                    name='episode',
                ),
                migrations.AlterField(
                    model_name='episodedocument',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='episodes.episode'),
                ),
                migrations.AlterField(
                    model_name='signoff',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sign_offs', to='episodes.episode'),
                ),
                migrations.AlterField(
                    model_name='goal',
                    name='episode',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='goals', to='episodes.episode'),
                ),
                migrations.RemoveField(
                    model_name='tierchange',
                    name='changed_by',
                ),
                migrations.DeleteModel(
                    name='Episode',
                ),
                migrations.DeleteModel(
                    name='TierChange',
                ),
            ],
        ),
    ]
