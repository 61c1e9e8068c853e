"""A questionnaire link becomes an invitation: one link for every questionnaire due for
an episode at a timepoint. Each existing link stays valid as an invitation of one (its
id and nonce, hence its token and letter code, are unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


def links_become_invitations_of_one(apps, schema_editor):
    QuestionnaireLink = apps.get_model("measures", "QuestionnaireLink")
    for link in QuestionnaireLink.objects.select_related("administration").iterator():
        administration = link.administration
        QuestionnaireLink.objects.filter(pk=link.pk).update(
            episode_id=administration.episode_id, timepoint=administration.timepoint
        )
        link.administrations.add(administration)


def invitations_back_to_links(apps, schema_editor):
    QuestionnaireLink = apps.get_model("measures", "QuestionnaireLink")
    for link in QuestionnaireLink.objects.iterator():
        first = link.administrations.order_by("pk").first()
        if first is None:
            link.delete()
            continue
        QuestionnaireLink.objects.filter(pk=link.pk).update(administration_id=first.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("episodes", "0002_moved_content_types"),
        ("measures", "0006_open_instruments_scores"),
    ]

    operations = [
        migrations.AlterField(
            model_name="questionnairelink",
            name="administration",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="measures.administration",
            ),
        ),
        migrations.AddField(
            model_name="questionnairelink",
            name="episode",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="questionnaire_links",
                to="episodes.episode",
            ),
        ),
        migrations.AddField(
            model_name="questionnairelink",
            name="timepoint",
            field=models.CharField(
                choices=[
                    ("entry", "Entry"),
                    ("discharge", "Discharge"),
                    ("followup", "Follow-up"),
                    ("ad_hoc", "Ad hoc"),
                ],
                default="",
                max_length=10,
                verbose_name="timepoint",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="questionnairelink",
            name="administrations",
            field=models.ManyToManyField(related_name="links", to="measures.administration"),
        ),
        migrations.RunPython(links_become_invitations_of_one, invitations_back_to_links),
        migrations.RemoveField(model_name="questionnairelink", name="administration"),
        migrations.AlterField(
            model_name="questionnairelink",
            name="episode",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="questionnaire_links",
                to="episodes.episode",
            ),
        ),
        migrations.AlterModelOptions(
            name="questionnairelink",
            options={"ordering": ["-created_at", "-pk"], "verbose_name": "questionnaire invitation"},
        ),
    ]
