from django.urls import path

from . import views

app_name = "economics"

urlpatterns = [
    path("", views.analysis, name="analysis"),
    path("presets/", views.preset_list, name="preset_list"),
    path("presets/<slug:name>/<int:version>/", views.preset_detail, name="preset_detail"),
    path("presets/<slug:name>/<int:version>/copy/", views.preset_copy, name="preset_copy"),
    path("costs/", views.cost_list, name="cost_list"),
    path("costs/<int:service_id>/add/", views.cost_year_edit, name="cost_year_add"),
    path("costs/<int:service_id>/<int:year>/", views.cost_year_edit, name="cost_year_edit"),
    path(
        "costs/<int:service_id>/<int:year>/delete/",
        views.cost_year_delete,
        name="cost_year_delete",
    ),
]
