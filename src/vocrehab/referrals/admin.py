from django.contrib import admin

from .models import ServiceLevel


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ("service", "position", "name", "vrmds_tier")
    list_filter = ("service",)
    ordering = ("service", "position")
