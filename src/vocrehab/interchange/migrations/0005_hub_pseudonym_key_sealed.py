"""A hub's pseudonym key is kept encrypted (vocrehab.fieldkeys), as its token is: the keys
stored in plain text until now are sealed as they are, so the pseudonyms a hub already
holds stay the same."""

from django.db import migrations

import vocrehab.interchange.models
from vocrehab.fieldkeys import SealedField, is_sealed, seal, unseal


def seal_keys(apps, schema_editor):
    Hub = apps.get_model("interchange", "Hub")
    for hub in Hub.objects.all().only("pk", "pseudonym_key_sealed"):
        if not is_sealed(hub.pseudonym_key_sealed):
            Hub.objects.filter(pk=hub.pk).update(
                pseudonym_key_sealed=seal(hub.pseudonym_key_sealed)
            )


def open_keys(apps, schema_editor):
    Hub = apps.get_model("interchange", "Hub")
    for hub in Hub.objects.all().only("pk", "pseudonym_key_sealed"):
        if is_sealed(hub.pseudonym_key_sealed):
            Hub.objects.filter(pk=hub.pk).update(
                pseudonym_key_sealed=unseal(hub.pseudonym_key_sealed)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("interchange", "0004_submission_managers_told"),
    ]

    operations = [
        migrations.RenameField(
            model_name="hub", old_name="pseudonym_key", new_name="pseudonym_key_sealed"
        ),
        migrations.AlterField(
            model_name="hub",
            name="pseudonym_key_sealed",
            field=SealedField(
                default=vocrehab.interchange.models._new_sealed_pseudonym_key,
                editable=False,
                verbose_name="pseudonym key (encrypted)",
            ),
        ),
        migrations.RunPython(seal_keys, open_keys, elidable=False),
    ]
