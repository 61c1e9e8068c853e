"""Give the moved models' content types their new app label.

The change history (django-auditlog) and permissions point at content type rows by id.
Relabelling the rows, instead of letting Django create new ones, keeps every logged
change and every granted permission attached to the model it was about.
"""

from django.db import migrations

MOVED = [
    # (old app label, model, new app label)
    ("casework", "episode", "episodes"),
    ("casework", "tierchange", "episodes"),
    ("reports", "workingday", "episodes"),
]


def relabel(apps, schema_editor, *, forwards: bool):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for old, model, new in MOVED:
        source, target = (old, new) if forwards else (new, old)
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            continue  # already there (created by hand, or relabelled before)
        ContentType.objects.using(db).filter(app_label=source, model=model).update(
            app_label=target
        )


def forwards(apps, schema_editor):
    relabel(apps, schema_editor, forwards=True)


def backwards(apps, schema_editor):
    relabel(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("episodes", "0001_move_episode_core"),
        ("casework", "0007_episode_in_core"),
        ("reports", "0003_workingday_in_core"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
