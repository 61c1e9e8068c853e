"""Stored copies of cost-benefit presets, and the costs services enter on screen.

A ``CostPreset`` row is one version of a preset's data (the same JSON as the shipped
files in ``presets/``). Rows are never changed once saved: editing makes a new row, a
new version of the same name or a copy under a new name, whose ``parent`` is the row
(or shipped preset) it came from. Reports name the preset and version they used.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cost_benefit import CostYear, StaffCost


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


class ServiceCostYear(models.Model):
    """What a service cost in one year of its cost-benefit period, entered on screen.

    Year 1 is the first year of the period analysed, as in a costs file. Overhead is a
    percentage added on top of the staff and non-staff costs.
    """

    service = models.ForeignKey(
        "accounts.Service", on_delete=models.CASCADE, related_name="cost_years"
    )
    year = models.PositiveSmallIntegerField(
        _("year of the period"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    label = models.CharField(
        _("label"), max_length=60, blank=True, help_text=_("For example 2025/26.")
    )
    non_staff = models.DecimalField(
        _("non-staff costs (£)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Rooms, travel, training, materials and the like, for the year."),
    )
    overhead_pct = models.DecimalField(
        _("overhead (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Added on top of staff and non-staff costs."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service", "year"]
        verbose_name = _("service cost year")
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="unique_service_cost_year")
        ]

    def __str__(self):
        return f"{self.service} year {self.year}"

    def cost_year(self) -> CostYear:
        """This year as the model's input (its total is the model's rule, not ours)."""
        return CostYear(
            year=self.year,
            staff=tuple(
                StaffCost(s.role, float(s.fte), float(s.annual_cost)) for s in self.staff.all()
            ),
            non_staff=float(self.non_staff),
            overhead_pct=float(self.overhead_pct),
            service=self.service.code,
            label=self.label,
        )


class ServiceStaffCost(models.Model):
    """One staff line of a cost year: a role, whole-time equivalents, the cost of one WTE."""

    cost_year = models.ForeignKey(ServiceCostYear, on_delete=models.CASCADE, related_name="staff")
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(_("role"), max_length=100)
    fte = models.DecimalField(
        _("whole-time equivalents"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    annual_cost = models.DecimalField(
        _("annual cost of one WTE (£)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["cost_year", "position", "pk"]
        verbose_name = _("staff cost")

    def __str__(self):
        return f"{self.role} × {self.fte}"
