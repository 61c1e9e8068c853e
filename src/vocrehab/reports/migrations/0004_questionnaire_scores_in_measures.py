

from django.db import migrations


# QuestionnaireScores moved from reports to measures, which owns scoring. The table keeps
# its name (Meta.db_table), so no table, column or row changes: only Django's picture.
# Its content type row is relabelled, not replaced, so permissions stay attached.


def relabel(apps, schema_editor, source="reports", target="measures"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = ContentType.objects.using(schema_editor.connection.alias)
    if not rows.filter(app_label=target, model="questionnairescores").exists():
        rows.filter(app_label=source, model="questionnairescores").update(app_label=target)


def relabel_back(apps, schema_editor):
    relabel(apps, schema_editor, source="measures", target="reports")

class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('measures', '0005_questionnaire_scores_in_measures'),
        ('reports', '0003_workingday_in_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only Django's picture of the models changes.
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(
                    name='QuestionnaireScores',
                ),
            ],
        ),
        migrations.RunPython(relabel, relabel_back),
    ]
