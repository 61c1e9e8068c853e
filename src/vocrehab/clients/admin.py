from django.contrib import admin

from .models import PostcodeArea


@admin.register(PostcodeArea)
class PostcodeAreaAdmin(admin.ModelAdmin):
    list_display = ("postcode", "deprivation_index", "area_code", "rank", "decile", "sample")
    list_filter = ("deprivation_index", "sample")
    search_fields = ("postcode", "area_code")
