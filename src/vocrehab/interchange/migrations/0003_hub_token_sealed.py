"""A hub's token is kept encrypted (vocrehab.fieldkeys): the tokens stored in plain text
until now are sealed, and only their public start is kept beside them for showing."""

from django.db import migrations, models

from vocrehab.fieldkeys import SealedField, is_sealed, seal, unseal


def seal_tokens(apps, schema_editor):
    Hub = apps.get_model("interchange", "Hub")
    for hub in Hub.objects.all().only("pk", "token_sealed"):
        plain = hub.token_sealed
        if is_sealed(plain):
            continue
        parts = plain.split("_")
        prefix = f"{parts[0]}_{parts[1]}"[:20] if len(parts) >= 3 else ""
        Hub.objects.filter(pk=hub.pk).update(token_sealed=seal(plain), token_prefix=prefix)


def open_tokens(apps, schema_editor):
    Hub = apps.get_model("interchange", "Hub")
    for hub in Hub.objects.all().only("pk", "token_sealed"):
        if is_sealed(hub.token_sealed):
            Hub.objects.filter(pk=hub.pk).update(token_sealed=unseal(hub.token_sealed))


class Migration(migrations.Migration):
    dependencies = [
        ("interchange", "0002_hubs_and_submissions"),
    ]

    operations = [
        migrations.RenameField(model_name="hub", old_name="token", new_name="token_sealed"),
        migrations.AlterField(
            model_name="hub",
            name="token_sealed",
            field=SealedField(editable=False, verbose_name="token (encrypted)"),
        ),
        migrations.AddField(
            model_name="hub",
            name="token_prefix",
            field=models.CharField(
                default="", editable=False, max_length=20, verbose_name="token's public start"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(seal_tokens, open_tokens, elidable=False),
    ]
