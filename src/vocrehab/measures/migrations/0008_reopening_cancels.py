"""Re-opening an episode cancels its discharge and follow-up questionnaires not yet
completed, saying why, and withdraws their invitations, saying why; a later discharge
schedules fresh ones beside the cancelled ones, so the one-per-timepoint rule counts only
those not cancelled."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("measures", "0007_one_invitation_per_timepoint"),
    ]

    operations = [
        migrations.AddField(
            model_name="administration",
            name="cancelled_reason",
            field=models.CharField(blank=True, max_length=255, verbose_name="why cancelled"),
        ),
        migrations.AddField(
            model_name="questionnairelink",
            name="withdrawn_reason",
            field=models.CharField(blank=True, max_length=255, verbose_name="why withdrawn"),
        ),
        migrations.RemoveConstraint(
            model_name="administration",
            name="one_administration_per_timepoint",
        ),
        migrations.AddConstraint(
            model_name="administration",
            constraint=models.UniqueConstraint(
                condition=~models.Q(timepoint="ad_hoc") & ~models.Q(status="cancelled"),
                fields=("episode", "instrument", "timepoint"),
                name="one_administration_per_timepoint",
            ),
        ),
    ]
