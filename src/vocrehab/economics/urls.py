from django.urls import path

from . import views

app_name = "economics"

urlpatterns = [
    path("", views.analysis, name="analysis"),
    path("presets/", views.preset_list, name="preset_list"),
    path("presets/<slug:name>/<int:version>/", views.preset_detail, name="preset_detail"),
    path("presets/<slug:name>/<int:version>/copy/", views.preset_copy, name="preset_copy"),
]
