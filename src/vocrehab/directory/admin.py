from django.contrib import admin

from . import models


class CategoryInline(admin.TabularInline):
    model = models.DirectoryCategory
    extra = 0


class ConditionInline(admin.TabularInline):
    model = models.DirectoryCondition
    extra = 0


class CoverageInline(admin.TabularInline):
    model = models.DirectoryCoverage
    extra = 0


@admin.register(models.DirectoryService)
class DirectoryServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "reference", "organisation", "provider_type", "last_verified", "active")
    list_filter = ("provider_type", "active", "organisation")
    search_fields = ("name", "reference")
    inlines = [CategoryInline, ConditionInline, CoverageInline]


@admin.register(models.SelfHelpMaterial)
class SelfHelpMaterialAdmin(admin.ModelAdmin):
    list_display = ("title", "audience", "organisation", "active")
    list_filter = ("audience", "active")
    search_fields = ("title",)
    # Uploads go through the library page, which checks them; admin shows, never accepts.
    readonly_fields = ("file", "original_name", "content_type", "size")


@admin.register(models.Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("title", "service", "topic", "sessions", "delivery", "active")
    list_filter = ("topic", "delivery", "active")


@admin.register(models.InWorkSchedule)
class InWorkScheduleAdmin(admin.ModelAdmin):
    list_display = ("service", "weeks", "three_way_weeks")
