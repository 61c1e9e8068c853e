"""Stored copies of cost-benefit presets.

A ``CostPreset`` row is one version of a preset's data (the same JSON as the shipped
files in ``presets/``). Rows are never changed once saved: editing makes a new row, a
new version of the same name or a copy under a new name, whose ``parent`` is the row
(or shipped preset) it came from. Reports name the preset and version they used.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CostPreset(models.Model):
    name = models.SlugField(_("name"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("copied from"),
    )
    parent_shipped = models.CharField(
        _("copied from shipped preset"),
        max_length=64,
        blank=True,
        help_text=_("The shipped preset this was copied from, when not from a stored one."),
    )
    parameters = models.JSONField(
        _("preset data"), help_text=_("Parameters with value, source, year and range.")
    )
    note = models.CharField(_("what changed and why"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("cost-benefit preset")
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="unique_preset_version")
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    def save(self, *args, **kwargs):
        # A report names the preset version it used, so a saved version must never change.
        if not self._state.adding:
            raise ValueError("A saved preset version cannot be changed; make a new version.")
        super().save(*args, **kwargs)
