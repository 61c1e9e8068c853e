"""``vocrehab fieldkeys``: the keys that encrypt the secrets kept in the database.

``new`` prints a new key; ``check`` opens every stored secret with the configured keys
and says how many open; ``rotate`` seals every stored secret again under the first key of
``VOCREHAB_FIELD_KEYS`` (after which the older keys can be removed). Secrets are never
printed. See docs/administration.md, "Keys for secrets kept in the database".
"""

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from vocrehab import fieldkeys


def sealed_columns():
    """(model, field name) of every column that holds a sealed value."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, fieldkeys.SealedField):
                yield model, field.name


class Command(BaseCommand):
    group = "operations"
    help = (
        "Make a new key for the secrets kept in the database, check that every secret "
        "opens, or encrypt them all again under the newest key."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["new", "check", "rotate"])

    def handle(self, *args, action, **options):
        if action == "new":
            self.stdout.write(fieldkeys.new_key())
            return
        problems = fieldkeys.key_problems()
        if problems:
            raise CommandError(" ".join(problems))
        try:
            if action == "check":
                opened, unreadable = self._check()
            else:
                opened, unreadable = self._rotate()
        except ImproperlyConfigured as problem:
            raise CommandError(str(problem)) from None
        if not fieldkeys.configured_keys():
            self.stdout.write(
                "VOCREHAB_FIELD_KEYS is not set: the key derived from SECRET_KEY is in use "
                "(for development only)."
            )
        done = "sealed again under the newest key" if action == "rotate" else "open"
        self.stdout.write(f"{opened} stored secrets {done}.")
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} stored secrets cannot be opened with these keys: "
                + ", ".join(unreadable)
                + ". Add back the key they were kept with. A hub's token can instead be "
                "entered again (add the hub again with its token); its pseudonym key cannot: "
                "without the key, add the hub under a new name, and the hub sees the "
                "service's clients afresh."
            )

    def _check(self):
        opened, unreadable = 0, []
        for model, name in sealed_columns():
            for pk, value in model.objects.values_list("pk", name).order_by("pk"):
                if not value:
                    continue
                try:
                    fieldkeys.unseal(value)
                except fieldkeys.Unreadable:
                    unreadable.append(f"{model._meta.label_lower} {pk} {name}")
                else:
                    opened += 1
        return opened, unreadable

    @transaction.atomic
    def _rotate(self):
        opened, unreadable = 0, []
        for model, name in sealed_columns():
            rows = model.objects.select_for_update().values_list("pk", name).order_by("pk")
            for pk, value in rows:
                if not value:
                    continue
                try:
                    again = (
                        fieldkeys.reseal(value)
                        if fieldkeys.is_sealed(value)
                        else fieldkeys.seal(value)
                    )
                except fieldkeys.Unreadable:
                    unreadable.append(f"{model._meta.label_lower} {pk} {name}")
                    continue
                model.objects.filter(pk=pk).update(**{name: again})
                opened += 1
        return opened, unreadable
