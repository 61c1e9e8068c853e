

import django.db.models.deletion
from django.db import migrations, models


# QuestionnaireScores moved from reports to measures, which owns scoring. The table keeps
# its name (Meta.db_table), so no table, column or row changes: only Django's picture.

class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_workingday_in_core'),
        ('measures', '0004_episode_in_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's picture of the models changes.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='QuestionnaireScores',
                    fields=[
                        ('administration', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='scores', serialize=False, to='measures.administration')),
                        ('mobility', models.FloatField(null=True)),
                        ('self_care', models.FloatField(null=True)),
                        ('usual_activities', models.FloatField(null=True)),
                        ('pain_discomfort', models.FloatField(null=True)),
                        ('anxiety_depression', models.FloatField(null=True)),
                        ('vas', models.FloatField(null=True)),
                        ('hads_anxiety_sum', models.FloatField(null=True)),
                        ('hads_anxiety_items', models.IntegerField(default=0)),
                        ('hads_depression_sum', models.FloatField(null=True)),
                        ('hads_depression_items', models.IntegerField(default=0)),
                        ('hads_anxiety', models.FloatField(null=True)),
                        ('hads_depression', models.FloatField(null=True)),
                        ('copm_performance_problems', models.FloatField(null=True)),
                        ('copm_satisfaction_problems', models.FloatField(null=True)),
                        ('copm_performance', models.FloatField(null=True)),
                        ('copm_satisfaction', models.FloatField(null=True)),
                        ('working', models.FloatField(null=True)),
                        ('managing_condition', models.FloatField(null=True)),
                        ('work_impact', models.FloatField(null=True)),
                        ('gp_visits', models.FloatField(null=True)),
                        ('outpatient_visits', models.FloatField(null=True)),
                        ('hospital_stays', models.FloatField(null=True)),
                        ('satisfaction_overall', models.FloatField(null=True)),
                        ('satisfaction_helpful', models.FloatField(null=True)),
                        ('satisfaction_involved', models.FloatField(null=True)),
                        ('satisfaction_positive_impact', models.FloatField(null=True)),
                        ('satisfaction_recommend', models.FloatField(null=True)),
                        ('satisfaction_use_again', models.FloatField(null=True)),
                    ],
                    options={
                        'verbose_name': 'questionnaire scores',
                        'verbose_name_plural': 'questionnaire scores',
                        'db_table': 'reports_questionnairescores',
                    },
                ),
            ],
        ),
    ]
