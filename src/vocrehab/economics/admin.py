from django.contrib import admin

from .models import CostPreset


@admin.register(CostPreset)
class CostPresetAdmin(admin.ModelAdmin):
    """Read-only: a saved preset version is never changed (see ``models.CostPreset``)."""

    list_display = ("name", "version", "title", "created_by", "created_at")
    list_filter = ("name",)
    readonly_fields = [f.name for f in CostPreset._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
