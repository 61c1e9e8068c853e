from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.evaluation, name="evaluation"),
    path("download/", views.download, name="download"),
    path("benchmark/", views.benchmark, name="benchmark"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("data-quality/", views.data_quality, name="data_quality"),
    path(
        "data-quality/<int:service_id>/episodes/",
        views.data_quality_episodes,
        name="data_quality_episodes",
    ),
]
