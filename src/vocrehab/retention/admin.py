from django.contrib import admin

from .models import RetentionSchedule


@admin.register(RetentionSchedule)
class RetentionScheduleAdmin(admin.ModelAdmin):
    list_display = (
        "service",
        "closed_episode_years",
        "unassessed_referral_years",
        "cancer_years",
        "cancer_after_death_years",
    )
