

from django.db import migrations


# The episode core moved out of casework (Episode, TierChange) and reports (WorkingDay)
# into the episodes app. Each model keeps its table (Meta.db_table), so this changes no
# table, column, index or row: existing databases upgrade in place.

class Migration(migrations.Migration):

    dependencies = [
        ('episodes', '0001_move_episode_core'),
        ('reports', '0002_questionnaire_scores'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's picture of the models changes.
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(
                    name='WorkingDay',
                ),
            ],
        ),
    ]
