from django.contrib import admin

from .models import ItemWording, MeasureSchedule


@admin.register(MeasureSchedule)
class MeasureScheduleAdmin(admin.ModelAdmin):
    list_display = ["service", "followup_months", "link_days", "send_to_clients"]
    list_select_related = ["service"]


@admin.register(ItemWording)
class ItemWordingAdmin(admin.ModelAdmin):
    list_display = ["instrument", "item", "language", "licence"]
    list_filter = ["instrument", "language"]
    search_fields = ["instrument", "item"]
